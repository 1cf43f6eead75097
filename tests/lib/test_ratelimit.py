"""Fixed-window rate limits, on the in-process cache and on Redis (one round trip per hit there)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest
import time_machine
from django.core.cache import caches
from django.test import override_settings

from onewindow.lib.ratelimit import hit

REDIS = ("127.0.0.1", 6379)


def redis_listening() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def on_redis() -> Iterator[None]:
    if not redis_listening():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/11",
        # Each run its own keys: nothing read from, or left for, another run on the same server.
        "KEY_PREFIX": f"onewindow-test-{uuid.uuid4().hex}",
    }
    with override_settings(CACHES={"default": redis_cache}):
        yield


@pytest.fixture(params=["locmem", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "redis":
        request.getfixturevalue("on_redis")
        yield "redis"
        return
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit-test"}
    with override_settings(CACHES={"default": locmem}):
        caches["default"].clear()
        yield "locmem"


@time_machine.travel("2026-12-08 10:00:05 +0000", tick=False)
def test_it_allows_the_limit_then_refuses_until_the_next_window(backend: str) -> None:
    verdicts = [hit("test", "client-a", limit=3, window_seconds=60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert [v.remaining for v in verdicts] == [2, 1, 0, 0]
    assert verdicts[-1].retry_after == 55
    # Another client, another scope: counted apart.
    assert hit("test", "client-b", limit=3, window_seconds=60).remaining == 2
    assert hit("other", "client-a", limit=3, window_seconds=60).remaining == 2
    with time_machine.travel("2026-12-08 10:01:00 +0000", tick=False):
        assert hit("test", "client-a", limit=3, window_seconds=60).remaining == 2


@pytest.mark.usefixtures("on_redis")
def test_on_redis_a_counter_is_one_plain_integer_that_expires() -> None:
    for _ in range(2):
        hit("test", "client-c", limit=10, window_seconds=60)
    cache = caches["default"]
    [key] = [k for k in _keys(cache) if ":ratelimit:test:client-c:" in k]
    client = cache._cache.get_client(key)  # type: ignore[attr-defined]
    assert client.get(key) == b"2"
    assert 0 < client.ttl(key) <= 61


def _keys(cache: object) -> list[str]:
    client = cache._cache.get_client(None)  # type: ignore[attr-defined]
    prefix = caches["default"].key_prefix
    return [key.decode() for key in client.scan_iter(match=f"{prefix}*")]
