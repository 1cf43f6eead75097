"""The one definition of what a permit contributes to the area counts, as set-based SQL.

Both the actions that keep the counts up to date and the rebuild that
recomputes them run this SQL: the actions for the permits of one person or
employer (before and after the change, applying the difference), the rebuild
for every permit at once (``INSERT … SELECT … GROUP BY``). There is thus one
rule, not a Python copy of it that could drift.

Each permit contributes a half-open interval of days ``[start, stop)`` in
which it was valid:

* it starts on ``valid_from``;
* an active one stops the day after ``valid_until`` (expiry needs no writing);
* a superseded one stops when its successor starts (an extension takes over
  the day after the old permit ends, a change the day it is issued);
* a cancelled or revoked one stops on the day it was cancelled or revoked
  (in the city's time zone), or at expiry if that came first.

The interval is counted once per basis (workplace street, residential street),
level (the street, its district, its city) and dimension; the age dimension
splits it on the 1st of January of the years the holder moves into the next
band. Each interval becomes +1 on its
start day and -1 on its stop day, summed per period at each grain.

Only PostgreSQL and SQLite are supported; the few spellings that differ
(date arithmetic, time zones, LEAST/GREATEST) are chosen here.
"""

# The SQL below is assembled only from table names, enum values and dialect spellings defined
# in code; every value that comes from a caller is passed as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from onewindow.registry.dimensions import AGE_BANDS, FLOW_OF_KIND, Basis, Dimension, Flow, Grain

_SAFE_TZ = re.compile(r"^[A-Za-z0-9_+\-/]+$")


@dataclass(frozen=True)
class Dialect:
    vendor: str

    @property
    def pg(self) -> bool:
        return self.vendor == "postgresql"

    def day_after(self, expr: str) -> str:
        return f"({expr} + 1)" if self.pg else f"date({expr}, '+1 day')"

    def least(self, *exprs: str) -> str:
        return f"LEAST({', '.join(exprs)})" if self.pg else f"MIN({', '.join(exprs)})"

    def greatest(self, *exprs: str) -> str:
        return f"GREATEST({', '.join(exprs)})" if self.pg else f"MAX({', '.join(exprs)})"

    def local_date(self, expr: str) -> str:
        """The calendar date, in the city's time zone, of a stored (UTC) timestamp."""
        tz = settings.TIME_ZONE
        if not _SAFE_TZ.match(tz):  # pragma: no cover - settings are validated at start-up
            raise ValueError("unexpected time zone name")
        if self.pg:
            return f"CAST(({expr} AT TIME ZONE '{tz}') AS date)"
        db_tz = connection.timezone_name or "UTC"
        return f"django_datetime_cast_date({expr}, '{tz}', '{db_tz}')"

    def january_first(self, year_expr: str) -> str:
        return f"make_date({year_expr}, 1, 1)" if self.pg else f"printf('%%04d-01-01', {year_expr})"

    def period_of(self, grain: Grain, expr: str) -> str:
        if grain == Grain.DAY:
            return expr
        if self.pg:
            return f"CAST(date_trunc('{grain.value}', {expr}) AS date)"
        pattern = "%%Y-01-01" if grain == Grain.YEAR else "%%Y-%%m-01"
        return f"strftime('{pattern}', {expr})"

    def month_of(self, expr: str) -> str:
        return self.period_of(Grain.MONTH, expr)


def dialect() -> Dialect:
    if connection.vendor not in {"postgresql", "sqlite"}:  # pragma: no cover
        raise NotImplementedError(f"area statistics need PostgreSQL or SQLite, not {connection.vendor}")
    return Dialect(connection.vendor)


def _tables() -> dict[str, str]:
    from onewindow.cases.models import Application
    from onewindow.employers.models import Employer
    from onewindow.offices.models import Area
    from onewindow.people.models import Person
    from onewindow.permits.models import Permit

    return {
        "permit": Permit._meta.db_table,
        "person": Person._meta.db_table,
        "employer": Employer._meta.db_table,
        "application": Application._meta.db_table,
        "area": Area._meta.db_table,
    }


