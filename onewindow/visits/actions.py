"""Writes of the one visit: appointments, queue tickets, visits, and the originals seen at the window."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import Role
from onewindow.audit.trail import record_event
from onewindow.cases.access import roles_on
from onewindow.cases.kinds import visit_documents
from onewindow.cases.models import Application
from onewindow.cases.workflow import VISIT_KINDS, Kind, Status
from onewindow.offices.models import Office, ServiceWindow
from onewindow.people.actions import do_note_original_seen
from onewindow.visits import slots
from onewindow.visits.models import Appointment, OriginalCheck, Ticket, TicketCounter, Visit

if TYPE_CHECKING:
    from onewindow.accounts.models import User
    from onewindow.permits.models import Permit, ResidencePermit

# Originals are checked while the applicant is at the window, before issuance.
CHECKABLE_STATUSES = {Status.APPROVED.value, Status.ENTERED.value}


@transaction.atomic
def do_record_original_check(
    application: Application,
    *,
    actor: User,
    document_type: str,
    outcome: OriginalCheck.Outcome,
    notes: str = "",
    request: HttpRequest | None = None,
) -> OriginalCheck:
    """Record, for one required document, that its original was (or was not) seen and matched.

    A later check of the same document (the applicant brings the missing
    original) replaces the earlier outcome; both stay in the audit trail.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in CHECKABLE_STATUSES:
        raise ValidationError(
            _("Originals can only be recorded for an approved application awaiting its visit.")
        )
    if "window_officer" not in roles_on(actor, locked):
        raise ValidationError(_("Only a window officer of the case's station can record originals."))
    if document_type not in {str(doc) for doc in visit_documents(locked.kind)}:
        raise ValidationError(_("This document is not on the application's checklist."))
    if outcome != OriginalCheck.Outcome.MATCHES and not notes.strip():
        raise ValidationError(_("Say what was wrong with the original."))
    check = OriginalCheck.objects.filter(application=locked, document_type=document_type).first()
    previous = check.outcome if check is not None else ""
    now = timezone.now()
    if check is None:
        check = OriginalCheck(
            application=locked,
            document_type=document_type,
            office=locked.station,
            checked_by=actor,
            checked_at=now,
            outcome=outcome,
            notes=notes.strip(),
        )
        check.full_clean(exclude=["application"])
        check.save()
    else:
        check.outcome, check.notes, check.checked_by, check.checked_at = (
            outcome,
            notes.strip(),
            actor,
            now,
        )
        check.full_clean(exclude=["application"])
        check.save(update_fields=["outcome", "notes", "checked_by", "checked_at"])
    record_event(
        actor=actor,
        action="visit.original_checked",
        obj=check,
        application=locked,
        office=locked.station,
        data={
            "document_type": document_type,
            "old": previous,
            "new": str(outcome),
            "notes": notes.strip(),
        },
        request=request,
    )
    # The vault document the application used now carries "original seen" for later reuse.
    do_note_original_seen(check, actor=actor)
    return check


# --- Appointments -------------------------------------------------------------------------------

APPLICANT_ROLES = frozenset({Role.EMPLOYER_HR, Role.FOREIGN_NATIONAL})
# The visit is due once the case is decided and waiting for the applicant at the window.
VISIT_DUE_STATUSES = frozenset({Status.APPROVED, Status.ENTERED, Status.ORIGINALS_VERIFIED})


def visit_due(application: Application) -> bool:
    """Whether the applicant is expected at the window now (both decisions in, permits to collect)."""
    if application.kind not in VISIT_KINDS or application.status not in VISIT_DUE_STATUSES:
        return False
    # A notification-letter holder comes after entering China, once the residence permit is decided too.
    if application.kind == Kind.NOTIFICATION_LETTER and application.status == Status.APPROVED:
        return False
    return not application.pending_authorities


def _check_applicant(actor: User, application: Application) -> None:
    if not roles_on(actor, application) & APPLICANT_ROLES:
        raise ValidationError(
            _("Only the applicant (the employer's HR users or the person) can book the visit.")
        )


def _check_due(application: Application) -> None:
    if not visit_due(application):
        raise ValidationError(
            _(
                "The visit can be booked only once both decisions are in "
                "and the permits are ready to collect."
            ),
            code="not_due",
        )


def _take_seat(appointment: Appointment, *, capacity: int) -> None:
    """Save ``appointment`` in the first free place of its slot; the unique constraint settles races.

    Two applicants booking the last place at once both see it free; the
    second insert hits ``appointment_one_per_seat`` (on PostgreSQL it waits
    for the first to commit), so it tries the next place or is told the
    slot is full. Each attempt is a savepoint, so a failed one leaves the
    transaction usable.
    """
    taken = set(
        Appointment.objects.holding_a_seat()
        .filter(office=appointment.office, starts_at=appointment.starts_at)
        .exclude(pk=appointment.pk)
        .values_list("seat", flat=True)
    )
    for seat in range(1, capacity + 1):
        if seat in taken:
            continue
        appointment.seat = seat
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError:
            continue
        return
    raise ValidationError(_("This slot is full; choose another time."), code="full")


