"""Demo data of the one visit: appointment slots at every station, and one visit booked.

Idempotent: run again, it changes nothing. The stations' opening hours and
windows come from the offices' demo data; a station without hours gets the
demo's usual ones, so that every applicant of ``make run`` can book.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from onewindow.accounts.models import Membership, Role
from onewindow.cases.models import Application
from onewindow.offices.actions import do_set_opening_hours, do_set_windows
from onewindow.offices.hours import parse_hours
from onewindow.offices.models import Office, OpeningHours, ServiceWindow
from onewindow.visits import slots
from onewindow.visits.actions import do_book_appointment, visit_due
from onewindow.visits.models import Appointment, SlotSettings

HOURS = "mon-fri 09:00-12:00,14:00-18:00"


@transaction.atomic
def seed() -> None:
    stations = Office.objects.active().filter(kind__in=[Office.Kind.WORK_STATION, Office.Kind.CIVIC_HALL])
    for station in stations:
        if not OpeningHours.objects.filter(office=station).exists():
            do_set_opening_hours(station, actor=None, periods=parse_hours(HOURS))
        if not ServiceWindow.objects.filter(office=station, is_active=True).exists():
            do_set_windows(station, actor=None, count=2)
        SlotSettings.objects.get_or_create(office=station, defaults={"minutes": 30, "per_window": 1})
    _book_one_visit()


def _book_one_visit() -> None:
    """The approved demo case's applicant books the first free slot from tomorrow (once)."""
    if Appointment.objects.exists():
        return
    for application in Application.objects.select_related("station").order_by("pk"):
        if not visit_due(application):
            continue
        hr = (
            Membership.objects.active()
            .filter(role=Role.EMPLOYER_HR, employer_id=application.employer_id)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if hr is None:
            continue
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        free = [
            s
            for s in slots.slots(application.station, first=tomorrow, last=tomorrow + dt.timedelta(days=14))
            if s.free
        ]
        if free:
            do_book_appointment(application, actor=hr.user, starts_at=free[min(2, len(free) - 1)].starts_at)
        return
