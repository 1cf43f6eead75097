"""Rate limits kept in the shared cache, so they hold across processes (Redis in production).

A fixed window per (scope, client): simple, predictable for clients
("30 per minute"), and one atomic increment per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    remaining: int
    retry_after: int


def client_key(request: HttpRequest) -> str:
    """The client a limit counts against: the signed-in user, else the remote address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', 'unknown')}"


def hit(scope: str, client: str, *, limit: int, window_seconds: int) -> Verdict:
    """Count one request of ``client`` in ``scope``; say whether it is within the limit."""
    now = int(time.time())
    window = now // window_seconds
    count = _count(f"ratelimit:{scope}:{client}:{window}", timeout=window_seconds + 1)
    retry_after = (window + 1) * window_seconds - now
    return Verdict(allowed=count <= limit, remaining=max(limit - count, 0), retry_after=retry_after)


def _count(key: str, *, timeout: int) -> int:
    """Add one to the window's counter and return it (the first hit makes it, expiring after
    ``timeout`` seconds)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip (INCR and EXPIRE in one MULTI/EXEC) where the cache API's add() and
        # incr() take three (SET NX, EXISTS, INCR) on every API call and permit check. The
        # counter is a plain integer, which the cache API reads back unchanged.
        full_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(full_key, write=True)
        with client.pipeline(transaction=True) as pipe:
            pipe.incr(full_key)
            pipe.expire(full_key, timeout)
            count, _ = pipe.execute()
        return int(count)
    # add() is a no-op if the key exists; incr() is atomic on every shared backend.
    backend.add(key, 0, timeout=timeout)
    try:
        return int(backend.incr(key))
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout=timeout)
        return 1


def limited_response(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    response = render(request, "front/rate_limited.html", {"retry_after": verdict.retry_after}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def ratelimit(scope: str, *, limit: int, window_seconds: int = 60) -> Callable[[Any], Any]:
    """Decorate a view: beyond ``limit`` requests per window a client gets 429 with Retry-After."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            verdict = hit(scope, client_key(request), limit=limit, window_seconds=window_seconds)
            if not verdict.allowed:
                return limited_response(request, verdict)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
