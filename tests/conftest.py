from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.offices.selectors import forget_calendars
from tests.factories import World, build_world


@pytest.fixture(autouse=True)
def _fresh_calendars() -> None:
    # The per-process calendar cache must not carry corrections from one test to the next.
    forget_calendars()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def sign_in(client: Client) -> Callable[[User], Client]:
    """Sign ``user`` in on the test client (as after a full sign-in, second factor included)."""

    def _sign_in(user: User) -> Client:
        client.force_login(user)
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
