"""Reads for an employer's own pages: its foreign staff, their permits and cases, its duties."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from onewindow.cases.models import Application
from onewindow.cases.rules import REPORTING_WORKING_DAYS
from onewindow.employers.models import Employer, ReportingDuty
from onewindow.lib.workdays import WorkCalendar
from onewindow.offices.selectors import calendar_for
from onewindow.people.models import Employment


def foreign_staff(employer: Employer) -> QuerySet[Employment]:
    """Current employments with each person's applications at this employer (newest first)
    and their active work permits."""
    from onewindow.permits.models import Permit

    applications = Application.objects.filter(employer=employer).order_by("-created_at")
    permits = Permit.objects.filter(status=Permit.Status.ACTIVE, employer=employer).select_related("number")
    return (
        Employment.objects.current()
        .filter(employer=employer)
        .select_related("person")
        .prefetch_related(
            Prefetch("person__applications", queryset=applications, to_attr="employer_applications"),
            Prefetch("person__permits", queryset=permits, to_attr="active_permits"),
        )
        .order_by("person__family_name", "person__pk")
    )


def recent_applications(employer: Employer, limit: int = 50) -> QuerySet[Application]:
    return (
        Application.objects.filter(employer=employer)
        .select_related("person", "station")
        .order_by("-created_at")[:limit]
    )


@dataclass(frozen=True)
class DutyRow:
    duty: ReportingDuty
    due_on: dt.date
    # The application that discharged the duty, if it was filed.
    filing: Application | None
    # Working days from today to the due date (negative once it has passed).
    working_days_left: int
    overdue: bool

    @property
    def state(self) -> str:
        """``filed``, ``overdue`` or ``open``."""
        if self.filing is not None:
            return "filed"
        return "overdue" if self.overdue else "open"


def due_on(duty: ReportingDuty, calendar: WorkCalendar) -> dt.date:
    """10 working days after the event (the employer's reporting duty, ``cases.rules``)."""
    return calendar.add_working_days(duty.happened_on, REPORTING_WORKING_DAYS)


def duty_rows(duties: QuerySet[ReportingDuty], *, today: dt.date) -> list[DutyRow]:
    """Each duty with its due date, its filing (if any) and the working days left, in two queries."""
    rows = list(
        duties.with_filing().select_related("person", "employer__workplace_street")  # type: ignore[attr-defined]
    )
    filings = Application.objects.in_bulk([d.filing_id for d in rows if d.filing_id])
    out = []
    for duty in rows:
        calendar = calendar_for(duty.employer.workplace_street.city_path)
        due = due_on(duty, calendar)
        out.append(
            DutyRow(
                duty=duty,
                due_on=due,
                filing=filings.get(duty.filing_id),
                working_days_left=calendar.working_days_between(today, due),
                overdue=today > due,
            )
        )
    return out


def duties_of(employer: Employer, *, today: dt.date, limit: int = 100) -> list[DutyRow]:
    """The employer's recent duties: open ones first (soonest due first), then the filed ones."""
    recent = ReportingDuty.objects.filter(employer=employer).order_by("-happened_on", "-pk")[:limit]
    pks = list(recent.values_list("pk", flat=True))
    rows = duty_rows(ReportingDuty.objects.filter(pk__in=pks), today=today)
    return sorted(rows, key=lambda r: (r.state == "filed", r.due_on.toordinal() * (-1 if r.filing else 1)))
