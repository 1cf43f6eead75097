"""Re-seal every encrypted column and every stored document with the current data key.

Key rotation: put the new key first in ``ONEWINDOW_DATA_KEYS`` (keeping the
old one after it), deploy, run ``python manage.py reencrypt``, then remove
the old key. Safe to interrupt and to run again: only values and files not
yet sealed with the current key are touched.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from onewindow.audit.trail import record_event
from onewindow.lib.crypto import DecryptionError, current_key_id
from onewindow.lib.rekey import count_by_key, count_stale, encrypted_columns, reseal
from onewindow.people.models import Document
from onewindow.people.storage import delete_stored, reseal_document


def _describe(counter: Counter[str]) -> str:
    return ", ".join(f"{kid}: {count}" for kid, count in sorted(counter.items())) or "—"


class Command(BaseCommand):
    help = (
        "Re-seal every encrypted value and stored document with the current data key (after a key rotation)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = max(int(options["batch_size"]), 1)
        kid = current_key_id()
        console = Console(file=cast(IO[str], self.stdout._out), width=110)
        columns = list(encrypted_columns())
        documents = Document.objects.stored().exclude(key_id=kid)
        before = {c.label: count_by_key(c) for c in columns}
        files_before = _files_by_key()
        todo = {c.label: count_stale(c) for c in columns}
        files_todo = documents.count()
        total = sum(todo.values()) + files_todo
        console.print(f"Current data key: [bold]{kid}[/bold]. Rows and files to re-seal: {total}.")
        resealed: dict[str, int] = {}
        files_done = 0
        try:
            with Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
            ) as progress:
                for column in columns:
                    task = progress.add_task(column.label, total=todo[column.label])
                    resealed[column.label] = reseal(
                        column, batch_size=batch_size, advance=partial(progress.advance, task)
                    )
                task = progress.add_task("documents (files)", total=files_todo)
                files_done = self._reseal_files(batch_size, advance=partial(progress.advance, task))
        except DecryptionError as exc:
            raise CommandError(
                f"A value could not be decrypted ({exc}). Put the key that sealed it back into "
                "ONEWINDOW_DATA_KEYS (after the current one) and run the command again."
            ) from exc
        self._report(console, columns, before, files_before, resealed, files_done)
        record_event(
            actor=None,
            actor_label="system:reencrypt",
            action="data.reencrypt",
            data={
                "key": kid,
                "rows": resealed,
                "files": files_done,
                "before": {
                    label: {n: dict(c) for n, c in fields.items()} for label, fields in before.items()
                },
                "files_before": dict(files_before),
            },
        )

    def _reseal_files(self, batch_size: int, *, advance: Any) -> int:
        kid = current_key_id()
        done = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = list(
                    Document.objects.stored()
                    .exclude(key_id=kid)
                    .filter(pk__gt=last_pk)
                    .select_for_update()
                    .order_by("pk")[:batch_size]
                )
                if not batch:
                    return done
                old_names = []
                for document in batch:
                    old_names.append(reseal_document(document))
                    document.save(update_fields=["file", "key_id"])
                # Old files go only once the rows point at the new ones for good.
                transaction.on_commit(partial(_delete_all, old_names))
            done += len(batch)
            last_pk = batch[-1].pk
            advance(len(batch))

    def _report(
        self,
        console: Console,
        columns: list[Any],
        before: dict[str, Any],
        files_before: Counter[str],
        resealed: dict[str, int],
        files_done: int,
    ) -> None:
        table = Table(title="Values per data key")
        table.add_column("Column")
        table.add_column("Before")
        table.add_column("Re-sealed", justify="right")
        table.add_column("After")
        for column in columns:
            after = count_by_key(column)
            for name in column.fields:
                table.add_row(
                    f"{column.label}.{name}",
                    _describe(before[column.label][name]),
                    str(resealed.get(column.label, 0)) if name == column.fields[0] else "",
                    _describe(after[name]),
                )
        files_after = _files_by_key()
        table.add_row("documents (files)", _describe(files_before), str(files_done), _describe(files_after))
        console.print(table)


def _files_by_key() -> Counter[str]:
    rows = Document.objects.stored().values("key_id").annotate(n=Count("pk")).values_list("key_id", "n")
    return Counter({kid or "?": n for kid, n in rows})


def _delete_all(names: list[str]) -> None:
    for name in names:
        delete_stored(name)
