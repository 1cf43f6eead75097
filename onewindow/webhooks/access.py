"""The only way to load a webhook endpoint for a user: its employer's administrators reach it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from onewindow.api.access import administered_employer_ids
from onewindow.webhooks.models import Endpoint


def visible_endpoints(user: Any) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(employer_id__in=administered_employer_ids(user)).select_related("employer")


def access_endpoint(user: Any, pk: int) -> Endpoint:
    try:
        return visible_endpoints(user).get(pk=pk)
    except Endpoint.DoesNotExist:
        raise Http404("No such webhook endpoint") from None
