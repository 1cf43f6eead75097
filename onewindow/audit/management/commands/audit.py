"""The audit trail from the command line: verify the chain, print its anchor, seal pending events.

    python manage.py audit verify [--anchor <hash>:<count>]
    python manage.py audit anchor
    python manage.py audit seal

``verify`` exits 0 and prints the number of entries when the chain is
intact; it exits 1 naming the first entry that does not fit otherwise. Keep
the output of ``anchor`` outside the database (a ticket, a printout, another
system): given back to ``verify --anchor``, it also reveals a truncated tail
or a chain rebuilt from some point on.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.audit.chain import Anchor, current_anchor, seal_pending, verify


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail, print its anchor, or seal pending events."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        check = commands.add_parser("verify", help="walk the whole chain and check every link")
        check.add_argument(
            "--anchor",
            help="a '<hash>:<count>' printed earlier by 'audit anchor'; also detects a truncated tail",
        )
        commands.add_parser("anchor", help="print the head hash and the number of entries")
        commands.add_parser("seal", help="chain every committed event that awaits its seal")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        if command == "anchor":
            self.stdout.write(str(current_anchor()))
        elif command == "seal":
            sealed = seal_pending()
            self.stdout.write(f"Sealed {sealed} event(s); anchor {current_anchor()}.")
        else:
            self._verify(options.get("anchor"))

    def _verify(self, anchor_text: str | None) -> None:
        try:
            anchor = Anchor.parse(anchor_text) if anchor_text else None
        except ValueError as exc:
            raise CommandError(f"Bad anchor: {exc}.") from exc
        result = verify(anchor)
        if not result.ok:
            where = []
            if result.bad_seq is not None:
                where.append(f"entry {result.bad_seq}")
            if result.bad_event_id is not None:
                where.append(f"event #{result.bad_event_id}")
            place = ", ".join(where) or "the end of the chain"
            raise CommandError(
                f"Audit trail BROKEN at {place}: {result.problem} "
                f"({result.count} entries verified before it)."
            )
        message = f"Audit trail intact: {result.count} entries verified"
        if anchor is not None:
            message += f", matching the anchor at entry {anchor.count}"
        if result.pending:
            message += f"; {result.pending} event(s) await their seal (run 'audit seal')"
        self.stdout.write(message + ".")
