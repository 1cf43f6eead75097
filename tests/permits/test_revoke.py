"""Revoking a permit: the commission's reviewers and supervisors of its area, with a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.permits.actions import do_revoke_permit
from onewindow.permits.models import Permit
from tests.factories import World
from tests.permits.helpers import issue_permit

SignIn = Callable[[User], Client]


@pytest.mark.parametrize("name", ["dave", "frank"])
def test_it_lets_a_reviewer_or_supervisor_revoke(name: str, world: World, sign_in: SignIn) -> None:
    permit = issue_permit(world)
    client = sign_in(world.users[name])
    page = client.get(f"/permits/{permit.pk}/revoke/")
    assert page.status_code == 200
    response = client.post(f"/permits/{permit.pk}/revoke/", {"reason": "The degree certificate was forged."})
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.status == Permit.Status.REVOKED
    assert permit.end_reason == "The degree certificate was forged."
    assert permit.ended_by == world.users[name]
    event = Event.objects.get(action="permit.revoke")
    assert event.actor == world.users[name]
    assert event.data["reason"] == "The degree certificate was forged."
    assert event.application_id == permit.application_id


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "erin", "gina", "heidi", "olga", "cora", "dina"])
def test_it_hides_revocation_from_everyone_else(name: str, world: World, sign_in: SignIn) -> None:
    permit = issue_permit(world, person=world.people["bob"])
    client = sign_in(world.users[name])
    assert client.get(f"/permits/{permit.pk}/revoke/").status_code == 404
    assert client.post(f"/permits/{permit.pk}/revoke/", {"reason": "no"}).status_code == 404
    permit.refresh_from_db()
    assert permit.status == Permit.Status.ACTIVE


def test_it_needs_a_reason(world: World, sign_in: SignIn) -> None:
    permit = issue_permit(world)
    response = sign_in(world.dave).post(f"/permits/{permit.pk}/revoke/", {"reason": "  "})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    permit.refresh_from_db()
    assert permit.status == Permit.Status.ACTIVE
    with pytest.raises(ValidationError):
        do_revoke_permit(permit, actor=world.dave, reason=" ")


def test_it_refuses_the_action_to_other_roles(world: World) -> None:
    permit = issue_permit(world)
    with pytest.raises(PermissionDenied):
        do_revoke_permit(permit, actor=world.carol, reason="not mine to revoke")
    with pytest.raises(PermissionDenied):
        do_revoke_permit(permit, actor=world.dina, reason="another district")


def test_it_revokes_only_an_active_permit(world: World, sign_in: SignIn) -> None:
    permit = issue_permit(world)
    do_revoke_permit(permit, actor=world.dave, reason="Fraud")
    with pytest.raises(ValidationError, match="no longer active"):
        do_revoke_permit(permit, actor=world.frank, reason="Fraud again")
    assert sign_in(world.frank).get(f"/permits/{permit.pk}/revoke/").status_code == 404
    assert Event.objects.filter(action="permit.revoke").count() == 1


def test_it_tells_the_second_of_two_officers_it_was_already_revoked(world: World, sign_in: SignIn) -> None:
    permit = issue_permit(world)
    stale = Permit.objects.get(pk=permit.pk)
    do_revoke_permit(permit, actor=world.dave, reason="First")
    with pytest.raises(ValidationError, match="no longer active"):
        do_revoke_permit(stale, actor=world.frank, reason="Second")
    stale.refresh_from_db()
    assert stale.end_reason == "First"
