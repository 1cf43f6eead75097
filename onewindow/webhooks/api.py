"""The webhooks API: an employer's administrator registers endpoints and reads their delivery history."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from pydantic import ConfigDict

from onewindow.api.access import administered_employer_ids
from onewindow.api.auth import AUTH
from onewindow.api.errors import ERRORS, ApiError
from onewindow.api.http import DEFAULT_LIMIT, page_by_created
from onewindow.employers.access import access_employer
from onewindow.lib.http import AuthedRequest
from onewindow.webhooks.access import access_endpoint, visible_endpoints
from onewindow.webhooks.actions import do_create_endpoint, do_disable_endpoint
from onewindow.webhooks.models import Delivery, Endpoint

router = Router(tags=["webhooks"], auth=AUTH)


class EndpointOut(Schema):
    id: int
    employer_id: int
    url: str = Field(examples=["https://hr.example.com/onewindow/events"])
    description: str
    active: bool
    created_at: dt.datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(
        description="The HMAC-SHA256 key of the signatures. Shown only in this answer: keep it.",
        examples=["whsec_Qm9uZVdpbmRvdyBleGFtcGxlIHNlY3JldA"],
    )


class EndpointIn(Schema):
    model_config = ConfigDict(extra="forbid")

    employer_id: int
    url: str = Field(max_length=500, examples=["https://hr.example.com/onewindow/events"])
    description: str = Field(default="", max_length=200, examples=["HR system (production)"])


class AttemptOut(Schema):
    attempted_at: dt.datetime
    status_code: int | None = Field(examples=[204])
    error: str
    duration_ms: int


class DeliveryOut(Schema):
    id: str = Field(description="The OneWindow-Delivery header", examples=["5f0b7a4e-…"])
    event_type: str = Field(examples=["case.accept"])
    state: Literal["pending", "delivered", "failed"]
    attempts: list[AttemptOut]
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    created_at: dt.datetime
    payload: dict[str, Any]


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryFilters(Schema):
    state: Literal["pending", "delivered", "failed"] | None = None
    cursor: str | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=200)


def _endpoint(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "employer_id": endpoint.employer_id,
        "url": endpoint.url,
        "description": endpoint.description,
        "active": endpoint.active,
        "created_at": endpoint.created_at,
    }


@router.get(
    "/webhooks", response={200: list[EndpointOut], **ERRORS}, summary="Your employers' webhook endpoints"
)
def list_webhooks(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_endpoint(e) for e in visible_endpoints(request.user).order_by("-created_at", "-pk")]


@router.post(
    "/webhooks",
    response={201: EndpointCreated, **ERRORS},
    summary="Register an HTTPS endpoint for your employer's case events (send an Idempotency-Key)",
)
def create_webhook(
    request: AuthedRequest, response: HttpResponse, payload: EndpointIn
) -> Answer[dict[str, Any]]:
    if payload.employer_id not in administered_employer_ids(request.user):
        raise ApiError(404, "not_found", _("Not found."))
    employer = access_employer(request.user, payload.employer_id, hr_only=True)
    endpoint, secret = do_create_endpoint(
        actor=request.user, employer=employer, url=payload.url, description=payload.description
    )
    response["Location"] = f"/api/v1/webhooks/{endpoint.pk}/deliveries"
    return Answer(201, {**_endpoint(endpoint), "secret": secret})


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response={200: DeliveryPage, **ERRORS},
    summary="An endpoint's delivery history, newest first, with every attempt",
)
def list_deliveries(
    request: AuthedRequest, webhook_id: int, filters: Query[DeliveryFilters]
) -> dict[str, Any]:
    endpoint = access_endpoint(request.user, webhook_id)
    queryset = endpoint.deliveries.prefetch_related("attempt_log")
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    rows, next_cursor = page_by_created(queryset, cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [
            {
                "id": str(d.uuid),
                "event_type": d.event_type,
                "state": d.state,
                "attempts": [
                    {
                        "attempted_at": a.attempted_at,
                        "status_code": a.status_code,
                        "error": a.error,
                        "duration_ms": a.duration_ms,
                    }
                    for a in d.attempt_log.all()
                ],
                "next_attempt_at": d.next_attempt_at if d.state == Delivery.State.PENDING else None,
                "delivered_at": d.delivered_at,
                "created_at": d.created_at,
                "payload": d.payload,
            }
            for d in rows
        ],
        "next_cursor": next_cursor,
    }


@router.post(
    "/webhooks/{webhook_id}/disable",
    response={200: EndpointOut, **ERRORS},
    summary="Stop sending to an endpoint",
)
def disable_webhook(request: AuthedRequest, webhook_id: int) -> dict[str, Any]:
    endpoint = access_endpoint(request.user, webhook_id)
    return _endpoint(do_disable_endpoint(endpoint, actor=request.user))
