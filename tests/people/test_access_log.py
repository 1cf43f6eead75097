"""Every view of a file and download of a document is logged; supervisors state why."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.people.access import person_roles
from onewindow.people.actions import do_upload_document
from tests import samples
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]
REASON = "Random check 2026-Q4, sample no. 12"


@pytest.fixture
def bob_in_review(world: World) -> World:
    world.application(person=world.people["bob"], stage="in_review")
    return world


def views_of(world: World, name: str) -> list[Event]:
    return list(Event.objects.filter(actor=world.users[name], action="person.view"))


def test_it_logs_a_view_with_the_page(bob_in_review: World, sign_in: SignIn) -> None:
    world = bob_in_review
    url = reverse("people:detail", args=[world.people["bob"].pk])
    assert sign_in(world.dave).get(url).status_code == 200
    [event] = views_of(world, "dave")
    assert event.object_id == str(world.people["bob"].pk)
    assert event.data == {"what": "view", "page": url}


def test_it_asks_a_supervisor_for_a_reason_first(bob_in_review: World, sign_in: SignIn) -> None:
    world = bob_in_review
    url = reverse("people:detail", args=[world.people["bob"].pk])
    client = sign_in(world.frank)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "State your reason" in page
    assert "MILLER" not in page
    assert views_of(world, "frank") == []
    assert "State your reason" in client.get(url, {"reason": "curious"}).content.decode()
    assert views_of(world, "frank") == []


def test_it_logs_the_supervisors_reason(bob_in_review: World, sign_in: SignIn) -> None:
    world = bob_in_review
    url = reverse("people:detail", args=[world.people["bob"].pk])
    response = sign_in(world.frank).get(url, {"reason": REASON})
    assert "MILLER" in response.content.decode()
    [event] = views_of(world, "frank")
    assert event.data == {"what": "view", "page": url, "reason": REASON}


def test_it_asks_the_supervisor_again_for_a_download(bob_in_review: World, sign_in: SignIn) -> None:
    world = bob_in_review
    document = do_upload_document(
        actor=world.alice,
        person=world.people["bob"],
        upload=SimpleUploadedFile("p.pdf", samples.pdf()),
        document_type="passport",
    )
    url = reverse("people:download", args=[document.pk])
    client = sign_in(world.frank)
    assert "State your reason" in client.get(url).content.decode()
    response = client.get(url, {"reason": REASON})
    assert response["Content-Disposition"].startswith("attachment")
    event = Event.objects.get(action="document.download", actor=world.frank)
    assert event.data["reason"] == REASON


def test_it_knows_through_which_roles_a_person_is_reached(bob_in_review: World) -> None:
    world = bob_in_review
    bob = world.people["bob"]
    assert person_roles(world.frank, bob) == {"supervisor"}
    assert person_roles(world.dave, bob) == {"reviewer"}
    assert person_roles(world.carol, bob) == {"window_officer"}
    assert person_roles(world.alice, bob) == {"employer_hr"}
    assert person_roles(world.bob, bob) == {"foreign_national"}
    assert person_roles(world.olga, bob) == set()