def _placed_cte(d: Dialect, where: str) -> str:
    """``spans``: one row per permit with its interval and attributes; ``placed``: one per basis and
    level (the street, its district, its city)."""
    t = _tables()
    stop_active = d.day_after("p.valid_until")
    ended = d.local_date("p.ended_at")
    return f"""
spans AS (
    SELECT p.id AS permit_id,
           p.valid_from AS start,
           CASE
               WHEN p.status = 'active' THEN {stop_active}
               WHEN p.status = 'superseded'
                   THEN {d.least(stop_active, f"COALESCE(s.valid_from, {ended}, {stop_active})")}
               ELSE {d.least(stop_active, f"COALESCE({ended}, {stop_active})")}
           END AS stop,
           p.status AS status,
           p.issued_at AS issued_at,
           p.ended_at AS ended_at,
           e.workplace_street_id AS work_street,
           pe.residential_street_id AS home_street,
           pe.nationality AS nationality,
           p.category AS category,
           e.industry AS industry,
           e.size_band AS size,
           a.kind AS kind,
           pe.birth_year AS birth_year,
           p.employer_id AS employer_id
    FROM {t["permit"]} p
    JOIN {t["person"]} pe ON pe.id = p.person_id
    JOIN {t["employer"]} e ON e.id = p.employer_id
    JOIN {t["application"]} a ON a.id = p.application_id
    LEFT JOIN {t["permit"]} s ON s.id = p.superseded_by_id
    WHERE {where}
),
placed AS (
    -- Each basis at its street, the street's district and the district's city.
    SELECT sp.*, '{Basis.WORKPLACE.value}' AS basis, w.id AS area_id
    FROM spans sp JOIN {t["area"]} w ON w.id = sp.work_street
    UNION ALL
    SELECT sp.*, '{Basis.WORKPLACE.value}' AS basis, wd.id AS area_id
    FROM spans sp JOIN {t["area"]} w ON w.id = sp.work_street JOIN {t["area"]} wd ON wd.id = w.parent_id
    UNION ALL
    SELECT sp.*, '{Basis.WORKPLACE.value}' AS basis, wc.id AS area_id
    FROM spans sp JOIN {t["area"]} w ON w.id = sp.work_street JOIN {t["area"]} wd ON wd.id = w.parent_id
         JOIN {t["area"]} wc ON wc.id = wd.parent_id
    UNION ALL
    SELECT sp.*, '{Basis.RESIDENCE.value}' AS basis, h.id AS area_id
    FROM spans sp JOIN {t["area"]} h ON h.id = sp.home_street
    UNION ALL
    SELECT sp.*, '{Basis.RESIDENCE.value}' AS basis, hd.id AS area_id
    FROM spans sp JOIN {t["area"]} h ON h.id = sp.home_street JOIN {t["area"]} hd ON hd.id = h.parent_id
    UNION ALL
    SELECT sp.*, '{Basis.RESIDENCE.value}' AS basis, hc.id AS area_id
    FROM spans sp JOIN {t["area"]} h ON h.id = sp.home_street JOIN {t["area"]} hd ON hd.id = h.parent_id
         JOIN {t["area"]} hc ON hc.id = hd.parent_id
)"""


