"""Reads about persons and documents that span relations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from onewindow.people.models import Document, Person, PersonQuerySet
from onewindow.people.vault import VaultItem, match


def documents_of(person: Person) -> QuerySet[Document]:
    """A person's documents, by type and newest first (purged ones included, marked as such)."""
    return (
        Document.objects.filter(person=person)
        .select_related("uploaded_by", "original_seen_by", "original_seen_office")
        .order_by("document_type", "-uploaded_at", "-pk")
    )


def persons_with_same_file(document: Document) -> PersonQuerySet:
    """The *other* persons for whom a file with the same content (SHA-256) was uploaded.

    One passport scan or degree certificate in two persons' files is either a
    mistake or a fraud: the reviewer is told either way.
    """
    holders = Person.objects.filter(documents__sha256=document.sha256)
    if document.person_id is not None:
        holders = holders.exclude(pk=document.person_id)
    return holders.distinct().order_by("pk")


def same_file_persons(documents: Iterable[Document]) -> dict[int, list[int]]:
    """For each document (by id), the other persons holding a file with its hash, in one query."""
    documents = list(documents)
    hashes = {document.sha256 for document in documents}
    if not hashes:
        return {}
    holders: dict[str, set[int]] = defaultdict(set)
    rows = Document.objects.filter(sha256__in=hashes, person__isnull=False).values_list("sha256", "person_id")
    for sha256, person_id in rows:
        holders[sha256].add(person_id)
    return {
        document.pk: sorted(holders[document.sha256] - {document.person_id})
        for document in documents
        if holders[document.sha256] - {document.person_id}
    }


@dataclass(frozen=True)
class ExtensionPreview:
    """The person's permit coming up for extension, when it can be filed, and what the vault has for it."""

    permit: Any
    opens_on: dt.date
    closes_on: dt.date
    items: list[VaultItem]


# How long before the extension window opens the person's page starts showing what it will need.
PREVIEW_DAYS_BEFORE_EXPIRY = 120


def extension_preview(person: Person, *, today: dt.date) -> ExtensionPreview | None:
    """For a holder whose permit expires within about four months: the extension's documents,
    judged on the day the filing window opens (or today, if it is already open)."""
    from onewindow.cases.kinds import spec
    from onewindow.cases.rules import EXTENSION_EARLIEST_DAYS, EXTENSION_LATEST_DAYS
    from onewindow.cases.workflow import Kind
    from onewindow.permits.models import Permit

    permit = (
        Permit.objects.filter(person=person, status=Permit.Status.ACTIVE)
        .select_related("number", "employer")
        .first()
    )
    if permit is None or (permit.valid_until - today).days > PREVIEW_DAYS_BEFORE_EXPIRY:
        return None
    opens_on = permit.valid_until - dt.timedelta(days=EXTENSION_EARLIEST_DAYS)
    closes_on = permit.valid_until - dt.timedelta(days=EXTENSION_LATEST_DAYS)
    kind_spec = spec(Kind.EXTENSION)
    items = match(
        person=person,
        employer_id=permit.employer_id,
        required=[str(doc) for doc in kind_spec.documents],
        on=max(today, opens_on),
        started_at=timezone.now(),
    )
    return ExtensionPreview(permit=permit, opens_on=opens_on, closes_on=closes_on, items=items)
