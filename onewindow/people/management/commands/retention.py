"""Apply the retention rules: anonymise persons' files and remove documents past their period.

    python manage.py retention apply [--dry-run]
    python manage.py retention policy

Each anonymised file and each removed document is an event of its own in
the audit trail. ``--dry-run`` lists what would be done and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from onewindow.people.actions import do_anonymise_person, do_purge_document
from onewindow.people.retention import RECORD_TYPES, documents_due, persons_due, retention_days


class Command(BaseCommand):
    help = "Anonymise persons' files and remove documents whose retention period has run out."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        apply = commands.add_parser("apply", help="anonymise and remove what is due today")
        apply.add_argument("--dry-run", action="store_true", help="list what is due; change nothing")
        commands.add_parser("policy", help="print the retention period of each record type")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "policy":
            for record_type in RECORD_TYPES:
                self.stdout.write(f"{record_type}: {retention_days(record_type)} days")
            return
        today = timezone.localdate()
        dry_run = bool(options["dry_run"])
        persons = list(persons_due(today))
        verb = "Would anonymise" if dry_run else "Anonymised"
        for person in persons:
            if not dry_run:
                last_case_at = getattr(person, "last_case_at", None)
                do_anonymise_person(
                    person,
                    actor=None,
                    reason="retention",
                    data={
                        "policy_days": retention_days("person"),
                        "last_case_at": last_case_at.isoformat() if last_case_at else None,
                    },
                )
            self.stdout.write(f"{verb} person #{person.pk}")
        documents = list(documents_due(today))
        verb = "Would remove" if dry_run else "Removed"
        for document in documents:
            if not dry_run:
                do_purge_document(document, actor=None, reason="retention")
            self.stdout.write(
                f"{verb} the content of document #{document.pk} (expired {document.expires_on})"
            )
        summary = f"{len(persons)} person file(s), {len(documents)} document(s)"
        self.stdout.write(("Dry run: due today: " if dry_run else "Done: ") + summary + ".")