def _event_data(appointment: Appointment) -> dict[str, str]:
    local = timezone.localtime(appointment.starts_at)
    return {
        "starts_at": local.isoformat(),
        "when": f"{local:%Y-%m-%d %H:%M}",
        "station": appointment.office.code,
    }


@transaction.atomic
def do_book_appointment(
    application: Application,
    *,
    actor: User,
    starts_at: dt.datetime,
    request: HttpRequest | None = None,
) -> Appointment:
    """Book the visit of ``application`` at its station at ``starts_at`` (a slot start).

    Refused for a time in the past, on a day the station is closed, outside
    its opening hours, in a full slot, for a case not yet due for its visit,
    and when the case already has a booked appointment (reschedule that).
    The case row is locked so that two bookings for one case are serialised.
    """
    locked = Application.objects.select_for_update().select_related("station__area").get(pk=application.pk)
    _check_applicant(actor, locked)
    _check_due(locked)
    if Appointment.objects.booked().filter(application=locked).exists():
        raise ValidationError(
            _("This case already has an appointment; reschedule or cancel it."), code="exists"
        )
    ends_at, config = slots.check_slot(locked.station, starts_at)
    appointment = Appointment(
        application=locked,
        office=locked.station,
        starts_at=starts_at,
        ends_at=ends_at,
        seat=1,
        booked_by=actor,
        booked_at=timezone.now(),
    )
    appointment.full_clean(exclude=["application", "office", "seat"], validate_constraints=False)
    _take_seat(appointment, capacity=config.capacity)
    record_event(
        actor=actor,
        action="visit.book",
        obj=appointment,
        application=locked,
        office=locked.station,
        data=_event_data(appointment),
        request=request,
    )
    return appointment


def _lock_booked(appointment: Appointment, expected_version: int | None) -> Appointment:
    locked = Appointment.objects.select_for_update().select_related("office__area").get(pk=appointment.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(_("The appointment changed meanwhile; look at it again."), code="stale")
    if locked.status != Appointment.Status.BOOKED:
        raise ValidationError(
            _("This appointment is no longer booked (%(status)s).") % {"status": locked.get_status_display()},
            code="not_booked",
        )
    return locked


@transaction.atomic
def do_reschedule_appointment(
    appointment: Appointment,
    *,
    actor: User,
    starts_at: dt.datetime,
    request: HttpRequest | None = None,
    expected_version: int | None = None,
) -> Appointment:
    """Move a booked appointment to another slot of the same station (same checks as booking)."""
    application = Application.objects.select_for_update().get(pk=appointment.application_id)
    locked = _lock_booked(appointment, expected_version)
    _check_applicant(actor, application)
    _check_due(application)
    if locked.starts_at == starts_at:
        raise ValidationError(_("The appointment is already at this time."), code="same")
    old = _event_data(locked)
    ends_at, config = slots.check_slot(locked.office, starts_at)
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.rescheduled_count += 1
    locked.version += 1
    locked.full_clean(exclude=["application", "office", "seat"], validate_constraints=False)
    _take_seat(locked, capacity=config.capacity)
    record_event(
        actor=actor,
        action="visit.reschedule",
        obj=locked,
        application=application,
        office=locked.office,
        data={**_event_data(locked), "old": old["starts_at"], "new": _event_data(locked)["starts_at"]},
        request=request,
    )
    return locked


@transaction.atomic
def do_cancel_appointment(
    appointment: Appointment,
    *,
    actor: User,
    request: HttpRequest | None = None,
    expected_version: int | None = None,
) -> Appointment:
    """Cancel a booked appointment; its place is free again at once."""
    application = Application.objects.select_for_update().get(pk=appointment.application_id)
    locked = _lock_booked(appointment, expected_version)
    _check_applicant(actor, application)
    locked.status = Appointment.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "cancelled_at", "version"])
    record_event(
        actor=actor,
        action="visit.cancel",
        obj=locked,
        application=application,
        office=locked.office,
        data=_event_data(locked),
        request=request,
    )
    return locked


# --- The window queue ---------------------------------------------------------------------------


def _check_station_officer(actor: User, office: Office) -> None:
    from onewindow.accounts.scopes import scope_of

    if office.pk not in scope_of(actor).office_ids([Role.WINDOW_OFFICER]):
        raise ValidationError(_("Only a window officer of this station can do this."))


