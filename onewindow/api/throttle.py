"""The API's rate limit: each token (or, without one, each client address) gets a budget per minute.

It runs after authentication, on OneWindow's shared-cache counters
(``onewindow.lib.ratelimit``), so that every web process counts together.
Answers beyond the budget are 429 with ``Retry-After``.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from onewindow.lib.ratelimit import client_key, hit

DEFAULT_PER_MINUTE = 600


class ApiThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "api_token", None)
        key = f"token:{token.prefix}" if token is not None else f"client:{client_key(request)}"
        limit = int(getattr(settings, "API_RATE_LIMIT_PER_MINUTE", DEFAULT_PER_MINUTE))
        verdict = hit("api", key, limit=limit, window_seconds=60)
        self._last.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self._last, "retry_after", None)
