"""Pages of the one visit: booking, the window queue, the visit itself, and visits per completion."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.accounts.models import Role
from onewindow.cases.access import access_application, roles_on
from onewindow.cases.actions import do_transition
from onewindow.cases.kinds import visit_documents
from onewindow.cases.models import Application
from onewindow.cases.workflow import Action, TransitionRefused
from onewindow.lib.http import AuthedRequest
from onewindow.offices.models import ServiceWindow
from onewindow.people.documents import label
from onewindow.people.models import Document
from onewindow.visits import selectors, slots
from onewindow.visits.access import (
    access_appointment_for_check_in,
    access_station,
    access_ticket,
    access_visit,
    supervised_stations,
)
from onewindow.visits.actions import (
    APPLICANT_ROLES,
    do_book_appointment,
    do_call_ticket,
    do_cancel_appointment,
    do_check_in,
    do_end_visit,
    do_finish_ticket,
    do_issue_ticket,
    do_record_original_check,
    do_reschedule_appointment,
    do_start_visit,
    visit_due,
)
from onewindow.visits.forms import (
    CallForm,
    OriginalCheckForm,
    PeriodForm,
    SlotForm,
    StartVisitForm,
    WalkInForm,
)
from onewindow.visits.models import OriginalCheck, Visit

# How far ahead the booking page lists free slots (the station's horizon may be shorter).
BOOKING_DAYS_SHOWN = 14


def _error(request: AuthedRequest, exc: ValidationError | TransitionRefused) -> None:
    text = str(exc.message) if isinstance(exc, TransitionRefused) else " ".join(exc.messages)
    messages.error(request, text)


# --- Booking (the applicant) -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def appointment(request: AuthedRequest, reference: str) -> HttpResponse:
    """Book the visit, or move the booked one to another free slot."""
    application = access_application(request.user, reference, roles=APPLICANT_ROLES)
    current = selectors.current_appointment(application)
    today = timezone.localdate()
    free = []
    if visit_due(application):
        offered = slots.slots(
            application.station, first=today, last=today + dt.timedelta(days=BOOKING_DAYS_SHOWN)
        )
        free = [
            slot for slot in offered if slot.free and (current is None or slot.starts_at != current.starts_at)
        ]
    form = SlotForm(request.POST or None, slots=free)
    if request.method == "POST":
        if form.is_valid():
            starts_at = slots.parse_key(form.cleaned_data["slot"])
            try:
                if current is None:
                    booked = do_book_appointment(
                        application, actor=request.user, starts_at=starts_at, request=request
                    )
                else:
                    booked = do_reschedule_appointment(
                        current,
                        actor=request.user,
                        starts_at=starts_at,
                        request=request,
                        expected_version=_int(request.POST.get("version")),
                    )
            except ValidationError as exc:
                _error(request, exc)
            else:
                when = timezone.localtime(booked.starts_at)
                text = (
                    _("Your visit is booked for %(when)s.")
                    if current is None
                    else _("Your visit is moved to %(when)s.")
                )
                messages.success(request, text % {"when": f"{when:%Y-%m-%d %H:%M}"})
                return redirect("visits:appointment", reference=reference)
        else:
            messages.error(request, " ".join(str(e) for e in form.errors.get("slot", [_("Choose a time.")])))
    days = [(day, list(group)) for day, group in groupby(free, key=lambda s: timezone.localdate(s.starts_at))]
    return render(
        request,
        "visits/appointment.html",
        {
            "application": application,
            "current": current,
            "days": days,
            "form": form,
            "due": visit_due(application),
        },
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@login_required
@require_POST
def cancel_appointment(request: AuthedRequest, reference: str) -> HttpResponse:
    application = access_application(request.user, reference, roles=APPLICANT_ROLES)
    current = selectors.current_appointment(application)
    if current is None:
        messages.error(request, _("There is no booked appointment to cancel."))
    else:
        try:
            do_cancel_appointment(
                current,
                actor=request.user,
                request=request,
                expected_version=_int(request.POST.get("version")),
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Your appointment is cancelled."))
    return redirect("visits:appointment", reference=reference)


# --- The window queue (window officers) ---------------------------------------------------------


@login_required
@require_GET
def my_queue(request: AuthedRequest) -> HttpResponse:
    """The queue of the (first) station where the user is a window officer."""
    from onewindow.accounts.scopes import scope_of

    office_ids = sorted(scope_of(request.user).office_ids([Role.WINDOW_OFFICER]))
    if not office_ids:
        raise Http404("Not a window officer")
    return redirect("visits:queue", office_id=office_ids[0])


@login_required
@require_GET
def queue(request: AuthedRequest, office_id: int) -> HttpResponse:
    """Today's tickets, appointments still expected and the queue's times (refreshed by htmx)."""
    office = access_station(request.user, office_id)
    today = timezone.localdate()
    windows = list(ServiceWindow.objects.filter(office=office, is_active=True))
    context = {
        "office": office,
        "tickets": selectors.queue(office, today),
        "appointments": selectors.todays_appointments(office, today),
        "times": selectors.queue_times(office, today),
        "windows": windows,
        "walk_in_form": WalkInForm(),
        "today": today,
    }
    template = "visits/_queue.html" if request.headers.get("HX-Request") else "visits/queue.html"
    return render(request, template, context)


@login_required
@require_POST
def walk_in(request: AuthedRequest, office_id: int) -> HttpResponse:
    office = access_station(request.user, office_id)
    form = WalkInForm(request.POST)
    application: Application | None = None
    if form.is_valid() and form.cleaned_data["reference"]:
        reference = form.cleaned_data["reference"].strip().upper()
        application = _case_at_station(request, reference)
        if application is None:
            messages.error(request, _("No case %(reference)s at this station.") % {"reference": reference})
            return redirect("visits:queue", office_id=office.pk)
    try:
        ticket = do_issue_ticket(office, actor=request.user, application=application, request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Ticket %(ticket)s issued.") % {"ticket": ticket.label})
    return redirect("visits:queue", office_id=office.pk)


def _case_at_station(request: AuthedRequest, reference: str) -> Application | None:
    try:
        return access_application(request.user, reference, roles=[Role.WINDOW_OFFICER])
    except Http404:
        return None


@login_required
@require_POST
def check_in(request: AuthedRequest, pk: int) -> HttpResponse:
    appointment = access_appointment_for_check_in(request.user, pk)
    try:
        ticket = do_check_in(appointment, actor=request.user, request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Checked in: ticket %(ticket)s.") % {"ticket": ticket.label})
    return redirect("visits:queue", office_id=appointment.office_id)


@login_required
@require_POST
def call(request: AuthedRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk)
    windows = list(ServiceWindow.objects.filter(office=ticket.office, is_active=True))
    form = CallForm(request.POST, windows=windows)
    if not form.is_valid():
        messages.error(request, _("Choose the window to call the ticket to."))
        return redirect("visits:queue", office_id=ticket.office_id)
    window = next(w for w in windows if str(w.pk) == form.cleaned_data["window"])
    try:
        do_call_ticket(ticket, actor=request.user, window=window, request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("Ticket %(ticket)s called to window %(window)s.")
            % {"ticket": ticket.label, "window": window.number},
        )
    return redirect("visits:queue", office_id=ticket.office_id)


@login_required
@require_POST
def finish_ticket(request: AuthedRequest, pk: int) -> HttpResponse:
    """Close a called ticket: nobody came (no-show), or served without a case visit (an enquiry)."""
    ticket = access_ticket(request.user, pk)
    try:
        do_finish_ticket(
            ticket, actor=request.user, no_show=request.POST.get("no_show") == "1", request=request
        )
    except ValidationError as exc:
        _error(request, exc)
    return redirect("visits:queue", office_id=ticket.office_id)


# --- The visit (window officers) ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: AuthedRequest, reference: str) -> HttpResponse:
    """Open the visit of a case (from a called ticket, or at the window directly)."""
    application = access_application(request.user, reference, roles=[Role.WINDOW_OFFICER])
    current = selectors.open_visit(application)
    if current is not None:
        return redirect("visits:visit", pk=current.pk)
    earlier = Visit.objects.filter(application=application).count()
    ticket = None
    ticket_id = request.POST.get("ticket") or request.GET.get("ticket")
    if ticket_id and ticket_id.isdigit():
        ticket = access_ticket(request.user, int(ticket_id))
    form = StartVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = do_start_visit(
                application,
                actor=request.user,
                ticket=ticket,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                _error(request, exc)
        else:
            return redirect("visits:visit", pk=visit.pk)
    return render(
        request,
        "visits/start.html",
        {
            "application": application,
            "form": form,
            "earlier": earlier,
            "ticket": ticket,
            "due": visit_due(application),
        },
    )


def original_rows(
    application: Application,
) -> list[tuple[str, str, OriginalCheck | None, Document | None, OriginalCheckForm]]:
    """Each required original beside its newest upload, the check recorded so far and the form."""
    checks = {
        check.document_type: check for check in application.original_checks.select_related("checked_by")
    }
    uploads: dict[str, Document] = {}
    for document in (
        Document.objects.stored().filter(person_id=application.person_id).order_by("-uploaded_at", "-pk")
    ):
        uploads.setdefault(document.document_type, document)
    return [
        (
            str(doc),
            label(doc),
            checks.get(str(doc)),
            uploads.get(str(doc)),
            OriginalCheckForm(
                initial={"document_type": str(doc), "outcome": OriginalCheck.Outcome.MATCHES},
                auto_id=f"id_{doc}_%s",
            ),
        )
        for doc in visit_documents(application.kind)
    ]


@login_required
@require_GET
def visit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The visit: each upload beside the original checklist, then issuance in the same visit."""
    current = access_visit(request.user, pk)
    application = current.application
    return render(
        request,
        "visits/visit.html",
        {
            "visit": current,
            "application": application,
            "rows": original_rows(application),
            "complete": application.originals_complete,
            "can_verify": application.status in {"approved", "entered"} and application.originals_complete,
            "can_issue": application.status == "originals_verified",
        },
    )


