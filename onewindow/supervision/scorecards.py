"""Scorecards per station and per officer over a period, with the numbers behind the charts.

The cases counted are those *decided* in the period (for the decision figures)
and those *completed* in it (for the completion figures):

* volume by kind: cases decided in the period;
* working days to decision: from submission to decision; to completion:
  from submission to completion, on the city's working-day calendar;
  median (the middle value, or the mean of the two middle values) and the
  90th percentile by the nearest-rank method (the ⌈0.9·n⌉-th smallest);
* on time, statutory: decided within the statutory limit counted from
  acceptance, the clock stopped while a supplement was awaited; promised:
  decided within the city's promised total counted from submission (only
  where the city has a promise);
* findings: reviews of the cases decided in the period, by severity;
* corrective actions open: now, on the station's cases (or owned by the officer);
* visits per completion: the applications completed in the period after a
  visit at the station (or one the officer served), and all their visits
  (``visits.selectors.visits_per_completion``; the target is exactly 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.models import Event
from onewindow.cases import deadlines
from onewindow.cases.models import Application, TimeLimit
from onewindow.cases.workflow import KIND_LABELS, Kind, Status
from onewindow.offices.selectors import calendar_for
from onewindow.supervision.checks import OFFICER_STEPS
from onewindow.supervision.models import CorrectiveAction, Finding, Review
from onewindow.visits.models import Visit
from onewindow.visits.selectors import visits_per_completion


def median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def percentile(values: list[int], q: float) -> int | None:
    """Nearest-rank percentile: the ⌈q·n⌉-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


@dataclass
class Rate:
    met: int = 0
    total: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.total, 1) if self.total else None


@dataclass
class Scorecard:
    start: dt.date
    end: dt.date
    volume: list[tuple[str, str, int]] = field(default_factory=list)
    decision_days: list[int] = field(default_factory=list)
    completion_days: list[int] = field(default_factory=list)
    statutory: Rate = field(default_factory=Rate)
    promised: Rate = field(default_factory=Rate)
    findings: dict[str, int] = field(default_factory=dict)
    reviewed: int = 0
    corrective_open: int = 0
    # Visits to the window per application completed after a visit (the target is exactly 1).
    completed_with_visit: int = 0
    visits: int = 0

    @property
    def visits_per_completion(self) -> float | None:
        return round(self.visits / self.completed_with_visit, 2) if self.completed_with_visit else None

    @property
    def decided(self) -> int:
        return sum(n for _code, _label, n in self.volume)

    @property
    def decision_median(self) -> float | None:
        return median(self.decision_days)

    @property
    def decision_p90(self) -> int | None:
        return percentile(self.decision_days, 0.9)

    @property
    def completion_median(self) -> float | None:
        return median(self.completion_days)

    @property
    def completion_p90(self) -> int | None:
        return percentile(self.completion_days, 0.9)

    def finding_rate(self, severity: str) -> float | None:
        return round(100 * self.findings.get(severity, 0) / self.reviewed, 1) if self.reviewed else None

    def rows(self) -> list[tuple[str, str]]:
        """Every figure as (label, value): the table on the page and the CSV."""

        def show(value: object) -> str:
            return "" if value is None else str(value)

        rows = [(_("Period"), f"{self.start.isoformat()} – {self.end.isoformat()}")]
        rows += [(_("Decided: %(kind)s") % {"kind": label}, str(n)) for _code, label, n in self.volume]
        rows += [
            (_("Decided in all"), str(self.decided)),
            (_("Working days to decision, median"), show(self.decision_median)),
            (_("Working days to decision, 90th percentile"), show(self.decision_p90)),
            (_("Completed"), str(len(self.completion_days))),
            (_("Working days to completion, median"), show(self.completion_median)),
            (_("Working days to completion, 90th percentile"), show(self.completion_p90)),
            (_("On time against the statutory limit (%)"), show(self.statutory.percent)),
            (_("On time against the city's promise (%)"), show(self.promised.percent)),
            (_("Cases reviewed"), str(self.reviewed)),
            (_("Minor findings (%)"), show(self.finding_rate(Finding.MINOR))),
            (_("Major findings (%)"), show(self.finding_rate(Finding.MAJOR))),
            (_("Corrective actions open"), str(self.corrective_open)),
            (_("Applications completed after a visit"), str(self.completed_with_visit)),
            (_("Visits per completed application (target 1)"), show(self.visits_per_completion)),
        ]
        return rows

    def chart(self) -> dict[str, Any]:
        return {
            "volume": {
                "labels": [label for _c, label, _n in self.volume],
                "values": [n for _c, _l, n in self.volume],
            },
            "days": {
                "labels": [_("Median"), _("90th percentile")],
                "series": [
                    {"name": _("to decision"), "values": [self.decision_median, self.decision_p90]},
                    {"name": _("to completion"), "values": [self.completion_median, self.completion_p90]},
                ],
            },
        }


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    from onewindow.supervision.checks import _day_bounds

    return _day_bounds(start, end)


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def _on_time(case: Application, card: Scorecard, decided_at: dt.datetime) -> None:
    city = "/" + case.area_path.strip("/").split("/")[0] + "/"
    calendar = calendar_for(city)
    decided = _local(decided_at)
    paused = deadlines.paused_working_days(calendar, deadlines.pauses(case, now=decided_at))
    if case.accepted_at is not None:
        accepted = _local(case.accepted_at)
        limit = deadlines.limit_for(city, deadlines._decision_step(case), accepted)
        if limit is not None:
            card.statutory.total += 1
            card.statutory.met += calendar.working_days_between(accepted, decided) - paused <= limit
    if case.submitted_at is not None:
        submitted = _local(case.submitted_at)
        promise = deadlines.limit_for(city, TimeLimit.Step.PROMISED_TOTAL, submitted)
        if promise is not None:
            card.promised.total += 1
            card.promised.met += calendar.working_days_between(submitted, decided) - paused <= promise


