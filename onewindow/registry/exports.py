"""The dashboard's tables as CSV or XLSX files: the same figures, the same suppression."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from onewindow.registry.report import Report

SUPPRESSED = "x"


def _header(report: Report) -> list[tuple[str, str]]:
    return [
        (str(_("Area")), report.area.name),
        (str(_("Area path")), report.area.path),
        (str(_("Date")), report.day.isoformat()),
        (str(_("Count by")), report.basis),
        (
            str(_("Suppression")),
            _("Counts from 1 to %(n)s and the cells that would reveal them are shown as %(x)s.")
            % {"n": report.threshold - 1, "x": SUPPRESSED}
            if report.suppressed
            else str(_("None (exact figures for the commission)")),
        ),
    ]


def rows(report: Report) -> Iterator[list[str]]:
    """One line per cell, total and month: table, code, label, count (``x`` if suppressed)."""
    for table in report.all_tables():
        for row in table.rows:
            yield [table.key, row.code, row.label, SUPPRESSED if row.count is None else str(row.count)]
        yield [table.key, "", str(_("Total")), SUPPRESSED if table.total is None else str(table.total)]
    if report.flows is not None:
        for month, counts in zip(report.flows.months, report.flows.counts, strict=True):
            for (code, label), count in zip(report.flows.flows, counts, strict=True):
                yield [f"flows_{month:%Y-%m}", code, label, SUPPRESSED if count is None else str(count)]


def to_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for name, value in _header(report):
        writer.writerow([f"# {name}", value])
    writer.writerow(["table", "code", "label", "count"])
    for line in rows(report):
        writer.writerow(line)
    # A byte-order mark so that spreadsheet programs read the Chinese labels as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", " ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def to_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    about = workbook.active
    assert about is not None  # noqa: S101 - a new workbook always has its first sheet
    about.title = str(_("About"))
    used = {about.title}
    for name, value in _header(report):
        about.append([name, value])
    for table in report.all_tables():
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.append([pgettext("column of category codes", "Code"), table.title, table.unit])
        for row in table.rows:
            sheet.append([row.code, row.label, SUPPRESSED if row.count is None else row.count])
        sheet.append(["", str(_("Total")), SUPPRESSED if table.total is None else table.total])
    if report.flows is not None:
        sheet = workbook.create_sheet(_sheet_title(str(_("Per month")), used))
        sheet.append([str(_("Month")), *(label for _code, label in report.flows.flows)])
        for month, counts in zip(report.flows.months, report.flows.counts, strict=True):
            sheet.append([f"{month:%Y-%m}", *(SUPPRESSED if count is None else count for count in counts)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
