"""``manage.py seed_scale --persons N``: a national-size dataset on PostgreSQL (onewindow.scale.seeding)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from onewindow.registry.actions import do_rebuild_counts
from onewindow.registry.models import AreaCount, AreaFlow
from onewindow.registry.selectors import check_counts
from onewindow.scale.copy import indexes_built_after
from onewindow.scale.seeding import Seeder, SeedRefused, refuse_unless_possible


class Command(BaseCommand):
    help = "Fill a scratch PostgreSQL database with N invented foreign nationals and their cases (COPY)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True, help="how many foreign nationals")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument("--chunk", type=int, default=5000, help="persons per transaction")
        parser.add_argument("--districts", type=int, default=12, help="districts per city (added if missing)")
        parser.add_argument("--streets", type=int, default=16, help="streets per district (added if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_unless_possible()
        except SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        persons = options["persons"]
        if persons < 1:
            raise CommandError("--persons must be at least 1")
        console = Console(stderr=True)
        started = time.perf_counter()
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        ) as progress:
            task = progress.add_task("foreign nationals", total=persons, rate="")

            def report(stage: str, n: int) -> None:
                if stage == "persons":
                    progress.advance(task, n)
                    done = progress.tasks[task].completed
                    rate = done / max(time.perf_counter() - started, 1e-9)
                    progress.update(task, rate=f"{rate:,.0f} persons/s")
                else:
                    progress.console.log(f"{stage}: {n:,}" if n else f"{stage}…")

            seeder = Seeder(
                persons,
                seed=options["seed"],
                chunk=options["chunk"],
                districts_per_city=options["districts"],
                streets_per_district=options["streets"],
                progress=report,
            )
            try:
                totals = seeder.run()
            except SeedRefused as exc:
                raise CommandError(str(exc)) from exc
        loaded = time.perf_counter() - started
        console.log("rebuilding the area counts from the permits…")
        rebuilding = time.perf_counter()
        # A full rebuild fills empty tables: their secondary indexes are built once, after it.
        with indexes_built_after([AreaCount, AreaFlow]):
            rebuild = do_rebuild_counts(actor=None)
        checking = time.perf_counter()
        console.log(f"rebuilt in {checking - rebuilding:,.1f} s; checking them…")
        differing, _first = check_counts()
        console.log(f"checked in {time.perf_counter() - checking:,.1f} s")
        console.log("VACUUM (ANALYZE): planner statistics and the visibility map for index-only scans…")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        elapsed = time.perf_counter() - started
        table = Table(title=f"seed_scale: {persons:,} persons in {elapsed:,.1f} s (load {loaded:,.1f} s)")
        table.add_column("rows")
        table.add_column("count", justify="right")
        for name in ("persons", "employers", "users", "applications", "decisions", "original_checks",
                     "documents", "permits", "events"):  # fmt: skip
            table.add_row(name, f"{getattr(totals, name):,}")
        table.add_row("area count rows", f"{rebuild.count_rows:,}")
        console.print(table)
        console.print(
            "applications by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(totals.by_status.items()))
        )
        console.print(
            "applications by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(totals.by_kind.items()))
        )
        console.print(
            f"rate: {persons / loaded:,.0f} persons/s loaded; "
            f"1,000,000 persons ≈ {1e6 / persons * loaded / 60:,.1f} min"
        )
        if differing:
            raise CommandError(f"registry check found {differing} differing cells after the rebuild")
        self.stdout.write(f"seeded {persons} persons in {elapsed:.1f} s")
