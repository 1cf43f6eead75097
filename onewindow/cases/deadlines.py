"""Statutory clocks, computed from what happened, never stored as "days left".

A case's deadline is derived from its events (submitted, accepted, each
supplement request and answer) and the city's working-day calendar and
time limits. ``Application.due_on`` only caches the result for worklists;
``refresh_open_deadlines`` recomputes it for every open case when a
calendar or a limit is corrected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from onewindow.cases.models import Application, Authority, TimeLimit
from onewindow.cases.workflow import CLOCK_STOPPED_STATUSES, Kind, Status
from onewindow.lib.workdays import WorkCalendar
from onewindow.offices.selectors import calendar_for

Step = TimeLimit.Step

# The limits in law, written into each new city's data when it is created
# (the data, not this table, is what deadlines read).
STATUTORY_LIMITS: dict[str, tuple[int, str]] = {
    Step.PRE_REVIEW: (5, "Online pre-review, Administrative Licensing Law art. 32"),
    Step.DECISION_A: (5, "Foreigner's work permit service guide: category A"),
    Step.DECISION_OTHER: (10, "Foreigner's work permit service guide: categories B and C"),
    Step.DECISION_SHORT_TERM: (5, "Foreigner's work permit service guide: short-term work"),
    Step.RESIDENCE_DECISION: (15, "Exit and Entry Administration Law art. 30"),
}

# A notification-letter holder must come to the window within 30 days of entering China.
ENTRY_VISIT_DAYS = 30


def _city_path(application: Application) -> str:
    return "/" + application.area_path.strip("/").split("/")[0] + "/"


def limit_for(city_path: str, step: str, on: dt.date) -> int | None:
    """Working days allowed for ``step`` in the city, as valid on ``on``; ``None`` if not configured."""
    row = (
        TimeLimit.objects.filter(city__path=city_path, step=step, valid_from__lte=on)
        .exclude(valid_until__lt=on)
        .order_by("-valid_from")
        .values_list("working_days", flat=True)
        .first()
    )
    return row


class _CityLimits:
    """A city's time limits read with one query and answered like ``limit_for`` (one clock reads
    up to four limits; a city has a handful of rows)."""

    def __init__(self, city_path: str) -> None:
        self.city_path = city_path
        self._rows: list[tuple[str, dt.date, dt.date | None, int]] | None = None

    def __call__(self, city_path: str, step: str, on: dt.date) -> int | None:
        if city_path != self.city_path:
            return limit_for(city_path, step, on)
        if self._rows is None:
            self._rows = sorted(
                TimeLimit.objects.filter(city__path=city_path).values_list(
                    "step", "valid_from", "valid_until", "working_days"
                ),
                key=lambda row: row[1],
                reverse=True,
            )
        for row_step, valid_from, valid_until, days in self._rows:
            if row_step == step and valid_from <= on and (valid_until is None or valid_until >= on):
                return days
        return None


def _local(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def pauses(application: Application, *, now: dt.datetime | None = None) -> list[tuple[dt.date, dt.date]]:
    """Periods with the clock stopped during review: from each supplement request to its answer."""
    now = now or timezone.now()
    periods: list[tuple[dt.date, dt.date]] = []
    started: dt.date | None = None
    events = application.events.filter(
        action__in=["case.request_supplement", "case.answer_supplement"]
    ).values_list("action", "occurred_at")
    for action, occurred in events.order_by("id"):
        day = timezone.localdate(occurred)
        if action == "case.request_supplement":
            started = day
        elif started is not None:
            periods.append((started, day))
            started = None
    if started is not None:
        periods.append((started, timezone.localdate(now)))
    return periods


def paused_working_days(calendar: WorkCalendar, periods: Iterable[tuple[dt.date, dt.date]]) -> int:
    return sum(calendar.working_days_between(start, end) for start, end in periods)


def _decision_step(application: Application) -> str:
    if application.kind == Kind.SHORT_TERM:
        return Step.DECISION_SHORT_TERM
    if application.category == "A":
        return Step.DECISION_A
    return Step.DECISION_OTHER


@dataclass(frozen=True)
class Clock:
    """Where a case stands against its limits."""

    due_on: dt.date | None
    stopped: bool
    authority_due: dict[str, dt.date]
    predicted_decision_on: dt.date | None


def clock(application: Application, *, now: dt.datetime | None = None) -> Clock:
    now = now or timezone.now()
    today = timezone.localdate(now)
    city = _city_path(application)
    calendar = calendar_for(city)
    limit_for = _CityLimits(city)
    status = Status(application.status)
    stopped = status in CLOCK_STOPPED_STATUSES
    authority_due: dict[str, dt.date] = {}
    due: dt.date | None = None
    predicted: dt.date | None = None

    submitted = _local(application.submitted_at)
    accepted = _local(application.accepted_at)
    if status == Status.SUBMITTED and submitted is not None:
        days = limit_for(city, Step.PRE_REVIEW, submitted)
        if days is not None:
            due = calendar.add_working_days(submitted, days)
    if accepted is not None and status in {Status.IN_REVIEW, Status.AWAITING_SUPPLEMENT}:
        paused = paused_working_days(calendar, pauses(application, now=now))
        pending = application.pending_authorities
        for authority, step in (
            (Authority.WORK_PERMIT.value, _decision_step(application)),
            (Authority.RESIDENCE_PERMIT.value, Step.RESIDENCE_DECISION),
        ):
            days = limit_for(city, step, accepted)
            if authority in pending and days is not None:
                authority_due[authority] = calendar.add_working_days(accepted, days + paused)
        if authority_due and not stopped:
            due = min(authority_due.values())
    if status == Status.ENTERED:
        entered = _entry_date(application)
        if entered is not None:
            rp_days = limit_for(city, Step.RESIDENCE_DECISION, entered)
            if rp_days is not None and Authority.RESIDENCE_PERMIT.value in application.pending_authorities:
                authority_due[Authority.RESIDENCE_PERMIT.value] = calendar.add_working_days(entered, rp_days)
            visit_by = entered + dt.timedelta(days=ENTRY_VISIT_DAYS)
            due = min([visit_by, *authority_due.values()])

    if status in {Status.SUBMITTED, Status.RETURNED, Status.IN_REVIEW, Status.AWAITING_SUPPLEMENT}:
        predicted = _predicted_decision(application, calendar, city, today, authority_due, now, limit_for)
    return Clock(due_on=due, stopped=stopped, authority_due=authority_due, predicted_decision_on=predicted)


def _entry_date(application: Application) -> dt.date | None:
    raw = application.details.get("entry_date")
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _predicted_decision(
    application: Application,
    calendar: WorkCalendar,
    city: str,
    today: dt.date,
    authority_due: dict[str, dt.date],
    now: dt.datetime,
    limit_for: Callable[[str, str, dt.date], int | None] = limit_for,
) -> dt.date | None:
    """The date the applicant can expect a decision: the city's promise if it has one,
    else the statutory limits, moved on by any time the clock stood still."""
    start = _local(application.submitted_at) or today
    promise = limit_for(city, Step.PROMISED_TOTAL, start)
    if promise is not None:
        paused = paused_working_days(calendar, pauses(application, now=now))
        predicted = calendar.add_working_days(start, promise + paused)
    elif authority_due:
        predicted = max(authority_due.values())
    else:
        pre = limit_for(city, Step.PRE_REVIEW, start) or 0
        decide = limit_for(city, _decision_step(application), start) or 0
        predicted = calendar.add_working_days(start, pre + decide)
    return max(predicted, calendar.next_working_day(today))


def due_on(application: Application, *, now: dt.datetime | None = None) -> dt.date | None:
    return clock(application, now=now).due_on


def working_days_left(application: Application, *, today: dt.date | None = None) -> int | None:
    """Working days from today to the deadline; negative when overdue."""
    if application.due_on is None:
        return None
    today = today or timezone.localdate()
    return calendar_for(_city_path(application)).working_days_between(today, application.due_on)
