"""Allocating permit numbers, issuing, cancelling and revoking permits, signing keys, scans."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import Role
from onewindow.audit.trail import client_ip, record_event
from onewindow.cases.access import roles_on
from onewindow.cases.actions import do_transition
from onewindow.cases.models import Application, Authority
from onewindow.cases.workflow import Action, Kind
from onewindow.lib import signing
from onewindow.lib.crypto import lookup_hash
from onewindow.permits.models import (
    CheckResult,
    NumberCounter,
    Permit,
    PermitNumber,
    ResidencePermit,
    Scan,
    SigningKey,
)
from onewindow.permits.numbers import MAX_SERIAL, format_number
from onewindow.permits.tokens import seal_private_key
from onewindow.registry.actions import recounting

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
    # Whoever held the counter before us may have numbered this same person and
    # committed; under READ COMMITTED this second look sees it.
    existing = PermitNumber.objects.filter(person=person).first()
    if existing is not None:
        return existing
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
    try:
        with transaction.atomic():
            number.save()
    except IntegrityError:
        # The same person numbered at once under another city's or year's counter:
        # the unique constraint on person kept one number; use that one.
        existing = PermitNumber.objects.filter(person=person).first()
        if existing is None:
            raise
        return existing
    return number


def _new_issuance(application: Application, *, actor: User, now: Any, request: HttpRequest | None) -> Permit:
    """A new issuance of the person's lifelong number; the active one, if any, is superseded."""
    work = application.decisions_by_authority[Authority.WORK_PERMIT.value]
    if work.valid_from is None or work.valid_until is None:  # excluded by a database constraint
        raise ValidationError(_("The work-permit decision has no period of validity."))
    number = allocate_permit_number(
        application.person,
        division_code=_city_division_code(application),
        year=timezone.localdate(now).year,
    )
    # The area statistics follow in the same transaction (onewindow.registry).
    with recounting(person_ids=[application.person_id]):
        previous = (
            Permit.objects.select_for_update()
            .filter(person=application.person, status=Permit.Status.ACTIVE)
            .first()
        )
        if previous is not None:
            previous.status = Permit.Status.SUPERSEDED
            previous.ended_at = now
            previous.save(update_fields=["status", "ended_at"])
        category = (
            application.details.get("new_category")
            or application.category
            or (previous.category if previous is not None else "C")
        )
        permit = Permit(
            number=number,
            person=application.person,
            application=application,
            employer=application.employer,
            category=category,
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
            "supersedes": previous.pk if previous is not None else None,
        },
        request=request,
    )
    return permit


def _apply_change_of_items(application: Application, *, actor: User, request: HttpRequest | None) -> None:
    """A change of name or passport, seen at the window, updates the person's file."""
    from onewindow.people.actions import do_update_person

    details = application.details
    items = set(details.get("items") or [])
    changes: dict[str, Any] = {}
    if "name" in items:
        changes["family_name"] = details.get("new_family_name", application.person.family_name)
        if details.get("new_given_names"):
            changes["given_names"] = details["new_given_names"]
    if "passport" in items:
        changes["passport_number"] = details["new_passport_number"]
        changes["passport_expiry"] = dt.date.fromisoformat(details["new_passport_expiry"])
    if changes:
        do_update_person(application.person, actor=actor, request=request, **changes)


@transaction.atomic
def do_conclude_online(
    application: Application, *, actor: User | None, request: HttpRequest | None = None
) -> None:
    """Finish an approved kind that needs no visit: cancel the permit, or re-issue it electronically."""
    if application.kind == Kind.CANCELLATION:
        do_conclude_cancellation(application, actor=actor, request=request)
    elif application.kind == Kind.REISSUE:
        if actor is None:
            raise ValidationError(_("A re-issue is issued by the officer who approved it."))
        _new_issuance(application, actor=actor, now=timezone.now(), request=request)


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
    now = timezone.now()
    if application.kind == Kind.CHANGE:
        _apply_change_of_items(application, actor=actor, request=request)
    permit = _new_issuance(application, actor=actor, now=now, request=request)
    residence = decisions.get(Authority.RESIDENCE_PERMIT.value)
    handed_over = None
    if residence is not None and residence.outcome == "approved":
        handed_over = _record_residence_permit(
            application, actor=actor, number=residence_permit_number, request=request, now=now
        )
    do_transition(application, actor=actor, action=Action.COMPLETE, request=request)
    # The permits were handed over in a visit: link them to it (onewindow.visits).
    from onewindow.visits.actions import record_issuance

    record_issuance(application, actor=actor, permit=permit, residence_permit=handed_over, request=request)
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


