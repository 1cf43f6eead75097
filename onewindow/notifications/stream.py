"""Reading the sealed audit trail as a stream, once per consumer.

Events are consumed in chain order (``Seal.seq``): a sealed event is
committed, and its position never changes, so a cursor on ``seq`` sees every
event exactly once even when writers commit out of id order. The handler's
writes and the cursor's advance share one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from onewindow.audit.models import Event, Seal
from onewindow.notifications.models import Cursor

Handler = Callable[[Event, int], None]


def consume(name: str, handler: Handler, *, batch_size: int = 200, max_batches: int = 50) -> int:
    """Feed the next sealed events to ``handler(event, seq)``; return how many were handled.

    Only one process advances a given cursor at a time (the cursor row is
    locked); another process calling at the same moment waits, then finds
    the events already handled.
    """
    handled = 0
    for _ in range(max_batches):
        with transaction.atomic():
            cursor, _created = Cursor.objects.get_or_create(name=name)
            cursor = Cursor.objects.select_for_update().get(pk=cursor.pk)
            seals = list(
                Seal.objects.filter(seq__gt=cursor.last_seq)
                .select_related("event", "event__application", "event__actor")
                .order_by("seq")[:batch_size]
            )
            if not seals:
                return handled
            for seal in seals:
                handler(seal.event, seal.seq)
            cursor.last_seq = seals[-1].seq
            cursor.save(update_fields=["last_seq", "updated_at"])
            handled += len(seals)
        if len(seals) < batch_size:
            return handled
    return handled


def skip_to_head(name: str) -> int:
    """Start a new consumer at the current head instead of replaying history."""
    head = Seal.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    with transaction.atomic():
        cursor, _created = Cursor.objects.select_for_update().get_or_create(name=name)
        cursor.last_seq = head
        cursor.save(update_fields=["last_seq", "updated_at"])
    return head
