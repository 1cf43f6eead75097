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


# The longest-running modules (tens of seconds each: the walks, the fuzzing, the browser, the
# demo). They start first so that, under xdist, no worker is left running one at the end.
LONG_FIRST = (
    "tests/test_access_walk.py",
    "tests/api/test_fuzz.py",
    "tests/browser/",
    "tests/front/test_translations.py",
    "tests/front/test_demo",
    "tests/api/test_demo.py",
    "tests/visits/test_demo.py",
    "tests/eligibility/test_demo.py",
    "tests/registry/test_pages.py",
    "tests/registry/test_notices.py",
)


def _order(item: pytest.Item) -> tuple[int, bool]:
    """pytest-django's (and Django's) groups kept — tests in a transaction, then transactional
    tests (they empty the tables after them), then tests without a database — long ones first in each."""
    fixtures = getattr(item, "fixturenames", [])
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transactional = transactional or bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
    group = 1 if transactional else 0 if marker is not None or "db" in fixtures else 2
    return group, not item.nodeid.startswith(LONG_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long modules first; tests marked ``postgres`` (real row locks, triggers) skipped on SQLite."""
    from django.conf import settings

    items.sort(key=_order)  # stable: the order within each group stays as collected
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
