"""Sign-in attempts are rate-limited per address, across accounts (credential stuffing)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_it_limits_attempts_per_address_across_accounts(client: Client, world: World) -> None:
    emails = [f"nobody{i}@example.org" for i in range(settings.ONEWINDOW_SIGNIN_RATE_PER_MINUTE)]
    for email in emails:
        response = client.post(reverse("accounts:login"), {"username": email, "password": "x" * 12})
        assert response.status_code == 200
    response = client.post(reverse("accounts:login"), {"username": world.alice.email, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_it_counts_each_address_on_its_own(client: Client, world: World) -> None:
    for i in range(settings.ONEWINDOW_SIGNIN_RATE_PER_MINUTE):
        client.post(reverse("accounts:login"), {"username": f"n{i}@example.org", "password": "x" * 12})
    other = Client(REMOTE_ADDR="198.51.100.7")
    response = other.post(reverse("accounts:login"), {"username": world.alice.email, "password": PASSWORD})
    assert response.status_code == 302


def test_it_does_not_count_showing_the_form(client: Client, world: World) -> None:
    for _ in range(settings.ONEWINDOW_SIGNIN_RATE_PER_MINUTE + 2):
        assert client.get(reverse("accounts:login")).status_code == 200
