"""The window queue: tickets numbered per station and day, called to a window, times recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.cases.models import Application
from onewindow.offices.models import ServiceWindow
from onewindow.visits import selectors
from onewindow.visits.actions import (
    do_book_appointment,
    do_call_ticket,
    do_check_in,
    do_finish_ticket,
    do_issue_ticket,
)
from onewindow.visits.models import Appointment, Ticket
from tests.factories import World
from tests.visits.conftest import at

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]


def window(world: World, code: str = "zhaoshang", number: int = 1) -> ServiceWindow:
    return ServiceWindow.objects.get(office=world.offices[code], number=number)


def test_it_numbers_tickets_per_station_and_day(stations: World, clock: time_machine.Traveller) -> None:
    zhaoshang, lianhua = stations.offices["zhaoshang"], stations.offices["lianhua"]
    first = do_issue_ticket(zhaoshang, actor=stations.carol)
    second = do_issue_ticket(zhaoshang, actor=stations.carol)
    elsewhere = do_issue_ticket(lianhua, actor=stations.cora)
    assert [first.label, second.label, elsewhere.label] == ["W001", "W002", "W001"]
    clock.move_to(at("2026-12-31", "09:00"))
    assert do_issue_ticket(zhaoshang, actor=stations.carol).label == "W001"
    assert Event.objects.filter(action="visit.ticket").count() == 4


def test_it_lets_only_the_stations_officers_issue(stations: World, due: Application) -> None:
    with pytest.raises(ValidationError, match="window officer of this station"):
        do_issue_ticket(stations.offices["zhaoshang"], actor=stations.cora)
    with pytest.raises(ValidationError, match="another station"):
        do_issue_ticket(stations.offices["lianhua"], actor=stations.cora, application=due)


def test_it_checks_in_todays_appointment(
    stations: World, due: Application, clock: time_machine.Traveller
) -> None:
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:30"))
    with pytest.raises(ValidationError, match="not for today"):
        do_check_in(appointment, actor=stations.carol)
    clock.move_to(at("2026-12-31", "09:10"))
    ticket = do_check_in(appointment, actor=stations.carol)
    assert (ticket.label, ticket.application, ticket.appointment) == ("A001", due, appointment)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN
    # The place stays taken; the case may book a later visit if needed.
    assert not Appointment.objects.booked().exists()


def test_it_records_waiting_and_service_times(stations: World, clock: time_machine.Traveller) -> None:
    ticket = do_issue_ticket(stations.offices["zhaoshang"], actor=stations.carol)
    clock.shift(dt.timedelta(minutes=12))
    ticket = do_call_ticket(ticket, actor=stations.carol, window=window(stations, number=2))
    assert (ticket.status, ticket.window.number, ticket.called_by) == (
        Ticket.Status.CALLED,
        2,
        stations.carol,
    )
    clock.shift(dt.timedelta(minutes=5))
    ticket = do_finish_ticket(ticket, actor=stations.carol)
    assert ticket.status == Ticket.Status.FINISHED
    assert ticket.waiting_time is not None and dt.timedelta(minutes=12) <= ticket.waiting_time < dt.timedelta(
        minutes=13
    )
    assert ticket.service_time is not None and dt.timedelta(minutes=5) <= ticket.service_time < dt.timedelta(
        minutes=6
    )
    times = selectors.queue_times(stations.offices["zhaoshang"], ticket.day)
    assert times.tickets == 1
    assert times.average_wait is not None and times.average_wait >= dt.timedelta(minutes=12)


def test_it_refuses_calling_twice_or_to_another_stations_window(stations: World) -> None:
    ticket = do_issue_ticket(stations.offices["zhaoshang"], actor=stations.carol)
    with pytest.raises(ValidationError, match="open window of this station"):
        do_call_ticket(ticket, actor=stations.carol, window=window(stations, "lianhua"))
    do_call_ticket(ticket, actor=stations.carol, window=window(stations))
    with pytest.raises(ValidationError, match="Called to a window"):
        do_call_ticket(ticket, actor=stations.carol, window=window(stations))


def test_it_records_a_no_show(stations: World) -> None:
    ticket = do_issue_ticket(stations.offices["zhaoshang"], actor=stations.carol)
    do_call_ticket(ticket, actor=stations.carol, window=window(stations))
    assert do_finish_ticket(ticket, actor=stations.carol, no_show=True).status == Ticket.Status.NO_SHOW


def test_the_queue_page_issues_calls_and_refreshes(
    stations: World, due: Application, sign_in: SignIn, django_assert_max_num_queries: Callable
) -> None:
    client = sign_in(stations.carol)
    office = stations.offices["zhaoshang"]
    queue = reverse("visits:queue", kwargs={"office_id": office.pk})
    assert client.get(reverse("visits:my_queue")).url == queue
    response = client.post(
        reverse("visits:walk_in", kwargs={"office_id": office.pk}), {"reference": due.reference}
    )
    assert response.url == queue
    ticket = Ticket.objects.get()
    assert ticket.application == due
    client.post(reverse("visits:call", kwargs={"pk": ticket.pk}), {"window": window(stations).pk})
    for _ in range(3):
        do_issue_ticket(office, actor=stations.carol)
    with django_assert_max_num_queries(25):
        partial = client.get(queue, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html
    assert "W001" in html and "W004" in html
    assert 'data-action="start-visit"' in html
    full = client.get(queue).content.decode()
    assert f'hx-get="{queue}"' in full and 'hx-target="#queue"' in full


def test_it_refuses_a_walk_in_for_an_unknown_case(stations: World, sign_in: SignIn) -> None:
    office = stations.offices["zhaoshang"]
    response = sign_in(stations.carol).post(
        reverse("visits:walk_in", kwargs={"office_id": office.pk}), {"reference": "OW-0000-0000"}, follow=True
    )
    assert "No case OW-0000-0000 at this station." in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_queue_page_checks_in(
    stations: World, due: Application, sign_in: SignIn, clock: time_machine.Traveller
) -> None:
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:30"))
    clock.move_to(at("2026-12-31", "09:00"))
    client = sign_in(stations.carol)
    page = client.get(reverse("visits:queue", kwargs={"office_id": stations.offices["zhaoshang"].pk}))
    assert due.reference in page.content.decode()
    client.post(reverse("visits:check_in", kwargs={"pk": appointment.pk}))
    assert Ticket.objects.get().source == Ticket.Source.APPOINTMENT


@pytest.mark.parametrize("persona", ["cora", "alice", "frank", "dave"])
def test_it_hides_the_queue_from_others(stations: World, sign_in: SignIn, persona: str) -> None:
    office = stations.offices["zhaoshang"]
    client = sign_in(stations.users[persona])
    assert client.get(reverse("visits:queue", kwargs={"office_id": office.pk})).status_code == 404
