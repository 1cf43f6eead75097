"""Reads about areas and offices: routing, calendars."""

from __future__ import annotations

import datetime as dt
import time

from django.db.models import Q

from onewindow.lib.workdays import WorkCalendar
from onewindow.offices.models import Area, CalendarDay, Coverage, Office

# Calendars are read on every deadline computation; corrections are rare, so
# each process keeps them for a minute (and actions clear the cache at once).
_CALENDAR_TTL_SECONDS = 60.0
_calendars: dict[str, tuple[float, WorkCalendar]] = {}


def calendar_for(city_path: str) -> WorkCalendar:
    """The working-day calendar of the city at ``city_path``, corrections included."""
    now = time.monotonic()
    cached = _calendars.get(city_path)
    if cached is not None and now - cached[0] < _CALENDAR_TTL_SECONDS:
        return cached[1]
    rows = CalendarDay.objects.filter(Q(city__isnull=True) | Q(city__path=city_path)).values_list(
        "city_id", "date", "is_working_day"
    )
    overrides: dict[dt.date, bool] = {}
    # National corrections first; a city's own correction of the same day wins.
    for _city, day, working in sorted(rows, key=lambda row: row[0] is not None):
        overrides[day] = working
    calendar = WorkCalendar(overrides)
    _calendars[city_path] = (now, calendar)
    return calendar


def forget_calendars() -> None:
    _calendars.clear()


def station_for_street(street: Area) -> Office | None:
    """The active office that accepts applications from ``street``.

    The street's own covering station if it has one; otherwise the city's
    civic-center hall, which serves every street not yet given a station.
    """
    coverage = Coverage.objects.select_related("office").filter(street=street, office__is_active=True).first()
    if coverage is not None:
        return coverage.office
    return (
        Office.objects.active()
        .filter(kind=Office.Kind.CIVIC_HALL, area__path__startswith=street.city_path)
        .order_by("pk")
        .first()
    )
