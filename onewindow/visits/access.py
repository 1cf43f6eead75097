"""The only way to load the one visit's objects for a user; missing and not-yours are the same 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from onewindow.accounts.models import Role
from onewindow.accounts.scopes import scope_of
from onewindow.cases.access import visible_applications
from onewindow.offices.models import Office
from onewindow.visits.models import Appointment, Ticket, Visit


def access_station(user: Any, office_id: int) -> Office:
    """A station or hall where ``user`` is a window officer (its queue, its tickets); else 404."""
    office_ids = scope_of(user).office_ids([Role.WINDOW_OFFICER])
    office = Office.objects.select_related("area").filter(pk=office_id, pk__in=office_ids).first()
    if office is None:
        raise Http404("No such station")
    return office


def access_ticket(user: Any, pk: int) -> Ticket:
    """A queue ticket of a station where ``user`` is a window officer; else 404."""
    office_ids = scope_of(user).office_ids([Role.WINDOW_OFFICER])
    ticket = (
        Ticket.objects.select_related("office", "application", "appointment")
        .filter(pk=pk, office_id__in=office_ids)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket")
    return ticket


def access_appointment_for_check_in(user: Any, pk: int) -> Appointment:
    """An appointment at a station where ``user`` is a window officer (to check the applicant in)."""
    office_ids = scope_of(user).office_ids([Role.WINDOW_OFFICER])
    appointment = (
        Appointment.objects.select_related("office", "application")
        .filter(pk=pk, office_id__in=office_ids)
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment")
    return appointment


def access_visit(user: Any, pk: int) -> Visit:
    """A visit of a case that ``user`` works on as a window officer of its station; else 404."""
    cases = visible_applications(user, [Role.WINDOW_OFFICER])
    visit = (
        Visit.objects.select_related("application__person", "application__employer", "office", "ticket")
        .filter(pk=pk, application__in=cases)
        .first()
    )
    if visit is None:
        raise Http404("No such visit")
    return visit


def supervised_stations(user: Any) -> list[Office]:
    """The stations and halls in the area of ``user``'s supervisor roles (none: 404 for the page)."""
    paths = scope_of(user).area_paths([Role.SUPERVISOR])
    if not paths:
        raise Http404("Not a supervisor")
    stations = Office.objects.filter(kind__in=[Office.Kind.WORK_STATION, Office.Kind.CIVIC_HALL])
    return [
        office
        for office in stations.select_related("area")
        if any(office.area.path.startswith(p) for p in paths)
    ]
