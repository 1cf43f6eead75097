"""Pages of staff qualification and supervision: thin views over access, actions and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.accounts.authn import is_freshly_authenticated
from onewindow.accounts.models import ConfidentialityAgreement, Membership, Role, User
from onewindow.accounts.scopes import scope_of
from onewindow.audit.trail import record_event
from onewindow.cases import workflow
from onewindow.cases.access import access_application
from onewindow.cases.actions import actor_roles
from onewindow.cases.workflow import Action, TransitionRefused
from onewindow.lib.forms import add_validation_error
from onewindow.lib.http import AuthedRequest
from onewindow.offices.models import Office
from onewindow.supervision import access, checks, monitor, scorecards, selectors
from onewindow.supervision.actions import (
    PROPOSABLE,
    clean_countersigned_cases,
    do_certify,
    do_countersign_proposal,
    do_declare_conflict,
    do_enrol_trainee,
    do_propose,
    do_recertify,
    do_record_module,
    do_return_proposal,
    do_start_internship,
    do_suspend,
    do_withdraw_declaration,
    missing_modules,
)
from onewindow.supervision.forms import (
    CampaignForm,
    CloseForm,
    CommentForm,
    DeclarationForm,
    InternshipForm,
    ModuleForm,
    PeriodForm,
    ProposalForm,
    ReasonForm,
    ReviewForm,
)
from onewindow.supervision.models import (
    CHECKLIST,
    Declaration,
    Qualification,
    SampledCase,
    TrainingModule,
)


def _staff_only(request: AuthedRequest) -> None:
    if not scope_of(request.user).is_staff:
        raise Http404("Staff only")


def _supervisor_only(request: AuthedRequest) -> None:
    if not access.is_supervisor(request.user):
        raise Http404("Supervisors only")


def _refused(request: AuthedRequest, error: TransitionRefused | ValidationError) -> None:
    text = str(error.message) if isinstance(error, TransitionRefused) else " ".join(error.messages)
    messages.error(request, text)


# --- Everyone on the staff: training, proposals, declarations ----------------------------------


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """The staff member's qualification, training, proposals and mentees; supervisors' links."""
    _staff_only(request)
    user = request.user
    mentees = [
        (q, clean_countersigned_cases(q))
        for q in Qualification.objects.filter(mentor=user, status=Qualification.Status.INTERN).select_related(
            "user"
        )
    ]
    return render(
        request,
        "supervision/home.html",
        {
            "qualifications": Qualification.objects.filter(user=user),
            "modules": TrainingModule.objects.all(),
            "own_proposals": selectors.own_proposals(user),
            "to_countersign": selectors.pending_proposals_for_mentor(user),
            "mentees": mentees,
            "is_supervisor": access.is_supervisor(user),
            "has_scorecards": access.scorecard_stations(user).exists(),
        },
    )


@login_required
@require_GET
def training(request: AuthedRequest, code: str) -> HttpResponse:
    module = access.access_training_module(request.user, code)
    return render(request, "supervision/module.html", {"module": module})


def _proposable(user: User, application: Any) -> list[Action]:
    """The steps the user, as an intern, could propose on this case now."""
    interning = set(
        Qualification.objects.filter(user=user, status=Qualification.Status.INTERN).values_list(
            "role", flat=True
        )
    )
    roles = {role for role in actor_roles(user, application) if role.value in interning}
    found = []
    for action in PROPOSABLE:
        for role in roles:
            try:
                workflow.check(application, application.status, action, role)
            except TransitionRefused:
                continue
            found.append(action)
            break
    return found


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: AuthedRequest, reference: str) -> HttpResponse:
    """An intern proposes a step on a case; it waits for the mentor's countersignature."""
    application = access_application(request.user, reference)
    actions = _proposable(request.user, application)
    if not actions:
        raise Http404("Nothing to propose")
    form = ProposalForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = do_propose(
                application,
                actor=request.user,
                action=Action(form.cleaned_data["action"]),
                payload=form.payload(),
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except TransitionRefused as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Proposed. Your mentor will countersign it or send it back."))
            return redirect("supervision:proposal", pk=proposal.pk)
    return render(request, "supervision/propose.html", {"application": application, "form": form})


@login_required
@require_GET
def proposal(request: AuthedRequest, pk: int) -> HttpResponse:
    shown = access.access_proposal(request.user, pk)
    is_mentor = shown.proposer_id != request.user.pk
    return render(
        request,
        "supervision/proposal.html",
        {"proposal": shown, "is_mentor": is_mentor, "comment_form": CommentForm()},
    )


@login_required
@require_POST
def countersign(request: AuthedRequest, pk: int) -> HttpResponse:
    """The mentor countersigns: the intern's step takes effect."""
    shown = access.access_proposal(request.user, pk, as_mentor=True)
    try:
        do_countersign_proposal(
            shown, actor=request.user, request=request, fresh_authentication=is_freshly_authenticated(request)
        )
    except (TransitionRefused, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Countersigned: the step took effect."))
    return redirect("supervision:proposal", pk=shown.pk)


@login_required
@require_POST
def return_proposal(request: AuthedRequest, pk: int) -> HttpResponse:
    shown = access.access_proposal(request.user, pk, as_mentor=True)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell the intern what to reconsider."))
        return redirect("supervision:proposal", pk=shown.pk)
    try:
        do_return_proposal(shown, actor=request.user, comment=form.cleaned_data["comment"], request=request)
    except (TransitionRefused, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Sent back to the intern."))
    return redirect("supervision:proposal", pk=shown.pk)


@login_required
@require_POST
def certify(request: AuthedRequest, pk: int) -> HttpResponse:
    """The mentor's sign-off: the intern is certified if enough clean countersigned cases are in."""
    mentee = access.access_mentee(request.user, pk)
    try:
        do_certify(mentee, actor=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Certified."))
    return redirect("supervision:home")


@login_required
@require_http_methods(["GET", "POST"])
def declarations(request: AuthedRequest) -> HttpResponse:
    """The staff member's conflict-of-interest declarations, and a new one (by case reference)."""
    _staff_only(request)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        application = access_application(request.user, form.cleaned_data["reference"].strip().upper())
        party = form.cleaned_data["party"]
        try:
            do_declare_conflict(
                actor=request.user,
                employer=application.employer if party == "employer" else None,
                person=application.person if party == "person" else None,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Declared. You will not be able to act on these cases."))
            return redirect("supervision:declarations")
    own = (
        Declaration.objects.filter(user=request.user)
        .select_related("employer", "person")
        .order_by("-declared_at")
    )
    return render(request, "supervision/declarations.html", {"form": form, "declarations": own})


@login_required
@require_POST
def withdraw_declaration(request: AuthedRequest, pk: int) -> HttpResponse:
    declaration = access.access_declaration(request.user, pk)
    do_withdraw_declaration(declaration, actor=request.user)
    messages.success(request, _("Declaration withdrawn."))
    return redirect("supervision:declarations")


# --- Supervisors: staff records -------------------------------------------------------------------


def _area_staff(user: User) -> Any:
    paths = scope_of(user).area_paths(access.SUPERVISORS)
    memberships = Membership.objects.active().filter(
        role__in=[Role.WINDOW_OFFICER, Role.REVIEWER, Role.IMMIGRATION_OFFICER]
    )
    from django.db.models import Q

    area = Q(pk__in=[])
    for path in paths:
        area |= Q(office__area__path__startswith=path)
    return memberships.filter(area).select_related("user", "office").order_by("user__full_name", "role")


@login_required
@require_http_methods(["GET", "POST"])
def staff(request: AuthedRequest) -> HttpResponse:
    """Qualification records of the area's case staff; enrol a member in a role as a trainee."""
    _supervisor_only(request)
    memberships = list(_area_staff(request.user))
    records = {(q.user_id, q.role): q for q in access.managed_qualifications(request.user)}
    if request.method == "POST":
        chosen = next((m for m in memberships if str(m.pk) == request.POST.get("membership")), None)
        if chosen is None:
            raise Http404("No such membership")
        try:
            record = do_enrol_trainee(actor=request.user, user=chosen.user, role=chosen.role)
        except ValidationError as error:
            _refused(request, error)
            return redirect("supervision:staff")
        return redirect("supervision:staff_record", pk=record.pk)
    rows = [(m, records.get((m.user_id, m.role))) for m in memberships]
    return render(request, "supervision/staff.html", {"rows": rows})


def _record_forms(user: User, record: Qualification, data: Any = None) -> dict[str, Any]:
    mentors = User.objects.filter(
        qualifications__role=record.role, qualifications__status=Qualification.Status.CERTIFIED
    ).exclude(pk=record.user_id)
    offices = Office.objects.filter(scope_of(user).area_q("area__path", access.SUPERVISORS)).order_by("code")
    return {
        "module": ModuleForm(data if data and data.get("op") == "module" else None),
        "internship": InternshipForm(
            data if data and data.get("op") == "internship" else None, mentors=mentors, offices=offices
        ),
        "reason": ReasonForm(data if data and data.get("op") in {"suspend", "recertify"} else None),
    }


@login_required
@require_http_methods(["GET", "POST"])
def staff_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """One member's record in one role: modules, internship, suspension and re-certification."""
    _supervisor_only(request)
    record = access.access_qualification(request.user, pk)
    forms = _record_forms(request.user, record, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "module" and forms["module"].is_valid():
                data = forms["module"].cleaned_data
                do_record_module(
                    record, actor=request.user, module=data["module"], completed_on=data["completed_on"]
                )
            elif op == "internship" and forms["internship"].is_valid():
                data = forms["internship"].cleaned_data
                agreement = (
                    ConfidentialityAgreement.objects.in_force()
                    .filter(user=record.user)
                    .order_by("-signed_at")
                    .first()
                )
                if agreement is None:
                    raise ValidationError(_("No confidentiality agreement of this member is in force."))
                do_start_internship(
                    record,
                    actor=request.user,
                    mentor=data["mentor"],
                    office=data["office"],
                    start=data["start"],
                    end=data["end"],
                    agreement=agreement,
                )
            elif op == "suspend" and forms["reason"].is_valid():
                do_suspend(record, actor=request.user, reason=forms["reason"].cleaned_data["reason"])
            elif op == "recertify" and forms["reason"].is_valid():
                do_recertify(record, actor=request.user, reason=forms["reason"].cleaned_data["reason"])
            else:
                messages.error(request, _("Check the form and try again."))
                return render(
                    request, "supervision/staff_record.html", {"record": record, **forms}, status=400
                )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect("supervision:staff_record", pk=record.pk)
    return render(
        request,
        "supervision/staff_record.html",
        {
            "record": record,
            "missing": missing_modules(record),
            "completions": record.completions.select_related("module"),
            "clean_cases": clean_countersigned_cases(record),
            **forms,
        },
    )


# --- Supervisors: random checks ------------------------------------------------------------------


def _campaign_office(user: User) -> Office:
    grants = scope_of(user).staff_grants(access.SUPERVISORS)
    widest = sorted(grants, key=lambda g: (len(g.area_path), g.office_id or 0))[0]
    return Office.objects.select_related("area").get(pk=widest.office_id or 0)


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request: AuthedRequest) -> HttpResponse:
    """The supervisor's campaigns, and opening a new one (its commitment is published at once)."""
    _supervisor_only(request)
    stations = access.monitored_stations(request.user).order_by("area__path", "code")
    form = CampaignForm(request.POST or None, stations=stations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = checks.do_open_campaign(
                actor=request.user,
                office=_campaign_office(request.user),
                title=data["title"],
                stations=list(data["stations"]),
                period_start=data["period_start"],
                period_end=data["period_end"],
                sample_rate=data["sample_rate"],
                sample_size=data["sample_size"],
                strata=data["strata"],
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Campaign opened; its commitment is published."))
            return redirect("supervision:campaign", pk=campaign.pk)
    shown = access.visible_campaigns(request.user).prefetch_related("stations")
    return render(request, "supervision/campaigns.html", {"form": form, "campaigns": shown})


@login_required
@require_GET
def campaign(request: AuthedRequest, pk: int) -> HttpResponse:
    """Commitment, seed, frame and sample, with each sampled case's review."""
    shown = access.access_campaign(request.user, pk)
    sample = shown.sample.select_related("application", "application__station", "review").order_by(
        "basis", "application__reference"
    )
    return render(
        request,
        "supervision/campaign.html",
        {
            "campaign": shown,
            "stations": shown.stations.order_by("code"),
            "frame": shown.frame.all(),
            "sample": sample,
        },
    )


@login_required
@require_POST
def draw(request: AuthedRequest, pk: int) -> HttpResponse:
    shown = access.access_campaign(request.user, pk)
    try:
        checks.do_draw_sample(shown, actor=request.user, request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The seed is revealed and the sample drawn."))
    return redirect("supervision:campaign", pk=shown.pk)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: AuthedRequest, campaign_pk: int, pk: int) -> HttpResponse:
    """The checklist review of one sampled case, its finding and corrective action."""
    sampled = access.access_sampled_case(request.user, campaign_pk, pk)
    owners = (
        User.objects.filter(
            memberships__office__area__path__startswith=sampled.campaign.area_path,
            memberships__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("full_name")
    )
    form = ReviewForm(request.POST or None, owners=owners)
    existing = getattr(sampled, "review", None)
    if request.method == "POST" and existing is None and form.is_valid():
        data = form.cleaned_data
        try:
            checks.do_record_review(
                sampled,
                actor=request.user,
                checks={name: data[name] for name, _label in CHECKLIST},
                finding=data["finding"],
                notes=data["notes"],
                corrective=form.corrective_items(),
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("supervision:campaign", pk=sampled.campaign_id)
    return render(
        request,
        "supervision/review.html",
        {"sampled": sampled, "form": form, "existing": existing, "close_form": CloseForm()},
    )


@login_required
@require_POST
def close_corrective(request: AuthedRequest, pk: int) -> HttpResponse:
    action = access.access_corrective_action(request.user, pk)
    form = CloseForm(request.POST)
    try:
        checks.do_close_corrective_action(
            action, actor=request.user, note=form.data.get("note", ""), request=request
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Corrective action closed."))
    sampled: SampledCase = action.review.sampled
    return redirect("supervision:review", campaign_pk=sampled.campaign_id, pk=sampled.pk)


# --- Supervisors: the live monitor ---------------------------------------------------------------


@login_required
@require_GET
def live(request: AuthedRequest) -> HttpResponse:
    _supervisor_only(request)
    built = monitor.build(access.monitored_stations(request.user))
    return render(request, "supervision/monitor.html", {"monitor": built})


@login_required
@require_POST
def escalate(request: AuthedRequest) -> HttpResponse:
    _supervisor_only(request)
    count = monitor.do_escalate_overdue(actor=request.user, stations=access.monitored_stations(request.user))
    messages.success(
        request, _("%(count)s overdue case(s) escalated to the station's head.") % {"count": count}
    )
    return redirect("supervision:monitor")


# --- Scorecards --------------------------------------------------------------------------------


@login_required
@require_GET
def scorecard_index(request: AuthedRequest) -> HttpResponse:
    stations = access.scorecard_stations(request.user)
    if not stations.exists():
        raise Http404("No scorecards in reach")
    return render(
        request,
        "supervision/scorecards.html",
        {"stations": stations, "officers": access.scorecard_officers(request.user)},
    )


def _period(request: AuthedRequest) -> PeriodForm:
    data = request.POST if request.method == "POST" else request.GET
    return PeriodForm({**PeriodForm.default(), **{k: v for k, v in data.items() if k in {"start", "end"}}})


def _scorecard_page(request: AuthedRequest, *, title: str, card_of: Any, export_url: str) -> HttpResponse:
    form = _period(request)
    if not form.is_valid():
        return render(request, "supervision/scorecard.html", {"form": form, "title": title}, status=400)
    card = card_of(form.cleaned_data["start"], form.cleaned_data["end"])
    return render(
        request,
        "supervision/scorecard.html",
        {"form": form, "title": title, "card": card, "chart": card.chart(), "export_url": export_url},
    )


def _export(
    request: AuthedRequest, *, title: str, card_of: Any, subject: dict[str, Any], slug: str
) -> HttpResponse:
    form = _period(request)
    if not form.is_valid():
        return HttpResponse(_("Choose a period."), status=400, content_type="text/plain")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    card = card_of(start, end)
    record_event(
        actor=request.user,
        action="supervision.scorecard_export",
        data={**subject, "start": start.isoformat(), "end": end.isoformat(), "format": "csv"},
        request=request,
    )
    response = HttpResponse(scorecards.to_csv(card, title=title), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="scorecard-{slug}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    return response


@login_required
@require_GET
def station_scorecard(request: AuthedRequest, office_id: int) -> HttpResponse:
    station = access.access_station_scorecard(request.user, office_id)
    return _scorecard_page(
        request,
        title=station.name,
        card_of=lambda start, end: scorecards.station_scorecard(station, start=start, end=end),
        export_url=f"/supervision/scorecards/station/{station.pk}/export/",
    )


@login_required
@require_POST
def station_export(request: AuthedRequest, office_id: int) -> HttpResponse:
    station = access.access_station_scorecard(request.user, office_id)
    return _export(
        request,
        title=station.name,
        card_of=lambda start, end: scorecards.station_scorecard(station, start=start, end=end),
        subject={"station": station.code},
        slug=station.code,
    )


@login_required
@require_GET
def officer_scorecard(request: AuthedRequest, user_id: int) -> HttpResponse:
    officer = access.access_officer_scorecard(request.user, user_id)
    return _scorecard_page(
        request,
        title=officer.full_name,
        card_of=lambda start, end: scorecards.officer_scorecard(officer, start=start, end=end),
        export_url=f"/supervision/scorecards/officer/{officer.pk}/export/",
    )


@login_required
@require_POST
def officer_export(request: AuthedRequest, user_id: int) -> HttpResponse:
    officer = access.access_officer_scorecard(request.user, user_id)
    return _export(
        request,
        title=officer.full_name,
        card_of=lambda start, end: scorecards.officer_scorecard(officer, start=start, end=end),
        subject={"officer": officer.pk},
        slug=f"officer-{officer.pk}",
    )
