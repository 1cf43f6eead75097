"""The employers API: an HR system reads its employer, its foreign staff and its own documents."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, File, Form, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile

from onewindow.api.auth import AUTH
from onewindow.api.errors import ERRORS, upload_refused
from onewindow.employers.access import access_employer, visible_employers
from onewindow.employers.models import Employer
from onewindow.lib.http import AuthedRequest
from onewindow.lib.uploads import UploadRefused
from onewindow.people.actions import do_upload_document
from onewindow.people.api import DocumentMeta, DocumentOut, document_out

router = Router(tags=["employers"], auth=AUTH)


class EmployerOut(Schema):
    id: int
    credit_code: str = Field(examples=["91440300MA5F000017"])
    name: str
    name_zh: str
    name_en: str
    status: Literal["pending", "verified", "rejected", "suspended"]
    workplace_address: str
    can_file_applications: bool


class StaffMember(Schema):
    employment_id: int
    person_id: int
    family_name: str
    given_names: str
    nationality: str
    position: str = Field(examples=["Robotics engineer"])
    started_on: dt.date | None


def _employer(employer: Employer) -> dict[str, Any]:
    return {
        "id": employer.pk,
        "credit_code": employer.credit_code,
        "name": employer.name,
        "name_zh": employer.name_zh,
        "name_en": employer.name_en,
        "status": employer.status,
        "workplace_address": employer.workplace_address,
        "can_file_applications": employer.can_file_applications,
    }


@router.get("/employers", response={200: list[EmployerOut], **ERRORS}, summary="The employers in your reach")
def list_employers(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_employer(e) for e in visible_employers(request.user).order_by("pk")[:200]]


@router.get("/employers/{employer_id}", response={200: EmployerOut, **ERRORS}, summary="Read your employer")
def get_employer(request: AuthedRequest, employer_id: int) -> dict[str, Any]:
    return _employer(access_employer(request.user, employer_id, hr_only=True))


@router.get(
    "/employers/{employer_id}/staff",
    response={200: list[StaffMember], **ERRORS},
    summary="Your employer's current foreign staff",
)
def list_staff(request: AuthedRequest, employer_id: int) -> list[dict[str, Any]]:
    employer = access_employer(request.user, employer_id, hr_only=True)
    employments = (
        employer.employments.current().select_related("person").order_by("person__family_name", "pk")
    )
    return [
        {
            "employment_id": e.pk,
            "person_id": e.person_id,
            "family_name": e.person.family_name,
            "given_names": e.person.given_names,
            "nationality": str(e.person.nationality),
            "position": e.position,
            "started_on": e.started_on,
        }
        for e in employments
    ]


@router.get(
    "/employers/{employer_id}/documents",
    response={200: list[DocumentOut], **ERRORS},
    summary="Your employer's own documents (business licence …), newest first",
)
def list_employer_documents(request: AuthedRequest, employer_id: int) -> list[dict[str, Any]]:
    employer = access_employer(request.user, employer_id, hr_only=True)
    return [document_out(d) for d in employer.documents.order_by("-uploaded_at", "-pk")]


@router.post(
    "/employers/{employer_id}/documents",
    response={201: DocumentOut, **ERRORS},
    summary="Upload a document of your employer (multipart; send an Idempotency-Key)",
)
def upload_employer_document(
    request: AuthedRequest, employer_id: int, meta: Form[DocumentMeta], file: File[UploadedFile]
) -> Answer[dict[str, Any]]:
    employer = access_employer(request.user, employer_id, hr_only=True)
    try:
        document = do_upload_document(
            actor=request.user,
            upload=file,
            document_type=meta.document_type,
            employer=employer,
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
