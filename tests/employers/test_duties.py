"""Employers' reporting duties: a change or a departure is reported within 10 working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.cases.actions import do_transition
from onewindow.cases.workflow import Action, Kind
from onewindow.employers.actions import do_record_duty
from onewindow.employers.models import ReportingDuty
from onewindow.employers.reminders import send_duty_reminders
from onewindow.employers.selectors import duties_of
from onewindow.notifications.models import Email, Message
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]

# A quiet fortnight of 2026: Monday 9 March to Friday 20 March, no holiday, no make-up day.
MONDAY = dt.date(2026, 3, 9)


def record(
    world: World, *, kind: str = "departure", on: dt.date = MONDAY, person: object = None
) -> ReportingDuty:
    return do_record_duty(
        employer=world.employers["robotics"],
        person=person or world.people["bob"],  # type: ignore[arg-type]
        kind=kind,
        happened_on=on,
        note="Contract ended.",
        actor=world.alice,
    )


@time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC))
def test_it_makes_the_duty_due_10_working_days_after_the_event(world: World) -> None:
    duty = record(world)
    [row] = duties_of(world.employers["robotics"], today=timezone.localdate())
    assert row.duty == duty
    assert row.due_on == dt.date(2026, 3, 23)  # two weekends later
    assert row.state == "open"
    assert row.working_days_left == 9
    assert duty.application_kind == "cancellation"
    assert Event.objects.filter(action="employer.duty_recorded", object_id=str(duty.pk)).exists()


def test_it_skips_official_holidays_in_the_due_date(world: World) -> None:
    # 30 September 2026: the National Day holidays (1-7 October) lie within the ten working days.
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)):
        record(world, on=dt.date(2026, 9, 30))
        [row] = duties_of(world.employers["robotics"], today=timezone.localdate())
    assert row.due_on > dt.date(2026, 10, 14)


def test_it_flags_an_overdue_duty(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)):
        record(world)
    [row] = duties_of(world.employers["robotics"], today=dt.date(2026, 3, 24))
    assert row.state == "overdue"
    assert row.working_days_left == -1


def test_it_closes_the_duty_when_the_cancellation_is_filed(world: World) -> None:
    person = world.person()
    world.application(person=person, stage="completed")
    today = timezone.localdate()
    duty = record(world, person=person, on=today)
    assert ReportingDuty.objects.open().filter(pk=duty.pk).exists()
    cancellation = world.application(
        person=person,
        kind=Kind.CANCELLATION,
        details={"employment_end_date": today.isoformat(), "reason": "contract_ended"},
    )
    # A draft is not a report: the duty stays open until the application is submitted.
    assert ReportingDuty.objects.open().filter(pk=duty.pk).exists()
    do_transition(cancellation, actor=world.alice, action=Action.SUBMIT)
    assert not ReportingDuty.objects.open().filter(pk=duty.pk).exists()
    [row] = duties_of(world.employers["robotics"], today=today)
    assert row.state == "filed"
    assert row.filing == cancellation


def test_it_is_not_closed_by_an_application_of_another_kind(world: World) -> None:
    duty = record(world, kind="change", on=timezone.localdate())
    world.application(person=world.people["bob"], stage="submitted")
    assert ReportingDuty.objects.open().filter(pk=duty.pk).exists()


def test_it_refuses_an_event_in_the_future_and_a_person_not_on_the_staff(world: World) -> None:
    with pytest.raises(ValidationError) as future:
        record(world, on=timezone.localdate() + dt.timedelta(days=1))
    assert "happened_on" in future.value.message_dict
    stranger = world.person("lab")
    with pytest.raises(ValidationError) as other:
        record(world, person=stranger, on=timezone.localdate())
    assert "person" in other.value.message_dict
    with pytest.raises(ValidationError):
        record(world, kind="holiday", on=timezone.localdate())


def test_it_records_the_same_event_once(world: World) -> None:
    today = timezone.localdate()
    assert record(world, on=today) == record(world, on=today)
    assert ReportingDuty.objects.count() == 1


def test_it_reminds_before_the_due_date_and_once_more_when_overdue(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)):
        record(world)
    inbox = Message.objects.filter(recipient=world.alice)
    received = {}
    for day in (11, 17, 18, 19, 20, 23, 24, 25):
        send_duty_reminders(dt.date(2026, 3, day))
        received[day] = inbox.count()
    # Due Monday 23 March; a reminder from 3 working days before (Wednesday 18), then one when overdue.
    assert received == {11: 0, 17: 0, 18: 1, 19: 1, 20: 1, 23: 1, 24: 2, 25: 2}
    subjects = list(Message.objects.filter(recipient=world.alice).values_list("subject", flat=True))
    assert subjects == ["Overdue: report for MILLER, Bob", "Report for MILLER, Bob due by 2026-03-23"]
    assert Email.objects.filter(to="alice@example.org").count() == 2
    # Only the employer's HR users are told, not the employee.
    assert not Message.objects.filter(recipient=world.bob).exists()


def test_it_sends_no_reminder_for_a_filed_duty(world: World) -> None:
    person = world.person()
    world.application(person=person, stage="completed")
    today = timezone.localdate()
    record(world, person=person, on=today)
    world.application(
        person=person,
        kind=Kind.CANCELLATION,
        stage="submitted",
        details={"employment_end_date": today.isoformat(), "reason": "contract_ended"},
    )
    assert send_duty_reminders(today + dt.timedelta(days=30)) == 0


# --- Pages ---------------------------------------------------------------------------------------


def test_it_records_a_departure_from_the_dashboard_and_lists_it_with_its_due_date(
    world: World, sign_in: SignIn
) -> None:
    client = sign_in(world.alice)
    employer = world.employers["robotics"]
    url = reverse("employers:record_duty", kwargs={"pk": employer.pk})
    form = client.get(url).content.decode()
    assert "MILLER, Bob" in form
    today = timezone.localdate()
    response = client.post(
        url,
        {"person": world.people["bob"].pk, "kind": "departure", "happened_on": today.isoformat(), "note": ""},
    )
    assert response.status_code == 302
    page = client.get(reverse("employers:detail", kwargs={"pk": employer.pk})).content.decode()
    duty = ReportingDuty.objects.get()
    assert f'data-duty="{duty.pk}" data-state="open"' in page
    assert "File the cancellation" in page
    link = f"{reverse('cases:create', kwargs={'person_id': world.people['bob'].pk})}?kind=cancellation"
    assert f"{link}&amp;employment_end_date={today:%Y-%m-%d}" in page
    # The application's form opens with the date of the event filled in.
    form = client.get(f"{link}&employment_end_date={today:%Y-%m-%d}").content.decode()
    assert f'name="employment_end_date" value="{today:%Y-%m-%d}"' in form


def test_it_refuses_a_future_date_on_the_form(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.alice)
    url = reverse("employers:record_duty", kwargs={"pk": world.employers["robotics"].pk})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"person": world.people["bob"].pk, "kind": "change", "happened_on": tomorrow})
    assert response.status_code == 200
    assert "Record an event once it has happened." in response.content.decode()
    assert not ReportingDuty.objects.exists()


def test_it_offers_only_the_employers_own_staff(world: World, sign_in: SignIn) -> None:
    stranger = world.person("lab")
    client = sign_in(world.alice)
    url = reverse("employers:record_duty", kwargs={"pk": world.employers["robotics"].pk})
    response = client.post(
        url, {"person": stranger.pk, "kind": "change", "happened_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 200
    assert not ReportingDuty.objects.exists()
    assert sign_in(world.olga).get(url).status_code == 404
    assert sign_in(world.carol).get(url).status_code == 404
