"""Registering and verifying employers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.trail import record_event
from onewindow.employers.models import Employer

if TYPE_CHECKING:
    from onewindow.accounts.models import User


@transaction.atomic
def do_register_employer(
    *, actor: User | None, request: HttpRequest | None = None, **fields: Any
) -> Employer:
    """Register an employer; it can file applications once its station has verified it."""
    fields["credit_code"] = str(fields.get("credit_code", "")).strip().upper()
    employer = Employer(**fields)
    employer.full_clean()
    employer.save()
    record_event(
        actor=actor,
        action="employer.register",
        obj=employer,
        data={
            "credit_code": employer.credit_code,
            "workplace_street": employer.workplace_street.path,
        },
        request=request,
    )
    return employer


@transaction.atomic
def do_verify_employer(
    employer: Employer,
    *,
    actor: User | None,
    approve: bool = True,
    note: str = "",
    request: HttpRequest | None = None,
) -> Employer:
    """Record the station's verification (or rejection) of a registered employer."""
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if locked.status not in {Employer.Status.PENDING, Employer.Status.REJECTED}:
        raise ValidationError(_("Only an employer awaiting verification can be verified or rejected."))
    old = locked.status
    locked.status = Employer.Status.VERIFIED if approve else Employer.Status.REJECTED
    locked.verified_at = timezone.now() if approve else None
    locked.verified_by = actor if approve else None
    locked.save(update_fields=["status", "verified_at", "verified_by"])
    record_event(
        actor=actor,
        action="employer.verify" if approve else "employer.reject",
        obj=locked,
        data={"old": old, "new": locked.status, "note": note},
        request=request,
    )
    return locked