@login_required
@require_POST
def verify(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record that every original was seen, without leaving the visit page."""
    current = access_visit(request.user, pk)
    try:
        do_transition(
            current.application,
            actor=request.user,
            action=Action.VERIFY_ORIGINALS,
            request=request,
            expected_version=_int(request.POST.get("version")),
        )
    except TransitionRefused as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Every original is verified: issue the permits."))
    return redirect("visits:visit", pk=current.pk)


@login_required
@require_POST
def end(request: AuthedRequest, pk: int) -> HttpResponse:
    current = access_visit(request.user, pk)
    try:
        do_end_visit(current, actor=request.user, request=request)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("visits:visit", pk=current.pk)
    messages.success(request, _("Visit ended."))
    return redirect("cases:detail", reference=current.application.reference)


@login_required
@require_http_methods(["GET", "POST"])
def originals(request: AuthedRequest, reference: str) -> HttpResponse:
    application = access_application(request.user, reference, roles=[Role.WINDOW_OFFICER])
    if request.method == "POST":
        form = OriginalCheckForm(request.POST)
        if form.is_valid():
            try:
                do_record_original_check(
                    application,
                    actor=request.user,
                    document_type=form.cleaned_data["document_type"],
                    outcome=OriginalCheck.Outcome(form.cleaned_data["outcome"]),
                    notes=form.cleaned_data["notes"],
                    request=request,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Recorded: %(doc)s.") % {"doc": label(form.cleaned_data["document_type"])},
                )
        else:
            messages.error(request, _("Choose an outcome for the document."))
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("visits:originals", reference=reference)
    return render(
        request,
        "visits/originals.html",
        {
            "application": application,
            "rows": original_rows(application),
            "complete": application.originals_complete,
            "open_visit": selectors.open_visit(application),
        },
    )


# --- Visits per completed application (supervisors) ---------------------------------------------


@login_required
@require_GET
def per_completion(request: AuthedRequest) -> HttpResponse:
    """Visits per completed application, per station of the supervisor's area; the target is 1."""
    stations = supervised_stations(request.user)
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": today.replace(day=1), "end": today})
    rows = []
    if form.is_valid():
        rows = selectors.visits_per_completion(stations, form.cleaned_data["start"], form.cleaned_data["end"])
    return render(
        request,
        "visits/per_completion.html",
        {"form": form, "rows": rows, "target": selectors.TARGET_VISITS_PER_COMPLETION},
    )


def case_panel_context(user: object, application: Application) -> dict[str, object]:
    """What the case page shows about booking and the visit, for this user."""
    roles = roles_on(user, application)
    due = visit_due(application)
    return {
        "application": application,
        "due": due,
        "appointment": selectors.current_appointment(application) if due or roles & APPLICANT_ROLES else None,
        "can_book": due and bool(roles & APPLICANT_ROLES),
        "is_officer": "window_officer" in roles,
        "open_visit": selectors.open_visit(application) if "window_officer" in roles else None,
        "visits": application.visits.count(),
        "start_url": reverse("visits:start", kwargs={"reference": application.reference}),
    }
