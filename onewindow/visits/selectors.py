"""Reads of the one visit: the case's appointment, the day's queue, visits per completed application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F
from django.utils import timezone

from onewindow.cases.models import Application
from onewindow.cases.workflow import Status
from onewindow.offices.models import Office
from onewindow.visits.models import Appointment, Ticket, Visit

# The target of the one-visit reform: every completed application needs exactly one visit.
TARGET_VISITS_PER_COMPLETION = 1


def current_appointment(application: Application) -> Appointment | None:
    """The case's booked appointment, if any."""
    return Appointment.objects.booked().select_related("office").filter(application=application).first()


def open_visit(application: Application) -> Visit | None:
    return Visit.objects.filter(application=application, ended_at__isnull=True).first()


def queue(office: Office, day: dt.date) -> list[Ticket]:
    """The station's tickets of ``day`` in number order (one query)."""
    return list(
        Ticket.objects.filter(office=office, day=day)
        .select_related("application__person", "window", "visit")
        .order_by("number")
    )


def todays_appointments(office: Office, day: dt.date) -> list[Appointment]:
    """Appointments of the day not yet checked in, by time (for the reception)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return list(
        Appointment.objects.booked()
        .filter(office=office, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
        .select_related("application__person")
        .order_by("starts_at", "seat")
    )


@dataclass(frozen=True)
class QueueTimes:
    tickets: int
    average_wait: dt.timedelta | None
    average_service: dt.timedelta | None


def queue_times(office: Office, day: dt.date) -> QueueTimes:
    """The day's average waiting time (issued → called) and service time (called → finished)."""
    duration = DurationField()
    row = Ticket.objects.filter(office=office, day=day).aggregate(
        tickets=Count("pk"),
        wait=Avg(ExpressionWrapper(F("called_at") - F("issued_at"), output_field=duration)),
        service=Avg(ExpressionWrapper(F("finished_at") - F("called_at"), output_field=duration)),
    )
    return QueueTimes(row["tickets"], row["wait"], row["service"])


@dataclass(frozen=True)
class StationVisits:
    office: Office
    completed: int
    visits: int
    tickets: int = 0
    average_wait: dt.timedelta | None = None
    average_service: dt.timedelta | None = None

    @property
    def ratio(self) -> float | None:
        return self.visits / self.completed if self.completed else None

    @property
    def above_target(self) -> bool:
        return self.ratio is not None and self.ratio > TARGET_VISITS_PER_COMPLETION


def visits_per_completion(stations: Iterable[Office], start: dt.date, end: dt.date) -> list[StationVisits]:
    """For each station: applications completed from ``start`` to ``end`` (local days, inclusive)
    and the visits they took, in one grouped query; and the queue's tickets and average waiting
    and service times over the same days, in a second.

    Counted by the station handling the case; a case transferred between
    stations counts where it was completed.
    """
    stations = list(stations)
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    rows = (
        Application.objects.filter(
            station__in=stations,
            status=Status.COMPLETED,
            completed_at__gte=since,
            completed_at__lt=until,
            visits__isnull=False,
        )
        .values("station_id")
        .annotate(completed=Count("pk", distinct=True), visit_count=Count("visits"))
        .order_by()
    )
    # Online kinds (cancellation, re-issue) complete without a visit and are not counted.
    by_station = {row["station_id"]: (row["completed"], row["visit_count"]) for row in rows}
    duration = DurationField()
    queues = {
        row["office_id"]: (row["tickets"], row["wait"], row["service"])
        for row in Ticket.objects.filter(office__in=stations, day__gte=start, day__lte=end)
        .values("office_id")
        .annotate(
            tickets=Count("pk"),
            wait=Avg(ExpressionWrapper(F("called_at") - F("issued_at"), output_field=duration)),
            service=Avg(ExpressionWrapper(F("finished_at") - F("called_at"), output_field=duration)),
        )
        .order_by()
    }
    return [
        StationVisits(office, *by_station.get(office.pk, (0, 0)), *queues.get(office.pk, (0, None, None)))
        for office in stations
    ]


def visit_counts(applications: Iterable[Application]) -> dict[int, int]:
    ids = [a.pk for a in applications]
    return dict(
        Visit.objects.filter(application_id__in=ids)
        .values("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
    )
