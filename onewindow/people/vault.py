"""The document vault: which kept documents can serve a list of required documents, and which expire.

A person (and an employer) uploads a document once; every later application
reuses it while it still passes its rule on the day it is needed
(``people.documents.check_document``: not expired, recent enough, valid long
enough, authenticated if foreign). A document that no longer passes is not
reused: it is asked for again, with the reasons. Documents made for one
application (a signed form, evidence of a change) are never reused by
another one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from onewindow.people.documents import RULES, DocumentType, check_document, label
from onewindow.people.models import Document, DocumentQuerySet, Person


@dataclass(frozen=True)
class VaultItem:
    """One required document and what the vault has for it."""

    document_type: str
    optional: bool = False
    # The kept document that serves (newest that passes its rule), if any.
    document: Document | None = None
    # Otherwise the newest kept document of the type, and why it cannot serve.
    refused: Document | None = None
    reasons: list[str] = field(default_factory=list)
    # Kept before the application was started: reused rather than uploaded for it.
    reused: bool = False

    @property
    def label(self) -> str:
        return label(self.document_type)

    @property
    def state(self) -> str:
        """``in_file`` (served), ``asked_again`` (kept, but it fails its rule) or ``missing``."""
        if self.document is not None:
            return "in_file"
        return "asked_again" if self.refused is not None else "missing"

    @property
    def needed(self) -> bool:
        return self.document is None and not self.optional


def usable(document: Document, on: dt.date) -> list[str]:
    """Why ``document`` cannot serve on ``on`` (an empty list if it can)."""
    return check_document(
        document.document_type,
        on=on,
        issued_on=document.issued_on,
        expires_on=document.expires_on,
        issued_abroad=document.issued_abroad,
        authenticated=document.authenticated,
    )


def match(
    *,
    person: Person | None,
    employer_id: int | None,
    required: Iterable[str],
    optional: Iterable[str] = (),
    on: dt.date,
    started_at: dt.datetime | None = None,
) -> list[VaultItem]:
    """For each required (then optional) document type, the kept document that serves on ``on``.

    ``started_at`` is when the application was started: documents made for
    one application only count if uploaded since then. Two queries at most
    (the person's documents, the employer's).
    """
    required, optional = list(required), list(optional)
    wanted = [*required, *optional]
    person_types = [t for t in wanted if not RULES[DocumentType(t)].employer_document]
    employer_types = [t for t in wanted if RULES[DocumentType(t)].employer_document]
    candidates: dict[str, list[Document]] = defaultdict(list)
    owners = Q(pk__in=[])
    if person is not None and person_types:
        owners |= Q(person=person, document_type__in=person_types)
    if employer_id is not None and employer_types:
        owners |= Q(employer_id=employer_id, document_type__in=employer_types)
    rows = (
        Document.objects.stored()
        .filter(owners)
        .select_related("original_seen_by", "original_seen_office")
        .order_by("-uploaded_at", "-pk")
    )
    for document in rows:
        candidates[document.document_type].append(document)
    items = []
    for document_type in wanted:
        rule = RULES[DocumentType(document_type)]
        kept = candidates.get(document_type, [])
        if rule.per_application:
            kept = [d for d in kept if started_at is not None and d.uploaded_at >= started_at]
        serving = next((d for d in kept if not usable(d, on)), None)
        is_optional = document_type in optional and document_type not in required
        if serving is not None:
            reused = started_at is not None and serving.uploaded_at < started_at
            items.append(VaultItem(document_type, is_optional, document=serving, reused=reused))
        elif kept:
            items.append(VaultItem(document_type, is_optional, refused=kept[0], reasons=usable(kept[0], on)))
        else:
            items.append(VaultItem(document_type, is_optional))
    return items


def expiry_warning_days() -> int:
    """How many days ahead an expiring document is flagged and its owner told (a setting)."""
    return int(getattr(settings, "ONEWINDOW_DOCUMENT_EXPIRY_DAYS", 60))


def expiring(
    documents: DocumentQuerySet, *, today: dt.date, within_days: int | None = None
) -> list[Document]:
    """The documents of ``documents`` that expire within the warning period and have no
    later-expiring (or non-expiring) replacement of the same type and owner kept."""
    days = expiry_warning_days() if within_days is None else within_days
    soon = list(
        documents.expiring(today=today, within_days=days)
        .select_related("person", "employer")
        .order_by("expires_on", "pk")
    )
    if not soon:
        return []
    replacements = Document.objects.stored().filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=today + dt.timedelta(days=days)),
        Q(person_id__in={d.person_id for d in soon if d.person_id})
        | Q(employer_id__in={d.employer_id for d in soon if d.employer_id}),
        document_type__in={d.document_type for d in soon},
    )
    replaced = {(d.person_id, d.employer_id, d.document_type) for d in replacements}
    return [d for d in soon if (d.person_id, d.employer_id, d.document_type) not in replaced]
