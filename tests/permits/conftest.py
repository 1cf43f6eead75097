from __future__ import annotations

import pytest
from django.core.cache import cache

from onewindow.permits.actions import do_rotate_signing_key
from onewindow.permits.models import SigningKey


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # Rate-limit counters live in the (per-process) cache; each test starts with none.
    cache.clear()


@pytest.fixture
def signing_key(db: None) -> SigningKey:
    """The active permit signing key, as an administrator creates it."""
    return do_rotate_signing_key(actor=None)
