"""The background worker: seals the audit trail, turns events into notifications, delivers
published community notices, sends the e-mail outbox and the reminders. Run one or more; they cooperate."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from onewindow.accounts.scopes import prune_scope_changes
from onewindow.api.idempotency import expire_records as expire_idempotency_records
from onewindow.audit.chain import seal_pending
from onewindow.employers.reminders import send_duty_reminders
from onewindow.notifications.actions import release_stuck_emails, send_due_emails
from onewindow.notifications.recipes import on_event
from onewindow.notifications.reminders import send_appointment_reminders, send_expiry_reminders
from onewindow.notifications.stream import consume
from onewindow.people.reminders import send_document_reminders
from onewindow.registry.actions import deliver_pending_notices
from onewindow.webhooks import actions as webhook_actions

REMINDER_INTERVAL_SECONDS = 600


def run_once(*, reminders: bool = True) -> dict[str, int]:
    """One round of every background duty; returns what each did."""
    done = {"sealed": seal_pending(), "events": consume("notifications", on_event)}
    # Published community notices go into the inbox and the outbox before the outbox is sent.
    done["notices"] = deliver_pending_notices()
    done["sent"], done["failed"] = send_due_emails()
    done["released"] = release_stuck_emails()
    # Employers' webhooks: case events into the outbox, then the due deliveries out.
    done["webhooks_queued"] = consume(webhook_actions.STREAM, webhook_actions.on_event)
    done["webhooks_sent"], done["webhooks_failed"] = webhook_actions.send_due_deliveries()
    done["idempotency_expired"] = expire_idempotency_records()
    done["scope_changes_pruned"] = prune_scope_changes()
    if reminders:
        # Kept documents expiring soon (people) and reporting duties coming due (employers).
        done["vault_reminders"] = send_document_reminders(timezone.localdate())
        done["duty_reminders"] = send_duty_reminders(timezone.localdate())
        done["reminders"] = send_expiry_reminders(timezone.localdate())
        done["appointment_reminders"] = send_appointment_reminders(timezone.localdate())
    return done


class Command(BaseCommand):
    help = "Run the background worker (sealing, notifications, e-mail, reminders)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Do one round and exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between rounds.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self.stdout.write(str(run_once()))
            return
        last_reminders = 0.0
        self.stdout.write("OneWindow worker started.")
        while True:
            close_old_connections()
            now = time.monotonic()
            due = now - last_reminders >= REMINDER_INTERVAL_SECONDS
            done = run_once(reminders=due)
            if due:
                last_reminders = now
            if any(done.values()):
                self.stdout.write(str(done))
            time.sleep(options["interval"])
