"""The only way to load a foreign national's file for a user.

HR users reach the persons their employer employs, a foreign national
reaches their own file, and case staff reach the persons of the cases in
their reach. A missing file and a forbidden one give the same 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from onewindow.accounts.scopes import CASE_ROLES, scope_of
from onewindow.cases.access import application_filter
from onewindow.cases.models import Application
from onewindow.people.models import Employment, Person, PersonQuerySet


def person_filter(user: Any) -> Q:
    scope = scope_of(user)
    condition = Q(pk__in=scope.person_ids) if scope.person_ids else Q(pk__in=[])
    if scope.employer_ids:
        employed = Employment.objects.filter(person=OuterRef("pk"), employer_id__in=scope.employer_ids)
        condition |= Q(Exists(employed))
    if scope.has(*CASE_ROLES):
        cases = Application.objects.filter(application_filter(user, CASE_ROLES), person=OuterRef("pk"))
        condition |= Q(Exists(cases))
    return condition


def visible_persons(user: Any) -> PersonQuerySet:
    return Person.objects.filter(person_filter(user))


def access_person(user: Any, pk: int) -> Person:
    """The person ``pk`` if ``user`` reaches their file; else 404."""
    try:
        return visible_persons(user).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("No such person") from None