def _build(cases: Any, *, start: dt.date, end: dt.date, corrective: Any) -> Scorecard:
    low, high = _bounds(start, end)
    card = Scorecard(start=start, end=end)
    decided = list(cases.filter(decided_at__gte=low, decided_at__lt=high).order_by("pk"))
    by_kind: dict[str, int] = {}
    for case in decided:
        by_kind[case.kind] = by_kind.get(case.kind, 0) + 1
        calendar = calendar_for("/" + case.area_path.strip("/").split("/")[0] + "/")
        if case.decided_at is None:
            continue
        if case.submitted_at is not None:
            card.decision_days.append(
                calendar.working_days_between(_local(case.submitted_at), _local(case.decided_at))
            )
        _on_time(case, card, case.decided_at)
    card.volume = [
        (kind.value, str(KIND_LABELS[kind]), by_kind[kind.value]) for kind in Kind if kind.value in by_kind
    ]
    for case in cases.filter(completed_at__gte=low, completed_at__lt=high, submitted_at__isnull=False):
        if case.completed_at is None or case.submitted_at is None:
            continue
        calendar = calendar_for("/" + case.area_path.strip("/").split("/")[0] + "/")
        card.completion_days.append(
            calendar.working_days_between(_local(case.submitted_at), _local(case.completed_at))
        )
    findings = list(
        Review.objects.filter(application__in=[c.pk for c in decided]).values_list("finding", flat=True)
    )
    card.reviewed = len(findings)
    card.findings = {severity: findings.count(severity) for severity in Finding.values}
    card.corrective_open = corrective.filter(closed_at__isnull=True).count()
    return card


def station_scorecard(station: Any, *, start: dt.date, end: dt.date) -> Scorecard:
    cases = Application.objects.filter(station=station)
    corrective = CorrectiveAction.objects.filter(review__application__station=station)
    card = _build(cases, start=start, end=end, corrective=corrective)
    (row,) = visits_per_completion([station], start, end)
    card.completed_with_visit, card.visits = row.completed, row.visits
    return card


def officer_scorecard(officer: Any, *, start: dt.date, end: dt.date) -> Scorecard:
    """The cases the officer accepted, decided or verified."""
    acted = Event.objects.filter(actor=officer, action__in=OFFICER_STEPS).values("application_id")
    cases = Application.objects.filter(pk__in=acted)
    corrective = CorrectiveAction.objects.filter(Q(owner=officer))
    card = _build(cases, start=start, end=end, corrective=corrective)
    # The applications completed in the period after a visit the officer served, and all their visits.
    low, high = _bounds(start, end)
    served = Application.objects.filter(
        status=Status.COMPLETED,
        completed_at__gte=low,
        completed_at__lt=high,
        visits__officer=officer,
    ).values("pk")
    figures = Visit.objects.filter(application__in=served).aggregate(
        completed=Count("application", distinct=True), visits=Count("pk")
    )
    card.completed_with_visit, card.visits = figures["completed"], figures["visits"]
    return card


def to_csv(card: Scorecard, *, title: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Scorecard"), title])
    for label, value in card.rows():
        writer.writerow([label, value])
    return out.getvalue()
