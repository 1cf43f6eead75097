from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.accounts.authn import AUTHENTICATED_AT
from onewindow.accounts.models import User
from onewindow.offices.selectors import forget_calendars
from tests.factories import World, build_world


@pytest.fixture(autouse=True)
def _fresh_calendars() -> None:
    # The per-process calendar cache must not carry corrections from one test to the next.
    forget_calendars()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate-limit counters live in the (per-process) cache: each test starts with none.
    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def sign_in(client: Client) -> Callable[[User], Client]:
    """Sign ``user`` in on the test client (as after a full sign-in, second factor included)."""

    def _sign_in(user: User) -> Client:
        client.force_login(user)
        session = client.session
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[AUTHENTICATED_AT] = time.time()
        session.save()
        return client

    return _sign_in


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` need real row locks and triggers; on SQLite they are skipped."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
