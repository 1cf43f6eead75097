"""Creating users and granting or revoking roles (every change is audited)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.accounts.authn import RECOVERY_CODE_COUNT, RECOVERY_DEVICE_NAME, TOTP_DEVICE_NAME
from onewindow.accounts.models import STAFF_ROLES, ConfidentialityAgreement, Membership, Role, User
from onewindow.accounts.scopes import forget_scope
from onewindow.audit.trail import record_event

if TYPE_CHECKING:
    from django.http import HttpRequest

    from onewindow.employers.models import Employer
    from onewindow.offices.models import Office
    from onewindow.people.models import Person


@transaction.atomic
def do_create_user(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    password: str | None,
    language: str = "en",
    admin_site: bool = False,
) -> User:
    """Create a sign-in account (without any role: roles are granted separately).

    ``admin_site`` opens the Django admin to the account (administrators only).
    """
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        language=language,
        is_staff=admin_site,
        is_superuser=admin_site,
    )
    record_event(
        actor=actor,
        action="account.create",
        obj=user,
        data={"email": user.email, "admin_site": admin_site},
    )
    return user


@transaction.atomic
def do_grant_role(
    *,
    actor: User | None,
    user: User,
    role: Role,
    office: Office | None = None,
    employer: Employer | None = None,
    person: Person | None = None,
    is_employer_admin: bool = False,
) -> Membership:
    """Give ``user`` a role at an office, for an employer, or over their own person file."""
    if role in STAFF_ROLES and office is None:
        raise ValidationError(_("A staff role is always held at an office."))
    membership = Membership(
        user=user,
        role=role,
        office=office,
        employer=employer,
        person=person,
        is_employer_admin=is_employer_admin,
        granted_by=actor,
    )
    membership.full_clean()
    membership.save()
    forget_scope(user)
    record_event(
        actor=actor,
        action="account.role_grant",
        obj=membership,
        office=office,
        data={
            "user": user.pk,
            "role": str(role),
            "office": office.pk if office else None,
            "employer": employer.pk if employer else None,
            "person": person.pk if person else None,
        },
    )
    return membership


@transaction.atomic
def do_revoke_role(membership: Membership, *, actor: User | None, reason: str = "") -> Membership:
    if membership.revoked_at is not None:
        return membership
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    forget_scope(membership.user)
    record_event(
        actor=actor,
        action="account.role_revoke",
        obj=membership,
        office=membership.office,
        data={"user": membership.user_id, "role": membership.role, "reason": reason},
    )
    return membership


@transaction.atomic
def do_record_agreement(
    *,
    actor: User | None,
    user: User,
    office: Office,
    version: str,
    signed_at: dt.datetime,
    valid_until: dt.date | None = None,
    reference: str = "",
    request: HttpRequest | None = None,
) -> ConfidentialityAgreement:
    """Record that ``user`` signed the confidentiality agreement (text ``version``) with ``office``.

    From the day it is signed until ``valid_until`` the user's staff grants at
    that office reach personal data; before, they reach none.
    """
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("Another administrator must record your own agreement."))
    if not Membership.objects.active().staff().filter(user=user, office=office).exists():
        raise ValidationError(_("This person holds no staff role at this office."))
    if valid_until is not None and valid_until < timezone.localdate(signed_at):
        raise ValidationError({"valid_until": _("The agreement cannot end before it was signed.")})
    if signed_at > timezone.now():
        raise ValidationError({"signed_at": _("The signature date cannot be in the future.")})
    agreement = ConfidentialityAgreement(
        user=user,
        office=office,
        version=version.strip(),
        reference=reference.strip(),
        signed_at=signed_at,
        valid_until=valid_until,
        recorded_by=actor,
    )
    agreement.full_clean()
    agreement.save()
    forget_scope(user)
    record_event(
        actor=actor,
        action="account.agreement_record",
        obj=agreement,
        office=office,
        data={
            "user": user.pk,
            "office": office.pk,
            "version": agreement.version,
            "reference": agreement.reference,
            "signed_at": signed_at.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
        request=request,
    )
    return agreement


@transaction.atomic
def do_begin_totp_enrolment(*, actor: User, request: HttpRequest | None = None) -> TOTPDevice:
    """The authenticator device ``actor`` is enrolling (created unconfirmed, reused until confirmed)."""
    pending = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    if pending is not None:
        return pending
    device = TOTPDevice(user=actor, name=TOTP_DEVICE_NAME, confirmed=False)
    device.full_clean()
    device.save()
    record_event(
        actor=actor,
        action="auth.mfa_enrolment_start",
        obj=actor,
        data={"device": device.persistent_id},
        request=request,
    )
    return device


@transaction.atomic
def do_confirm_totp_device(
    device: TOTPDevice, *, actor: User, token: str, request: HttpRequest | None = None
) -> list[str]:
    """Confirm an enrolling authenticator with a code it shows; return fresh recovery codes.

    The confirmed device replaces any earlier authenticator of the user, and
    new recovery codes replace any earlier ones. The codes are returned once
    to be shown once: only django-otp's copies remain, spent by their use.
    """
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if locked.user_id != actor.pk or locked.confirmed:
        raise ValidationError(_("This enrolment is no longer open; start again."))
    token = "".join(token.split())
    if not token.isdigit() or not locked.verify_token(token):
        raise ValidationError(
            {"code": _("That code is not right. Check the time on your phone and try again.")}
        )
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    replaced = TOTPDevice.objects.filter(user=actor).exclude(pk=locked.pk)
    replaced_count = replaced.count()
    replaced.delete()
    codes = _new_recovery_codes(actor)
    record_event(
        actor=actor,
        action="auth.mfa_enrol",
        obj=actor,
        data={"device": locked.persistent_id, "replaced": replaced_count, "recovery_codes": len(codes)},
        request=request,
    )
    device.__dict__.update(confirmed=True, last_t=locked.last_t)
    return codes


@transaction.atomic
def do_regenerate_recovery_codes(*, actor: User, request: HttpRequest | None = None) -> list[str]:
    """Replace ``actor``'s recovery codes with ten new ones (the old ones stop working)."""
    codes = _new_recovery_codes(actor)
    record_event(
        actor=actor,
        action="auth.recovery_codes_regenerate",
        obj=actor,
        data={"count": len(codes)},
        request=request,
    )
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    device.full_clean()
    device.save()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
