"""Who sees which area's figures and notices: the only way to load them for a user.

Statistics are reached through staff roles held at an office, for that
office's area and everything below it:

* community officers: a street office's officers their street, a district
  office's their district, the commission's the city;
* supervisors and administrators: their office's area (the commission's is
  the city).

Figures requested through a role held at an office of kind COMMISSION are
exact; every other view has its small counts suppressed. Exports are for
community officers and supervisors. Notices are written and followed by
community officers, for the areas they reach; a foreign national reaches a
notice only as one of its recipients. Missing and forbidden both give 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from onewindow.accounts.models import Role
from onewindow.accounts.scopes import scope_of
from onewindow.lib.crypto import lookup_hash
from onewindow.offices.models import Area, AreaQuerySet, Office
from onewindow.registry.models import Delivery, Notice, NoticeQuerySet

STATISTICS_ROLES = frozenset({Role.COMMUNITY_OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR})
EXPORT_ROLES = frozenset({Role.COMMUNITY_OFFICER, Role.SUPERVISOR})
NOTICE_ROLES = frozenset({Role.COMMUNITY_OFFICER})
DELIVERY_TOKEN_PURPOSE = "notice-delivery"  # noqa: S105 - a hash purpose label, not a secret


@dataclass(frozen=True)
class AreaAccess:
    """An area a user may see figures of, and on what terms."""

    area: Area
    # Exact figures (the commission); otherwise small counts are suppressed.
    exact: bool
    can_export: bool


def statistics_areas(user: Any) -> AreaQuerySet:
    """Every area whose figures ``user`` may see (their offices' areas and everything below)."""
    return Area.objects.filter(scope_of(user).area_q("path", STATISTICS_ROLES))


def access_area_statistics(user: Any, area_id: int, *, export: bool = False) -> AreaAccess:
    """The area ``area_id`` with the user's terms for its figures; 404 if out of reach.

    With ``export``, only the roles allowed to export count.
    """
    scope = scope_of(user)
    roles = EXPORT_ROLES if export else STATISTICS_ROLES
    try:
        area = Area.objects.filter(scope.area_q("path", roles)).get(pk=area_id)
    except Area.DoesNotExist:
        raise Http404("No such area") from None
    reaching = [
        grant for grant in scope.staff_grants(STATISTICS_ROLES) if area.path.startswith(grant.area_path)
    ]
    exact = any(grant.office_kind == Office.Kind.COMMISSION for grant in reaching)
    can_export = any(grant.role in EXPORT_ROLES for grant in reaching)
    return AreaAccess(area=area, exact=exact, can_export=can_export)


def home_area(user: Any) -> Area | None:
    """The widest area the user's statistics roles reach (their own office's), or ``None``."""
    paths = scope_of(user).area_paths(STATISTICS_ROLES)
    if not paths:
        return None
    return Area.objects.filter(path__in=paths).order_by("path").first()


def visible_notices(user: Any) -> NoticeQuerySet:
    return Notice.objects.filter(scope_of(user).area_q("area_path", NOTICE_ROLES))


def access_notice(user: Any, pk: int) -> Notice:
    """A notice of an area the community officer reaches; else 404."""
    try:
        return visible_notices(user).select_related("office", "area").get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404("No such notice") from None


def publishing_offices(user: Any) -> list[Office]:
    """The offices at which ``user`` is a community officer (notices are sent in their name)."""
    office_ids = scope_of(user).office_ids(NOTICE_ROLES)
    return list(Office.objects.filter(pk__in=office_ids).select_related("area").order_by("area__path"))


def access_own_delivery(user: Any, notice_id: int) -> Delivery:
    """The delivery of a published notice to the signed-in foreign national; else 404."""
    person_ids = scope_of(user).person_ids
    delivery = (
        Delivery.objects.filter(notice_id=notice_id, person_id__in=person_ids, notice__status="published")
        .exclude(status__in=[Delivery.Status.OPTED_OUT, Delivery.Status.UNREACHABLE])
        .select_related("notice", "notice__office")
        .first()
    )
    if delivery is None:
        raise Http404("No such notice")
    return delivery


def access_delivery_by_token(token: str) -> Delivery:
    """The delivery whose e-mail link carries ``token`` (the link is the only credential); else 404."""
    if not token or len(token) > 100:
        raise Http404("No such notice")
    delivery = (
        Delivery.objects.filter(token_hash=lookup_hash(token, purpose=DELIVERY_TOKEN_PURPOSE))
        .select_related("notice", "notice__office")
        .first()
    )
    if delivery is None:
        raise Http404("No such notice")
    return delivery
