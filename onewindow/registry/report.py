"""The figures of an area as shown and exported: tables with suppression, chart data, sentences.

One :class:`Report` feeds the dashboard, its charts and the exports, so
what is exported is exactly what is shown, suppression included.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from onewindow.offices.models import Area
from onewindow.registry import selectors
from onewindow.registry.dimensions import SHOWN_DIMENSIONS, Basis, Dimension, Flow, fixed_values, labeller
from onewindow.registry.suppression import protect, protect_count

# How many rows of an open list (nationalities) the bar chart shows; the table shows them all.
CHART_ROWS = 15

TITLES: dict[str, Any] = {
    Dimension.NATIONALITY: gettext_lazy("Nationality"),
    Dimension.CATEGORY: gettext_lazy("Category (A, B, C)"),
    Dimension.INDUSTRY: gettext_lazy("Industry of the employer"),
    Dimension.AGE: gettext_lazy("Age"),
    Dimension.KIND: gettext_lazy("Kind of application that issued the permit"),
    Dimension.SIZE: gettext_lazy("Size of the employer"),
    "employers_industry": gettext_lazy("Employers with foreign staff, by industry"),
    "employers_size": gettext_lazy("Employers with foreign staff, by size"),
    "parts": gettext_lazy("By area"),
}


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    # ``None`` when suppressed.
    count: int | None


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row]
    total: int | None
    unit: str
    suppressed: bool

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"

    def chart(self) -> dict[str, Any]:
        shown = [row for row in self.rows if row.count is not None]
        if not any(row.count for row in shown):
            shown = []  # nothing to draw: the table says it
        return {
            "kind": "bar",
            "title": self.title,
            "labels": [row.label for row in shown[:CHART_ROWS]],
            "values": [row.count for row in shown[:CHART_ROWS]],
            "unit": self.unit,
        }


@dataclass
class FlowTable:
    months: list[dt.date]
    flows: list[tuple[str, str]]
    # counts[month index][flow index]; ``None`` when suppressed.
    counts: list[list[int | None]]
    suppressed: bool

    chart_id = "chart-flows"

    @property
    def rows(self) -> list[tuple[dt.date, list[int | None]]]:
        return list(zip(self.months, self.counts, strict=True))

    def chart(self) -> dict[str, Any]:
        return {
            "kind": "months",
            "title": str(_("Permits issued, extended, changed, cancelled and revoked per month")),
            "labels": [month.strftime("%Y-%m") for month in self.months],
            "series": [
                {"name": label, "values": [row[index] for row in self.counts]}
                for index, (_code, label) in enumerate(self.flows)
            ],
        }


@dataclass
class Report:
    area: Area
    day: dt.date
    basis: str
    exact: bool
    threshold: int
    sentences: list[str]
    tables: list[Table] = field(default_factory=list)
    employer_tables: list[Table] = field(default_factory=list)
    parts: Table | None = None
    flows: FlowTable | None = None
    # Names this report in the shared cache (area, day, basis, exactness, threshold, language and
    # the counts' version) when it came through ``build_cached``; empty for a report built afresh.
    cache_token: str = ""

    @property
    def suppressed(self) -> bool:
        return not self.exact

    def all_tables(self) -> list[Table]:
        return [*([self.parts] if self.parts else []), *self.tables, *self.employer_tables]


def threshold() -> int:
    return int(settings.ONEWINDOW_SMALL_COUNT_THRESHOLD)


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _table(
    key: str, cells: dict[str, int], *, dimension: str, exact: bool, unit: str, fixed: list[str] | None = None
) -> Table:
    label = labeller(dimension)
    values = dict.fromkeys(fixed or [], 0)
    values.update(cells)
    limit = 1 if exact else threshold()
    protected = protect(values, threshold=limit)
    shown = [(code, protected.shown(code)) for code in values]
    if fixed:
        ordered = shown  # the natural order of a closed list (A, B, C; age bands; sizes)
    else:
        # Shown rows by size, then hidden ones by name: a hidden row's place must not hint at its size.
        visible = sorted(
            (item for item in shown if item[1] is not None), key=lambda item: (-(item[1] or 0), item[0])
        )
        hidden = sorted((item for item in shown if item[1] is None), key=lambda item: label(item[0]))
        ordered = visible + hidden
    rows = [Row(code=code, label=label(code), count=count) for code, count in ordered]
    return Table(
        key=key,
        title=str(TITLES.get(key, key)),
        rows=rows,
        total=protected.shown_total,
        unit=unit,
        suppressed=protected.any_hidden,
    )


def _people(count: int | None, limit: int) -> str:
    if count is None:
        return _("fewer than %(threshold)s foreigners") % {"threshold": limit}
    return ngettext("%(count)s foreigner", "%(count)s foreigners", count) % {"count": _number(count)}


def _countries(count: int) -> str:
    return ngettext("%(count)s country", "%(count)s countries", count) % {"count": _number(count)}


def _employers(count: int | None, limit: int) -> str:
    if count is None:
        return _("fewer than %(threshold)s employers") % {"threshold": limit}
    return ngettext("%(count)s employer", "%(count)s employers", count) % {"count": _number(count)}


def work_sentence(area: Area, *, people: int, countries: int, employers: int, exact: bool) -> str:
    """E.g. "10,922 foreigners from 112 countries work around Zhaoshang Street, at 1,310 employers."."""
    limit = 1 if exact else threshold()
    if people == 0:
        return _("No foreigner with a valid work permit works around %(area)s.") % {"area": area.name}
    shown = protect_count(people, limit)
    if shown is None:
        return _("%(people)s with a valid work permit work around %(area)s.") % {
            "people": _people(None, limit).capitalize(),
            "area": area.name,
        }
    return ngettext(
        "%(people)s from %(countries)s works around %(area)s, at %(employers)s.",
        "%(people)s from %(countries)s work around %(area)s, at %(employers)s.",
        shown,
    ) % {
        "people": _people(shown, limit),
        "countries": _countries(countries),
        "area": area.name,
        "employers": _employers(protect_count(employers, limit), limit),
    }


def home_sentence(area: Area, *, people: int, countries: int, exact: bool) -> str:
    """E.g. "8,504 foreigners from 97 countries live in Zhaoshang Street."."""
    limit = 1 if exact else threshold()
    if people == 0:
        return _("No foreigner with a valid work permit lives in %(area)s.") % {"area": area.name}
    shown = protect_count(people, limit)
    if shown is None:
        return _("%(people)s with a valid work permit live in %(area)s.") % {
            "people": _people(None, limit).capitalize(),
            "area": area.name,
        }
    return ngettext(
        "%(people)s from %(countries)s lives in %(area)s.",
        "%(people)s from %(countries)s live in %(area)s.",
        shown,
    ) % {"people": _people(shown, limit), "countries": _countries(countries), "area": area.name}


def _flows(area: Area, day: dt.date, basis: str, *, exact: bool) -> FlowTable:
    monthly = selectors.flows(area, day, basis)
    limit = 1 if exact else threshold()
    flows = [(str(code), str(label)) for code, label in Flow.choices]
    counts = [[protect_count(by_flow[code], limit) for code, _label in flows] for by_flow in monthly.values()]
    # No totals are published for the months, so a hidden count has no equation to fall out of.
    suppressed = any(value is None for row in counts for value in row)
    return FlowTable(months=list(monthly), flows=flows, counts=counts, suppressed=suppressed)


def build(area: Area, *, day: dt.date, basis: str, exact: bool) -> Report:
    """Everything the dashboard shows for ``area`` on ``day`` (five grouped queries)."""
    stock = selectors.stock(area, day)
    staff = selectors.employers(area, day)
    limit = 1 if exact else threshold()
    sentences = [
        work_sentence(
            area,
            people=stock.total(Basis.WORKPLACE),
            countries=len(stock.table(Basis.WORKPLACE, Dimension.NATIONALITY)),
            employers=staff.total,
            exact=exact,
        ),
        home_sentence(
            area,
            people=stock.total(Basis.RESIDENCE),
            countries=len(stock.table(Basis.RESIDENCE, Dimension.NATIONALITY)),
            exact=exact,
        ),
    ]
    report = Report(area=area, day=day, basis=basis, exact=exact, threshold=limit, sentences=sentences)
    people = str(_("foreigners"))
    for dimension in SHOWN_DIMENSIONS:
        report.tables.append(
            _table(
                str(dimension),
                stock.table(basis, dimension),
                dimension=dimension,
                exact=exact,
                unit=people,
                fixed=fixed_values(dimension),
            )
        )
    if basis == Basis.WORKPLACE:
        employers_unit = str(_("employers"))
        report.employer_tables = [
            _table(
                "employers_industry",
                staff.by_industry,
                dimension=Dimension.INDUSTRY,
                exact=exact,
                unit=employers_unit,
            ),
            _table(
                "employers_size",
                staff.by_size,
                dimension=Dimension.SIZE,
                exact=exact,
                unit=employers_unit,
                fixed=fixed_values(Dimension.SIZE),
            ),
        ]
    parts = selectors.parts(area, day, basis)
    if parts:
        names = {child.path: child.name for child in (child for child, _count in parts)}
        table = _table(
            "parts",
            {child.path: count for child, count in parts},
            dimension="parts",
            exact=exact,
            unit=people,
            fixed=[child.path for child, _count in parts],
        )
        table.rows = [Row(code=row.code, label=names[row.code], count=row.count) for row in table.rows]
        report.parts = table
    report.flows = _flows(area, day, basis, exact=exact)
    return report


# A built report is kept this long at most: the employer tables read the employers directly, so
# a newly verified employer shows within this time. Changes of the maintained counts (issuance,
# cancellation, a rebuild) make every kept report stale at once (``counts_changed``).
REPORT_CACHE_SECONDS = 60
_VERSION_KEY = "registry:counts-version"


def _new_version() -> None:
    cache.set(_VERSION_KEY, secrets.token_hex(8), None)


def counts_changed() -> None:
    """The maintained counts changed: no report built before may be shown again.

    Now (this transaction's own later reads) and once more after the commit
    (a report built by another request from the counts before the commit)."""
    _new_version()
    transaction.on_commit(_new_version)


def build_cached(area: Area, *, day: dt.date, basis: str, exact: bool) -> Report:
    """``build``, kept in the shared cache for a minute per area, day, basis, exactness and language.

    Only what the caller may see is asked for (the access check comes first) and
    the key carries everything the report depends on, so a kept report is the one
    ``build`` would make with the same counts."""
    key = f"registry:report:{area.pk}:{day.isoformat()}:{basis}:{int(exact)}:{threshold()}:{get_language()}"
    kept = cache.get_many([_VERSION_KEY, key])
    version = kept.get(_VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        cache.add(_VERSION_KEY, version, None)
        version = cache.get(_VERSION_KEY, version)
    entry = kept.get(key)
    if entry is not None and entry[0] == version:
        kept_report: Report = entry[1]
        return kept_report
    built = build(area, day=day, basis=basis, exact=exact)
    built.cache_token = f"{key}:{version}"
    cache.set(key, (version, built), REPORT_CACHE_SECONDS)
    return built
