"""Bookable slots of a station: its opening hours on the city's working days, cut by the slot length.

Slots are computed, not stored: opening hours, windows, slot settings and
the calendar are data, so a correction (a typhoon day, one more window)
changes the offer at once. Only bookings are rows (``Appointment``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.lib.workdays import WorkCalendar
from onewindow.offices.models import Area, Office, OpeningHours, ServiceWindow
from onewindow.offices.selectors import calendar_for
from onewindow.visits.models import Appointment, SlotSettings


@dataclass(frozen=True)
class Config:
    minutes: int
    per_window: int
    horizon_days: int
    windows: int

    @property
    def capacity(self) -> int:
        return self.windows * self.per_window

    @property
    def length(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    taken: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def key(self) -> str:
        """The slot as sent by forms and the API: its local start, ``YYYY-MM-DDTHH:MM``."""
        return timezone.localtime(self.starts_at).strftime("%Y-%m-%dT%H:%M")


def config_for(office: Office) -> Config:
    """The station's slot length, places per window, horizon and number of open windows."""
    settings = SlotSettings.objects.filter(office=office).first()
    windows = ServiceWindow.objects.filter(office=office, is_active=True).count()
    if settings is None:
        return Config(
            SlotSettings.DEFAULT_MINUTES,
            SlotSettings.DEFAULT_PER_WINDOW,
            SlotSettings.DEFAULT_HORIZON_DAYS,
            windows,
        )
    return Config(settings.minutes, settings.per_window, settings.horizon_days, windows)


def _calendar(office: Office) -> WorkCalendar:
    return calendar_for(Area(path=office.area.path).city_path)


def _starts_on(
    day: dt.date, periods: list[tuple[dt.time, dt.time]], length: dt.timedelta
) -> list[dt.datetime]:
    zone = timezone.get_current_timezone()
    starts = []
    for opens, closes in periods:
        moment = dt.datetime.combine(day, opens, tzinfo=zone)
        end = dt.datetime.combine(day, closes, tzinfo=zone)
        while moment + length <= end:
            starts.append(moment)
            moment += length
    return starts


def _periods(office: Office) -> dict[int, list[tuple[dt.time, dt.time]]]:
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, opens, closes in OpeningHours.objects.filter(office=office).values_list(
        "weekday", "opens", "closes"
    ):
        by_day.setdefault(weekday, []).append((opens, closes))
    return by_day


def slots(office: Office, *, first: dt.date, last: dt.date, now: dt.datetime | None = None) -> list[Slot]:
    """Every future slot of ``office`` from ``first`` to ``last`` (local days), with its places taken.

    Three queries whatever the range: settings and windows, opening hours,
    and the seats taken per start time.
    """
    now = now or timezone.now()
    config = config_for(office)
    if config.capacity == 0:
        return []
    horizon = timezone.localdate(now) + dt.timedelta(days=config.horizon_days)
    last = min(last, horizon)
    periods = _periods(office)
    calendar = _calendar(office)
    starts: list[dt.datetime] = []
    for day in calendar.working_days(first, last):
        starts.extend(s for s in _starts_on(day, periods.get(day.weekday(), []), config.length) if s > now)
    if not starts:
        return []
    taken = dict(
        Appointment.objects.holding_a_seat()
        .filter(office=office, starts_at__gte=starts[0], starts_at__lte=starts[-1])
        .values("starts_at")
        .annotate(n=Count("pk"))
        .values_list("starts_at", "n")
    )
    return [Slot(s, s + config.length, config.capacity, taken.get(s, 0)) for s in starts]


def parse_key(text: str) -> dt.datetime:
    """A slot key (``YYYY-MM-DDTHH:MM``, local time, or an ISO time with offset) as an aware time."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(_("Choose a time from the list of free slots.")) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def check_slot(
    office: Office, starts_at: dt.datetime, *, now: dt.datetime | None = None
) -> tuple[dt.datetime, Config]:
    """The end of the slot starting at ``starts_at`` and the station's settings, or why not bookable."""
    now = now or timezone.now()
    config = config_for(office)
    local = timezone.localtime(starts_at)
    if starts_at <= now:
        raise ValidationError(_("This time is in the past; choose a later slot."), code="past")
    if local.date() > timezone.localdate(now) + dt.timedelta(days=config.horizon_days):
        raise ValidationError(
            _("Appointments can be booked at most %(days)s days ahead.") % {"days": config.horizon_days},
            code="too_far",
        )
    if not _calendar(office).is_working_day(local.date()):
        raise ValidationError(
            _("%(day)s is not a working day (a weekend or public holiday); the station is closed.")
            % {"day": local.date().isoformat()},
            code="holiday",
        )
    day_starts = _starts_on(local.date(), _periods(office).get(local.weekday(), []), config.length)
    if local not in day_starts:
        raise ValidationError(
            _("The station offers no appointment at this time; choose a slot within its opening hours."),
            code="closed",
        )
    if config.capacity == 0:
        raise ValidationError(_("The station has no window open for appointments."), code="closed")
    return starts_at + config.length, config