def _next_number(office: Office, day: dt.date) -> int:
    # The counter row is locked only while the number is taken: tickets of one
    # station and day are numbered 1, 2, 3 … without gaps or repeats.
    try:
        with transaction.atomic():
            TicketCounter.objects.get_or_create(office=office, day=day)
    except IntegrityError:
        pass  # created at the same moment by another officer
    counter = TicketCounter.objects.select_for_update().get(office=office, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def do_issue_ticket(
    office: Office,
    *,
    actor: User,
    application: Application | None = None,
    request: HttpRequest | None = None,
) -> Ticket:
    """A walk-in arrives: issue the next ticket of the day, linked to the case if one is named."""
    _check_station_officer(actor, office)
    if application is not None and application.station_id != office.pk:
        raise ValidationError(_("This case is handled by another station."))
    now = timezone.now()
    day = timezone.localdate(now)
    ticket = Ticket(
        office=office,
        day=day,
        number=_next_number(office, day),
        source=Ticket.Source.WALK_IN,
        application=application,
        issued_by=actor,
        issued_at=now,
    )
    ticket.full_clean(exclude=["office", "application"])
    ticket.save()
    record_event(
        actor=actor,
        action="visit.ticket",
        obj=ticket,
        application=application,
        office=office,
        data={"ticket": ticket.label, "source": ticket.source},
        request=request,
    )
    return ticket


@transaction.atomic
def do_check_in(appointment: Appointment, *, actor: User, request: HttpRequest | None = None) -> Ticket:
    """The applicant with an appointment arrives: the appointment is kept and a ticket issued."""
    locked = _lock_booked(appointment, None)
    _check_station_officer(actor, locked.office)
    now = timezone.now()
    if timezone.localdate(locked.starts_at) != timezone.localdate(now):
        raise ValidationError(_("This appointment is not for today."))
    locked.status = Appointment.Status.CHECKED_IN
    locked.version += 1
    locked.save(update_fields=["status", "version"])
    day = timezone.localdate(now)
    ticket = Ticket(
        office=locked.office,
        day=day,
        number=_next_number(locked.office, day),
        source=Ticket.Source.APPOINTMENT,
        application_id=locked.application_id,
        appointment=locked,
        issued_by=actor,
        issued_at=now,
    )
    ticket.full_clean(exclude=["office", "application", "appointment"])
    ticket.save()
    record_event(
        actor=actor,
        action="visit.check_in",
        obj=ticket,
        application=locked.application,
        office=locked.office,
        data={"ticket": ticket.label, "appointment": locked.pk},
        request=request,
    )
    return ticket


def _lock_ticket(ticket: Ticket, *, actor: User, statuses: set[str]) -> Ticket:
    locked = Ticket.objects.select_for_update().select_related("office").get(pk=ticket.pk)
    _check_station_officer(actor, locked.office)
    if locked.status not in statuses:
        raise ValidationError(
            _("Ticket %(ticket)s is %(status)s.")
            % {"ticket": locked.label, "status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def do_call_ticket(
    ticket: Ticket, *, actor: User, window: ServiceWindow, request: HttpRequest | None = None
) -> Ticket:
    """Call a waiting ticket to ``window``: the waiting time ends now."""
    locked = _lock_ticket(ticket, actor=actor, statuses={Ticket.Status.WAITING})
    if window.office_id != locked.office_id or not window.is_active:
        raise ValidationError(_("Choose an open window of this station."))
    locked.status, locked.window, locked.called_by, locked.called_at = (
        Ticket.Status.CALLED,
        window,
        actor,
        timezone.now(),
    )
    locked.save(update_fields=["status", "window", "called_by", "called_at"])
    record_event(
        actor=actor,
        action="visit.call",
        obj=locked,
        application=locked.application,
        office=locked.office,
        data={"ticket": locked.label, "window": window.number},
        request=request,
    )
    return locked


@transaction.atomic
def do_finish_ticket(
    ticket: Ticket, *, actor: User, no_show: bool = False, request: HttpRequest | None = None
) -> Ticket:
    """Close a ticket: served and done, or called but nobody came (no-show)."""
    allowed = {Ticket.Status.CALLED} if no_show else {Ticket.Status.CALLED, Ticket.Status.SERVING}
    locked = _lock_ticket(ticket, actor=actor, statuses=set(allowed))
    locked.status = Ticket.Status.NO_SHOW if no_show else Ticket.Status.FINISHED
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    record_event(
        actor=actor,
        action="visit.no_show" if no_show else "visit.ticket_finished",
        obj=locked,
        application=locked.application,
        office=locked.office,
        data={"ticket": locked.label},
        request=request,
    )
    return locked


# --- Visits -------------------------------------------------------------------------------------


@transaction.atomic
def do_start_visit(
    application: Application,
    *,
    actor: User,
    ticket: Ticket | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Visit:
    """Open the visit of ``application`` at its station (from a called ticket, or directly).

    The first visit needs no reason; any further visit of the same
    application must say why (the target is one visit per application).
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if "window_officer" not in roles_on(actor, locked):
        raise ValidationError(_("Only a window officer of the case's station can hold the visit."))
    if not visit_due(locked):
        raise ValidationError(_("This application is not waiting for a visit."))
    if Visit.objects.filter(application=locked, ended_at__isnull=True).exists():
        raise ValidationError(_("A visit of this application is already open."))
    number = Visit.objects.filter(application=locked).count() + 1
    reason = reason.strip()
    if number > 1 and not reason:
        raise ValidationError(
            {"reason": _("This application was already visited once: say why another visit is needed.")}
        )
    now = timezone.now()
    appointment = None
    if ticket is not None:
        ticket = _lock_ticket(ticket, actor=actor, statuses={Ticket.Status.CALLED})
        if ticket.application_id not in (None, locked.pk):
            raise ValidationError(_("This ticket belongs to another case."))
        ticket.application, ticket.status, ticket.served_at = locked, Ticket.Status.SERVING, now
        ticket.save(update_fields=["application", "status", "served_at"])
        appointment = ticket.appointment
    if appointment is None:
        appointment = (
            Appointment.objects.filter(application=locked, status__in=Appointment.SEAT_HOLDING)
            .order_by("-starts_at")
            .first()
        )
    visit = Visit(
        application=locked,
        office=locked.station,
        officer=actor,
        number=number,
        reason=reason if number > 1 else "",
        ticket=ticket,
        appointment=appointment,
        started_at=now,
    )
    visit.full_clean(exclude=["application", "office", "ticket", "appointment"], validate_constraints=False)
    visit.save()
    record_event(
        actor=actor,
        action="visit.start",
        obj=visit,
        application=locked,
        office=locked.station,
        data={"number": number, "reason": visit.reason, "ticket": ticket.label if ticket else ""},
        request=request,
    )
    return visit


@transaction.atomic
def do_end_visit(visit: Visit, *, actor: User, request: HttpRequest | None = None) -> Visit:
    """Close an open visit (and its ticket): permits issued, or the applicant must come back."""
    locked = Visit.objects.select_for_update().select_related("application").get(pk=visit.pk)
    if "window_officer" not in roles_on(actor, locked.application):
        raise ValidationError(_("Only a window officer of the case's station can end the visit."))
    if locked.ended_at is not None:
        return locked
    locked.ended_at = timezone.now()
    locked.save(update_fields=["ended_at"])
    if locked.ticket_id is not None:
        Ticket.objects.filter(
            pk=locked.ticket_id, status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING]
        ).update(status=Ticket.Status.FINISHED, finished_at=locked.ended_at)
    # The applicant came: a booked appointment for this case is used up.
    Appointment.objects.filter(application=locked.application, status=Appointment.Status.BOOKED).update(
        status=Appointment.Status.CHECKED_IN, version=F("version") + 1
    )
    record_event(
        actor=actor,
        action="visit.end",
        obj=locked,
        application=locked.application,
        office=locked.office,
        data={"number": locked.number, "permit": locked.permit_id},
        request=request,
    )
    return locked


def record_issuance(
    application: Application,
    *,
    actor: User,
    permit: Permit,
    residence_permit: ResidencePermit | None,
    request: HttpRequest | None = None,
) -> Visit:
    """Link the permits just issued to the visit they were handed over in, and end that visit.

    Called by ``permits.actions.do_issue_permit`` in its transaction. If the
    officer issued without opening a visit, the visit is recorded now (the
    holder is at the window); a further visit without a stated reason is
    refused, as on the visit page.
    """
    visit = (
        Visit.objects.select_for_update()
        .filter(application=application, ended_at__isnull=True)
        .order_by("-number")
        .first()
    )
    if visit is None:
        if Visit.objects.filter(application=application).exists():
            raise ValidationError(
                _("This application was already visited once: start the visit with the reason first.")
            )
        visit = Visit(
            application=application,
            office=application.station,
            officer=actor,
            number=1,
            started_at=timezone.now(),
        )
        visit.full_clean(exclude=["application", "office"], validate_constraints=False)
        visit.save()
        record_event(
            actor=actor,
            action="visit.start",
            obj=visit,
            application=application,
            office=application.station,
            data={"number": 1, "reason": "", "ticket": ""},
            request=request,
        )
    visit.permit, visit.residence_permit = permit, residence_permit
    visit.save(update_fields=["permit", "residence_permit"])
    return do_end_visit(visit, actor=actor, request=request)
