"""Permit numbers: 18 characters with an ISO 7064 MOD 11-2 check, one per person for life."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from onewindow.cases.workflow import Kind, Status
from onewindow.permits.actions import allocate_permit_number
from onewindow.permits.models import Permit, PermitNumber
from onewindow.permits.numbers import format_number, is_valid_number
from tests.factories import World


@given(st.integers(min_value=2017, max_value=2099), st.integers(min_value=1, max_value=9_999_999))
def test_it_formats_numbers_that_carry_a_valid_check_character(year: int, serial: int) -> None:
    number = format_number("440300", year, serial)
    assert len(number) == 18
    assert is_valid_number(number)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert not is_valid_number(wrong)


def test_it_refuses_a_bad_division_code_or_serial() -> None:
    with pytest.raises(ValueError):
        format_number("4403", 2026, 1)
    with pytest.raises(ValueError):
        format_number("440300", 2026, 0)


@pytest.mark.django_db
def test_it_issues_a_permit_with_a_number_and_completes_the_case(world: World) -> None:
    application = world.application(stage="completed")
    assert application.status == Status.COMPLETED
    permit = Permit.objects.get(application=application)
    assert is_valid_number(permit.number.number)
    assert permit.number.number.startswith("440300")
    assert application.residence_permit.number == "RP12345678"


@pytest.mark.django_db
def test_it_keeps_the_number_for_life_across_issuances(world: World) -> None:
    person = world.person()
    first = world.application(person=person, stage="completed")
    permit = Permit.objects.get(application=first)
    # Extensions are filed 30 to 90 days before expiry.
    with time_machine.travel(permit.valid_until - dt.timedelta(days=60)):
        second = world.application(
            person=person,
            kind=Kind.EXTENSION,
            stage="completed",
            work_end=permit.valid_until + dt.timedelta(days=365),
        )
    old, new = Permit.objects.get(application=first), Permit.objects.get(application=second)
    assert old.number == new.number
    old.refresh_from_db()
    assert old.status == Permit.Status.SUPERSEDED
    assert old.superseded_by == new
    assert Permit.objects.filter(person=person, status=Permit.Status.ACTIVE).get() == new


@pytest.mark.django_db
def test_it_reuses_the_existing_number(world: World) -> None:
    person = world.person()
    first = allocate_permit_number(person, division_code="440300", year=2026)
    again = allocate_permit_number(person, division_code="440300", year=2027)
    assert first == again


@pytest.mark.django_db
def test_it_makes_a_second_number_for_a_person_impossible_in_the_database(world: World) -> None:
    person = world.person()
    allocate_permit_number(person, division_code="440300", year=2026)
    with pytest.raises(IntegrityError):
        PermitNumber.objects.create(
            person=person, number=format_number("440300", 2026, 99), allocated_at=person.created_at
        )
