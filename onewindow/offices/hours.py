"""Opening hours written as text, e.g. ``"mon-fri 09:00-12:00,14:00-18:00; sat 09:00-12:00"`` (pure).

Used by ``manage.py offices add`` so that a new station's hours fit on one
command line; the result is a list of (weekday, opens, closes) periods.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Period = tuple[int, dt.time, dt.time]

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class HoursError(ValueError):
    """The text does not describe opening hours."""


def _time(text: str) -> dt.time:
    match = _TIME.match(text.strip())
    if match is None:
        raise HoursError(f"not a time of day (HH:MM): {text!r}")
    return dt.time(int(match.group(1)), int(match.group(2)))


def _days(text: str) -> list[int]:
    days: list[int] = []
    for part in text.lower().split(","):
        part = part.strip()
        if "-" in part:
            first, last = (piece.strip() for piece in part.split("-", 1))
            if first not in DAYS or last not in DAYS:
                raise HoursError(f"unknown day in {part!r} (use mon … sun)")
            start, end = DAYS.index(first), DAYS.index(last)
            if end < start:
                raise HoursError(f"days out of order in {part!r}")
            days.extend(range(start, end + 1))
        elif part in DAYS:
            days.append(DAYS.index(part))
        else:
            raise HoursError(f"unknown day {part!r} (use mon … sun)")
    return days


def parse_hours(spec: str) -> list[Period]:
    """Parse ``spec`` into sorted (weekday, opens, closes) periods; overlapping periods are refused."""
    periods: set[Period] = set()
    for clause in filter(None, (piece.strip() for piece in spec.split(";"))):
        days_text, _space, times_text = clause.partition(" ")
        if not times_text.strip():
            raise HoursError(f"no times in {clause!r}")
        for day in _days(days_text):
            for span in times_text.split(","):
                opens_text, dash, closes_text = span.partition("-")
                if not dash:
                    raise HoursError(f"not a period (HH:MM-HH:MM): {span.strip()!r}")
                opens, closes = _time(opens_text), _time(closes_text)
                if closes <= opens:
                    raise HoursError(f"closes before it opens: {span.strip()!r}")
                periods.add((day, opens, closes))
    ordered = sorted(periods)
    for (day_a, _opens_a, closes_a), (day_b, opens_b, _closes_b) in itertools.pairwise(ordered):
        if day_a == day_b and opens_b < closes_a:
            raise HoursError(f"overlapping periods on {DAYS[day_a]}")
    return ordered


def format_hours(periods: list[Period]) -> str:
    """The inverse of :func:`parse_hours`, one clause per day (for messages and the audit trail)."""
    by_day: dict[int, list[str]] = {}
    for day, opens, closes in sorted(periods):
        by_day.setdefault(day, []).append(f"{opens:%H:%M}-{closes:%H:%M}")
    return "; ".join(f"{DAYS[day]} {','.join(spans)}" for day, spans in by_day.items())
