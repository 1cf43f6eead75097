"""The foreign staff API: an employer's HR system reads and creates its foreign nationals' files,
starts employments, uploads and downloads documents, and reports changes and departures.

Everything goes through ``people.access`` and the same actions as the pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile

from onewindow.api.auth import AUTH
from onewindow.api.errors import ERRORS, ApiError, upload_refused
from onewindow.api.http import DEFAULT_LIMIT, page_by_created, require_if_match, with_etag
from onewindow.audit.trail import record_view
from onewindow.cases.actions import do_create_application, do_transition
from onewindow.cases.api import CaseOut, Strict, respond_case
from onewindow.cases.workflow import Action, Kind
from onewindow.employers.access import access_employer
from onewindow.lib.http import AuthedRequest
from onewindow.lib.uploads import UploadRefused
from onewindow.people.access import (
    access_document,
    access_person,
    access_person_for_upload,
    person_roles,
    view_reason_required,
    visible_persons,
)
from onewindow.people.actions import (
    do_create_person,
    do_start_employment,
    do_update_person,
    do_upload_document,
)
from onewindow.people.documents import DocumentType
from onewindow.people.models import Document, Person
from onewindow.people.storage import read_content

router = Router(tags=["people"], auth=AUTH)

DocumentTypeName = Literal[tuple(t.value for t in DocumentType)]  # type: ignore[valid-type]
SexName = Literal["F", "M", "X"]
Country = Field(pattern=r"^[A-Z]{2}$", examples=["GB"], description="ISO 3166-1 alpha-2")


class EmploymentOut(Schema):
    id: int
    employer_id: int
    employer_name: str
    position: str = Field(examples=["Robotics engineer"])
    started_on: dt.date | None
    ended_on: dt.date | None


class PersonSummary(Schema):
    id: int = Field(examples=[42])
    family_name: str = Field(examples=["DOE"])
    given_names: str = Field(examples=["Jane"])
    chinese_name: str
    nationality: str = Field(examples=["GB"])
    created_at: dt.datetime


class PersonOut(PersonSummary):
    sex: SexName
    date_of_birth: dt.date | None
    passport_number: str
    passport_expiry: dt.date
    residential_address: str
    phone: str
    email: str
    language: str
    anonymised: bool
    employments: list[EmploymentOut]


class PersonPage(Schema):
    items: list[PersonSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


class PersonFilters(Schema):
    employer_id: int | None = Field(default=None, description="Only the current staff of this employer.")
    nationality: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    created_after: dt.date | None = None
    created_before: dt.date | None = None
    cursor: str | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=200)


class ViewReason(Schema):
    reason: str | None = Field(
        default=None,
        max_length=500,
        description="Required when you reach the file only as a supervisor (kept in the access log).",
    )


class PersonCreate(Strict):
    employer_id: int = Field(description="The employer (yours) that employs the person.")
    position: str = Field(min_length=1, max_length=150, examples=["Robotics engineer"])
    family_name: str = Field(min_length=1, max_length=100, examples=["Doe"])
    given_names: str = Field(default="", max_length=150, examples=["Jane"])
    chinese_name: str = Field(default="", max_length=60)
    sex: SexName
    date_of_birth: dt.date = Field(examples=["1990-05-17"])
    nationality: str = Country
    passport_number: str = Field(min_length=3, max_length=30, examples=["P1234567"])
    passport_expiry: dt.date
    residential_address: str = Field(min_length=1, max_length=300)
    phone: str = Field(min_length=3, max_length=40, examples=["+86 138 0000 0000"])
    email: str = Field(default="", max_length=254)
    language: Literal["en", "zh-hans"] = "en"


class PersonUpdate(Strict):
    """Contact details only: a permit holder's name and passport change through a change report
    (``POST /people/{id}/changes``), checked at the window."""

    residential_address: str | None = Field(default=None, min_length=1, max_length=300)
    phone: str | None = Field(default=None, min_length=3, max_length=40, examples=["+86 139 0000 2222"])
    email: str | None = Field(default=None, max_length=254)
    language: Literal["en", "zh-hans"] | None = None


class EmploymentCreate(Strict):
    employer_id: int | None = Field(
        default=None, description="Your employer; may be left out if you are HR of only one."
    )
    position: str = Field(min_length=1, max_length=150, examples=["Robotics engineer"])
    started_on: dt.date | None = Field(default=None, examples=["2026-12-01"])


class DocumentOut(Schema):
    id: int
    document_type: DocumentTypeName  # type: ignore[valid-type]
    issued_on: dt.date | None
    expires_on: dt.date | None
    issued_abroad: bool
    authenticated: bool
    sha256: str
    size: int
    content_type: Literal["application/pdf", "image/jpeg", "image/png"]
    original_name: str = Field(examples=["passport.pdf"])
    uploaded_at: dt.datetime
    content_removed: bool = Field(description="The content was removed under the retention rules.")
    download_url: str | None


class DocumentMeta(Schema):
    document_type: DocumentTypeName = Field(examples=["passport"])  # type: ignore[valid-type]
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    issued_abroad: bool = False
    authenticated: bool = False


class ChangeReport(Strict):
    """A change of a permit holder's particulars, reported within 10 working days."""

    items: list[Literal["name", "passport", "position", "category"]] = Field(
        min_length=1, examples=[["position"]]
    )
    change_date: dt.date = Field(examples=["2026-11-20"])
    position: str = Field(min_length=1, max_length=150, description="The position after the change.")
    new_family_name: str = Field(default="", max_length=100)
    new_passport_number: str = Field(default="", max_length=30)
    new_passport_expiry: dt.date | None = None
    new_category: Literal["", "A", "B", "C"] = ""
    submit: bool = Field(default=True, description="Submit at once (else leave a draft).")


