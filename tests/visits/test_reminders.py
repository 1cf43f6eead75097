"""Appointment notices and the reminder the day before, through the notifications outbox."""

from __future__ import annotations

import pytest
import time_machine

from onewindow.accounts.models import User
from onewindow.audit.chain import seal_pending
from onewindow.cases.models import Application
from onewindow.notifications.models import Email, Message
from onewindow.notifications.recipes import on_event
from onewindow.notifications.reminders import send_appointment_reminders
from onewindow.notifications.stream import consume
from onewindow.visits.actions import do_book_appointment, do_cancel_appointment, do_reschedule_appointment
from tests.factories import World
from tests.visits.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_case(stations: World) -> Application:
    # Bob reads OneWindow in Chinese.
    User.objects.filter(pk=stations.bob.pk).update(language="zh-hans")
    return stations.application(person=stations.people["bob"], stage="approved")


def drain() -> None:
    seal_pending()
    consume("notifications", on_event)


def test_it_tells_the_applicants_of_a_booking(stations: World, bobs_case: Application) -> None:
    drain()
    do_book_appointment(bobs_case, actor=stations.alice, starts_at=at("2026-12-31", "09:30"))
    drain()
    subject = f"Appointment for {bobs_case.reference} booked"
    message = Message.objects.get(recipient=stations.alice, subject=subject)
    assert "2026-12-31 09:30" in message.body and "Zhaoshang station" in message.body
    assert (
        Email.objects.get(
            to=stations.bob.email, subject__contains=bobs_case.reference, body__contains="2026-12-31 09:30"
        ).language
        == "zh-hans"
    )


def test_it_reminds_the_day_before_once_in_each_language(
    stations: World, bobs_case: Application, clock: time_machine.Traveller
) -> None:
    do_book_appointment(bobs_case, actor=stations.alice, starts_at=at("2026-12-31", "09:30"))
    clock.move_to(at("2026-12-29", "18:00"))
    assert send_appointment_reminders(at("2026-12-29", "18:00").date()) == 0  # two days before: not yet
    assert send_appointment_reminders(at("2026-12-30", "18:00").date()) == 2  # alice and bob
    assert send_appointment_reminders(at("2026-12-30", "18:00").date()) == 2  # delivered again: still once
    # Each in the recipient's language: bob's subject is Chinese.
    reminders = Email.objects.filter(subject__contains="2026-12-31 09:30")
    assert {(e.to, e.language) for e in reminders} == {
        (stations.alice.email, "en"),
        (stations.bob.email, "zh-hans"),
    }
    assert Message.objects.filter(subject="Reminder: your visit on 2026-12-31 09:30").count() == 1
    assert Message.objects.filter(subject="提醒：您将于2026-12-31 09:30到场办理").count() == 1


def test_it_reminds_a_moved_appointment_again_and_a_cancelled_one_not_at_all(
    stations: World, bobs_case: Application
) -> None:
    appointment = do_book_appointment(bobs_case, actor=stations.alice, starts_at=at("2026-12-31", "09:30"))
    send_appointment_reminders(at("2026-12-30", "18:00").date())
    do_reschedule_appointment(appointment, actor=stations.alice, starts_at=at("2026-12-31", "14:00"))
    send_appointment_reminders(at("2026-12-30", "18:00").date())
    assert Message.objects.filter(recipient=stations.alice, subject__startswith="Reminder").count() == 2
    do_cancel_appointment(appointment, actor=stations.alice)
    Message.objects.all().delete()
    assert send_appointment_reminders(at("2026-12-30", "18:00").date()) == 0
