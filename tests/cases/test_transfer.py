"""Handing a case to another station: who may, with a reason, and the case's status and clock unchanged."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.cases import deadlines
from onewindow.cases.actions import do_transfer_application
from onewindow.cases.models import Application
from onewindow.cases.workflow import Status, TransitionRefused
from onewindow.offices.actions import do_create_area, do_create_office, do_update_office
from onewindow.offices.models import Area, Office
from tests.factories import World, complete_sign_in

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def test_it_moves_the_case_with_its_status_and_clock(world: World) -> None:
    application = world.application(stage="in_review")
    due, clock, version = application.due_on, deadlines.clock(application), application.version
    moved = do_transfer_application(
        application,
        actor=world.carol,
        to_station=world.offices["hall"],
        reason="The station's officers are on leave",
    )
    assert moved.station == world.offices["hall"]
    assert moved.status == Status.IN_REVIEW
    assert moved.due_on == due
    assert deadlines.clock(moved) == clock
    assert moved.version == version + 1
    event = Event.objects.get(action="case.transfer")
    assert event.actor == world.carol
    assert event.application_id == application.pk
    assert event.office == world.offices["hall"]
    assert event.data == {
        "from_station": "zhaoshang",
        "to_station": "hall",
        "reason": "The station's officers are on leave",
    }
    assert (event.from_status, event.to_status) == ("in_review", "in_review")


def test_a_supervisor_may_transfer_a_case_of_their_area(world: World) -> None:
    application = world.application(stage="submitted")
    moved = do_transfer_application(
        application, actor=world.frank, to_station=world.offices["lianhua"], reason="Balancing the queues"
    )
    assert moved.station == world.offices["lianhua"]
    # The window officers of the new station now reach it, those of the old one no longer.
    assert Application.objects.filter(pk=moved.pk, station__code="lianhua").exists()


@pytest.mark.parametrize("persona", ["cora", "dave", "erin", "alice", "bob", "gina", "heidi"])
def test_it_refuses_everyone_else(world: World, persona: str) -> None:
    application = world.application(stage="submitted")
    with pytest.raises(TransitionRefused):
        do_transfer_application(
            application, actor=world.users[persona], to_station=world.offices["hall"], reason="x"
        )
    assert Application.objects.get(pk=application.pk).station == world.offices["zhaoshang"]


def test_it_refuses_a_transfer_without_a_reason_to_the_same_or_a_closed_station(world: World) -> None:
    application = world.application(stage="submitted")
    with pytest.raises(ValidationError, match="Say why"):
        do_transfer_application(application, actor=world.carol, to_station=world.offices["hall"], reason="  ")
    with pytest.raises(ValidationError, match="already at this station"):
        do_transfer_application(
            application, actor=world.carol, to_station=world.offices["zhaoshang"], reason="x"
        )
    with pytest.raises(ValidationError, match="open work station"):
        do_transfer_application(
            application, actor=world.carol, to_station=world.offices["commission"], reason="x"
        )
    closed = do_update_office(world.offices["lianhua"], actor=None, is_active=False)
    with pytest.raises(ValidationError, match="open work station"):
        do_transfer_application(application, actor=world.carol, to_station=closed, reason="x")
    assert not Event.objects.filter(action="case.transfer").exists()


def test_it_refuses_a_station_of_another_city(world: World) -> None:
    city = do_create_area(
        actor=None, parent=None, code="guangzhou", level=Area.Level.CITY, name_en="Guangzhou", name_zh="广州市",
        division_code="440100",
    )  # fmt: skip
    elsewhere = do_create_office(
        actor=None,
        code="gz-hall",
        kind=Office.Kind.CIVIC_HALL,
        area=city,
        name_en="GZ hall",
        name_zh="广州大厅",
    )
    application = world.application(stage="submitted")
    with pytest.raises(ValidationError, match="same city"):
        do_transfer_application(application, actor=world.frank, to_station=elsewhere, reason="x")


def test_it_refuses_a_closed_case_and_a_stale_version(world: World) -> None:
    completed = world.application(stage="completed")
    with pytest.raises(TransitionRefused, match="closed application"):
        do_transfer_application(completed, actor=world.carol, to_station=world.offices["hall"], reason="x")
    application = world.application(stage="submitted")
    with pytest.raises(TransitionRefused, match="changed by someone else"):
        do_transfer_application(
            application,
            actor=world.carol,
            to_station=world.offices["hall"],
            reason="x",
            expected_version=application.version - 1,
        )


def test_the_page_transfers_and_sends_the_old_station_back_to_its_worklist(
    world: World, sign_in: SignIn
) -> None:
    application = world.application(stage="submitted")
    client = sign_in(world.carol)
    url = reverse("cases:transfer", kwargs={"reference": application.reference})
    detail = client.get(reverse("cases:detail", kwargs={"reference": application.reference})).content.decode()
    assert url in detail
    assert client.get(url).status_code == 200
    assert client.post(url, {"to_station": world.offices["hall"].pk, "reason": ""}).status_code == 200
    response = client.post(url, {"to_station": world.offices["hall"].pk, "reason": "Officers on leave"})
    assert response.url == reverse("cases:worklist")
    assert client.get(reverse("cases:detail", kwargs={"reference": application.reference})).status_code == 404
    frank = sign_in(world.frank)
    back = frank.post(url, {"to_station": world.offices["zhaoshang"].pk, "reason": "Back from leave"})
    assert back.url == reverse("cases:detail", kwargs={"reference": application.reference})


@pytest.mark.parametrize("persona", ["cora", "dave", "alice", "bob", "gina"])
def test_the_page_is_404_for_everyone_else(world: World, persona: str) -> None:
    application = world.application(stage="submitted")
    client = complete_sign_in(Client(), world.users[persona])
    assert (
        client.get(reverse("cases:transfer", kwargs={"reference": application.reference})).status_code == 404
    )