class DepartureReport(Strict):
    """The end of a permit holder's employment: the permit's cancellation."""

    employment_end_date: dt.date = Field(examples=["2026-11-20"])
    reason: Literal["contract_ended", "resigned", "dismissed", "deceased", "other"]
    submit: bool = Field(default=True, description="Submit at once (else leave a draft).")


def _employments(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "id": e.pk,
            "employer_id": e.employer_id,
            "employer_name": e.employer.name,
            "position": e.position,
            "started_on": e.started_on,
            "ended_on": e.ended_on,
        }
        for e in person.employments.select_related("employer").order_by("-created_at", "-pk")
    ]


def _summary(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "family_name": person.family_name,
        "given_names": person.given_names,
        "chinese_name": person.chinese_name,
        "nationality": str(person.nationality),
        "created_at": person.created_at,
    }


def _detail(person: Person) -> dict[str, Any]:
    return {
        **_summary(person),
        "sex": person.sex,
        "date_of_birth": person.date_of_birth,
        "passport_number": person.passport_number,
        "passport_expiry": person.passport_expiry,
        "residential_address": person.residential_address,
        "phone": person.phone,
        "email": person.email,
        "language": person.language,
        "anonymised": person.anonymised_at is not None,
        "employments": _employments(person),
    }


def person_etag(person: Person) -> str:
    """A strong validator over the file's editable content (persons carry no version number)."""
    body = json.dumps(_detail(person), default=str, sort_keys=True)
    return '"p-' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def document_out(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "document_type": document.document_type,
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
        "issued_abroad": document.issued_abroad,
        "authenticated": document.authenticated,
        "sha256": document.sha256,
        "size": document.size,
        "content_type": document.content_type,
        "original_name": document.original_name,
        "uploaded_at": document.uploaded_at,
        "content_removed": document.purged_at is not None,
        "download_url": None if document.purged_at else f"/api/v1/documents/{document.pk}/content",
    }


def stated_reason(request: AuthedRequest, roles: set[str], reason: str | None) -> str:
    """The reason a supervisor gives for opening a file (as on the pages); 422 without one."""
    if not view_reason_required(roles):
        return ""
    if not reason or len(reason.strip()) < 10:
        raise ApiError(
            422,
            "reason_required",
            _("Say why you open this file (at least 10 characters); it is kept in the access log."),
            {"reason": [_("This field is required.")]},
        )
    return reason.strip()


