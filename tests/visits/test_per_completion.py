"""Visits per completed application, per station: the selector and the supervisors' page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.permits.actions import do_issue_permit
from onewindow.visits.actions import do_end_visit, do_start_visit
from onewindow.visits.selectors import visits_per_completion
from tests.factories import World

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]


def completed_with_two_visits(world: World) -> None:
    application = world.application(stage="verified")
    do_end_visit(do_start_visit(application, actor=world.carol), actor=world.carol)
    do_start_visit(application, actor=world.carol, reason="Came back for the residence permit.")
    do_issue_permit(application, actor=world.carol, residence_permit_number="RP12345678")


def test_it_counts_visits_per_completed_application(
    stations: World, django_assert_num_queries: Callable
) -> None:
    completed_with_two_visits(stations)
    stations.application(stage="completed")
    stations.application("lab", stage="completed")
    stations.application(stage="approved")  # a visit still to come is not counted
    do_start_visit(stations.application(stage="approved"), actor=stations.carol)  # nor an open one
    today = timezone.localdate()
    offices = [stations.offices["zhaoshang"], stations.offices["lianhua"], stations.offices["hall"]]
    with django_assert_num_queries(2):
        rows = visits_per_completion(offices, today, today)
    by_code = {row.office.code: row for row in rows}
    assert (by_code["zhaoshang"].completed, by_code["zhaoshang"].visits, by_code["zhaoshang"].ratio) == (
        2,
        3,
        1.5,
    )
    assert by_code["zhaoshang"].above_target
    assert (by_code["lianhua"].completed, by_code["lianhua"].visits, by_code["lianhua"].ratio) == (1, 1, 1.0)
    assert not by_code["lianhua"].above_target
    assert (by_code["hall"].completed, by_code["hall"].ratio) == (0, None)


def test_it_counts_only_the_period(stations: World) -> None:
    stations.application(stage="completed")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    rows = visits_per_completion(
        [stations.offices["zhaoshang"]], yesterday - dt.timedelta(days=30), yesterday
    )
    assert rows[0].completed == 0


def test_the_supervisor_sees_each_station_and_those_above_target(stations: World, sign_in: SignIn) -> None:
    completed_with_two_visits(stations)
    stations.application("lab", stage="completed")
    response = sign_in(stations.frank).get(reverse("visits:per_completion"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zhaoshang station" in html and "Lianhua station" in html and "Civic hall" in html
    assert html.count('data-above-target="true"') == 1
    assert "2.00" in html and "1.00" in html


def test_it_refuses_a_reversed_period(stations: World, sign_in: SignIn) -> None:
    response = sign_in(stations.frank).get(
        reverse("visits:per_completion"), {"start": "2026-12-30", "end": "2026-12-01"}
    )
    assert "before its start" in response.content.decode()


@pytest.mark.parametrize("persona", ["carol", "dave", "alice", "heidi"])
def test_it_is_for_supervisors_only(stations: World, sign_in: SignIn, persona: str) -> None:
    assert sign_in(stations.users[persona]).get(reverse("visits:per_completion")).status_code == 404


def test_it_shows_a_district_supervisor_only_the_stations_of_the_district(
    stations: World, sign_in: SignIn
) -> None:
    from onewindow.accounts.actions import do_grant_role
    from onewindow.accounts.models import Role
    from tests.factories import enrol_totp, make_user, sign_agreement

    office = stations.offices["futian-commission"]
    sam = make_user("sam")
    do_grant_role(actor=None, user=sam, role=Role.SUPERVISOR, office=office)
    sign_agreement(sam, office)
    enrol_totp(sam)
    html = sign_in(sam).get(reverse("visits:per_completion")).content.decode()
    assert "Lianhua station" in html
    assert "Zhaoshang station" not in html and "Civic hall" not in html


def test_it_gives_each_stations_queue_times_for_the_period(
    stations: World, clock: time_machine.Traveller, sign_in: SignIn
) -> None:
    from onewindow.offices.models import ServiceWindow
    from onewindow.visits.actions import do_call_ticket, do_finish_ticket, do_issue_ticket

    office = stations.offices["zhaoshang"]
    window = ServiceWindow.objects.get(office=office, number=1)
    for wait in (10, 20):
        ticket = do_issue_ticket(office, actor=stations.carol)
        clock.shift(dt.timedelta(minutes=wait))
        ticket = do_call_ticket(ticket, actor=stations.carol, window=window)
        clock.shift(dt.timedelta(minutes=4))
        do_finish_ticket(ticket, actor=stations.carol)
    today = timezone.localdate()
    row, other = visits_per_completion([office, stations.offices["lianhua"]], today, today)
    assert row.tickets == 2
    assert row.average_wait is not None and dt.timedelta(minutes=15) <= row.average_wait < dt.timedelta(
        minutes=16
    )
    assert row.average_service is not None and dt.timedelta(minutes=4) <= row.average_service < dt.timedelta(
        minutes=5
    )
    assert (other.tickets, other.average_wait) == (0, None)
    html = sign_in(stations.frank).get(reverse("visits:per_completion")).content.decode()
    assert "15 min" in html and "4 min" in html
