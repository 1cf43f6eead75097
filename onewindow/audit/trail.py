"""Writing to the audit trail: the one function every app calls.

``record_event`` inserts the event and its place in the sealer's queue in
the caller's transaction (so a rolled-back change leaves no event), then
asks for sealing once the transaction has committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest

from onewindow.audit.models import Event, PendingSeal

if TYPE_CHECKING:
    from onewindow.accounts.models import User


def _seal_after_commit() -> None:
    from onewindow.audit.chain import seal_pending

    seal_pending()


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
    event = Event.objects.create(
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
    PendingSeal.objects.create(event=event)
    if getattr(settings, "ONEWINDOW_AUDIT_SEAL_ON_COMMIT", True):
        transaction.on_commit(_seal_after_commit)
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
