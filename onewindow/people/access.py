"""The only way to load a foreign national's file, or a document, for a user.

HR users reach the persons their employer employs, a foreign national
reaches their own file, and case staff reach the persons of the cases in
their reach. A document is reached through its owner: a person's document
by whoever reaches the person, an employer's by whoever reaches the
employer. A missing file and a forbidden one give the same 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from onewindow.accounts.models import Role
from onewindow.accounts.scopes import CASE_ROLES, scope_of
from onewindow.cases.access import application_filter, roles_on
from onewindow.cases.models import Application
from onewindow.employers.access import employer_filter
from onewindow.employers.models import Employer
from onewindow.people.models import Document, DocumentQuerySet, Employment, Person, PersonQuerySet


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


def person_roles(user: Any, person: Person) -> set[str]:
    """The roles through which ``user`` reaches ``person``'s file (empty if none)."""
    scope = scope_of(user)
    roles: set[str] = set()
    if person.pk in scope.person_ids:
        roles.add(Role.FOREIGN_NATIONAL)
    if (
        scope.employer_ids
        and Employment.objects.filter(person=person, employer_id__in=scope.employer_ids).exists()
    ):
        roles.add(Role.EMPLOYER_HR)
    if scope.has(*CASE_ROLES):
        cases = Application.objects.filter(application_filter(user, CASE_ROLES), person=person)
        for application in cases.only("area_path", "station_id", "employer_id", "person_id"):
            roles |= roles_on(user, application) & set(CASE_ROLES)
    return roles


def view_reason_required(roles: set[str]) -> bool:
    """Whether opening a file this way needs a stated reason, kept with the access-log entry.

    Supervisors reach every case of their area for oversight, not because a
    case is theirs to work on: when supervision is the only way they reach a
    person, they say why they open the file (a random check, a complaint …),
    so that a later review can tell oversight from browsing.
    """
    return roles == {Role.SUPERVISOR}


def access_person_for_upload(user: Any, pk: int) -> Person:
    """The person ``pk`` if ``user`` may add documents to their file (HR of a current employer,
    or the person themselves); else 404."""
    scope = scope_of(user)
    current = Employment.objects.current().filter(person=OuterRef("pk"), employer_id__in=scope.employer_ids)
    condition = Q(pk__in=scope.person_ids) | Q(Exists(current))
    try:
        return Person.objects.filter(condition).get(pk=pk, anonymised_at__isnull=True)
    except Person.DoesNotExist:
        raise Http404("No such person") from None


def document_filter(user: Any) -> Q:
    """``Q`` selecting the documents whose owner (person or employer) ``user`` reaches."""
    return Q(person__in=visible_persons(user).values("pk")) | Q(
        employer__in=Employer.objects.filter(employer_filter(user)).values("pk")
    )


def visible_documents(user: Any) -> DocumentQuerySet:
    return Document.objects.filter(document_filter(user))


def access_document(user: Any, pk: int) -> Document:
    """The document ``pk`` if ``user`` reaches its person or employer; else 404."""
    try:
        return visible_documents(user).select_related("person", "employer").get(pk=pk)
    except Document.DoesNotExist:
        raise Http404("No such document") from None
