"""Service accounts: users that are systems, acting through API tokens only."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.actions import do_create_user, do_grant_role, do_revoke_role
from onewindow.accounts.models import STAFF_ROLES, Membership, Role
from onewindow.api.models import ApiToken, ServiceAccount
from onewindow.api.tokens import do_revoke_token
from onewindow.audit.trail import record_event

if TYPE_CHECKING:
    from onewindow.accounts.models import User
    from onewindow.employers.models import Employer
    from onewindow.offices.models import Office

SERVICE_EMAIL_DOMAIN = "service.onewindow.invalid"


@transaction.atomic
def do_create_service_account(
    *,
    actor: User | None,
    name: str,
    employer: Employer | None = None,
    office: Office | None = None,
    role: str = "",
) -> ServiceAccount:
    """A user without a password holding one role: HR of ``employer``, or ``role`` at ``office``.

    Employers' administrators create their employer's (``employer``);
    administrators create offices' (``office`` and a staff ``role``, e.g.
    the exit-entry office's ``immigration_officer``).
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the service account a name.")})
    if (employer is None) == (office is None):
        raise ValidationError(_("A service account belongs either to an employer or to an office."))
    if office is not None and role not in STAFF_ROLES:
        raise ValidationError({"role": _("Choose a staff role for the office's service account.")})
    user = do_create_user(
        actor=actor,
        email=f"api-{secrets.token_hex(6)}@{SERVICE_EMAIL_DOMAIN}",
        full_name=name,
        password=None,
    )
    if employer is not None:
        do_grant_role(actor=actor, user=user, role=Role.EMPLOYER_HR, employer=employer)
    else:
        do_grant_role(actor=actor, user=user, role=Role(role), office=office)
    account = ServiceAccount.objects.create(user=user, employer=employer, office=office, created_by=actor)
    record_event(
        actor=actor,
        action="api.service_account_create",
        obj=account,
        office=office,
        data={"user": user.pk, "employer": employer.pk if employer else None, "role": role or "employer_hr"},
    )
    return account


@transaction.atomic
def do_disable_service_account(account: ServiceAccount, *, actor: User) -> ServiceAccount:
    """Stop a service account: its tokens are revoked and its roles ended."""
    locked = ServiceAccount.objects.select_for_update().get(pk=account.pk)
    if locked.disabled_at is not None:
        return locked
    for token in ApiToken.objects.filter(user=locked.user, revoked_at__isnull=True):
        do_revoke_token(token, actor=actor)
    for membership in Membership.objects.active().filter(user=locked.user):
        do_revoke_role(membership, actor=actor, reason="service account disabled")
    now = timezone.now()
    locked.user.is_active = False
    locked.user.save(update_fields=["is_active"])
    locked.disabled_at = now
    locked.save(update_fields=["disabled_at"])
    record_event(actor=actor, action="api.service_account_disable", obj=locked, data={"user": locked.user_id})
    return locked
