"""``manage.py permits rotate-key | expire | prune-scans``: permit chores for operators and cron."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.permits.actions import do_prune_scans, do_rotate_signing_key
from onewindow.permits.models import Permit


class Command(BaseCommand):
    help = "Permit chores: rotate the QR signing key, report expired permits, prune old scan records."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="chore", required=True)
        rotate = sub.add_parser("rotate-key", help="Generate a new signing key and make it the active one.")
        rotate.add_argument("--actor", help="E-mail of the administrator recorded in the audit trail.")
        expire = sub.add_parser(
            "expire",
            help=(
                "Report the permits whose validity has ended (cancelled by law on expiry). Marks nothing: "
                "expiry is derived from the dates, so every check already answers 'expired'."
            ),
        )
        expire.add_argument(
            "--on", type=dt.date.fromisoformat, help="The day to compute for (default today)."
        )
        expire.add_argument(
            "--since", type=dt.date.fromisoformat, help="Only permits that expired on or after this day."
        )
        prune = sub.add_parser("prune-scans", help="Delete scan records older than the retention period.")
        prune.add_argument("--days", type=int, default=400, help="Keep this many days (default 400).")

    def handle(self, *args: Any, **options: Any) -> None:
        chore = options["chore"]
        if chore == "rotate-key":
            self._rotate(options.get("actor"))
        elif chore == "expire":
            self._expire(options.get("on") or timezone.localdate(), options.get("since"))
        else:
            self._prune(options["days"])

    def _actor(self, email: str | None) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email=email.lower(), is_active=True, is_superuser=True).first()
        if user is None:
            raise CommandError(f"no active administrator with e-mail {email}")
        return user

    def _rotate(self, email: str | None) -> None:
        try:
            key = do_rotate_signing_key(actor=self._actor(email))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"active key {key.kid} (public key {key.public_key}); earlier keys retired")

    def _expire(self, day: dt.date, since: dt.date | None) -> None:
        expired = Permit.objects.expired_on(day)
        if since is not None:
            # valid_until is the last valid day: a permit "expires on" the day after it.
            expired = expired.filter(valid_until__gte=since - dt.timedelta(days=1))
        rows = expired.select_related("number", "employer").order_by("valid_until", "pk")
        count = 0
        for permit in rows.iterator(chunk_size=1000):
            count += 1
            self.stdout.write(
                f"{permit.number.number}\tissuance {permit.pk}\tvalid until {permit.valid_until}"
                f"\t{permit.employer.credit_code}"
            )
        self.stdout.write(f"{count} permit(s) expired as of {day} (nothing was changed)")

    def _prune(self, days: int) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1")
        deleted = do_prune_scans(before=timezone.now() - dt.timedelta(days=days))
        self.stdout.write(f"{deleted} scan record(s) older than {days} days deleted")
