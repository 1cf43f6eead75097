"""The only way to load a permit for a user.

A permit is reached through the application that issued it
(``onewindow.cases.access``): the employer's HR users, the holder, and the
case staff of its area or station. A missing permit and a forbidden one
give the same 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404

from onewindow.cases.access import roles_on, visible_applications
from onewindow.permits.actions import REVOKING_ROLES
from onewindow.permits.models import Permit, PermitQuerySet
from onewindow.permits.selectors import permit_details


def visible_permits(user: Any, roles: Iterable[str] | None = None) -> PermitQuerySet:
    return permit_details().filter(application__in=visible_applications(user, roles).values("pk"))


def access_permit(user: Any, pk: int, *, roles: Iterable[str] | None = None) -> Permit:
    """The issuance ``pk`` if ``user`` reaches its application through ``roles``; else 404."""
    try:
        return visible_permits(user, roles).get(pk=pk)
    except Permit.DoesNotExist:
        raise Http404("No such permit") from None


def can_revoke(user: Any, permit: Permit) -> bool:
    """A reviewer or supervisor of the commission reaching the permit, while it is active."""
    return permit.status == Permit.Status.ACTIVE and bool(roles_on(user, permit.application) & REVOKING_ROLES)
