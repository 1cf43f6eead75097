"""The demo officers can sign in with a second factor, and see data under a signed agreement."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.accounts.authn import base32_secret
from onewindow.accounts.models import User
from onewindow.accounts.scopes import scope_of
from onewindow.front import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings: object) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_prints_each_officers_authenticator_key(seeded: str) -> None:
    for device in TOTPDevice.objects.filter(confirmed=True).select_related("user"):
        assert f"{device.user.email}" in seeded
        assert base32_secret(device) in seeded
    assert (
        TOTPDevice.objects.filter(confirmed=True).count() == 10
    )  # with the Xiangmihu station and Nanshan district officers, and the intern (supervision)


def test_it_gives_every_demo_officer_a_signed_agreement(seeded: str) -> None:
    dave = User.objects.get(email=demo.email_of("dave"))
    assert not scope_of(dave).grants_without_agreement
    assert scope_of(dave).staff_grants()


def test_it_prints_a_code_that_signs_the_officer_in(seeded: str, client: Client, settings: object) -> None:
    email = demo.email_of("dave")
    out = io.StringIO()
    call_command("demo_code", email, stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    client.post(reverse("accounts:login"), {"username": email, "password": settings.ONEWINDOW_DEMO_PASSWORD})  # type: ignore[attr-defined]
    response = client.post(reverse("accounts:second_factor"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("cases:worklist")).status_code == 200


def test_it_runs_again_without_changes(seeded: str) -> None:
    devices = TOTPDevice.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert TOTPDevice.objects.count() == devices


def test_it_refuses_demo_codes_in_production(settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("demo_code", "dave@onewindow.example")


def test_it_refuses_an_account_without_an_authenticator(seeded: str) -> None:
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("demo_code", demo.email_of("alice"))
