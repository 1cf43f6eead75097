"""Reading the area figures: a handful of indexed, grouped queries over the maintained counts.

Nothing here loads permits or persons: every figure is a ``SUM`` over the
count rows of one area (a street, a district or a city: each has its own
rows, see ``registry.models``), read from the index that includes them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BigIntegerField, Count, Q, Sum
from django.db.models.functions import Cast

from onewindow.employers.models import Employer
from onewindow.offices.models import Area
from onewindow.registry import sql
from onewindow.registry.dimensions import Basis, Dimension, Flow, Grain
from onewindow.registry.models import AreaCount, AreaFlow, Delivery, Notice


def on_day(day: dt.date) -> Q:
    """The count rows whose sum is the count on ``day``: earlier years, months, then days."""
    year = sql.period_start(Grain.YEAR, day)
    month = sql.period_start(Grain.MONTH, day)
    return (
        Q(grain=Grain.YEAR, period__lt=year)
        | Q(grain=Grain.MONTH, period__gte=year, period__lt=month)
        | Q(grain=Grain.DAY, period__gte=month, period__lte=day)
    )


@dataclass
class Stock:
    """Valid permits on one day in one area, per basis: ``cells[basis][dimension][value] = count``."""

    cells: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def table(self, basis: str, dimension: str) -> dict[str, int]:
        return self.cells.get(basis, {}).get(dimension, {})

    def total(self, basis: str) -> int:
        return self.table(basis, Dimension.TOTAL).get("", 0)


# The dimensions of the persons (the employer dimension only feeds the counts of employers).
PERSON_DIMENSIONS = [str(value) for value in Dimension.values if value != Dimension.EMPLOYER]


def stock(area: Area, day: dt.date) -> Stock:
    """Every dimension of both bases for the area on ``day``, in one grouped query."""
    rows = (
        AreaCount.objects.filter(on_day(day), area=area, dimension__in=PERSON_DIMENSIONS)
        .values("basis", "dimension", "value")
        .annotate(count=Sum("change"))
        .filter(count__gt=0)
        .order_by()
    )
    result = Stock()
    for row in rows:
        result.cells.setdefault(row["basis"], {}).setdefault(row["dimension"], {})[row["value"]] = row[
            "count"
        ]
    return result


@dataclass(frozen=True)
class Employers:
    """Employers with at least one foreign employee holding a valid permit, by industry and size."""

    total: int
    by_industry: dict[str, int]
    by_size: dict[str, int]


def employers(area: Area, day: dt.date) -> Employers:
    """Employers with foreign staff whose workplace is in the area on ``day`` (one query)."""
    with_staff = (
        AreaCount.objects.filter(
            on_day(day),
            area=area,
            basis=Basis.WORKPLACE,
            dimension=Dimension.EMPLOYER,
        )
        .values("value")
        .annotate(count=Sum("change"))
        .filter(count__gt=0)
        .annotate(employer_id=Cast("value", BigIntegerField()))
        .values("employer_id")
        .order_by()
    )
    rows = (
        Employer.objects.filter(pk__in=with_staff)
        .values("industry", "size_band")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_industry: dict[str, int] = defaultdict(int)
    by_size: dict[str, int] = defaultdict(int)
    total = 0
    for row in rows:
        by_industry[row["industry"]] += row["count"]
        by_size[row["size_band"]] += row["count"]
        total += row["count"]
    return Employers(total=total, by_industry=dict(by_industry), by_size=dict(by_size))


def parts(area: Area, day: dt.date, basis: str) -> list[tuple[Area, int]]:
    """The area's districts (of a city) or streets (of a district) with their counts on ``day``."""
    if area.level == Area.Level.STREET:
        return []
    children = list(Area.objects.filter(parent=area).order_by("path"))
    sums = (
        AreaCount.objects.filter(
            on_day(day),
            area__in=children,
            basis=basis,
            dimension=Dimension.TOTAL,
        )
        .values("area_id")
        .annotate(count=Sum("change"))
        .order_by()
    )
    counts = {row["area_id"]: row["count"] for row in sums}
    return [(child, counts.get(child.pk, 0)) for child in children]


def months_back(day: dt.date, months: int) -> list[dt.date]:
    """The first days of the ``months`` months ending with ``day``'s month, oldest first."""
    year, month = day.year, day.month
    firsts = []
    for _ in range(months):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(firsts))