# --- Cancellation and revocation -------------------------------------------------------------

# Crockford's base32 without look-alikes, as case references: read out over the phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Officers who may revoke a permit (the commission's review side).
REVOKING_ROLES = frozenset({Role.REVIEWER, Role.SUPERVISOR})


def new_cancellation_reference() -> str:
    """A random, unguessable reference such as ``CX-7K3M-9Q2P`` for a proof of cancellation."""
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"CX-{body[:4]}-{body[4:]}"


def _lock_active(permit: Permit) -> Permit:
    locked = Permit.objects.select_for_update().get(pk=permit.pk)
    if locked.status != Permit.Status.ACTIVE:
        raise ValidationError(
            _("This permit is no longer active (%(status)s); nothing was changed.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def do_cancel_permit(
    permit: Permit,
    *,
    actor: User | None,
    application: Application,
    request: HttpRequest | None = None,
) -> Permit:
    """Cancel ``permit`` on an approved cancellation application and give it a proof reference.

    The employer applies when the employment ends (within 10 working days);
    the proof of cancellation carries the reference a new employer cites.
    Expiry needs no cancellation: it is derived from the dates.
    """
    if application.kind != Kind.CANCELLATION:
        raise ValidationError(_("Only a cancellation application can cancel a permit."))
    if application.work_permit_approved is not True:
        raise ValidationError(_("The cancellation must be approved before the permit is cancelled."))
    if application.person_id != permit.person_id or application.employer_id != permit.employer_id:
        raise ValidationError(
            _("The cancellation application must be filed by the permit's employer for its holder.")
        )
    with recounting(person_ids=[permit.person_id]):
        locked = _lock_active(permit)
        now = timezone.now()
        locked.status = Permit.Status.CANCELLED
        locked.ended_at = now
        locked.ended_by = actor
        locked.cancellation_application = application
        fields = ["status", "ended_at", "ended_by", "cancellation_application", "cancellation_reference"]
        reference = new_cancellation_reference()
        while Permit.objects.filter(cancellation_reference=reference).exists():
            reference = new_cancellation_reference()  # 40 random bits collided: draw again
        locked.cancellation_reference = reference
        # The unique constraint on the reference stays the guarantee against a race.
        locked.full_clean(exclude=["application", "superseded_by", "cancellation_application"])
        locked.save(update_fields=fields)
    record_event(
        actor=actor,
        action="permit.cancel",
        obj=locked,
        application=application,
        office=application.station,
        from_status=Permit.Status.ACTIVE,
        to_status=Permit.Status.CANCELLED,
        data={
            "number": locked.number.number,
            "issuance": locked.pk,
            "proof": locked.cancellation_reference,
            "cancellation_application": application.reference,
        },
        request=request,
    )
    for field in fields:
        setattr(permit, field, getattr(locked, field))
    return locked


@transaction.atomic
def do_conclude_cancellation(
    application: Application, *, actor: User | None, request: HttpRequest | None = None
) -> Permit:
    """Cancel the holder's active permit at this employer when a cancellation application is approved."""
    permit = (
        Permit.objects.filter(
            person_id=application.person_id,
            employer_id=application.employer_id,
            status=Permit.Status.ACTIVE,
        )
        .select_related("number")
        .first()
    )
    if permit is None:
        raise ValidationError(
            _("The person holds no active permit with this employer, so there is nothing to cancel.")
        )
    return do_cancel_permit(permit, actor=actor, application=application, request=request)


@transaction.atomic
def do_revoke_permit(
    permit: Permit, *, actor: User, reason: str, request: HttpRequest | None = None
) -> Permit:
    """Revoke an active permit (a commission reviewer or supervisor of its area), with the reason.

    Revocation is the authority's own act (fraud, a serious breach): the
    permit's QR codes then answer "revoked", and those of its earlier
    issuances "superseded" with this revoked one as the current issuance.
    """
    if not roles_on(actor, permit.application) & REVOKING_ROLES:
        raise PermissionDenied("Only a reviewer or supervisor of the commission may revoke a permit.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("State the reason for the revocation.")})
    with recounting(person_ids=[permit.person_id]):
        locked = _lock_active(permit)
        locked.status = Permit.Status.REVOKED
        locked.ended_at = timezone.now()
        locked.ended_by = actor
        locked.end_reason = reason
        fields = ["status", "ended_at", "ended_by", "end_reason"]
        locked.full_clean(exclude=["application", "superseded_by", "cancellation_application"])
        locked.save(update_fields=fields)
    record_event(
        actor=actor,
        action="permit.revoke",
        obj=locked,
        application=permit.application,
        office=permit.issuing_office,
        from_status=Permit.Status.ACTIVE,
        to_status=Permit.Status.REVOKED,
        data={"number": locked.number.number, "issuance": locked.pk, "reason": reason},
        request=request,
    )
    for field in fields:
        setattr(permit, field, getattr(locked, field))
    return locked


# --- Signing keys ----------------------------------------------------------------------------


@transaction.atomic
def do_rotate_signing_key(*, actor: User | None, request: HttpRequest | None = None) -> SigningKey:
    """Generate a new permit signing key and make it the active one; the old key retires.

    Retired keys keep verifying the tokens they signed. The private key is
    stored only sealed with the data keys. Of two rotations at once, one
    wins and the other is refused (the database allows one active key).
    """
    now = timezone.now()
    previous = list(SigningKey.objects.select_for_update().filter(state=SigningKey.State.ACTIVE))
    for old in previous:
        old.state = SigningKey.State.RETIRED
        old.retired_at = now
        old.full_clean()
        old.save(update_fields=["state", "retired_at"])
    private_key = signing.generate_private_key()
    public_key = signing.public_key_of(private_key)
    kid = signing.key_id_of(public_key)
    key = SigningKey(
        kid=kid,
        public_key=signing.b64url_encode(public_key),
        private_key_sealed=seal_private_key(private_key, kid=kid),
        state=SigningKey.State.ACTIVE,
        created_at=now,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        activated_at=now,
    )
    key.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            key.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Another key rotation happened at the same moment; look at the keys and try again.")
        ) from exc
    record_event(
        actor=actor,
        action="signing_key.rotate",
        obj=key,
        data={"kid": kid, "retired": [old.kid for old in previous]},
        request=request,
    )
    return key


@transaction.atomic
def do_withdraw_signing_key(
    key: SigningKey, *, actor: User | None, reason: str, request: HttpRequest | None = None
) -> SigningKey:
    """Withdraw a retired key that may be compromised: tokens it signed no longer verify.

    The active key cannot be withdrawn; rotate first. Holders then download
    their permit again to get a QR code signed with the new key.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"withdrawal_reason": _("State why the key is withdrawn.")})
    locked = SigningKey.objects.select_for_update().get(pk=key.pk)
    if locked.state != SigningKey.State.RETIRED:
        raise ValidationError(_("Only a retired key can be withdrawn; rotate the active key first."))
    locked.state = SigningKey.State.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawal_reason = reason
    locked.full_clean()
    locked.save(update_fields=["state", "withdrawn_at", "withdrawal_reason"])
    record_event(
        actor=actor,
        action="signing_key.withdraw",
        obj=locked,
        data={"kid": locked.kid, "reason": reason},
        request=request,
    )
    return locked


# --- Scans -----------------------------------------------------------------------------------

SCAN_CLIENT_PURPOSE = "permit-scan-client"


def do_record_scan(
    *,
    result: CheckResult,
    channel: Scan.Channel,
    permit: Permit | None,
    key_id: str,
    request: HttpRequest | None,
) -> Scan:
    """Log one check of a QR token (not in the audit trail: see :class:`Scan`)."""
    address = client_ip(request)
    user = getattr(request, "user", None)
    scan = Scan(
        scanned_at=timezone.now(),
        permit=permit,
        key_id=key_id,
        result=result,
        channel=channel,
        client=lookup_hash(address, purpose=SCAN_CLIENT_PURPOSE) if address else "",
        user=user if user is not None and user.is_authenticated else None,
    )
    scan.full_clean(exclude=["permit", "user"])
    scan.save()
    return scan


def do_prune_scans(*, before: dt.datetime, actor: User | None = None, batch_size: int = 10_000) -> int:
    """Delete scan records older than ``before`` (the retention period); the pruning itself is audited.

    Deleted in batches, each in its own short transaction, so pruning a
    year of national traffic never holds one long lock.
    """
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(Scan.objects.filter(scanned_at__lt=before).values_list("pk", flat=True)[:batch_size])
            if not batch:
                break
            deleted += Scan.objects.filter(pk__in=batch).delete()[0]
    with transaction.atomic():
        record_event(
            actor=actor,
            action="permit_scan.prune",
            data={"before": before.isoformat(), "deleted": deleted},
        )
    return deleted
