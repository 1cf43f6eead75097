"""Signing keys: rotation (action, admin, command), one active key, withdrawal, and the expire report."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from onewindow.accounts.actions import do_create_user
from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.permits.actions import (
    do_prune_scans,
    do_record_scan,
    do_rotate_signing_key,
    do_withdraw_signing_key,
)
from onewindow.permits.models import CheckResult, Scan, SigningKey
from tests.factories import World, enrol_totp
from tests.permits.helpers import SHANGHAI, issue_permit

SignIn = Callable[[User], Client]


@pytest.fixture
def root(db: None) -> User:
    """An administrator with access to the admin site (the world's heidi has none), and the
    authenticator that the admin site, like every staff page, requires."""
    user = do_create_user(
        actor=None, email="root@example.org", full_name="Root", password=None, admin_site=True
    )
    enrol_totp(user)
    return user


def test_it_rotates_keys_keeping_exactly_one_active(world: World) -> None:
    first = do_rotate_signing_key(actor=world.heidi)
    second = do_rotate_signing_key(actor=world.heidi)
    first.refresh_from_db()
    assert first.state == SigningKey.State.RETIRED
    assert first.retired_at is not None
    assert second.state == SigningKey.State.ACTIVE
    assert second.kid != first.kid
    assert SigningKey.objects.filter(state="active").count() == 1
    events = list(Event.objects.filter(action="signing_key.rotate").order_by("id"))
    assert [e.data for e in events] == [
        {"kid": first.kid, "retired": []},
        {"kid": second.kid, "retired": [first.kid]},
    ]
    assert events[1].actor == world.heidi


def test_it_refuses_a_second_active_key_in_the_database(db: None) -> None:
    key = do_rotate_signing_key(actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningKey.objects.create(
            kid="00000000",
            public_key=key.public_key,
            private_key_sealed=key.private_key_sealed,
            state="active",
            created_at=key.created_at,
            activated_at=key.activated_at,
        )


def test_it_withdraws_only_retired_keys(world: World) -> None:
    first = do_rotate_signing_key(actor=None)
    with pytest.raises(ValidationError, match="Only a retired key"):
        do_withdraw_signing_key(first, actor=world.heidi, reason="leaked")
    do_rotate_signing_key(actor=None)
    with pytest.raises(ValidationError):
        do_withdraw_signing_key(first, actor=world.heidi, reason=" ")
    withdrawn = do_withdraw_signing_key(first, actor=world.heidi, reason="leaked")
    assert withdrawn.state == SigningKey.State.WITHDRAWN
    assert withdrawn.withdrawn_at is not None
    assert Event.objects.get(action="signing_key.withdraw").data == {"kid": first.kid, "reason": "leaked"}


def test_it_rotates_from_the_admin_button_and_action(root: User, sign_in: SignIn) -> None:
    client = sign_in(root)
    listing = client.get("/admin/permits/signingkey/")
    assert listing.status_code == 200
    assert 'id="rotate-key"' in listing.content.decode()
    response = client.post("/admin/permits/signingkey/rotate/")
    assert response.status_code == 302
    first = SigningKey.objects.get()
    assert first.created_by == root
    response = client.post(
        "/admin/permits/signingkey/", {"action": "rotate", "_selected_action": [first.pk], "index": 0}
    )
    assert response.status_code == 302
    assert SigningKey.objects.filter(state="active").exclude(pk=first.pk).count() == 1
    assert Event.objects.filter(action="signing_key.rotate", actor=root).count() == 2
    detail = client.get(f"/admin/permits/signingkey/{first.pk}/change/").content.decode()
    assert first.private_key_sealed not in detail


def test_it_withdraws_from_the_admin_with_a_reason(root: User, sign_in: SignIn) -> None:
    first = do_rotate_signing_key(actor=None)
    do_rotate_signing_key(actor=None)
    client = sign_in(root)
    data = {"action": "withdraw", "_selected_action": [first.pk]}
    asked = client.post("/admin/permits/signingkey/", data)
    assert asked.status_code == 200
    assert 'name="withdrawal_reason"' in asked.content.decode()
    client.post(
        "/admin/permits/signingkey/", {**data, "apply": "1", "withdrawal_reason": "found on a USB stick"}
    )
    first.refresh_from_db()
    assert first.state == SigningKey.State.WITHDRAWN
    assert first.withdrawal_reason == "found on a USB stick"


@pytest.mark.parametrize("name", ["alice", "dave", "frank", "heidi"])
def test_it_keeps_everyone_else_out_of_the_key_admin(name: str, world: World, sign_in: SignIn) -> None:
    client = sign_in(world.users[name])
    response = client.post("/admin/permits/signingkey/rotate/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not SigningKey.objects.exists()


def test_it_rotates_from_the_command_line(world: World, root: User) -> None:
    out = io.StringIO()
    call_command("permits", "rotate-key", "--actor", root.email, stdout=out)
    key = SigningKey.objects.get()
    assert key.kid in out.getvalue()
    assert Event.objects.get(action="signing_key.rotate").actor == root
    with pytest.raises(CommandError, match="no active administrator"):
        call_command("permits", "rotate-key", "--actor", world.dave.email)


def test_it_reports_expired_permits_and_changes_nothing(world: World) -> None:
    permit = issue_permit(world)
    after = permit.valid_until + dt.timedelta(days=1)
    out = io.StringIO()
    call_command("permits", "expire", "--on", str(permit.valid_until), stdout=out)
    assert out.getvalue().endswith(f"0 permit(s) expired as of {permit.valid_until} (nothing was changed)\n")
    out = io.StringIO()
    call_command("permits", "expire", "--on", str(after), "--since", str(after), stdout=out)
    assert permit.number.number in out.getvalue()
    assert "1 permit(s) expired" in out.getvalue()
    permit.refresh_from_db()
    assert permit.status == "active"
    out = io.StringIO()
    later = after + dt.timedelta(days=5)
    call_command("permits", "expire", "--on", str(later), "--since", str(later), stdout=out)
    assert "0 permit(s) expired" in out.getvalue()


def test_it_prunes_old_scans_and_audits_it(world: World) -> None:
    old = dt.datetime(2025, 1, 1, 12, tzinfo=SHANGHAI)
    with time_machine.travel(old, tick=False):
        do_record_scan(
            result=CheckResult.INVALID, channel=Scan.Channel.API, permit=None, key_id="", request=None
        )
    do_record_scan(
        result=CheckResult.INVALID, channel=Scan.Channel.PAGE, permit=None, key_id="", request=None
    )
    out = io.StringIO()
    call_command("permits", "prune-scans", "--days", "30", stdout=out)
    assert "1 scan record(s)" in out.getvalue()
    assert list(Scan.objects.values_list("channel", flat=True)) == ["page"]
    assert Event.objects.get(action="permit_scan.prune").data["deleted"] == 1
    assert do_prune_scans(before=timezone.now() - dt.timedelta(days=1)) == 0
    for _ in range(5):
        do_record_scan(
            result=CheckResult.INVALID, channel=Scan.Channel.API, permit=None, key_id="", request=None
        )
    assert do_prune_scans(before=timezone.now() + dt.timedelta(seconds=1), batch_size=2) == 6
    assert not Scan.objects.exists()