def flows(area: Area, day: dt.date, basis: str, *, months: int = 12) -> dict[dt.date, dict[str, int]]:
    """Permits issued (new, extended, changed), cancelled and revoked per month, up to ``day``'s month."""
    firsts = months_back(day, months)
    rows = (
        AreaFlow.objects.filter(area=area, basis=basis, month__gte=firsts[0], month__lte=firsts[-1])
        .values("month", "flow")
        .annotate(count=Sum("count"))
        .order_by()
    )
    result: dict[dt.date, dict[str, int]] = {first: dict.fromkeys(Flow.values, 0) for first in firsts}
    for row in rows:
        month = row["month"]
        if month in result:
            result[month][row["flow"]] += row["count"]
    return result


@dataclass(frozen=True)
class Discrepancy:
    area_path: str
    basis: str
    dimension: str
    value: str
    grain: str
    period: str
    difference: int


def check_counts(*, limit: int = 50) -> tuple[int, list[Discrepancy]]:
    """Compare the maintained count rows with a full recomputation from the permits.

    Returns how many cells differ and the first ``limit`` of them. Computed in
    the database (the maintained rows minus the recomputed ones, grouped).
    """
    count_sql, count_params = sql.count_rows_sql()
    flow_sql, flow_params = sql.flow_rows_sql()
    counts_table, flows_table = AreaCount._meta.db_table, AreaFlow._meta.db_table
    keys = "area_id, basis, dimension, value, grain, period"
    compare = f"""
SELECT a.path, d.basis, d.dimension, d.value, d.grain, d.period, d.difference FROM (
    SELECT {keys}, SUM(change) AS difference FROM (
        SELECT {keys}, change FROM {counts_table}
        UNION ALL
        SELECT {keys}, -change FROM ({count_sql}) recomputed
    ) both_sides GROUP BY {keys} HAVING SUM(change) <> 0
    UNION ALL
    SELECT area_id, basis, 'flow', flow, 'month', month, SUM(count) FROM (
        SELECT area_id, basis, flow, month, count FROM {flows_table}
        UNION ALL
        SELECT area_id, basis, flow, month, -count FROM ({flow_sql}) recomputed_flows
    ) flow_sides GROUP BY area_id, basis, flow, month HAVING SUM(count) <> 0
) d JOIN {Area._meta.db_table} a ON a.id = d.area_id
"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(compare, [*count_params, *flow_params])
        rows = cursor.fetchall()
    found = [
        Discrepancy(path, basis, dimension, value or "", grain, str(period)[:10], int(difference))
        for path, basis, dimension, value, grain, period, difference in rows
    ]
    found.sort(key=lambda item: (item.area_path, item.basis, item.dimension, item.value, item.period))
    return len(found), found[:limit]


@dataclass
class DeliveryFigures:
    """How a published notice reached its audience, and how many read it."""

    audience: int = 0
    pending: int = 0
    inbox: int = 0
    inbox_read: int = 0
    email: int = 0
    email_sent: int = 0
    email_failed: int = 0
    email_opened: int = 0
    opted_out: int = 0
    unreachable: int = 0
    by_language: dict[str, list[int]] = field(default_factory=dict)

    @property
    def read(self) -> int:
        return self.inbox_read + self.email_opened


def delivery_figures(notice: Notice) -> DeliveryFigures:
    """The notice page's figures, from one grouped query over its deliveries."""
    from onewindow.notifications.models import Email

    rows = (
        Delivery.objects.filter(notice=notice)
        .values("status", "channel", "language", "email__status")
        .annotate(count=Count("pk"), read=Count("read_at"))
        .order_by()
    )
    figures = DeliveryFigures()
    for row in rows:
        count, read = row["count"], row["read"]
        figures.audience += count
        language = figures.by_language.setdefault(row["language"], [0, 0])
        language[0] += count
        language[1] += read
        status = row["status"]
        if status == Delivery.Status.PENDING:
            figures.pending += count
        elif status == Delivery.Status.OPTED_OUT:
            figures.opted_out += count
        elif status == Delivery.Status.UNREACHABLE:
            figures.unreachable += count
        elif row["channel"] == Delivery.Channel.INBOX:
            figures.inbox += count
            figures.inbox_read += read
        else:
            figures.email += count
            figures.email_opened += read
            if row["email__status"] == Email.Status.SENT:
                figures.email_sent += count
            elif row["email__status"] == Email.Status.FAILED:
                figures.email_failed += count
    return figures
