"""In-app messages, the e-mail outbox, and consumers' positions in the event stream.

Notifications are produced *from* the audit trail, after the fact: a
consumer reads sealed events in chain order (so only committed events, each
exactly once) and writes messages and e-mails with a de-duplication key in
the same transaction as it advances its cursor. A failed e-mail therefore
never loses or undoes the change it reports, and a crash never sends twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Cursor(models.Model):
    """How far one consumer has read the sealed event stream."""

    name = models.CharField(max_length=40, unique=True)
    last_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event consumer")
        verbose_name_plural = _("event consumers")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seq}"


class MessageQuerySet(models.QuerySet["Message"]):
    def unread(self) -> MessageQuerySet:
        return self.filter(read_at__isnull=True)


class Message(models.Model):
    """A notification shown in the recipient's inbox, written in their language."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(max_length=300, blank=True)
    # The language it was written in (the recipient's when it was written).
    language = models.CharField(max_length=10, default="en")
    # Mandatory messages (about one's case or permit) ignore opt-outs.
    mandatory = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # What produced the message, e.g. "event:1234:user:7" or "reminder:permit:5:60".
    dedupe_key = models.CharField(max_length=120, unique=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A user's inbox, newest first, and the unread badge.
            models.Index(fields=["recipient", "-created_at"], name="message_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="message_unread"),
        ]

    def __str__(self) -> str:
        return self.subject


class EmailQuerySet(models.QuerySet["Email"]):
    def due(self, now: object) -> EmailQuerySet:
        return self.filter(status=Email.Status.PENDING, next_attempt_at__lte=now)


class Email(models.Model):
    """An e-mail waiting in the outbox, sent by the worker with retries and back-off."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    to = models.EmailField(_("to"))
    language = models.CharField(max_length=10, default="en")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            # The worker's queue: pending mail whose next attempt is due.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="email_due"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
