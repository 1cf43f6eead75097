"""Writing messages and e-mails, marking them read, and sending the outbox."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from onewindow.notifications.models import Email, Message

if TYPE_CHECKING:
    from onewindow.accounts.models import User

logger = logging.getLogger(__name__)

# Retry a failed e-mail after 1, 5, 30 minutes, 2 and 12 hours, then give up.
BACKOFF_MINUTES = (1, 5, 30, 120, 720)


def do_queue_message(
    *,
    recipient: User,
    subject: str,
    body: str,
    link: str = "",
    dedupe_key: str,
    mandatory: bool = True,
    language: str = "",
) -> Message | None:
    """Put a message in ``recipient``'s inbox once; a second call with the same key does nothing.

    ``language`` is the one it was written in (the recipient's at the time).
    """
    message = Message(
        recipient=recipient,
        language=language or recipient.language,
        subject=subject[:200],
        body=body,
        link=link,
        dedupe_key=dedupe_key,
        mandatory=mandatory,
    )
    message.full_clean(exclude=["recipient", "dedupe_key"])
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return None
    return message


def do_queue_email(*, to: str, subject: str, body: str, language: str, dedupe_key: str) -> Email | None:
    """Put an e-mail in the outbox once; the worker sends it after this transaction commits."""
    email = Email(
        to=to,
        subject=subject[:200],
        body=body,
        language=language,
        dedupe_key=dedupe_key,
        next_attempt_at=timezone.now(),
    )
    email.full_clean(exclude=["dedupe_key"])
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        return None
    return email


def do_mark_read(message: Message, *, actor: User) -> Message:
    if message.recipient_id != actor.pk:
        raise PermissionError("not the recipient")
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def do_mark_all_read(*, actor: User) -> int:
    return Message.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def _claim(email_id: int) -> bool:
    """Compare-and-set: only one worker moves an e-mail from pending to sending."""
    return bool(
        Email.objects.filter(pk=email_id, status=Email.Status.PENDING).update(status=Email.Status.SENDING)
    )


def send_due_emails(*, limit: int = 100, now: dt.datetime | None = None) -> tuple[int, int]:
    """Send the outbox's due e-mails; return (sent, failed attempts)."""
    now = now or timezone.now()
    sent = failed = 0
    for email_id in list(
        Email.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    ):
        if not _claim(email_id):
            continue
        email = Email.objects.get(pk=email_id)
        try:
            EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
        except Exception as exc:  # any transport error: keep the mail, retry later
            attempts = email.attempts + 1
            gave_up = attempts > len(BACKOFF_MINUTES)
            Email.objects.filter(pk=email.pk).update(
                status=Email.Status.FAILED if gave_up else Email.Status.PENDING,
                attempts=F("attempts") + 1,
                last_error=str(exc)[:500],
                next_attempt_at=now
                + dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]),
            )
            logger.warning("e-mail %s failed (attempt %s): %s", email.pk, attempts, exc)
            failed += 1
        else:
            Email.objects.filter(pk=email.pk).update(
                status=Email.Status.SENT, attempts=F("attempts") + 1, sent_at=timezone.now(), last_error=""
            )
            sent += 1
    return sent, failed


def release_stuck_emails(*, older_than: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """Give back to the queue e-mails left 'sending' by a worker that died mid-send."""
    cutoff = timezone.now() - older_than
    return Email.objects.filter(status=Email.Status.SENDING, next_attempt_at__lt=cutoff).update(
        status=Email.Status.PENDING
    )
