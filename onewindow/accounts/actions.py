"""Creating users and granting or revoking roles (every change is audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import STAFF_ROLES, Membership, Role, User
from onewindow.accounts.scopes import forget_scope
from onewindow.audit.trail import record_event

if TYPE_CHECKING:
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
