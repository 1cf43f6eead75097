"""Registering and verifying employers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.trail import record_event
from onewindow.employers.models import Employer, ReportingDuty

if TYPE_CHECKING:
    import datetime as dt

    from onewindow.accounts.models import User
    from onewindow.people.models import Person

# The application that discharges each duty (cases.workflow.Kind values).
DISCHARGED_BY = {ReportingDuty.Kind.CHANGE: "change", ReportingDuty.Kind.DEPARTURE: "cancellation"}


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


@transaction.atomic
def do_record_duty(
    *,
    employer: Employer,
    person: Person,
    kind: str,
    happened_on: dt.date,
    note: str = "",
    actor: User | None,
    request: HttpRequest | None = None,
) -> ReportingDuty:
    """Record that an employee's items changed or their employment ended: the employer must
    report it within 10 working days (a change of items, or a cancellation application).

    Refused for a person the employer does not currently employ and for an
    event in the future; the same event recorded twice is the same duty.
    """
    from onewindow.people.models import Employment

    try:
        duty_kind = ReportingDuty.Kind(kind)
    except ValueError:
        raise ValidationError({"kind": _("Choose what happened.")}) from None
    if not Employment.objects.current().filter(employer=employer, person=person).exists():
        raise ValidationError({"person": _("This person is not one of the employer's current staff.")})
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _("Record an event once it has happened.")})
    existing = ReportingDuty.objects.filter(
        employer=employer, person=person, kind=duty_kind, happened_on=happened_on
    ).first()
    if existing is not None:
        return existing
    duty = ReportingDuty(
        employer=employer,
        person=person,
        kind=duty_kind,
        application_kind=DISCHARGED_BY[duty_kind],
        happened_on=happened_on,
        note=note.strip(),
        recorded_by=actor,
    )
    duty.full_clean()
    duty.save()
    record_event(
        actor=actor,
        action="employer.duty_recorded",
        obj=duty,
        data={"person": person.pk, "kind": str(duty_kind), "happened_on": happened_on.isoformat()},
        request=request,
    )
    return duty
