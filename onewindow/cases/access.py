"""The only way to load an application for a user.

A missing case and a case the user may not see give the same 404, so that
probing references reveals nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.http import Http404

from onewindow.accounts.models import Role
from onewindow.accounts.scopes import CASE_ROLES, scope_of
from onewindow.cases.models import Application, ApplicationQuerySet


def application_filter(user: Any, roles: Iterable[str] | None = None) -> Q:
    """``Q`` selecting exactly the applications ``user`` reaches through ``roles``."""
    scope = scope_of(user)
    wanted = set(roles) if roles is not None else set(CASE_ROLES) | {Role.EMPLOYER_HR, Role.FOREIGN_NATIONAL}
    # Window officers work on the cases routed to their own station (or hall);
    # the authorities and supervisors reach every case in their office's area.
    staff = scope.area_q("area_path", wanted & (set(CASE_ROLES) - {Role.WINDOW_OFFICER}))
    if Role.WINDOW_OFFICER in wanted and scope.office_ids([Role.WINDOW_OFFICER]):
        staff |= Q(station_id__in=scope.office_ids([Role.WINDOW_OFFICER]))
    # A draft is the employer's own work until it is submitted: officials never see it.
    condition = staff & Q(submitted_at__isnull=False)
    if Role.EMPLOYER_HR in wanted and scope.employer_ids:
        condition |= Q(employer_id__in=scope.employer_ids)
    if Role.FOREIGN_NATIONAL in wanted and scope.person_ids:
        condition |= Q(person_id__in=scope.person_ids)
    return condition


def visible_applications(user: Any, roles: Iterable[str] | None = None) -> ApplicationQuerySet:
    return Application.objects.filter(application_filter(user, roles))


def access_application(
    user: Any,
    reference: str,
    *,
    roles: Iterable[str] | None = None,
    for_update: bool = False,
) -> Application:
    """The application with ``reference`` if ``user`` reaches it through ``roles``; else 404.

    With ``for_update`` the row is locked until the end of the transaction,
    so that two officers acting at once are serialised on this case only.
    """
    queryset = visible_applications(user, roles).select_related("person", "employer", "station", "street")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(reference=reference)
    except Application.DoesNotExist:
        raise Http404("No such application") from None


def roles_on(user: Any, application: Application) -> set[str]:
    """The roles through which ``user`` reaches this application."""
    scope = scope_of(user)
    roles = scope.roles_reaching(
        path=application.area_path,
        employer_id=application.employer_id,
        person_id=application.person_id,
    ) & (set(CASE_ROLES) | {Role.EMPLOYER_HR, Role.FOREIGN_NATIONAL})
    roles.discard(Role.WINDOW_OFFICER)
    if application.station_id in scope.office_ids([Role.WINDOW_OFFICER]):
        roles.add(Role.WINDOW_OFFICER)
    if application.submitted_at is None:
        roles &= {Role.EMPLOYER_HR, Role.FOREIGN_NATIONAL}
    return roles
