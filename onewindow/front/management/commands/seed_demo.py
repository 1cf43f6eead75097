"""Load the demo data (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onewindow.front import demo


class Command(BaseCommand):
    help = "Create the demo city, offices, users, employers and applications (once) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo never runs in production.")
        created = not demo.is_seeded()
        demo.seed()
        self.stdout.write("Demo data " + ("created." if created else "already present."))
        self.stdout.write(f"Demo logins (password for all: {settings.ONEWINDOW_DEMO_PASSWORD}):")
        for email, name, role in demo.logins():
            self.stdout.write(f"  {email:<32} {role:<22} {name}")
        self.stdout.write(
            "Officers confirm each sign-in with a code. Add these keys to an authenticator app "
            "(time-based, 6 digits, 30 s), or print the current code with "
            "`python manage.py demo_code <e-mail>`:"
        )
        for email, secret in demo.totp_secrets():
            self.stdout.write(f"  {email:<32} {secret}")
