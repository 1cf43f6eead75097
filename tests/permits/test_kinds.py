"""What each kind does to the permit when it completes: change, re-issue, extension."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.cases.workflow import Kind, Status
from onewindow.permits.models import Permit
from tests.factories import World

pytestmark = pytest.mark.django_db


def test_it_applies_a_new_passport_at_the_visit_and_keeps_the_number(world: World) -> None:
    person = world.person()
    first = world.application(person=person, stage="completed")
    old = Permit.objects.get(application=first)
    today = timezone.localdate()
    details = {
        "items": ["passport"],
        "change_date": today.isoformat(),
        "new_passport_number": "NEW123456",
        "new_passport_expiry": (today + dt.timedelta(days=3650)).isoformat(),
    }
    change = world.application(person=person, kind=Kind.CHANGE, details=details, stage="completed")
    assert change.needs_residence_permit  # a new passport changes the residence permit too
    person.refresh_from_db()
    assert person.passport_number == "NEW123456"
    new = Permit.objects.get(application=change)
    old.refresh_from_db()
    assert (new.number, new.status, old.status) == (
        old.number,
        Permit.Status.ACTIVE,
        Permit.Status.SUPERSEDED,
    )


def test_it_records_a_new_category_on_the_new_issuance(world: World) -> None:
    person = world.person()
    world.application(person=person, stage="completed")
    details = {"items": ["category"], "change_date": timezone.localdate().isoformat(), "new_category": "A"}
    change = world.application(person=person, kind=Kind.CHANGE, details=details, stage="completed")
    assert Permit.objects.get(application=change).category == "A"


def test_it_reissues_the_electronic_permit_online_without_a_visit(world: World) -> None:
    person = world.person()
    first = world.application(person=person, stage="completed")
    reissue = world.application(person=person, kind=Kind.REISSUE, stage="approved")
    assert reissue.status == Status.COMPLETED
    assert not reissue.original_checks.exists()
    new = Permit.objects.get(application=reissue)
    assert new.number == Permit.objects.get(application=first).number
    assert Permit.objects.filter(person=person, status=Permit.Status.ACTIVE).get() == new