def _hr_employer(request: AuthedRequest, employer_id: int | None) -> Any:
    if employer_id is None:
        from onewindow.accounts.scopes import scope_of

        employers = scope_of(request.user).employer_ids
        if not employers:
            raise ApiError(404, "not_found", _("Not found."))
        if len(employers) > 1:
            raise ApiError(
                422,
                "invalid",
                _("Some fields are not valid."),
                {"employer_id": [_("This field is required.")]},
            )
        employer_id = next(iter(employers))
    employer = access_employer(request.user, employer_id, hr_only=True)
    if not employer.can_file_applications:
        raise ApiError(409, "employer_not_verified", _("The employer is not verified yet."))
    return employer


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="List the foreign nationals in reach")
def list_people(request: AuthedRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    queryset = visible_persons(request.user)
    if filters.employer_id is not None:
        queryset = queryset.filter(
            employments__employer_id=filters.employer_id, employments__ended_on__isnull=True
        )
    if filters.nationality:
        queryset = queryset.filter(nationality=filters.nationality)
    if filters.created_after:
        queryset = queryset.filter(created_at__date__gte=filters.created_after)
    if filters.created_before:
        queryset = queryset.filter(created_at__date__lte=filters.created_before)
    rows, next_cursor = page_by_created(queryset.distinct(), cursor=filters.cursor, limit=filters.limit)
    return {"items": [_summary(row) for row in rows], "next_cursor": next_cursor}


@router.post(
    "/people",
    response={201: PersonOut, **ERRORS},
    summary="Open a foreign national's file and their employment (send an Idempotency-Key)",
)
def create_person(
    request: AuthedRequest, response: HttpResponse, payload: PersonCreate
) -> Answer[dict[str, Any]]:
    employer = _hr_employer(request, payload.employer_id)
    fields = payload.model_dump(exclude={"employer_id", "position"})
    person = do_create_person(
        actor=request.user, employer=employer, position=payload.position, request=request, **fields
    )
    person.refresh_from_db()
    response["Location"] = f"/api/v1/people/{person.pk}"
    with_etag(response, person_etag(person))
    return Answer(201, _detail(person))


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="Read a file (with its ETag)")
def get_person(
    request: AuthedRequest, response: HttpResponse, person_id: int, query: Query[ViewReason]
) -> dict[str, Any]:
    person = access_person(request.user, person_id)
    reason = stated_reason(request, person_roles(request.user, person), query.reason)
    record_view(actor=request.user, obj=person, request=request, reason=reason)
    with_etag(response, person_etag(person))
    return _detail(person)


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **ERRORS},
    summary="Update a file's contact details (If-Match)",
)
def update_person(
    request: AuthedRequest, response: HttpResponse, person_id: int, payload: PersonUpdate
) -> dict[str, Any]:
    # Only who may add to the file (its current employer's HR users, the person) may correct it.
    person = access_person_for_upload(request.user, person_id)
    require_if_match(request, person_etag(person))
    person = do_update_person(
        person,
        actor=request.user,
        request=request,
        **{k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None},
    )
    person.refresh_from_db()
    with_etag(response, person_etag(person))
    return _detail(person)


@router.post(
    "/people/{person_id}/employments",
    response={201: EmploymentOut, **ERRORS},
    summary="Start an employment of a person at your employer (send an Idempotency-Key)",
)
def start_employment(
    request: AuthedRequest, person_id: int, payload: EmploymentCreate
) -> Answer[dict[str, Any]]:
    person = access_person(request.user, person_id)
    employer = _hr_employer(request, payload.employer_id)
    if person.anonymised_at is not None:
        raise ApiError(409, "anonymised", _("This file was anonymised."))
    employment = do_start_employment(
        person=person,
        employer=employer,
        position=payload.position,
        started_on=payload.started_on,
        actor=request.user,
        request=request,
    )
    return Answer(
        201,
        {
            "id": employment.pk,
            "employer_id": employer.pk,
            "employer_name": employer.name,
            "position": employment.position,
            "started_on": employment.started_on,
            "ended_on": employment.ended_on,
        },
    )


@router.get(
    "/people/{person_id}/documents",
    response={200: list[DocumentOut], **ERRORS},
    summary="List a person's documents, newest first",
)
def list_person_documents(
    request: AuthedRequest, person_id: int, query: Query[ViewReason]
) -> list[dict[str, Any]]:
    person = access_person(request.user, person_id)
    stated_reason(request, person_roles(request.user, person), query.reason)
    return [document_out(d) for d in person.documents.order_by("-uploaded_at", "-pk")]


