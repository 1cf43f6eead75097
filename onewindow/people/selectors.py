"""Reads about persons and documents that span relations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from onewindow.people.models import Document, Person, PersonQuerySet


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
