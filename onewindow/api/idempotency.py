"""``Idempotency-Key`` on creating POSTs: a retry gets the first answer, never a second creation.

The first request with a key records it (committed at once, state
"running"), runs, and stores its answer. A retry with the same key and body
gets that stored answer; one that arrives while the first is still running
gets 409; the same key with a different body gets 422. A first request
that never finished (its process was killed) leaves its record "running";
after ``ABANDONED_AFTER`` a retry takes the record over and runs again —
safely, because the creating view finds what the first run may already
have created by the same key (``client_token``), so nothing is made twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.api.models import IdempotencyRecord
from onewindow.api.tokens import check_token

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# Answers replayed must not carry per-request headers.
_KEPT_HEADERS = ("Content-Type", "Location", "ETag")
# Longer than any request may run (the server kills a worker after 30 s), so a record still
# "running" this long after it was taken belongs to a request that died with its process.
ABANDONED_AFTER = dt.timedelta(seconds=45)


def client_token(key: str) -> str:
    """The token a creating view stores with what it creates for this key (fits 80 characters)."""
    return "idem:" + hashlib.sha256(key.encode()).hexdigest()


def _take_over(previous: IdempotencyRecord) -> bool:
    """Claim an abandoned "running" record for this retry; only one retry wins."""
    now = timezone.now()
    if previous.created_at > now - ABANDONED_AFTER:
        return False
    return bool(
        IdempotencyRecord.objects.filter(
            pk=previous.pk, state=IdempotencyRecord.State.RUNNING, created_at=previous.created_at
        ).update(created_at=now)
    )


def _error(status: int, code: str, message: str) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": {}}}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _caller(request: HttpRequest) -> Any:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        token = check_token(auth[7:])
        # The API's authentication checks the same header next: it reuses this answer.
        request.checked_bearer = (auth[7:], token)  # type: ignore[attr-defined]
        return token.user if token is not None else None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return _error(400, "bad_request", _("The Idempotency-Key is too long (at most 200 characters)."))
        user = _caller(request)
        if user is None:
            return self.get_response(request)  # authentication fails in the API with 401
        body_hash = hashlib.sha256(request.body).hexdigest()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, method=request.method, path=request.path, body_hash=body_hash
                )
        except IntegrityError:
            previous = IdempotencyRecord.objects.get(user=user, key=key)
            if previous.body_hash != body_hash or previous.path != request.path:
                return _error(
                    422, "idempotency_key_reused", _("This Idempotency-Key was used for a different request.")
                )
            if previous.state == IdempotencyRecord.State.RUNNING and _take_over(previous):
                return self._run(request, previous)
            if previous.state == IdempotencyRecord.State.RUNNING:
                return _error(
                    409,
                    "request_in_progress",
                    _("The first request with this Idempotency-Key is still running."),
                )
            replay = HttpResponse(bytes(previous.response_body or b""), status=previous.status_code or 200)
            for name, value in previous.response_headers.items():
                replay[name] = value
            replay["Idempotent-Replayed"] = "true"
            return replay
        return self._run(request, record)

    def _run(self, request: HttpRequest, record: IdempotencyRecord) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 500:
            # A failure is not an answer: let the client retry with the same key.
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            state=IdempotencyRecord.State.DONE,
            status_code=response.status_code,
            response_body=response.content,
            response_headers={name: response[name] for name in _KEPT_HEADERS if name in response},
        )
        return response


KEEP_ANSWERS = dt.timedelta(hours=24)
# A "running" record this old belongs to a request that died: its key may be used again.
STUCK_AFTER = dt.timedelta(minutes=10)


def expire_records(now: dt.datetime | None = None) -> int:
    """Forget answers older than a day, and requests that never finished (the worker calls this)."""
    now = now or timezone.now()
    old = IdempotencyRecord.objects.filter(created_at__lt=now - KEEP_ANSWERS)
    stuck = IdempotencyRecord.objects.filter(
        state=IdempotencyRecord.State.RUNNING, created_at__lt=now - STUCK_AFTER
    )
    return old.delete()[0] + stuck.delete()[0]
