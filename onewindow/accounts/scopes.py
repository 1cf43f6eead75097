"""What a signed-in user can reach, computed once per request from their memberships.

A staff grant reaches the office's area and everything below it; an HR
grant reaches one employer; a foreign national's grant reaches one person.

A staff grant reaches nothing until a confidentiality agreement with its
office is on record (``ConfidentialityAgreement``): the grant is kept (the
role still shows, and still needs a second factor) but ``staff_grants`` and
``roles_reaching`` skip it, so every access function and list built from
here shows no case or person to that staff member.
``access.py`` modules and list selectors build their filters from here, so
the rule is written once.

A scope is computed once per request (kept on the user object) and kept in
the shared cache for the day under the newest ``ScopeChange`` token, which
database triggers renew on any change to memberships, agreements,
qualifications, offices or areas: a revoked grant is gone from the next
request on, in every process, however the change was made.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from onewindow.accounts.models import STAFF_ROLES, ConfidentialityAgreement, Membership, Role, ScopeChange

if TYPE_CHECKING:
    from onewindow.accounts.models import User

_CACHE_ATTR = "_onewindow_scope"
# A kept scope is also keyed by the day (agreements lapse by date); the lifetime bounds memory.
SHARED_CACHE_SECONDS = 3600

# Staff roles that work on individual case files (the others work on areas and configuration).
CASE_ROLES = frozenset({Role.WINDOW_OFFICER, Role.REVIEWER, Role.IMMIGRATION_OFFICER, Role.SUPERVISOR})


@dataclass(frozen=True)
class Grant:
    role: str
    office_id: int | None = None
    office_kind: str = ""
    area_path: str = ""
    employer_id: int | None = None
    person_id: int | None = None
    # Staff grants only: a confidentiality agreement with the office is in force.
    agreed: bool = True
    # Staff grants only: not a trainee or suspended in the role (supervision.Qualification).
    qualified: bool = True

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    grants: tuple[Grant, ...] = field(default=())

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.grants)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def staff_grants(self, roles: Iterable[str] | None = None) -> list[Grant]:
        """Staff grants that reach their area: held at an office, under a signed agreement."""
        wanted = set(roles) if roles is not None else set(STAFF_ROLES)
        return [
            grant
            for grant in self.grants
            if grant.role in wanted and grant.area_path and grant.agreed and grant.qualified
        ]

    @property
    def grants_without_agreement(self) -> list[Grant]:
        """Staff grants that reach nothing because no confidentiality agreement is on record."""
        return [grant for grant in self.grants if grant.is_staff and not grant.agreed]

    def area_paths(self, roles: Iterable[str] | None = None) -> list[str]:
        """The area paths the given staff roles reach, without paths nested in another."""
        paths = sorted({grant.area_path for grant in self.staff_grants(roles)})
        return [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]

    def office_ids(self, roles: Iterable[str] | None = None) -> set[int]:
        return {grant.office_id for grant in self.staff_grants(roles) if grant.office_id is not None}

    @property
    def employer_ids(self) -> set[int]:
        return {grant.employer_id for grant in self.grants if grant.employer_id is not None}

    @property
    def person_ids(self) -> set[int]:
        return {grant.person_id for grant in self.grants if grant.person_id is not None}

    def reaches_path(self, path: str, roles: Iterable[str] | None = None) -> bool:
        return any(path.startswith(area) for area in self.area_paths(roles))

    def area_q(self, field_name: str, roles: Iterable[str] | None = None) -> Q:
        """``Q`` matching rows whose ``field_name`` (a path) is in reach; matches nothing if none."""
        condition = Q(pk__in=[])
        for path in self.area_paths(roles):
            condition |= Q(**{f"{field_name}__startswith": path})
        return condition

    def roles_reaching(
        self, *, path: str = "", employer_id: int | None = None, person_id: int | None = None
    ) -> set[str]:
        """The roles through which this user reaches an object located at these coordinates."""
        roles: set[str] = set()
        for grant in self.grants:
            if (
                (
                    grant.area_path
                    and grant.agreed
                    and grant.qualified
                    and path
                    and path.startswith(grant.area_path)
                )
                or (grant.employer_id is not None and grant.employer_id == employer_id)
                or (grant.person_id is not None and grant.person_id == person_id)
            ):
                roles.add(grant.role)
        return roles


ANONYMOUS = Scope(user_id=None)


def scope_of(user: User | Any) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    key = _shared_key(user.pk, today)
    scope = cache.get(key) if key else None
    if scope is None:
        scope = _compute(user, today)
        if key:
            cache.set(key, scope, SHARED_CACHE_SECONDS)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _shared_key(user_id: int, day: dt.date) -> str | None:
    """The shared cache's key for this user's scope today, in the current state of the tables it
    is read from; ``None`` (no sharing) if no change is on record.

    The state is named by the newest change's id and token and the number of changes: on
    PostgreSQL two transactions can commit their changes out of id order, so a change committed
    late, under a smaller id, shows only in the count (rows leave only through
    ``prune_scope_changes``, which adds a newer one first)."""
    alias = router.db_for_read(Membership)
    table = connections[alias].ops.quote_name(ScopeChange._meta.db_table)
    with connections[alias].cursor() as cursor:
        # On every request that needs a scope: plain SQL, no query to build. The table is kept to
        # a row or two by the worker.
        cursor.execute(
            f"SELECT id, token, (SELECT COUNT(*) FROM {table}) FROM {table} ORDER BY id DESC LIMIT 1"  # noqa: S608 - a model's table
        )
        row = cursor.fetchone()
    if row is None:
        return None
    newest, token, changes = row
    # The database's name too: databases sharing one cache (a restored copy, a test run's
    # workers) never answer for each other.
    database = connections[alias].settings_dict["NAME"]
    return f"scope:{database}:{newest}.{changes}.{token}:{user_id}:{day.isoformat()}"


def _compute(user: User | Any, day: dt.date) -> Scope:
    agreement = ConfidentialityAgreement.objects.in_force(day).filter(
        user_id=OuterRef("user_id"), office_id=OuterRef("office_id")
    )
    # A trainee reads training material only; a suspended member nothing (supervision.gate).
    from onewindow.supervision.models import Qualification

    restricted = Qualification.objects.filter(
        user_id=OuterRef("user_id"),
        role=OuterRef("role"),
        status__in=[Qualification.Status.TRAINEE, Qualification.Status.SUSPENDED],
    )
    rows = (
        Membership.objects.active()
        .filter(user=user)
        .annotate(agreed=Exists(agreement), restricted=Exists(restricted))
        .values_list(
            "role",
            "office_id",
            "office__kind",
            "office__area__path",
            "employer_id",
            "person_id",
            "agreed",
            "restricted",
        )
    )
    grants = tuple(
        Grant(
            role=role,
            office_id=office_id,
            office_kind=office_kind or "",
            area_path=path or "",
            employer_id=employer_id,
            person_id=person_id,
            agreed=agreed or role not in STAFF_ROLES,
            qualified=not restricted,
        )
        for role, office_id, office_kind, path, employer_id, person_id, agreed, restricted in rows
    )
    return Scope(user_id=user.pk, grants=grants)


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def prune_scope_changes() -> int:
    """Replace the change rows by one new row when there are several; return how many went.

    The new row comes first, so the state's name (``_shared_key``) never returns to one it
    had: a kept scope is recomputed once, and the table stays at a row or two."""
    if ScopeChange.objects.count() < 2:
        return 0
    with transaction.atomic():
        fresh = ScopeChange.objects.create(token=secrets.token_hex(16), changed_at=timezone.now())
        deleted, _ = ScopeChange.objects.filter(id__lt=fresh.pk).delete()
    return deleted