def _facts_cte(d: Dialect) -> str:
    """``facts``: one row per permit, basis and dimension (several for age), with its interval."""
    keys = "area_id, basis"
    plain = {
        Dimension.TOTAL: "''",
        Dimension.NATIONALITY: "nationality",
        Dimension.CATEGORY: "category",
        Dimension.INDUSTRY: "industry",
        Dimension.SIZE: "size",
        Dimension.KIND: "kind",
    }
    branches = [
        f"SELECT {keys}, '{dimension.value}' AS dimension, {column} AS value, start, stop FROM placed"
        for dimension, column in plain.items()
    ]
    branches.append(
        f"SELECT {keys}, '{Dimension.EMPLOYER.value}' AS dimension, CAST(employer_id AS TEXT) AS value, "
        f"start, stop FROM placed WHERE basis = '{Basis.WORKPLACE.value}'"
    )
    bands = " UNION ALL ".join(
        f"SELECT '{band.code}' AS code, {band.lowest} AS lowest, {band.highest} AS highest"
        for band in AGE_BANDS
    )
    band_start = d.greatest("pl.start", d.january_first("pl.birth_year + b.lowest"))
    band_stop = d.least("pl.stop", d.january_first("pl.birth_year + b.highest + 1"))
    branches.append(
        f"SELECT pl.area_id, pl.basis, '{Dimension.AGE.value}' AS dimension, "
        f"b.code AS value, {band_start} AS start, {band_stop} AS stop "
        f"FROM placed pl CROSS JOIN ({bands}) b"
    )
    union = "\n    UNION ALL\n    ".join(branches)
    return f"""
facts AS (
    {union}
),
events AS (
    SELECT {keys}, dimension, value, start AS day, 1 AS change FROM facts WHERE start < stop
    UNION ALL
    SELECT {keys}, dimension, value, stop AS day, -1 AS change FROM facts WHERE start < stop
)"""


COUNT_COLUMNS = ("area_id", "basis", "dimension", "value", "grain", "period", "change")
FLOW_COLUMNS = ("area_id", "basis", "flow", "month", "count")


def count_rows_sql(
    *, where: str = "1 = 1", where_params: list[Any] | None = None, since: dt.date | None = None
) -> tuple[str, list[Any]]:
    """SQL (and parameters) giving the count rows of the permits matching ``where`` (on ``p``).

    Columns as :data:`COUNT_COLUMNS`. With ``since``, only periods from
    ``since`` on (rounded down to each grain's period) are produced.
    """
    d = dialect()
    params: list[Any] = list(where_params or [])
    grains = []
    for grain in (Grain.YEAR, Grain.MONTH, Grain.DAY):
        period = d.period_of(grain, "day")
        condition = ""
        if since is not None:
            condition = "WHERE day >= %s"
            params.append(period_start(grain, since))
        grains.append(
            f"SELECT area_id, basis, dimension, value, '{grain.value}' AS grain, "
            f"{period} AS period, SUM(change) AS change FROM events {condition} "
            f"GROUP BY area_id, basis, dimension, value, {period}"
        )
    rows = "\n    UNION ALL\n    ".join(grains)
    sql = f"WITH {_placed_cte(d, where)},{_facts_cte(d)},\ngrained AS (\n    {rows}\n)\n"
    sql += f"SELECT {', '.join(COUNT_COLUMNS)} FROM grained WHERE change <> 0"
    return sql, params


def flow_rows_sql(
    *, where: str = "1 = 1", where_params: list[Any] | None = None, since: dt.date | None = None
) -> tuple[str, list[Any]]:
    """SQL (and parameters) giving the monthly flows of the permits matching ``where`` (on ``p``)."""
    d = dialect()
    issued_month = d.month_of(d.local_date("issued_at"))
    ended_month = d.month_of(d.local_date("ended_at"))
    flow_case = " ".join(f"WHEN '{kind}' THEN '{flow}'" for kind, flow in FLOW_OF_KIND.items())
    params: list[Any] = list(where_params or [])
    condition = ""
    if since is not None:
        condition = "WHERE month >= %s"
        params.append(period_start(Grain.MONTH, since))
    sql = f"""WITH {_placed_cte(d, where)},
flows AS (
    SELECT area_id, basis, CASE kind {flow_case} ELSE '{Flow.NEW.value}' END AS flow,
           {issued_month} AS month
    FROM placed
    UNION ALL
    SELECT area_id, basis, status AS flow, {ended_month} AS month
    FROM placed WHERE status IN ('{Flow.CANCELLED.value}', '{Flow.REVOKED.value}')
)
SELECT area_id, basis, flow, month, COUNT(*) AS count
FROM flows {condition}
GROUP BY area_id, basis, flow, month"""
    return sql, params


def period_start(grain: Grain | str, day: dt.date) -> dt.date:
    """The first day of the period of ``grain`` that contains ``day``."""
    if grain == Grain.YEAR:
        return day.replace(month=1, day=1)
    if grain == Grain.MONTH:
        return day.replace(day=1)
    return day
