"""``manage.py bench_prepare OUT.json``: the bench's principals and objects (only on a bench server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.scale.principals import prepare


class Command(BaseCommand):
    help = "Create the benchmark's users, tokens and sessions on a bench database (ONEWINDOW_BENCH=1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="where to write the JSON the load scripts read")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ONEWINDOW_BENCH:
            raise CommandError("bench_prepare only runs with ONEWINDOW_BENCH=1 (a scratch bench database).")
        data = prepare()
        Path(options["out"]).write_text(json.dumps(data, indent=1))
        self.stdout.write(f"bench principals written to {options['out']}")
