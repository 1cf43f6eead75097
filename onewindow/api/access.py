"""The only way to load an API token or a service account for a user.

A user reaches their own tokens; an employer's administrator also reaches
the service accounts of that employer and their tokens. Anything else is
the same 404 as a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from onewindow.accounts.models import Membership, Role
from onewindow.api.models import ApiToken, ServiceAccount


def administered_employer_ids(user: Any) -> set[int]:
    """The employers of which ``user`` is an administrator (may manage their HR accounts)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    rows = Membership.objects.active().filter(user=user, role=Role.EMPLOYER_HR, is_employer_admin=True)
    return {pk for pk in rows.values_list("employer_id", flat=True) if pk is not None}


def visible_service_accounts(user: Any) -> QuerySet[ServiceAccount]:
    return ServiceAccount.objects.filter(employer_id__in=administered_employer_ids(user)).select_related(
        "user", "employer"
    )


def access_service_account(user: Any, pk: int) -> ServiceAccount:
    try:
        return visible_service_accounts(user).get(pk=pk)
    except ServiceAccount.DoesNotExist:
        raise Http404("No such service account") from None


def access_token(user: Any, pk: int) -> ApiToken:
    """``user``'s own token, or a token of a service account they administer; else 404."""
    accounts = visible_service_accounts(user).values("user_id")
    try:
        return ApiToken.objects.filter(Q(user=user) | Q(user__in=accounts)).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404("No such token") from None
