"""The hash chain over the audit trail: sealing and verification.

Each :class:`~onewindow.audit.models.Seal` gives one event a position
``seq`` (1, 2, 3, … without gaps) and ``hash = SHA-256(prev_hash || canonical
event || seq)``. The first seal's ``prev_hash`` is 64 zeros.

Only one sealer appends at a time (an advisory lock on PostgreSQL; SQLite
serialises writers anyway), and it runs after the writers' commits, so the
writers themselves never wait for each other on a chain head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from onewindow.audit.models import Event, PendingSeal, Seal

GENESIS = "0" * 64
# Arbitrary constant naming the sealer's advisory lock on PostgreSQL.
SEALER_LOCK_ID = 7_150_001


def canonical(event: Event) -> bytes:
    """The bytes an event's hash covers: every stored field, in a fixed form."""
    occurred = event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    content: dict[str, Any] = {
        "id": event.pk,
        "occurred_at": occurred,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "application_id": event.application_id,
        "office_id": event.office_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "data": event.data,
        "ip_address": event.ip_address,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(prev_hash: str, event: Event, seq: int) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode())
    digest.update(canonical(event))
    digest.update(str(seq).encode())
    return digest.hexdigest()


def _take_sealer_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEALER_LOCK_ID])
        row = cursor.fetchone()
    return bool(row and row[0])


def _store_seals(seals: list[Seal], event_ids: list[int]) -> None:
    """Insert the seals and take their events off the queue: one statement on PostgreSQL."""
    if connection.vendor != "postgresql":
        Seal.objects.bulk_create(seals)
        PendingSeal.objects.filter(event_id__in=event_ids).delete()
        return
    quote = connection.ops.quote_name
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(seals))
    params: list[Any] = []
    for seal in seals:
        params += [seal.seq, seal.event_id, seal.prev_hash, seal.hash, seal.sealed_at]
    # Only table and column names from the models are formatted in; every value is a parameter.
    sql = (
        f"WITH s AS (INSERT INTO {quote(Seal._meta.db_table)} "  # noqa: S608
        f"({quote('seq')}, {quote('event_id')}, {quote('prev_hash')}, {quote('hash')}, {quote('sealed_at')}) "
        f"VALUES {rows} RETURNING {quote('event_id')}) "
        f"DELETE FROM {quote(PendingSeal._meta.db_table)} "
        f"WHERE {quote('event_id')} IN (SELECT event_id FROM s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def seal_pending(batch_size: int = 2000) -> int:
    """Chain every committed event that has no seal yet; return how many were sealed.

    Returns 0 at once when another process is sealing: that process, or the
    next call, will pick up whatever this one would have sealed. A batch is
    three statements on PostgreSQL: the lock, the queued events (with their
    content and the chain's head), and the seals stored with the queue rows
    removed.
    """
    total = 0
    while True:
        with transaction.atomic():
            if not _take_sealer_lock():
                return total
            queued = PendingSeal.objects.order_by("event_id").values("event_id")[:batch_size]
            # The chain's head comes with the events (an uncorrelated subquery, evaluated once),
            # read after the lock was taken, so no other sealer moved it in between.
            head = Seal.objects.order_by("-seq")
            events = list(
                Event.objects.filter(id__in=queued)
                .annotate(
                    head_seq=Subquery(head.values("seq")[:1]),
                    head_hash=Subquery(head.values("hash")[:1]),
                )
                .order_by("id")
            )
            if not events:
                return total
            first = events[0]
            seq, prev = (first.head_seq, first.head_hash) if first.head_seq is not None else (0, GENESIS)
            seals = []
            now = timezone.now()
            for event in events:
                seq += 1
                current = link_hash(prev, event, seq)
                seals.append(Seal(seq=seq, event=event, prev_hash=prev, hash=current, sealed_at=now))
                prev = current
            _store_seals(seals, [event.pk for event in events])
            total += len(seals)
        if len(events) < batch_size:
            return total


@dataclass(frozen=True)
class Anchor:
    """The head of the chain, to be kept outside the database."""

    hash: str
    count: int

    def __str__(self) -> str:
        return f"{self.hash}:{self.count}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        hash_, sep, count = text.strip().partition(":")
        if not sep or len(hash_) != 64 or not count.isdigit():
            raise ValueError("an anchor is '<64 hex characters>:<count>'")
        return cls(hash=hash_.lower(), count=int(count))


def current_anchor() -> Anchor:
    head = Seal.objects.order_by("-seq").only("seq", "hash").first()
    if head is None:
        return Anchor(GENESIS, 0)
    return Anchor(head.hash, head.seq)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    problem: str = ""
    bad_seq: int | None = None
    bad_event_id: int | None = None
    pending: int = 0


def _walk(chunk: int) -> Iterator[Seal]:
    last = 0
    while True:
        rows = list(Seal.objects.select_related("event").filter(seq__gt=last).order_by("seq")[:chunk])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(anchor: Anchor | None = None, chunk: int = 5000) -> VerifyResult:
    """Walk the whole chain and report the first entry that does not fit.

    Detects an event changed (its hash no longer matches), removed (a gap in
    ``seq`` or a broken ``prev_hash``), inserted (an event that is neither
    sealed nor waiting for its seal, or a seal out of sequence), reordered
    (``prev_hash`` mismatch), and, given an anchor taken earlier, a
    truncated tail.
    """
    expected_seq = 0
    prev = GENESIS
    anchor_seen = anchor is None or anchor.count == 0
    for seal in _walk(chunk):
        expected_seq += 1
        if seal.seq != expected_seq:
            return VerifyResult(False, expected_seq - 1, f"entry {expected_seq} is missing", expected_seq)
        if seal.prev_hash != prev:
            return VerifyResult(
                False,
                seal.seq - 1,
                "link does not follow the previous entry",
                seal.seq,
                seal.event_id,
            )
        if link_hash(prev, seal.event, seal.seq) != seal.hash:
            return VerifyResult(
                False, seal.seq - 1, "content does not match its hash", seal.seq, seal.event_id
            )
        if anchor is not None and seal.seq == anchor.count:
            if seal.hash != anchor.hash:
                return VerifyResult(False, seal.seq, "chain differs from the anchor", seal.seq, seal.event_id)
            anchor_seen = True
        prev = seal.hash
    if not anchor_seen and anchor is not None:
        return VerifyResult(
            False,
            expected_seq,
            f"chain has {expected_seq} entries but the anchor recorded {anchor.count}",
        )
    pending = PendingSeal.objects.count()
    stray = (
        Event.objects.filter(seal__isnull=True)
        .exclude(id__in=PendingSeal.objects.values("event_id"))
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if stray is not None:
        return VerifyResult(False, expected_seq, "event is neither sealed nor awaiting its seal", None, stray)
    return VerifyResult(True, expected_seq, pending=pending)
