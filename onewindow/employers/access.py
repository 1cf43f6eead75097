"""The only way to load an employer for a user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from onewindow.accounts.models import Role
from onewindow.accounts.scopes import scope_of
from onewindow.employers.models import Employer, EmployerQuerySet

# Staff roles that deal with employers: stations verify them, the commission reviews them.
EMPLOYER_STAFF_ROLES = (
    Role.WINDOW_OFFICER,
    Role.REVIEWER,
    Role.IMMIGRATION_OFFICER,
    Role.SUPERVISOR,
    Role.COMMUNITY_OFFICER,
)


def employer_filter(user: Any) -> Q:
    scope = scope_of(user)
    condition = Q(pk__in=scope.employer_ids) if scope.employer_ids else Q(pk__in=[])
    return condition | scope.area_q("workplace_street__path", EMPLOYER_STAFF_ROLES)


def visible_employers(user: Any) -> EmployerQuerySet:
    return Employer.objects.filter(employer_filter(user))


def access_employer(user: Any, pk: int, *, hr_only: bool = False) -> Employer:
    """The employer ``pk`` if ``user`` reaches it (``hr_only``: as one of its HR users); else 404."""
    queryset = (
        Employer.objects.filter(pk__in=scope_of(user).employer_ids) if hr_only else visible_employers(user)
    )
    try:
        return queryset.get(pk=pk)
    except Employer.DoesNotExist:
        raise Http404("No such employer") from None
