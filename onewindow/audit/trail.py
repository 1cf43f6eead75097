"""Writing to the audit trail: the one function every app calls.

``record_event`` inserts the event and its place in the sealer's queue in
the caller's transaction (so a rolled-back change leaves no event), then
asks for sealing once the transaction has committed. On PostgreSQL both rows
go in with one statement (a data-modifying ``WITH``), so an audited read costs
one round trip for its event, not two.

Sealing after a commit is throttled per process
(``ONEWINDOW_AUDIT_SEAL_INTERVAL_MS``): a process that sealed less than that
long ago leaves its new events queued, and its next sealing pass, another
process's or the worker's (every two seconds) chains them all in one batch.
Under load one pass serves many requests instead of each request paying a
transaction of its own; when the service is quiet every commit still seals
at once. An event is recorded, and counted as awaiting its seal by
``audit verify``, from its own commit either way.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.http import HttpRequest

from onewindow.audit.models import Event, PendingSeal

if TYPE_CHECKING:
    from onewindow.accounts.models import User


# When this process last started a sealing pass after a commit (time.monotonic()).
_last_sealed = [float("-inf")]


def _seal_after_commit() -> None:
    from onewindow.audit.chain import seal_pending

    now = time.monotonic()
    if (now - _last_sealed[0]) * 1000 < settings.ONEWINDOW_AUDIT_SEAL_INTERVAL_MS:
        return
    _last_sealed[0] = now
    seal_pending()


def _insert_with_queue_row(event: Event) -> None:
    """INSERT the event and its ``PendingSeal`` row together, in one round trip on PostgreSQL."""
    alias = router.db_for_write(Event)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        event.save(force_insert=True, using=alias)
        PendingSeal.objects.using(alias).create(event=event)
        return
    fields = [field for field in Event._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    pk = quote(str(Event._meta.pk.column))
    values = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in fields]
    # Only table and column names from the models are formatted in; every value is a parameter.
    sql = (
        f"WITH e AS (INSERT INTO {quote(Event._meta.db_table)} "  # noqa: S608
        f"({columns}) VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {pk}) "
        f"INSERT INTO {quote(PendingSeal._meta.db_table)} ({quote('event_id')}) "
        f"SELECT {pk} FROM e RETURNING {quote('event_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    assert row is not None  # noqa: S101 - INSERT … RETURNING always answers one row
    event.pk = row[0]
    event._state.adding = False
    event._state.db = alias


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    application: Any = None,
    office: Any = None,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> Event:
    """Append one event to the audit trail, in the current transaction."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    event = Event(
        actor=actor,
        actor_label=actor_label or ("" if actor is not None else "system"),
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        application=application,
        office=office,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        ip_address=client_ip(request),
    )
    _insert_with_queue_row(event)
    transaction.on_commit(_seal_after_commit, using=event._state.db)
    return event


def record_view(
    *,
    actor: User,
    obj: models.Model,
    request: HttpRequest | None,
    what: str = "view",
    reason: str = "",
    application: Any = None,
    office: Any = None,
) -> Event:
    """Log that ``actor`` saw or downloaded a personal file or document.

    The page it was seen from is kept so that a supervisor can tell a view
    in the course of work from browsing.
    """
    data: dict[str, Any] = {"what": what}
    if request is not None:
        data["page"] = request.path
    if reason:
        data["reason"] = reason
    return record_event(
        actor=actor,
        action=f"{obj._meta.model_name}.{what}",
        obj=obj,
        application=application,
        office=office,
        data=data,
        request=request,
    )
