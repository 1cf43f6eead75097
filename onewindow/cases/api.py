"""The applications API: what an employer's HR system, the exit-entry office and the
window can do with a case, through the same access checks and actions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from pydantic import ConfigDict

from onewindow.accounts.authn import is_freshly_authenticated
from onewindow.accounts.scopes import scope_of
from onewindow.api.auth import AUTH
from onewindow.api.errors import ERRORS, ApiError
from onewindow.api.http import DEFAULT_LIMIT, page_by_created, require_if_match, with_etag
from onewindow.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from onewindow.api.idempotency import client_token
from onewindow.cases import deadlines, reasons, workflow
from onewindow.cases.access import access_application, visible_applications
from onewindow.cases.actions import (
    actor_roles,
    do_answer_supplement,
    do_create_application,
    do_record_decision,
    do_record_entry,
    do_request_supplement,
    do_return_application,
    do_transition,
    do_update_application,
)
from onewindow.cases.models import Application, Authority, Decision
from onewindow.cases.workflow import Action, Kind, Status
from onewindow.lib.http import AuthedRequest
from onewindow.people.access import access_person

router = Router(tags=["applications"], auth=AUTH)


KindName = Literal[
    "short_term", "notification_letter", "new_in_china", "extension", "change", "cancellation", "reissue"
]
StatusName = Literal[tuple(s.value for s in Status)]  # type: ignore[valid-type]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class PersonRef(Schema):
    id: int
    name: str
    nationality: str


class EmployerRef(Schema):
    id: int
    name: str
    credit_code: str


class StationRef(Schema):
    code: str
    name: str


class DecisionOut(Schema):
    authority: Literal["work_permit", "residence_permit"]
    outcome: Literal["approved", "refused"]
    reasons: list[dict[str, str]] = Field(
        examples=[[{"code": "criteria_met", "reason": "…", "legal_basis": "…"}]]
    )
    reasoning: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    fee_cny: int
    decided_at: dt.datetime


class CorrectionOut(Schema):
    stage: Literal["pre_review", "supplement"]
    text: str
    requested_at: dt.datetime
    answered_at: dt.datetime | None


class CaseSummary(Schema):
    reference: str = Field(examples=["OW-7K3M-9Q2P"])
    kind: KindName
    status: StatusName  # type: ignore[valid-type]
    person: PersonRef
    employer: EmployerRef
    station: StationRef
    due_on: dt.date | None
    created_at: dt.datetime


class CaseOut(CaseSummary):
    status_label: str
    category: str
    position: str
    annual_salary_cny: int | None
    work_start: dt.date | None
    work_end: dt.date | None
    details: dict[str, Any]
    needs_residence_permit: bool
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    decided_at: dt.datetime | None
    completed_at: dt.datetime | None
    predicted_decision_on: dt.date | None
    clock_stopped: bool
    version: int
    decisions: list[DecisionOut]
    corrections: list[CorrectionOut]
    available_actions: list[str] = Field(description="Steps the caller may take now.")


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= to get the next page; null on the last page."
    )


class AssessmentFacts(Strict):
    """The facts the A/B/C engine classifies (the salary and the age come from the case and the file)."""

    education: Literal["doctorate", "master", "bachelor", "none"]
    related_experience_years: int = Field(ge=0, le=80)
    months_per_year_in_china: int = Field(ge=0, le=12)
    hsk_level: int = Field(default=0, ge=0, le=6)
    former_chinese_national: bool = False
    chinese_taught_degree: bool = False
    special_work_location: bool = False
    high_level_university: bool = False
    fortune500_experience: bool = False
    holds_patents: bool = False
    continuous_years_in_china: int = Field(default=0, ge=0, le=80)
    local_bonus: int = Field(default=0, ge=0, le=10)
    direct_routes: list[str] = Field(default_factory=list, examples=[["talent_programme"]])


class CaseCreate(Strict):
    person_id: int
    kind: KindName
    position: str = Field(min_length=1, max_length=150)
    category: Literal["", "A", "B", "C"] = ""
    annual_salary_cny: int | None = Field(default=None, ge=0, le=100_000_000)
    work_start: dt.date | None = None
    work_end: dt.date | None = None
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="The kind's own answers, e.g. {'basis': 'intra_group'} for new_in_china.",
        examples=[{"basis": "intra_group"}],
    )
    assessment: AssessmentFacts | None = Field(
        default=None,
        description="Required for the kinds whose category is assessed (new permits, letters, extensions).",
    )


class CaseUpdate(Strict):
    position: str | None = Field(default=None, min_length=1, max_length=150, examples=["Lead engineer"])
    category: Literal["", "A", "B", "C"] | None = None
    annual_salary_cny: int | None = Field(default=None, ge=0, le=100_000_000)
    work_start: dt.date | None = None
    work_end: dt.date | None = None
    details: dict[str, Any] | None = None


class CorrectionItem(Strict):
    text: str = Field(
        min_length=1, max_length=2000, examples=["The degree certificate is not authenticated."]
    )
    document_type: str = Field(default="", max_length=40, examples=["degree"])


class CorrectionsIn(Strict):
    items: list[CorrectionItem] = Field(min_length=1, max_length=50)


class ReasonIn(Strict):
    reason: str = Field(
        min_length=1, max_length=2000, examples=["The employer is not in this station's area."]
    )


class AnswerIn(Strict):
    answer: str = Field(min_length=1, max_length=4000, examples=["The authenticated degree is uploaded."])


class EntryIn(Strict):
    entry_date: dt.date = Field(examples=["2026-11-20"])


class DecisionIn(Strict):
    authority: Literal["work_permit", "residence_permit"]
    outcome: Literal["approved", "refused"]
    reason_codes: list[str] = Field(min_length=1, examples=[["criteria_met"]])
    reasoning: str = Field(default="", max_length=4000, examples=["All criteria of category B are met."])
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    fee_cny: int = Field(default=0, ge=0, le=10_000)


class CaseFilters(Schema):
    status: StatusName | None = None  # type: ignore[valid-type]
    kind: KindName | None = None
    created_after: dt.date | None = None
    created_before: dt.date | None = None
    office: str | None = Field(default=None, description="Code of the station handling the case.")
    cursor: str | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=200)


def _summary(application: Application) -> dict[str, Any]:
    return {
        "reference": application.reference,
        "kind": application.kind,
        "status": application.status,
        "person": {
            "id": application.person_id,
            "name": application.person.display_name,
            "nationality": str(application.person.nationality),
        },
        "employer": {
            "id": application.employer_id,
            "name": application.employer.name,
            "credit_code": application.employer.credit_code,
        },
        "station": {"code": application.station.code, "name": application.station.name},
        "due_on": application.due_on,
        "created_at": application.created_at,
    }


def _detail(request: AuthedRequest, application: Application, *, created: bool = False) -> dict[str, Any]:
    """The full answer; ``created``: the application was inserted by this request, so it has
    no decisions or corrections yet and they are not queried."""
    clock = deadlines.clock(application)
    actors = actor_roles(request.user, application)
    return {
        **_summary(application),
        "status_label": str(workflow.STATUS_LABELS[Status(application.status)]),
        "category": application.category,
        "position": application.position,
        "annual_salary_cny": application.annual_salary_cny,
        "work_start": application.work_start,
        "work_end": application.work_end,
        "details": application.details,
        "needs_residence_permit": application.needs_residence_permit,
        "submitted_at": application.submitted_at,
        "accepted_at": application.accepted_at,
        "decided_at": application.decided_at,
        "completed_at": application.completed_at,
        "predicted_decision_on": clock.predicted_decision_on,
        "clock_stopped": clock.stopped,
        "version": application.version,
        "decisions": [
            {
                "authority": d.authority,
                "outcome": d.outcome,
                "reasons": [
                    {
                        "code": code,
                        "reason": reasons.describe(code)[0],
                        "legal_basis": reasons.describe(code)[1],
                    }
                    for code in d.reason_codes
                ],
                "reasoning": d.reasoning,
                "valid_from": d.valid_from,
                "valid_until": d.valid_until,
                "fee_cny": d.fee_cny,
                "decided_at": d.decided_at,
            }
            for d in ([] if created else application.decisions.order_by("decided_at"))
        ],
        "corrections": [
            {"stage": c.stage, "text": c.text, "requested_at": c.requested_at, "answered_at": c.answered_at}
            for c in ([] if created else application.corrections.order_by("requested_at", "pk"))
        ],
        "available_actions": [str(a) for a in workflow.available(application, application.status, actors)],
    }


def _respond(request: AuthedRequest, response: HttpResponse, application: Application) -> dict[str, Any]:
    # One query brings back the row and what the answer shows of its person, employer and station.
    application.refresh_from_db(
        from_queryset=Application.objects.select_related("person", "employer", "station")
    )
    with_etag(response, application.etag)
    return _detail(request, application)


respond_case = _respond


def _fresh(request: AuthedRequest) -> bool:
    """Decisions and issuance need a fresh sign-in: a token is a fresh credential on every call;
    a browser session must have re-authenticated on the web pages."""
    return getattr(request, "api_token", None) is not None or is_freshly_authenticated(request)


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="List the applications in your reach")
def list_cases(request: AuthedRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    queryset = visible_applications(request.user).select_related("person", "employer", "station")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.office:
        queryset = queryset.filter(station__code=filters.office)
    if filters.created_after:
        queryset = queryset.filter(created_at__date__gte=filters.created_after)
    if filters.created_before:
        queryset = queryset.filter(created_at__date__lte=filters.created_before)
    rows, next_cursor = page_by_created(queryset, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_summary(row) for row in rows], "next_cursor": next_cursor}


@router.post(
    "/cases",
    response={201: CaseOut, **ERRORS},
    summary="File a draft application (send an Idempotency-Key)",
)
def create_case(
    request: AuthedRequest, response: HttpResponse, payload: CaseCreate
) -> Answer[dict[str, Any]]:
    person = access_person(request.user, payload.person_id)
    employers = scope_of(request.user).employer_ids
    employment = (
        person.employments.current()
        .filter(employer_id__in=employers)
        .select_related("employer__workplace_street")
        .first()
    )
    if employment is None:
        raise ApiError(404, "not_found", _("Not found."))
    application = do_create_application(
        actor=request.user,
        employer=employment.employer,
        person=person,
        kind=Kind(payload.kind),
        position=payload.position,
        category=payload.category,
        annual_salary_cny=payload.annual_salary_cny,
        work_start=payload.work_start,
        work_end=payload.work_end,
        details=payload.details,
        assessment_facts=payload.assessment.model_dump() if payload.assessment else None,
        request=request,
        # A retry that takes over an abandoned first attempt finds what that attempt created.
        client_token=client_token(key) if (key := request.headers.get(IDEMPOTENCY_HEADER)) else "",
    )
    response["Location"] = f"/api/v1/cases/{application.reference}"
    if application.status != Status.DRAFT or application.version != 1:
        # A retry found what an earlier attempt created, and it has moved on since.
        return Answer(201, _respond(request, response, application))
    # A draft never changed (just inserted, or found by a retry straight from the database) has
    # no decisions or corrections, and its row is current: nothing to read back.
    with_etag(response, application.etag)
    return Answer(201, _detail(request, application, created=True))


@router.get(
    "/cases/{reference}", response={200: CaseOut, **ERRORS}, summary="Read an application (with its ETag)"
)
def get_case(request: AuthedRequest, response: HttpResponse, reference: str) -> dict[str, Any]:
    application = access_application(request.user, reference)
    from onewindow.audit.trail import record_view

    record_view(actor=request.user, obj=application, request=request, application=application)
    # A read changed nothing: the row just loaded (with its person, employer and station) is current.
    with_etag(response, application.etag)
    return _detail(request, application)


@router.patch(
    "/cases/{reference}",
    response={200: CaseOut, **ERRORS},
    summary="Edit a draft or returned application (If-Match)",
)
def update_case(
    request: AuthedRequest, response: HttpResponse, reference: str, payload: CaseUpdate
) -> dict[str, Any]:
    application = access_application(request.user, reference)
    require_if_match(request, application.etag)
    changes = payload.model_dump(exclude_unset=True)
    application = do_update_application(
        application,
        actor=request.user,
        changes=changes,
        expected_version=application.version,
        request=request,
    )
    return _respond(request, response, application)


def _step(
    request: AuthedRequest, response: HttpResponse, reference: str, action: Action, **kwargs: Any
) -> dict[str, Any]:
    application = access_application(request.user, reference)
    require_if_match(request, application.etag)
    do_transition(
        application,
        actor=request.user,
        action=action,
        request=request,
        expected_version=application.version,
        **kwargs,
    )
    return _respond(request, response, application)


def _guarded(request: AuthedRequest, reference: str) -> Application:
    application = access_application(request.user, reference)
    require_if_match(request, application.etag)
    return application


@router.post("/cases/{reference}/submit", response={200: CaseOut, **ERRORS}, summary="Submit (If-Match)")
def submit_case(request: AuthedRequest, response: HttpResponse, reference: str) -> dict[str, Any]:
    application = access_application(request.user, reference)
    action = Action.RESUBMIT if application.status == Status.RETURNED else Action.SUBMIT
    return _step(request, response, reference, action)


@router.post("/cases/{reference}/withdraw", response={200: CaseOut, **ERRORS}, summary="Withdraw (If-Match)")
def withdraw_case(request: AuthedRequest, response: HttpResponse, reference: str) -> dict[str, Any]:
    return _step(request, response, reference, Action.WITHDRAW)


@router.post(
    "/cases/{reference}/accept", response={200: CaseOut, **ERRORS}, summary="Accept at pre-review (If-Match)"
)
def accept_case(request: AuthedRequest, response: HttpResponse, reference: str) -> dict[str, Any]:
    return _step(request, response, reference, Action.ACCEPT)


@router.post(
    "/cases/{reference}/return",
    response={200: CaseOut, **ERRORS},
    summary="Return once, with every correction (If-Match)",
)
def return_case(
    request: AuthedRequest, response: HttpResponse, reference: str, payload: CorrectionsIn
) -> dict[str, Any]:
    application = _guarded(request, reference)
    do_return_application(
        application,
        actor=request.user,
        corrections=[item.model_dump() for item in payload.items],
        request=request,
        expected_version=application.version,
    )
    return _respond(request, response, application)


@router.post(
    "/cases/{reference}/decline", response={200: CaseOut, **ERRORS}, summary="Decline to accept (If-Match)"
)
def decline_case(
    request: AuthedRequest, response: HttpResponse, reference: str, payload: ReasonIn
) -> dict[str, Any]:
    return _step(request, response, reference, Action.DECLINE, data={"reason": payload.reason})


@router.post(
    "/cases/{reference}/supplement-requests",
    response={200: CaseOut, **ERRORS},
    summary="Ask the applicant for more material; the clock stops (If-Match)",
)
def request_supplement(
    request: AuthedRequest, response: HttpResponse, reference: str, payload: CorrectionsIn
) -> dict[str, Any]:
    application = _guarded(request, reference)
    do_request_supplement(
        application,
        actor=request.user,
        items=[item.model_dump() for item in payload.items],
        request=request,
        expected_version=application.version,
    )
    return _respond(request, response, application)


@router.post(
    "/cases/{reference}/supplement-answers",
    response={200: CaseOut, **ERRORS},
    summary="Answer the open requests; the clock runs again (If-Match)",
)
def answer_supplement(
    request: AuthedRequest, response: HttpResponse, reference: str, payload: AnswerIn
) -> dict[str, Any]:
    application = _guarded(request, reference)
    do_answer_supplement(
        application,
        actor=request.user,
        answer=payload.answer,
        request=request,
        expected_version=application.version,
    )
    return _respond(request, response, application)


@router.post(
    "/cases/{reference}/entry",
    response={200: CaseOut, **ERRORS},
    summary="Record the entry to China of a notification-letter holder (If-Match)",
)
def record_entry(
    request: AuthedRequest, response: HttpResponse, reference: str, payload: EntryIn
) -> dict[str, Any]:
    application = _guarded(request, reference)
    do_record_entry(application, actor=request.user, entry_date=payload.entry_date, request=request)
    return _respond(request, response, application)


@router.post(
    "/cases/{reference}/decisions",
    response={200: CaseOut, **ERRORS},
    summary="Record one authority's decision, with reason codes (If-Match)",
)
def decide_case(
    request: AuthedRequest, response: HttpResponse, reference: str, payload: DecisionIn
) -> dict[str, Any]:
    application = _guarded(request, reference)
    unknown = [code for code in payload.reason_codes if code not in reasons.REASONS]
    if unknown:
        raise ApiError(422, "invalid", _("Unknown reason codes."), {"reason_codes": [", ".join(unknown)]})
    do_record_decision(
        application,
        actor=request.user,
        authority=Authority(payload.authority),
        outcome=Decision.Outcome(payload.outcome),
        reason_codes=payload.reason_codes,
        reasoning=payload.reasoning,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        fee_cny=payload.fee_cny,
        request=request,
        expected_version=application.version,
        fresh_authentication=_fresh(request),
    )
    return _respond(request, response, application)


class EventOut(Schema):
    action: str = Field(examples=["case.submit"])
    from_status: str
    to_status: str
    occurred_at: dt.datetime
    actor: str


@router.get(
    "/cases/{reference}/events",
    response={200: list[EventOut], **ERRORS},
    summary="The application's timeline",
)
def case_events(request: AuthedRequest, reference: str) -> list[dict[str, Any]]:
    from onewindow.cases.selectors import timeline

    application = access_application(request.user, reference)
    return [
        {
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "occurred_at": event.occurred_at,
            "actor": event.actor.full_name if event.actor else "OneWindow",
        }
        for event in timeline(application)
    ]


# --- Decisions, permits and worklists ------------------------------------------------------------


class PermitOut(Schema):
    number: str = Field(examples=["440300202600012"])
    status: Literal["active", "cancelled", "revoked", "superseded"]
    category: str
    position: str
    valid_from: dt.date
    valid_until: dt.date
    issued_at: dt.datetime
    ended_at: dt.datetime | None


class ResidencePermitOut(Schema):
    number: str
    valid_from: dt.date
    valid_until: dt.date
    fee_cny: int
    handed_over_at: dt.datetime


class CasePermitsOut(Schema):
    work_permit: PermitOut | None = Field(description="The work permit this case issued, if any.")
    residence_permit: ResidencePermitOut | None = Field(
        description="The work-type residence permit handed over in this case, if any."
    )


WorklistRole = Literal["window_officer", "reviewer", "immigration_officer", "supervisor"]


class WorklistFilters(Schema):
    status: StatusName | None = None  # type: ignore[valid-type]
    kind: KindName | None = None
    submitted_after: dt.date | None = None
    submitted_before: dt.date | None = None
    due_before: dt.date | None = None
    office: str | None = Field(default=None, description="Code of the station handling the case.")
    cursor: str | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=200)


@router.get(
    "/cases/{reference}/decisions",
    response={200: list[DecisionOut], **ERRORS},
    summary="The decisions on an application, with their reasons and legal basis",
)
def case_decisions(request: AuthedRequest, reference: str) -> list[dict[str, Any]]:
    application = access_application(request.user, reference)
    return list(_detail(request, application)["decisions"])


@router.get(
    "/cases/{reference}/permits",
    response={200: CasePermitsOut, **ERRORS},
    summary="The work permit and residence permit an application issued",
)
def case_permits(request: AuthedRequest, reference: str) -> dict[str, Any]:
    from onewindow.permits.models import Permit, ResidencePermit

    application = access_application(request.user, reference)
    permit = Permit.objects.filter(application=application).select_related("number").first()
    residence = ResidencePermit.objects.filter(application=application).first()
    return {
        "work_permit": None
        if permit is None
        else {
            "number": permit.number.number,
            "status": permit.status,
            "category": permit.category,
            "position": permit.position,
            "valid_from": permit.valid_from,
            "valid_until": permit.valid_until,
            "issued_at": permit.issued_at,
            "ended_at": permit.ended_at,
        },
        "residence_permit": None
        if residence is None
        else {
            "number": residence.number,
            "valid_from": residence.valid_from,
            "valid_until": residence.valid_until,
            "fee_cny": residence.fee_cny,
            "handed_over_at": residence.handed_over_at,
        },
    }


@router.get(
    "/worklists/{role}",
    response={200: CasePage, **ERRORS},
    tags=["worklists"],
    summary="Open cases for one of your staff roles, soonest deadline first",
)
def worklist(request: AuthedRequest, role: WorklistRole, filters: Query[WorklistFilters]) -> dict[str, Any]:
    """`immigration_officer` is the exit-entry office's residence-permit queue: the cases that
    need a work-type residence permit. A role you do not hold gives 404."""
    from onewindow.api.http import page_by_due
    from onewindow.cases import selectors

    if role not in scope_of(request.user).roles:
        raise ApiError(404, "not_found", _("Not found."))
    statuses = (Status(filters.status),) if filters.status else None
    queryset = selectors.worklist(request.user, role, statuses=statuses)
    if filters.status and Status(filters.status) not in selectors.WORKLIST_STATUSES.get(role, ()):
        queryset = queryset.none()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.office:
        queryset = queryset.filter(station__code=filters.office)
    if filters.submitted_after:
        queryset = queryset.filter(submitted_at__date__gte=filters.submitted_after)
    if filters.submitted_before:
        queryset = queryset.filter(submitted_at__date__lte=filters.submitted_before)
    if filters.due_before:
        queryset = queryset.filter(due_on__lte=filters.due_before)
    rows, next_cursor = page_by_due(queryset, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_summary(row) for row in rows], "next_cursor": next_cursor}


@router.get(
    "/cases/{reference}/permits/work-permit.pdf",
    response=ERRORS,
    summary="Download the printable work permit an application issued (logged)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The bilingual permit with its signed QR code, as an attachment",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def work_permit_pdf(request: AuthedRequest, reference: str) -> HttpResponse:
    from django.utils import timezone

    from onewindow.audit.trail import record_view
    from onewindow.permits import documents, selectors
    from onewindow.permits.access import access_permit
    from onewindow.permits.models import Permit
    from onewindow.permits.tokens import NoSigningKey, token_for

    application = access_application(request.user, reference)
    issued = Permit.objects.filter(application=application).values_list("pk", flat=True).first()
    if issued is None:
        raise ApiError(404, "not_found", _("This application issued no work permit."))
    permit = access_permit(request.user, issued)
    try:
        token = token_for(permit)
    except NoSigningKey:
        raise ApiError(
            409, "no_signing_key", _("No permit signing key is active; ask an administrator.")
        ) from None
    record_view(
        actor=request.user,
        obj=permit,
        request=request,
        what="download",
        application=application,
        office=permit.issuing_office,
    )
    content = documents.permit_pdf(
        permit,
        token=token,
        authority=selectors.issuing_authority(permit),
        state=permit.state_on(timezone.localdate()),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="work-permit-{permit.number.number}-{permit.pk}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
