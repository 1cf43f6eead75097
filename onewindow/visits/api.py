"""Booking the one visit through the API: free slots of the case's station, book, read,
reschedule (If-Match) and cancel (If-Match) — the same access checks and actions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from pydantic import ConfigDict

from onewindow.api.auth import AUTH
from onewindow.api.errors import ApiError, ErrorResponse
from onewindow.api.http import require_if_match, with_etag
from onewindow.cases.access import access_application, roles_on
from onewindow.cases.models import Application
from onewindow.lib.http import AuthedRequest
from onewindow.visits import selectors, slots
from onewindow.visits.actions import (
    APPLICANT_ROLES,
    do_book_appointment,
    do_cancel_appointment,
    do_reschedule_appointment,
    visit_due,
)
from onewindow.visits.models import Appointment

router = Router(tags=["appointments"], auth=AUTH)

ERRORS: dict[int, type[Schema]] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
    412: ErrorResponse,
    422: ErrorResponse,
    428: ErrorResponse,
}

# Refusals that are conflicts with the state of the world rather than bad input.
CONFLICTS = frozenset({"full", "exists", "stale", "not_booked", "not_due"})
MAX_DAYS = 60


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class SlotOut(Schema):
    starts_at: dt.datetime = Field(examples=["2026-12-01T09:00:00+08:00"])
    ends_at: dt.datetime = Field(examples=["2026-12-01T09:30:00+08:00"])
    free: int = Field(description="Places still free in this slot.", examples=[2])


class StationOut(Schema):
    code: str = Field(examples=["zhaoshang-station"])
    name: str = Field(examples=["Zhaoshang Street work station"])
    address: str = Field(examples=["Zhaoshang Street, Nanshan District, Shenzhen"])


class AppointmentOut(Schema):
    id: int = Field(examples=[42])
    reference: str = Field(description="The case's reference.", examples=["OW-7K3M-9Q2P"])
    station: StationOut
    starts_at: dt.datetime = Field(examples=["2026-12-01T09:00:00+08:00"])
    ends_at: dt.datetime = Field(examples=["2026-12-01T09:30:00+08:00"])
    status: str = Field(examples=["booked"])
    rescheduled_count: int = Field(examples=[0])
    version: int = Field(description="The ETag's value; send it back in If-Match.", examples=[1])


class SlotFilters(Schema):
    start: dt.date | None = Field(default=None, description="First day (default: today).")
    days: int = Field(default=14, ge=1, le=MAX_DAYS)


class BookIn(Strict):
    starts_at: dt.datetime = Field(
        description="The start of a free slot, with its offset, e.g. 2026-12-31T09:30:00+08:00.",
        examples=["2026-12-31T09:30:00+08:00"],
    )


def _out(appointment: Appointment, application: Application) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "reference": application.reference,
        "station": {
            "code": appointment.office.code,
            "name": appointment.office.name,
            "address": appointment.office.address,
        },
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "status": appointment.status,
        "rescheduled_count": appointment.rescheduled_count,
        "version": appointment.version,
    }


def _applicant_case(request: AuthedRequest, reference: str) -> Application:
    application = access_application(request.user, reference)
    if not roles_on(request.user, application) & APPLICANT_ROLES:
        raise ApiError(403, "forbidden", _("Only the applicant can book, move or cancel the visit."))
    return application


def _current(application: Application) -> Appointment:
    appointment = selectors.current_appointment(application)
    if appointment is None:
        raise ApiError(404, "not_found", _("This case has no booked appointment."))
    return appointment


def _refused(exc: ValidationError) -> ApiError:
    code = getattr(exc, "code", None) or "invalid"
    status = 409 if code in CONFLICTS else 422
    return ApiError(status, code, " ".join(exc.messages))


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@router.get(
    "/cases/{reference}/slots",
    response={200: list[SlotOut], **ERRORS},
    summary="Free appointment slots at the case's station",
)
def list_free_slots(
    request: AuthedRequest, reference: str, filters: Query[SlotFilters]
) -> list[dict[str, Any]]:
    application = access_application(request.user, reference)
    if not visit_due(application):
        return []
    first = filters.start or timezone.localdate()
    offered = slots.slots(application.station, first=first, last=first + dt.timedelta(days=filters.days - 1))
    return [{"starts_at": s.starts_at, "ends_at": s.ends_at, "free": s.free} for s in offered if s.free]


@router.get(
    "/cases/{reference}/appointment",
    response={200: AppointmentOut, **ERRORS},
    summary="The case's booked appointment (with its ETag)",
)
def get_appointment(request: AuthedRequest, response: HttpResponse, reference: str) -> dict[str, Any]:
    application = access_application(request.user, reference)
    appointment = _current(application)
    with_etag(response, appointment.etag)
    return _out(appointment, application)


@router.post(
    "/cases/{reference}/appointment",
    response={201: AppointmentOut, **ERRORS},
    summary="Book the visit (send an Idempotency-Key)",
)
def book_appointment(
    request: AuthedRequest, response: HttpResponse, reference: str, payload: BookIn
) -> Answer[dict[str, Any]]:
    application = _applicant_case(request, reference)
    try:
        appointment = do_book_appointment(
            application, actor=request.user, starts_at=_aware(payload.starts_at), request=request
        )
    except ValidationError as exc:
        raise _refused(exc) from None
    response["Location"] = f"/api/v1/cases/{application.reference}/appointment"
    with_etag(response, appointment.etag)
    return Answer(201, _out(appointment, application))


@router.post(
    "/cases/{reference}/appointment/reschedule",
    response={200: AppointmentOut, **ERRORS},
    summary="Move the booked appointment to another free slot (If-Match)",
)
def reschedule_appointment(
    request: AuthedRequest, response: HttpResponse, reference: str, payload: BookIn
) -> dict[str, Any]:
    application = _applicant_case(request, reference)
    appointment = _current(application)
    require_if_match(request, appointment.etag)
    try:
        appointment = do_reschedule_appointment(
            appointment,
            actor=request.user,
            starts_at=_aware(payload.starts_at),
            request=request,
            expected_version=appointment.version,
        )
    except ValidationError as exc:
        raise _refused(exc) from None
    with_etag(response, appointment.etag)
    return _out(appointment, application)


@router.delete(
    "/cases/{reference}/appointment",
    response={200: AppointmentOut, **ERRORS},
    summary="Cancel the booked appointment (If-Match)",
)
def cancel_appointment(request: AuthedRequest, response: HttpResponse, reference: str) -> dict[str, Any]:
    application = _applicant_case(request, reference)
    appointment = _current(application)
    require_if_match(request, appointment.etag)
    try:
        appointment = do_cancel_appointment(
            appointment, actor=request.user, request=request, expected_version=appointment.version
        )
    except ValidationError as exc:
        raise _refused(exc) from None
    with_etag(response, appointment.etag)
    return _out(appointment, application)
