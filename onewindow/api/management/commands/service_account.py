"""``manage.py service_account``: an administrator creates an office's service account (e.g. the
exit-entry office's system) with one staff role, the office's agreement on record, and a token."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from onewindow.accounts.actions import do_record_agreement
from onewindow.accounts.models import STAFF_ROLES
from onewindow.api.actions import do_create_service_account
from onewindow.api.models import ApiToken
from onewindow.api.tokens import do_create_token
from onewindow.offices.models import Office


class Command(BaseCommand):
    help = "Create an office's service account with a staff role (and optionally print a new API token)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--office", required=True, help="Code of the office.")
        parser.add_argument("--role", required=True, choices=sorted(STAFF_ROLES))
        parser.add_argument("--name", required=True, help="Name of the system.")
        parser.add_argument(
            "--agreement-reference",
            default="",
            help="Reference of the office's confidentiality undertaking covering the system.",
        )
        parser.add_argument("--token", choices=["read", "write"], help="Also create a token of this scope.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        office = Office.objects.filter(code=options["office"]).first()
        if office is None:
            raise CommandError(f"No office with code {options['office']!r}")
        try:
            account = do_create_service_account(
                actor=None, name=options["name"], office=office, role=options["role"]
            )
            # Staff roles reach personal data only under an agreement with the office.
            do_record_agreement(
                actor=None,
                user=account.user,
                office=office,
                version="service-account",
                signed_at=timezone.now(),
                reference=options["agreement_reference"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Service account {account.pk} ({account.user.email}) at {office.code}")
        if options["token"]:
            _token, secret = do_create_token(
                actor=None,
                owner=account.user,
                name=options["name"],
                scope=ApiToken.Scope(options["token"]),
                kind=ApiToken.Kind.SERVICE,
            )
            self.stdout.write(f"Token (shown once): {secret}")
