"""Booking, rescheduling and cancelling the visit: the rules, the audit trail, the constraints."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from onewindow.audit.models import Event
from onewindow.cases.actions import do_record_decision, do_record_entry
from onewindow.cases.models import Application, Authority, Decision
from onewindow.cases.workflow import Kind, Status
from onewindow.offices.actions import do_set_windows
from onewindow.visits.actions import (
    do_book_appointment,
    do_cancel_appointment,
    do_reschedule_appointment,
    visit_due,
)
from onewindow.visits.models import Appointment
from tests.factories import World
from tests.visits.conftest import at

pytestmark = pytest.mark.django_db


def test_it_books_the_first_free_place_and_records_it(stations: World, due: Application) -> None:
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:30"))
    assert (appointment.office, appointment.seat, appointment.status) == (
        stations.offices["zhaoshang"],
        1,
        Appointment.Status.BOOKED,
    )
    assert appointment.ends_at == at("2026-12-31", "10:00")
    event = Event.objects.get(action="visit.book")
    assert event.application_id == due.pk
    assert event.actor == stations.alice
    assert event.data["when"] == "2026-12-31 09:30"


def test_it_lets_the_person_book_too(stations: World) -> None:
    application = stations.application(person=stations.people["bob"], stage="approved")
    appointment = do_book_appointment(application, actor=stations.bob, starts_at=at("2026-12-31", "09:30"))
    assert appointment.booked_by == stations.bob


def test_it_gives_the_next_place_of_a_slot_and_refuses_a_full_one(stations: World) -> None:
    slot = at("2026-12-31", "11:00")
    first, second, third = (stations.application(stage="approved") for _ in range(3))
    assert do_book_appointment(first, actor=stations.alice, starts_at=slot).seat == 1
    assert do_book_appointment(second, actor=stations.alice, starts_at=slot).seat == 2
    with pytest.raises(ValidationError, match="This slot is full"):
        do_book_appointment(third, actor=stations.alice, starts_at=slot)
    assert not Appointment.objects.filter(application=third).exists()


@pytest.mark.parametrize(
    ("day", "hhmm", "message"),
    [
        ("2026-12-30", "09:00", "in the past"),
        ("2027-01-01", "10:00", "not a working day"),
        ("2027-01-03", "10:00", "not a working day"),
        ("2026-12-31", "13:00", "within its opening hours"),
        ("2026-12-31", "18:00", "within its opening hours"),
    ],
)
def test_it_refuses_a_time_with_a_clear_message(
    stations: World, due: Application, day: str, hhmm: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        do_book_appointment(due, actor=stations.alice, starts_at=at(day, hhmm))
    assert not Appointment.objects.exists()
    assert not Event.objects.filter(action="visit.book").exists()


@pytest.mark.parametrize("stage", ["submitted", "in_review", "completed"])
def test_it_refuses_a_case_not_due_for_its_visit(stations: World, stage: str) -> None:
    application = stations.application(stage=stage)
    assert not visit_due(application)
    with pytest.raises(ValidationError, match="both decisions"):
        do_book_appointment(application, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))


def test_it_waits_for_a_letter_holder_to_enter_china_and_the_residence_decision(stations: World) -> None:
    letter = stations.application(kind=Kind.NOTIFICATION_LETTER, stage="in_review")
    decide = {
        "reason_codes": ["criteria_met"],
        "valid_from": letter.work_start,
        "valid_until": letter.work_end,
    }
    letter = do_record_decision(
        letter,
        actor=stations.dave,
        authority=Authority.WORK_PERMIT,
        outcome=Decision.Outcome.APPROVED,
        **decide,
    )
    assert letter.status == Status.APPROVED and not visit_due(letter)
    letter = do_record_entry(letter, actor=stations.alice, entry_date=timezone.localdate())
    assert letter.status == Status.ENTERED and not visit_due(letter)
    letter = do_record_decision(
        letter,
        actor=stations.erin,
        authority=Authority.RESIDENCE_PERMIT,
        outcome=Decision.Outcome.APPROVED,
        fee_cny=800,
        **{**decide, "reason_codes": ["residence_granted"]},
    )
    assert visit_due(letter)


def test_it_lets_only_the_applicant_book(stations: World, due: Application) -> None:
    for officer in (stations.carol, stations.frank):
        with pytest.raises(ValidationError, match="Only the applicant"):
            do_book_appointment(due, actor=officer, starts_at=at("2026-12-31", "09:00"))
    with pytest.raises(ValidationError, match="Only the applicant"):
        do_book_appointment(due, actor=stations.olga, starts_at=at("2026-12-31", "09:00"))


def test_it_keeps_one_booked_appointment_per_case(stations: World, due: Application) -> None:
    do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))
    with pytest.raises(ValidationError, match="already has an appointment"):
        do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "10:00"))


def test_it_reschedules_and_frees_the_old_place(stations: World, due: Application) -> None:
    do_set_windows(stations.offices["zhaoshang"], actor=None, count=1)
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))
    moved = do_reschedule_appointment(appointment, actor=stations.alice, starts_at=at("2027-01-04", "14:00"))
    assert (moved.pk, moved.starts_at, moved.rescheduled_count, moved.version) == (
        appointment.pk,
        at("2027-01-04", "14:00"),
        1,
        2,
    )
    event = Event.objects.get(action="visit.reschedule")
    assert event.data["old"].startswith("2026-12-31T09:00")
    assert event.data["when"] == "2027-01-04 14:00"
    # The old time is free again for another case.
    other = stations.application(stage="approved")
    assert do_book_appointment(other, actor=stations.alice, starts_at=at("2026-12-31", "09:00")).seat == 1


def test_it_refuses_to_reschedule_into_a_full_slot_or_the_same_time(
    stations: World, due: Application
) -> None:
    do_set_windows(stations.offices["zhaoshang"], actor=None, count=1)
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))
    other = stations.application(stage="approved")
    do_book_appointment(other, actor=stations.alice, starts_at=at("2026-12-31", "10:00"))
    with pytest.raises(ValidationError, match="full"):
        do_reschedule_appointment(appointment, actor=stations.alice, starts_at=at("2026-12-31", "10:00"))
    with pytest.raises(ValidationError, match="already at this time"):
        do_reschedule_appointment(appointment, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))
    with pytest.raises(ValidationError, match="not a working day"):
        do_reschedule_appointment(appointment, actor=stations.alice, starts_at=at("2027-01-01", "09:00"))
    appointment.refresh_from_db()
    assert appointment.starts_at == at("2026-12-31", "09:00")


def test_it_refuses_a_stale_version(stations: World, due: Application) -> None:
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))
    with pytest.raises(ValidationError, match="changed meanwhile"):
        do_reschedule_appointment(
            appointment, actor=stations.alice, starts_at=at("2026-12-31", "10:00"), expected_version=7
        )


def test_it_cancels_and_frees_the_place(stations: World, due: Application) -> None:
    do_set_windows(stations.offices["zhaoshang"], actor=None, count=1)
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))
    cancelled = do_cancel_appointment(appointment, actor=stations.alice)
    assert cancelled.status == Appointment.Status.CANCELLED
    assert cancelled.cancelled_at is not None
    assert Event.objects.filter(action="visit.cancel", application=due).exists()
    with pytest.raises(ValidationError, match="no longer booked"):
        do_reschedule_appointment(cancelled, actor=stations.alice, starts_at=at("2026-12-31", "10:00"))
    # The case may book again, and the freed place is taken by whoever comes first.
    again = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))
    assert again.pk != appointment.pk and again.seat == 1


def test_the_database_refuses_a_double_booking(stations: World, due: Application) -> None:
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))
    other = stations.application(stage="approved")
    twin = Appointment(
        application=other,
        office=appointment.office,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        seat=appointment.seat,
        booked_by=stations.alice,
        booked_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_database_refuses_two_booked_appointments_for_one_case(stations: World, due: Application) -> None:
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:00"))
    second = Appointment(
        application=due,
        office=appointment.office,
        starts_at=at("2026-12-31", "10:00"),
        ends_at=at("2026-12-31", "10:30"),
        seat=1,
        booked_by=stations.alice,
        booked_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
