"""The live monitor of the stations' work, and the escalation of overdue cases to the station's head."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.models import Event
from onewindow.audit.trail import record_event
from onewindow.cases.models import Application
from onewindow.cases.workflow import STATUS_LABELS, Status
from onewindow.offices.models import Office
from onewindow.offices.selectors import calendar_for
from onewindow.supervision.models import Proposal

if TYPE_CHECKING:
    from onewindow.accounts.models import User

# A case is "nearing" its deadline within this many working days.
NEARING_WORKING_DAYS = 2
# Steps that leave an officer holding a case (their load counts open cases they acted on).
LOAD_STEPS = (
    "case.accept",
    "case.return",
    "case.request_supplement",
    "case.decide_work_permit",
    "case.decide_residence_permit",
    "case.verify_originals",
)


@dataclass
class Monitor:
    statuses: list[tuple[str, str]] = field(default_factory=list)
    # station name → counts in the order of ``statuses``
    queues: list[tuple[Office, list[int]]] = field(default_factory=list)
    deadlines: list[tuple[Application, int]] = field(default_factory=list)
    load: list[tuple[str, int]] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)


def open_cases(stations: Any) -> Any:
    return Application.objects.open().filter(station__in=stations, submitted_at__isnull=False)


def build(stations: Any, *, today: dt.date | None = None) -> Monitor:
    """Queues by station and status, deadlines near or past, officers' load, pending proposals."""
    today = today or timezone.localdate()
    stations = list(stations.order_by("area__path", "code"))
    monitor = Monitor()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in open_cases(stations).values("station_id", "status").annotate(n=Count("pk")):
        counts[row["station_id"]][row["status"]] = row["n"]
    shown = [s for s in Status if any(s.value in c for c in counts.values())]
    monitor.statuses = [(s.value, str(STATUS_LABELS[s])) for s in shown]
    monitor.queues = [(station, [counts[station.pk].get(s.value, 0) for s in shown]) for station in stations]

    horizon = today + dt.timedelta(days=14)
    near = (
        open_cases(stations)
        .filter(due_on__isnull=False, due_on__lte=horizon)
        .select_related("station", "employer")
        .order_by("due_on", "pk")[:200]
    )
    for case in near:
        calendar = calendar_for("/" + case.area_path.strip("/").split("/")[0] + "/")
        left = calendar.working_days_between(today, case.due_on) if case.due_on else 0
        if left <= NEARING_WORKING_DAYS:
            monitor.deadlines.append((case, left))

    load = (
        Event.objects.filter(application__in=open_cases(stations), action__in=LOAD_STEPS, actor__isnull=False)
        .values(name=F("actor__full_name"))
        .annotate(cases=Count("application", distinct=True))
        .order_by("-cases", "name")
    )
    monitor.load = [(row["name"], row["cases"]) for row in load]
    monitor.proposals = list(
        Proposal.objects.filter(status=Proposal.Status.PENDING, application__station__in=stations)
        .select_related("application", "proposer")
        .order_by("proposed_at")
    )
    return monitor


def do_escalate_overdue(*, actor: User | None, stations: Any = None, today: dt.date | None = None) -> int:
    """Tell each station's head about its overdue cases, once per case and deadline; returns how many."""
    from onewindow.notifications.actions import do_queue_message

    today = today or timezone.localdate()
    queryset = Application.objects.open().filter(submitted_at__isnull=False, due_on__lt=today)
    if stations is not None:
        queryset = queryset.filter(station__in=stations)
    escalated = 0
    for case in queryset.select_related("station__head").order_by("due_on", "pk"):
        head = case.station.head
        if head is None:
            continue
        with transaction.atomic():
            message = do_queue_message(
                recipient=head,
                subject=_("Overdue: %(reference)s at %(station)s")
                % {"reference": case.reference, "station": case.station.name},
                body=_("The application %(reference)s was due on %(due)s and is still open (%(status)s).")
                % {
                    "reference": case.reference,
                    "due": case.due_on.isoformat() if case.due_on else "",
                    "status": case.get_status_display(),
                },
                link=reverse("cases:detail", kwargs={"reference": case.reference}),
                dedupe_key=f"escalate:{case.pk}:{case.due_on}",
            )
            if message is None:
                continue
            record_event(
                actor=actor,
                action="supervision.escalate",
                obj=case,
                application=case,
                office=case.station,
                data={"head": head.pk, "due_on": str(case.due_on)},
            )
            escalated += 1
    return escalated
