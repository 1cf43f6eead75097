"""Recompute the area counts from the permits, or check the maintained ones against a recomputation.

manage.py registry rebuild               every count, from the permits (set-based SQL)
manage.py registry rebuild --from DATE   only the periods from DATE on
manage.py registry check                 exit status 1 and the differing cells if any
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.registry.actions import do_rebuild_counts
from onewindow.registry.selectors import check_counts


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = "Rebuild or check the area registry's maintained counts."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        rebuild = verbs.add_parser("rebuild", help="Recompute the counts from the permits.")
        rebuild.add_argument("--from", dest="since", type=_date, default=None, help="First day to recompute.")
        check = verbs.add_parser("check", help="Compare the maintained counts with a recomputation.")
        check.add_argument("--show", type=int, default=20, help="How many differing cells to list.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "rebuild":
            result = do_rebuild_counts(actor=None, since=options["since"])
            since = f" from {result.since}" if result.since else ""
            rows = f"{result.count_rows} count rows, {result.flow_rows} flow rows"
            self.stdout.write(f"Rebuilt{since}: {rows}.")
            return
        differing, sample = check_counts(limit=options["show"])
        if not differing:
            self.stdout.write("The maintained counts equal a recomputation from the permits.")
            return
        for cell in sample:
            self.stdout.write(
                f"  {cell.area_path} {cell.basis} {cell.dimension}={cell.value} "
                f"{cell.grain} {cell.period}: maintained - recomputed = {cell.difference:+d}"
            )
        raise CommandError(f"{differing} cells differ; run `manage.py registry rebuild` to recompute them.")
