"""The one append-only audit trail.

Every change of a case, every view of a personal file, every sign-in, role
change, export and configuration change is an :class:`Event`. Events are
never updated or deleted: on PostgreSQL a trigger refuses it, elsewhere the
model refuses it, and the hash chain makes any change visible anyway.

Chaining does not serialise writers. An event is inserted by its writer's
transaction without touching any shared row; right after commit a sealer
(holding a lock of its own) appends a :class:`Seal` for each committed,
unsealed event, in id order, with a hash over the event's canonical content
and the previous seal's hash. See ``onewindow.audit.chain``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """The audit trail can only be appended to."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be deleted")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be deleted")


class EventQuerySet(AppendOnlyQuerySet):
    def for_application(self, application_id: int) -> EventQuerySet:
        return self.filter(application_id=application_id).order_by("id")


class Event(AppendOnlyModel):
    """One thing that happened, by whom, to what."""

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # "system", "api-token:<id>", or empty when ``actor`` says it all.
    actor_label = models.CharField(max_length=80, blank=True)
    # Dotted verb, e.g. "case.accept", "person.view", "auth.login", "registry.export".
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    application = models.ForeignKey(
        "cases.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    # Old and new values, reasons, the page a file was viewed from, and so on.
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # A case's timeline, oldest first.
            models.Index(fields=["application", "id"], name="event_application_timeline"),
            # "Who looked at this person's file": access log by object.
            models.Index(fields=["object_type", "object_id", "id"], name="event_object"),
            # An officer's own activity (supervision, scorecards).
            models.Index(fields=["actor", "id"], name="event_actor"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class PendingSeal(models.Model):
    """Work queue of the sealer: one row per committed event not yet chained.

    Written in the same transaction as its event and deleted once the event
    is sealed. It is a queue, not part of the trail, so it may be deleted
    from; it exists so that finding unsealed events never scans the trail.
    """

    event = models.OneToOneField(Event, on_delete=models.CASCADE, primary_key=True, related_name="+")

    class Meta:
        verbose_name = _("event awaiting its seal")
        verbose_name_plural = _("events awaiting their seals")

    def __str__(self) -> str:
        return str(self.event_id)


class Seal(AppendOnlyModel):
    """The chain link of one event: its position and hash."""

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="seal")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")

    def __str__(self) -> str:
        return f"{self.seq}: {self.hash[:12]}…"
