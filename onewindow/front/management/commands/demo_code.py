"""Print a demo officer's current sign-in code (development only)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.accounts.authn import code_at, current_step


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the demo account's e-mail address")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_code never runs in production.")
        email = str(options["email"]).strip().lower()
        device = TOTPDevice.objects.filter(user__email=email, confirmed=True).first()
        if device is None:
            raise CommandError(f"{email} has no authenticator set up.")
        step = current_step(device)
        # A code is accepted once: if this step's code was used, the next one is still accepted.
        if device.last_t >= step:
            step = device.last_t + 1
        seconds_left = int(device.t0 + (step + 1) * device.step - time.time())
        self.stdout.write(code_at(device, step))
        if options["verbosity"] > 1:
            self.stderr.write(f"valid for about {max(seconds_left, 0)} more seconds")
