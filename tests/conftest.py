from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from onewindow.accounts.models import User
from onewindow.offices.selectors import forget_calendars
from tests.factories import World, build_world, complete_sign_in


@pytest.fixture(autouse=True)
def _fresh_calendars() -> None:
    # The per-process calendar cache must not carry corrections from one test to the next.
    forget_calendars()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request in Chinese leaves its language active in this thread: each test starts, and
    # leaves, in the default language so no test depends on the one before it.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate-limit counters live in the (per-process) cache: each test starts with none.
    cache.clear()


@pytest.fixture(autouse=True)
def document_storage(settings: Any, tmp_path: Path) -> Path:
    """Stored documents go to a fresh directory per test, never to var/files."""
    location = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def sign_in(client: Client) -> Callable[[User], Client]:
    """Sign ``user`` in on the test client (as after a full sign-in, second factor included)."""

    def _sign_in(user: User) -> Client:
        return complete_sign_in(client, user)

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
