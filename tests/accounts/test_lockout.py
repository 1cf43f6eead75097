"""Repeated wrong passwords pause sign-in for one account from one address, for a cool-off only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.20"


def attempt(client: Client, email: str, password: str, ip: str) -> int:
    response = client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )
    return response.status_code


def fail_until_locked(client: Client, email: str, ip: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, email, "wrong password", ip)


def test_it_locks_after_repeated_failures(client: Client, world: World) -> None:
    fail_until_locked(client, world.dave.email, ATTACKER)
    # Locked: even the right password is refused, with the lockout page.
    response = client.post(
        reverse("accounts:login"),
        {"username": world.dave.email, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert f"Try again in {round(settings.AXES_COOLOFF_TIME * 60)} minutes" in page
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_before_the_limit(client: Client, world: World) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, world.dave.email, "wrong password", ATTACKER)
    assert attempt(client, world.dave.email, PASSWORD, ATTACKER) == 302


def test_it_releases_the_lock_after_the_cool_off(client: Client, world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail_until_locked(client, world.dave.email, ATTACKER)
        assert attempt(client, world.dave.email, PASSWORD, ATTACKER) == 429
    cool_off = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    with time_machine.travel(start + cool_off + dt.timedelta(minutes=1), tick=False):
        assert attempt(client, world.dave.email, PASSWORD, ATTACKER) == 302


def test_it_keeps_the_lock_while_the_same_address_keeps_trying(client: Client, world: World) -> None:
    start = timezone.now()
    cool_off = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    with time_machine.travel(start, tick=False):
        fail_until_locked(client, world.dave.email, ATTACKER)
    later = start + cool_off - dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert attempt(client, world.dave.email, "still guessing", ATTACKER) == 429
    # The cool-off counts from the last attempt of that address; the real user elsewhere is not held.
    last = start + cool_off + dt.timedelta(minutes=1)
    with time_machine.travel(last, tick=False):
        assert attempt(client, world.dave.email, PASSWORD, ATTACKER) == 429
        assert attempt(Client(), world.dave.email, PASSWORD, OFFICE) == 302
    with time_machine.travel(last + cool_off + dt.timedelta(minutes=1), tick=False):
        assert attempt(client, world.dave.email, PASSWORD, ATTACKER) == 302


def test_it_does_not_lock_the_real_user_out_from_another_address(client: Client, world: World) -> None:
    fail_until_locked(client, world.dave.email, ATTACKER)
    assert attempt(client, world.dave.email, PASSWORD, ATTACKER) == 429
    assert attempt(Client(), world.dave.email, PASSWORD, OFFICE) == 302


def test_it_does_not_lock_other_accounts_from_the_same_address(client: Client, world: World) -> None:
    fail_until_locked(client, world.dave.email, ATTACKER)
    assert attempt(Client(), world.erin.email, PASSWORD, ATTACKER) == 302
