"""A signed-in session ends after a period without requests, and at an absolute limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def test_it_signs_out_after_the_idle_limit(world: World, sign_in: SignIn) -> None:
    start = timezone.now()
    idle = settings.ONEWINDOW_SESSION_IDLE_SECONDS
    with time_machine.travel(start, tick=False):
        client = sign_in(world.carol)
        assert client.get(reverse("cases:worklist")).status_code == 200
    with time_machine.travel(start + seconds(idle + 1), tick=False):
        response = client.get(reverse("cases:worklist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(
        actor=world.carol, action="auth.session_expired", data__reason="idle"
    ).exists()


def test_it_keeps_an_active_session_alive(world: World, sign_in: SignIn) -> None:
    start = timezone.now()
    idle = settings.ONEWINDOW_SESSION_IDLE_SECONDS
    with time_machine.travel(start, tick=False):
        client = sign_in(world.carol)
        client.get(reverse("cases:worklist"))
    # A request every little while, for longer than the idle limit in total.
    for step in range(1, 4):
        with time_machine.travel(start + seconds(step * (idle - 60)), tick=False):
            assert client.get(reverse("cases:worklist")).status_code == 200


def test_it_ends_the_session_at_the_absolute_limit_however_active(world: World, sign_in: SignIn) -> None:
    start = timezone.now()
    idle = settings.ONEWINDOW_SESSION_IDLE_SECONDS
    absolute = settings.SESSION_COOKIE_AGE
    with time_machine.travel(start, tick=False):
        client = sign_in(world.carol)
        client.get(reverse("cases:worklist"))
    moment = start
    while (moment - start).total_seconds() + idle / 2 < absolute:
        moment += seconds(idle / 2)
        with time_machine.travel(moment, tick=False):
            assert client.get(reverse("cases:worklist")).status_code == 200
    with time_machine.travel(start + seconds(absolute + 1), tick=False):
        response = client.get(reverse("cases:worklist"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Event.objects.filter(
        actor=world.carol, action="auth.session_expired", data__reason="absolute"
    ).exists()


def test_it_tells_the_user_why_they_were_signed_out(world: World, sign_in: SignIn) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = sign_in(world.alice)
        client.get(reverse("front:dashboard"))
    with time_machine.travel(start + seconds(settings.ONEWINDOW_SESSION_IDLE_SECONDS + 5), tick=False):
        response = client.get(reverse("front:dashboard"), follow=True)
    assert "without activity" in response.content.decode()


def test_it_answers_the_api_with_401_after_expiry(world: World, sign_in: SignIn) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = sign_in(world.alice)
        client.get(reverse("front:dashboard"))
    with time_machine.travel(start + seconds(settings.ONEWINDOW_SESSION_IDLE_SECONDS + 5), tick=False):
        response = client.get("/api/v1/openapi.json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_it_starts_both_clocks_afresh_at_a_new_sign_in(client: Client, world: World) -> None:
    start = timezone.now()
    idle = settings.ONEWINDOW_SESSION_IDLE_SECONDS
    with time_machine.travel(start, tick=False):
        client.post(reverse("accounts:login"), {"username": world.alice.email, "password": PASSWORD})
        client.get(reverse("front:dashboard"))
    with time_machine.travel(start + seconds(idle + 10), tick=False):
        client.get(reverse("front:dashboard"))  # expired: signed out
        client.post(reverse("accounts:login"), {"username": world.alice.email, "password": PASSWORD})
        assert client.get(reverse("employers:dashboard")).status_code == 302
    with time_machine.travel(start + seconds(idle + 20), tick=False):
        assert client.get(reverse("employers:dashboard")).status_code == 302
        assert "_auth_user_id" in client.session