@router.post(
    "/people/{person_id}/documents",
    response={201: DocumentOut, **ERRORS},
    summary="Upload a document to a person's file (multipart; send an Idempotency-Key)",
)
def upload_person_document(
    request: AuthedRequest,
    person_id: int,
    meta: Form[DocumentMeta],
    file: File[UploadedFile],
) -> Answer[dict[str, Any]]:
    """A clean PDF, JPEG or PNG within its document type's size limit, checked as on the pages."""
    person = access_person_for_upload(request.user, person_id)
    try:
        document = do_upload_document(
            actor=request.user,
            upload=file,
            document_type=meta.document_type,
            person=person,
            issued_on=meta.issued_on,
            expires_on=meta.expires_on,
            issued_abroad=meta.issued_abroad,
            authenticated=meta.authenticated,
            request=request,
        )
    except UploadRefused as exc:
        raise upload_refused(exc) from None
    except ValidationError as exc:
        raise upload_refused(exc, "__all__") from None
    return Answer(201, document_out(document))


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, **ERRORS},
    summary="Read a document's description",
)
def get_document(request: AuthedRequest, document_id: int) -> dict[str, Any]:
    return document_out(access_document(request.user, document_id))


@router.get(
    "/documents/{document_id}/content",
    response=ERRORS,
    summary="Download a document's content (logged in the access log)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def download_document(request: AuthedRequest, document_id: int, query: Query[ViewReason]) -> HttpResponse:
    document = access_document(request.user, document_id)
    reason = ""
    if document.person is not None:
        reason = stated_reason(request, person_roles(request.user, document.person), query.reason)
    if document.purged_at is not None:
        raise ApiError(404, "not_found", _("The content of this document was removed."))
    content = read_content(document)
    record_view(actor=request.user, obj=document, request=request, what="download", reason=reason)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _report(
    request: AuthedRequest,
    response: HttpResponse,
    person_id: int,
    *,
    kind: Kind,
    position: str,
    details: dict[str, Any],
    submit: bool,
) -> Answer[dict[str, Any]]:
    person = access_person(request.user, person_id)
    from onewindow.accounts.scopes import scope_of

    employment = (
        person.employments.current()
        .filter(employer_id__in=scope_of(request.user).employer_ids)
        .select_related("employer")
        .first()
    )
    if employment is None:
        raise ApiError(404, "not_found", _("Not found."))
    with transaction.atomic():
        application = do_create_application(
            actor=request.user,
            employer=employment.employer,
            person=person,
            kind=kind,
            position=position or employment.position,
            details=details,
            request=request,
        )
        if submit:
            application = do_transition(
                application, actor=request.user, action=Action.SUBMIT, request=request
            )
    response["Location"] = f"/api/v1/cases/{application.reference}"
    return Answer(201, respond_case(request, response, application))


@router.post(
    "/people/{person_id}/changes",
    response={201: CaseOut, **ERRORS},
    summary="Report a change of a permit holder's particulars (send an Idempotency-Key)",
)
def report_change(
    request: AuthedRequest, response: HttpResponse, person_id: int, payload: ChangeReport
) -> Answer[dict[str, Any]]:
    details: dict[str, Any] = {"items": payload.items, "change_date": payload.change_date.isoformat()}
    if payload.new_family_name:
        details["new_family_name"] = payload.new_family_name
    if payload.new_passport_number:
        details["new_passport_number"] = payload.new_passport_number
    if payload.new_passport_expiry:
        details["new_passport_expiry"] = payload.new_passport_expiry.isoformat()
    if payload.new_category:
        details["new_category"] = payload.new_category
    return _report(
        request,
        response,
        person_id,
        kind=Kind.CHANGE,
        position=payload.position,
        details=details,
        submit=payload.submit,
    )


@router.post(
    "/people/{person_id}/departures",
    response={201: CaseOut, **ERRORS},
    summary="Report a departure: the permit's cancellation (send an Idempotency-Key)",
)
def report_departure(
    request: AuthedRequest, response: HttpResponse, person_id: int, payload: DepartureReport
) -> Answer[dict[str, Any]]:
    details = {"employment_end_date": payload.employment_end_date.isoformat(), "reason": payload.reason}
    return _report(
        request,
        response,
        person_id,
        kind=Kind.CANCELLATION,
        position="",
        details=details,
        submit=payload.submit,
    )
