"""Allocating permit numbers and issuing permits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.trail import record_event
from onewindow.cases.actions import do_transition
from onewindow.cases.models import Application, Authority
from onewindow.cases.workflow import Action
from onewindow.permits.models import NumberCounter, Permit, PermitNumber, ResidencePermit
from onewindow.permits.numbers import MAX_SERIAL, format_number

if TYPE_CHECKING:
    from onewindow.accounts.models import User
    from onewindow.people.models import Person


def _city_division_code(application: Application) -> str:
    from onewindow.offices.models import Area

    city = Area.objects.get(path=application.street.city_path)
    if not city.division_code:
        raise ValidationError(
            _("The city has no division code configured, so no permit number can be allocated.")
        )
    return city.division_code


@transaction.atomic
def allocate_permit_number(person: Person, *, division_code: str, year: int) -> PermitNumber:
    """The person's lifelong number: the existing one, or the next from the counter.

    The counter row of (city, year) is locked only for this instant; the
    unique constraints on person and on number make a duplicate impossible
    even if two issuances for one person race.
    """
    existing = PermitNumber.objects.filter(person=person).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            NumberCounter.objects.get_or_create(division_code=division_code, year=year)
    except IntegrityError:
        pass  # created concurrently by another issuance
    counter = NumberCounter.objects.select_for_update().get(division_code=division_code, year=year)
    if counter.next_serial > MAX_SERIAL:
        raise ValidationError(_("The permit number range for this city and year is exhausted."))
    number = PermitNumber(
        person=person,
        number=format_number(division_code, year, counter.next_serial),
        allocated_at=timezone.now(),
    )
    counter.next_serial += 1
    counter.save(update_fields=["next_serial"])
    number.full_clean(exclude=["person"])
    number.save()
    return number


@transaction.atomic
def do_issue_permit(
    application: Application,
    *,
    actor: User,
    residence_permit_number: str = "",
    request: HttpRequest | None = None,
    expected_version: int | None = None,
    fresh_authentication: bool = True,
) -> Permit:
    """Issue the electronic work permit and hand over the residence permit, in the one visit.

    Moves the case to issued and then completed; an earlier active permit
    of the same person (extension, change) is superseded by the new one.
    """
    application = do_transition(
        application,
        actor=actor,
        action=Action.ISSUE_PERMIT,
        request=request,
        expected_version=expected_version,
        fresh_authentication=fresh_authentication,
    )
    decisions = application.decisions_by_authority
    work = decisions[Authority.WORK_PERMIT.value]
    if work.valid_from is None or work.valid_until is None:  # excluded by a database constraint
        raise ValidationError(_("The work-permit decision has no period of validity."))
    now = timezone.now()
    number = allocate_permit_number(
        application.person,
        division_code=_city_division_code(application),
        year=timezone.localdate(now).year,
    )
    previous = (
        Permit.objects.select_for_update()
        .filter(person=application.person, status=Permit.Status.ACTIVE)
        .first()
    )
    if previous is not None:
        previous.status = Permit.Status.SUPERSEDED
        previous.ended_at = now
        previous.save(update_fields=["status", "ended_at"])
    permit = Permit(
        number=number,
        person=application.person,
        application=application,
        employer=application.employer,
        category=application.category or "C",
        position=application.position,
        work_location=application.employer.workplace_address,
        valid_from=work.valid_from,
        valid_until=work.valid_until,
        issued_at=now,
        issued_by=actor,
        issuing_office=application.station,
    )
    permit.full_clean(exclude=["application", "superseded_by"])
    permit.save()
    if previous is not None:
        previous.superseded_by = permit
        previous.save(update_fields=["superseded_by"])
    record_event(
        actor=actor,
        action="permit.issue",
        obj=permit,
        application=application,
        office=application.station,
        data={
            "number": number.number,
            "valid_from": str(permit.valid_from),
            "valid_until": str(permit.valid_until),
        },
        request=request,
    )
    residence = decisions.get(Authority.RESIDENCE_PERMIT.value)
    if residence is not None and residence.outcome == "approved":
        _record_residence_permit(
            application, actor=actor, number=residence_permit_number, request=request, now=now
        )
    do_transition(application, actor=actor, action=Action.COMPLETE, request=request)
    return permit


def _record_residence_permit(
    application: Application,
    *,
    actor: User,
    number: str,
    request: HttpRequest | None,
    now: dt.datetime,
) -> ResidencePermit:
    decision = application.decisions_by_authority[Authority.RESIDENCE_PERMIT.value]
    if decision.valid_from is None or decision.valid_until is None:  # excluded by a database constraint
        raise ValidationError(_("The residence-permit decision has no period of validity."))
    residence = ResidencePermit(
        application=application,
        person=application.person,
        number=number,
        valid_from=decision.valid_from,
        valid_until=decision.valid_until,
        fee_cny=decision.fee_cny,
        handed_over_at=now,
        handed_over_by=actor,
    )
    residence.full_clean(exclude=["application"])
    residence.save()
    record_event(
        actor=actor,
        action="residence_permit.hand_over",
        obj=residence,
        application=application,
        office=application.station,
        data={"number": number, "valid_until": str(decision.valid_until)},
        request=request,
    )
    return residence
