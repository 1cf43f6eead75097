"""ETags, preconditions and cursor pagination shared by the API's operations."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from django.db.models import F, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from onewindow.api.errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def require_if_match(request: HttpRequest, etag: str) -> None:
    """Refuse an update without ``If-Match`` (428) or with a stale one (412); nothing is changed."""
    sent = request.headers.get("If-Match")
    if not sent:
        raise ApiError(428, "precondition_required", _("Send the ETag you last read in an If-Match header."))
    if sent.strip() not in {etag, "*"} and sent.strip().removeprefix("W/") != etag:
        raise ApiError(
            412, "precondition_failed", _("The resource changed since you read it; read it again.")
        )


def with_etag(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    return response


def _encode(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.datetime | dt.date) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, json.JSONDecodeError) as exc:
        raise ApiError(400, "bad_cursor", _("The cursor is not valid; start again without one.")) from exc
    if not isinstance(values, list) or len(values) != 2:
        raise ApiError(400, "bad_cursor", _("The cursor is not valid; start again without one."))
    return values


def page_by_created[M: Model](
    queryset: QuerySet[M], *, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """Newest first, keyset-paginated on (created_at, id): stable while rows are added."""
    limit = max(1, min(limit, MAX_LIMIT))
    queryset = queryset.order_by("-created_at", "-id")
    if cursor:
        created, pk = _decode(cursor)
        try:
            moment = dt.datetime.fromisoformat(created)
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "bad_cursor", _("The cursor is not valid; start again without one.")) from exc
        if not isinstance(pk, int):
            raise ApiError(400, "bad_cursor", _("The cursor is not valid; start again without one."))
        queryset = queryset.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=pk))
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode([last.created_at, last.pk])  # type: ignore[attr-defined]
    return rows, next_cursor


def page_by_due[M: Model](
    queryset: QuerySet[M], *, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """Soonest deadline first (cases without one last), keyset-paginated on (due_on, id)."""
    limit = max(1, min(limit, MAX_LIMIT))
    queryset = queryset.order_by(F("due_on").asc(nulls_last=True), "id")
    if cursor:
        due, pk = _decode(cursor)
        if not isinstance(pk, int):
            raise ApiError(400, "bad_cursor", _("The cursor is not valid; start again without one."))
        if due is None:
            queryset = queryset.filter(due_on__isnull=True, id__gt=pk)
        else:
            try:
                day = dt.date.fromisoformat(due)
            except (TypeError, ValueError) as exc:
                raise ApiError(
                    400, "bad_cursor", _("The cursor is not valid; start again without one.")
                ) from exc
            queryset = queryset.filter(Q(due_on__gt=day) | Q(due_on=day, id__gt=pk) | Q(due_on__isnull=True))
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode([last.due_on, last.pk])  # type: ignore[attr-defined]
    return rows, next_cursor
