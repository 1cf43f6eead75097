"""Loading offices and staff members for an administrator."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from onewindow.accounts.models import Membership, Role, User
from onewindow.accounts.scopes import scope_of
from onewindow.offices.models import Office, OfficeQuerySet


def administered_offices(user: Any) -> OfficeQuerySet:
    """Offices in the areas where ``user`` is an administrator; 404 for anyone else.

    Read from the grants themselves, agreement or not: recording agreements
    shows no personal data, and the first administrator's own agreement is
    recorded by another.
    """
    paths = [grant.area_path for grant in scope_of(user).grants if grant.role == Role.ADMINISTRATOR]
    if not paths:
        raise Http404("Not an administrator")
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(area__path__startswith=path)
    return Office.objects.filter(condition).order_by("area__path", "code")


def staff_member_at(user: Any, *, email: str, office: Office) -> User | None:
    """The user with ``email`` holding a staff role at ``office``, if ``user`` administers that office."""
    if not administered_offices(user).filter(pk=office.pk).exists():
        return None
    staff = Membership.objects.active().staff().filter(office=office, user__email=email.lower())
    return User.objects.filter(memberships__in=staff).first()
