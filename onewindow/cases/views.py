"""Pages of an application: filing, the case page with its timeline, each step, worklists."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.accounts.authn import fresh_authentication_required, is_freshly_authenticated
from onewindow.accounts.models import Role
from onewindow.accounts.scopes import scope_of
from onewindow.audit.trail import record_view
from onewindow.cases import deadlines, reasons, selectors, workflow
from onewindow.cases.access import access_application, roles_on, visible_applications
from onewindow.cases.actions import (
    TRANSFER_ROLES,
    actor_roles,
    do_answer_supplement,
    do_create_application,
    do_record_decision,
    do_record_entry,
    do_request_supplement,
    do_return_application,
    do_transfer_application,
    do_transition,
)
from onewindow.cases.assessment import explain
from onewindow.cases.forms import (
    AnswerForm,
    ApplicationForm,
    CorrectionsForm,
    DecisionForm,
    EntryForm,
    KindForm,
    ReasonForm,
    TransferForm,
    details_for_display,
)
from onewindow.cases.kinds import spec
from onewindow.cases.models import Application, Authority, Decision
from onewindow.cases.notice import decision_notice_pdf
from onewindow.cases.workflow import ACTION_LABELS, KIND_LABELS, Action, Kind, Status, TransitionRefused
from onewindow.lib.forms import add_validation_error
from onewindow.lib.http import AuthedRequest
from onewindow.lib.paging import page_of
from onewindow.people.access import access_person

# Cases per worklist page (soonest deadline first), and how many open cases a page counts at
# most: past that it says "more than 1,000", so a busy station's page costs no more as it grows.
WORKLIST_PAGE_SIZE = 25
WORKLIST_COUNT_CAP = 1000

# Steps taken with one button; the others have their own forms below.
SIMPLE_ACTIONS = {
    Action.SUBMIT,
    Action.RESUBMIT,
    Action.WITHDRAW,
    Action.ACCEPT,
    Action.VERIFY_ORIGINALS,
}
# Statuses in which the originals checklist is shown on the case page.
VISIBLE_ORIGINALS = {
    Status.APPROVED,
    Status.ENTERED,
    Status.ORIGINALS_VERIFIED,
    Status.ISSUED,
    Status.COMPLETED,
}
# Steps with a form of their own: action -> URL name.
FORM_ACTIONS = {
    Action.RETURN: "cases:return",
    Action.DECLINE: "cases:decline",
    Action.REQUEST_SUPPLEMENT: "cases:request_supplement",
    Action.ANSWER_SUPPLEMENT: "cases:answer",
    Action.RECORD_ENTRY: "cases:entry",
    Action.DECIDE_WORK_PERMIT: "cases:decide_work",
    Action.DECIDE_RESIDENCE_PERMIT: "cases:decide_residence",
    Action.ISSUE_PERMIT: "permits:issue",
}


def _refused(request: HttpRequest, exc: TransitionRefused | ValidationError) -> None:
    text = str(exc.message) if isinstance(exc, TransitionRefused) else " ".join(exc.messages)
    messages.error(request, text)


def _expected_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest, person_id: int) -> HttpResponse:
    """An HR user files an application for one of the employer's foreign staff: kind first, then its form."""
    person = access_person(request.user, person_id)
    employments = person.employments.current().filter(employer_id__in=scope_of(request.user).employer_ids)
    employment = employments.select_related("employer").first()
    if employment is None:
        raise Http404("Not an employee of yours")
    try:
        kind = Kind(request.GET.get("kind", ""))
    except ValueError:
        return render(request, "cases/choose_kind.html", {"form": KindForm(), "person": person})
    initial = {"position": employment.position}
    # A reporting duty's link (the employer's dashboard) brings the date of the event it reports.
    for name in ("change_date", "employment_end_date"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = ApplicationForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = do_create_application(
                actor=request.user,
                employer=employment.employer,
                person=person,
                kind=kind,
                position=data["position"],
                category=data.get("category", ""),
                annual_salary_cny=data.get("annual_salary_cny"),
                work_start=data.get("work_start"),
                work_end=data.get("work_end"),
                details=form.details(),
                assessment_facts=form.assessment_facts(),
                client_token=data["client_token"],
                request=request,
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            for warning in application.details.get("warnings", []):
                messages.warning(request, warning)
            messages.success(
                request, _("Draft application %(ref)s was created.") % {"ref": application.reference}
            )
            return redirect("cases:detail", reference=application.reference)
    context = {
        "form": form,
        "person": person,
        "employer": employment.employer,
        "kind_label": KIND_LABELS[kind],
    }
    return render(request, "cases/create.html", context)


@login_required
@require_GET
def detail(request: AuthedRequest, reference: str) -> HttpResponse:
    """The case page: facts, clock, checklist, decisions, the steps open to this user, the timeline."""
    application = access_application(request.user, reference)
    record_view(actor=request.user, obj=application, request=request, application=application)
    actors = actor_roles(request.user, application)
    actions = workflow.available(application, application.status, actors)
    clock = deadlines.clock(application)
    decisions = list(application.decisions.select_related("decided_by").order_by("decided_at"))
    refusal = next((d for d in decisions if d.outcome == Decision.Outcome.REFUSED), None)
    checklist = selectors.checklist(application)
    is_applicant = bool(roles_on(request.user, application) & {Role.EMPLOYER_HR, Role.FOREIGN_NATIONAL})
    context: dict[str, Any] = {
        "checklist": checklist,
        "is_applicant": is_applicant,
        "next_for_applicant": selectors.next_for_applicant(application, checklist) if is_applicant else [],
        "can_upload": is_applicant and application.status in selectors.APPLICANT_MOVES,
        "application": application,
        "spec": spec(application.kind),
        "simple_actions": [a for a in actions if a in SIMPLE_ACTIONS],
        "form_actions": [(a, FORM_ACTIONS[a], ACTION_LABELS[a]) for a in actions if a in FORM_ACTIONS],
        "action_labels": ACTION_LABELS,
        "clock": clock,
        "days_left": deadlines.working_days_left(application),
        "decisions": [(d, [reasons.describe(code) for code in d.reason_codes]) for d in decisions],
        "appeal": reasons.appeal_routes(timezone.localdate(refusal.decided_at)) if refusal else None,
        "corrections": application.corrections.order_by("requested_at", "pk"),
        "timeline": selectors.timeline(application),
        "roles": roles_on(request.user, application),
        "original_checks": {c.document_type: c for c in application.original_checks.all()},
        "details": details_for_display(application.kind, application.details),
        "assessment": _assessment(application),
        "can_check_originals": "window_officer" in roles_on(request.user, application)
        and application.status in {Status.APPROVED, Status.ENTERED},
        "show_originals": spec(application.kind).ends_with_visit and application.status in VISIBLE_ORIGINALS,
        "can_transfer": bool(roles_on(request.user, application) & TRANSFER_ROLES)
        and not application.is_final,
    }
    return render(request, "cases/detail.html", context)


@login_required
@require_GET
def decision_pdf(request: AuthedRequest, reference: str) -> HttpResponse:
    """The one decision notice (both authorities), in the reader's language; the download is logged."""
    application = access_application(request.user, reference)
    if application.decided_at is None:
        raise Http404("Not decided yet")
    record_view(
        actor=request.user, obj=application, request=request, what="download", application=application
    )
    content = decision_notice_pdf(application, language=translation.get_language() or "en")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="decision-{application.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _assessment(application: Application) -> Any:
    stored = application.details.get("assessment")
    if not stored:
        return None
    age = application.person.age_on(application.work_start or timezone.localdate())
    return explain(
        stored, city_path=application.street.city_path, salary=application.annual_salary_cny, age=age
    )


@login_required
@require_POST
def act(request: AuthedRequest, reference: str, action: str) -> HttpResponse:
    """Take a one-button step (submit, accept, withdraw …)."""
    try:
        step = Action(action)
    except ValueError:
        raise Http404("No such step") from None
    if step not in SIMPLE_ACTIONS:
        raise Http404("This step has its own form")
    application = access_application(request.user, reference)
    try:
        do_transition(
            application,
            actor=request.user,
            action=step,
            request=request,
            expected_version=_expected_version(request),
        )
    except TransitionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": ACTION_LABELS[step]})
    return redirect("cases:detail", reference=reference)


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: AuthedRequest, reference: str) -> HttpResponse:
    """The case's station (a window officer) or a supervisor hands it to another station, with the reason."""
    application = access_application(request.user, reference, roles=TRANSFER_ROLES)
    form = TransferForm(request.POST or None, stations=selectors.transfer_targets(application))
    title = _("Transfer to another station")
    if request.method == "POST" and form.is_valid():
        station = next(
            s for s in selectors.transfer_targets(application) if s.pk == form.cleaned_data["to_station"]
        )
        try:
            do_transfer_application(
                application,
                actor=request.user,
                to_station=station,
                reason=form.cleaned_data["reason"],
                request=request,
                expected_version=_expected_version(request),
            )
        except (TransitionRefused, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Transferred to %(station)s.") % {"station": station.name})
            # The officers of the old station no longer reach the case.
            if visible_applications(request.user).filter(pk=application.pk).exists():
                return redirect("cases:detail", reference=reference)
            return redirect("cases:worklist")
    return render(request, "cases/step.html", {"application": application, "form": form, "title": title})


def _form_step(
    request: AuthedRequest,
    reference: str,
    *,
    action: Action,
    form_class: type,
    title: str,
    perform: Any,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """A step with a form: show it, validate it, perform it, or show why not.

    Only users whose role may ever take the step see its form; whether it
    can be taken *now* is the table's answer when the form is sent.
    """
    application = access_application(request.user, reference)
    if not actor_roles(request.user, application) & workflow.actors_for(action):
        raise Http404("Not a step for this user")
    form = form_class(request.POST or None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            perform(application, form.cleaned_data)
        except (TransitionRefused, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": title})
            return redirect("cases:detail", reference=reference)
    return render(request, "cases/step.html", {"application": application, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def return_for_corrections(request: AuthedRequest, reference: str) -> HttpResponse:
    def perform(application: Any, data: dict[str, Any]) -> None:
        do_return_application(
            application,
            actor=request.user,
            corrections=data["corrections"],
            request=request,
            expected_version=_expected_version(request),
        )

    return _form_step(
        request,
        reference,
        form_class=CorrectionsForm,
        action=Action.RETURN,
        title=str(ACTION_LABELS[Action.RETURN]),
        perform=perform,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline(request: AuthedRequest, reference: str) -> HttpResponse:
    def perform(application: Any, data: dict[str, Any]) -> None:
        do_transition(
            application,
            actor=request.user,
            action=Action.DECLINE,
            data={"reason": data["reason"]},
            request=request,
        )

    return _form_step(
        request,
        reference,
        form_class=ReasonForm,
        action=Action.DECLINE,
        title=str(ACTION_LABELS[Action.DECLINE]),
        perform=perform,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_supplement(request: AuthedRequest, reference: str) -> HttpResponse:
    def perform(application: Any, data: dict[str, Any]) -> None:
        do_request_supplement(application, actor=request.user, items=data["corrections"], request=request)

    return _form_step(
        request,
        reference,
        form_class=CorrectionsForm,
        action=Action.REQUEST_SUPPLEMENT,
        title=str(ACTION_LABELS[Action.REQUEST_SUPPLEMENT]),
        perform=perform,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: AuthedRequest, reference: str) -> HttpResponse:
    def perform(application: Any, data: dict[str, Any]) -> None:
        do_answer_supplement(application, actor=request.user, answer=data["answer"], request=request)

    return _form_step(
        request,
        reference,
        form_class=AnswerForm,
        action=Action.ANSWER_SUPPLEMENT,
        title=str(ACTION_LABELS[Action.ANSWER_SUPPLEMENT]),
        perform=perform,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_entry(request: AuthedRequest, reference: str) -> HttpResponse:
    def perform(application: Any, data: dict[str, Any]) -> None:
        do_record_entry(application, actor=request.user, entry_date=data["entry_date"], request=request)

    return _form_step(
        request,
        reference,
        form_class=EntryForm,
        action=Action.RECORD_ENTRY,
        title=str(ACTION_LABELS[Action.RECORD_ENTRY]),
        perform=perform,
    )


def _decide(request: AuthedRequest, reference: str, authority: Authority) -> HttpResponse:
    def perform(application: Any, data: dict[str, Any]) -> None:
        do_record_decision(
            application,
            actor=request.user,
            authority=authority,
            outcome=Decision.Outcome(data["outcome"]),
            reason_codes=data["reason_codes"],
            reasoning=data["reasoning"],
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
            fee_cny=data.get("fee_cny") or 0,
            request=request,
            expected_version=_expected_version(request),
            fresh_authentication=is_freshly_authenticated(request),
        )

    action = (
        Action.DECIDE_WORK_PERMIT if authority == Authority.WORK_PERMIT else Action.DECIDE_RESIDENCE_PERMIT
    )
    return _form_step(
        request,
        reference,
        form_class=DecisionForm,
        action=action,
        title=str(ACTION_LABELS[action]),
        perform=perform,
        form_kwargs={"residence": authority == Authority.RESIDENCE_PERMIT},
    )


@login_required
@require_http_methods(["GET", "POST"])
@fresh_authentication_required
def decide_work(request: AuthedRequest, reference: str) -> HttpResponse:
    return _decide(request, reference, Authority.WORK_PERMIT)


@login_required
@require_http_methods(["GET", "POST"])
@fresh_authentication_required
def decide_residence(request: AuthedRequest, reference: str) -> HttpResponse:
    return _decide(request, reference, Authority.RESIDENCE_PERMIT)


@login_required
@require_GET
def worklist(request: AuthedRequest) -> HttpResponse:
    """Open cases for one of the user's staff roles, soonest deadline first."""
    scope = scope_of(request.user)
    roles = [role for role in selectors.WORKLIST_STATUSES if role in scope.roles]
    if not roles:
        raise Http404("No worklist for this user")
    role = request.GET.get("role", roles[0])
    if role not in roles:
        role = roles[0]
    # Every open case in reach is on some page; a page is rendered in tens of milliseconds.
    page = page_of(
        selectors.worklist(request.user, role),
        request.GET.get("page"),
        per_page=WORKLIST_PAGE_SIZE,
        cap=WORKLIST_COUNT_CAP,
    )
    today = timezone.localdate()
    rows = []
    for case in page.rows:
        left = deadlines.working_days_left(case, today=today)
        rows.append((case, left, -left if left is not None and left < 0 else 0))
    return render(
        request,
        "cases/worklist.html",
        {"rows": rows, "page": page, "role": role, "roles": [(r, Role(r).label) for r in roles]},
    )
