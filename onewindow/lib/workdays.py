"""Working days on China's official calendar, with corrections.

China moves weekend days to make "make-up" working days around its public
holidays. The ``holidays`` package knows both for the years it covers; the
State Council publishes each new year's schedule late in the year before,
so administrators add or override days (``offices.CalendarDay``) and those
corrections win over the package.

Deadlines count *working days after* a start date: a five-working-day limit
from an acceptance on Friday 2026-09-18 ends on the fifth working day after
it, skipping the weekend but counting Sunday 2026-09-20, a make-up day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache

import holidays

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _package_calendar(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    china = holidays.China(years=year)
    days_off = frozenset(day for day in china if day.year == year)
    make_up = frozenset(day for day in china.weekend_workdays if day.year == year)
    return days_off, make_up


class WorkCalendar:
    """A working-day calendar: the package's days plus explicit corrections."""

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None) -> None:
        # date -> True (a working day) / False (a day off), taking precedence.
        self.overrides: dict[dt.date, bool] = dict(overrides or {})

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        days_off, make_up = _package_calendar(day.year)
        if day in make_up:
            return True
        if day in days_off:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the interval (start, end]; negative if ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def working_days(self, start: dt.date, end: dt.date) -> Iterable[dt.date]:
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += ONE_DAY
