"""Creating and changing foreign nationals' files, their employment and their documents."""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.trail import record_event
from onewindow.lib.uploads import MB, check_upload
from onewindow.people.documents import RULES, DocumentType
from onewindow.people.models import Document, Employment, Person, passport_hash
from onewindow.people.selectors import persons_with_same_file
from onewindow.people.storage import delete_stored, store_content
from onewindow.registry.actions import recounting

if TYPE_CHECKING:
    from onewindow.accounts.models import User
    from onewindow.employers.models import Employer
    from onewindow.visits.models import OriginalCheck

# Fields the area statistics count the person's permits by (onewindow.registry).
COUNTED_FIELDS = frozenset({"nationality", "residential_street", "date_of_birth", "birth_year"})
# Fields whose values are personal data: the audit trail records that they changed, not what to.
ENCRYPTED_FIELDS = frozenset({"passport_number", "date_of_birth", "residential_address", "phone"})


def normalise_passport_number(number: str) -> str:
    return "".join(number.split()).upper()


@transaction.atomic
def do_create_person(
    *,
    actor: User | None,
    employer: Employer | None = None,
    position: str = "",
    request: HttpRequest | None = None,
    **fields: Any,
) -> Person:
    """Create a foreign national's file; with ``employer``, also their current employment.

    A passport already on file is refused (the existing file is reused by
    the employer instead, so one person never has two files).
    """
    fields["passport_number"] = normalise_passport_number(str(fields.get("passport_number", "")))
    born = fields.get("date_of_birth")
    if isinstance(born, dt.date):
        fields["birth_year"] = born.year
    person = Person(**fields, created_by=actor)
    person.passport_hash = passport_hash(str(person.nationality), person.passport_number)
    if Person.objects.filter(passport_hash=person.passport_hash).exists():
        raise ValidationError({"passport_number": _("A file with this passport already exists.")})
    person.full_clean(exclude=["passport_hash"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise ValidationError({"passport_number": _("A file with this passport already exists.")}) from exc
    record_event(
        actor=actor,
        action="person.create",
        obj=person,
        data={"nationality": str(person.nationality), "fields": sorted(fields)},
        request=request,
    )
    if employer is not None:
        do_start_employment(person=person, employer=employer, position=position, actor=actor, request=request)
    return person


@transaction.atomic
def do_start_employment(
    *,
    person: Person,
    employer: Employer,
    position: str,
    actor: User | None,
    started_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Employment:
    existing = Employment.objects.current().filter(person=person, employer=employer).first()
    if existing is not None:
        return existing
    employment = Employment(person=person, employer=employer, position=position, started_on=started_on)
    employment.full_clean()
    employment.save()
    record_event(
        actor=actor,
        action="employment.start",
        obj=employment,
        data={"person": person.pk, "employer": employer.pk, "position": position},
        request=request,
    )
    return employment


@transaction.atomic
def do_update_person(
    person: Person, *, actor: User | None, request: HttpRequest | None = None, **changes: Any
) -> Person:
    """Change fields of a person's file; personal values are audited as changed, not copied."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if "passport_number" in changes:
        changes["passport_number"] = normalise_passport_number(str(changes["passport_number"]))
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for field, value in changes.items():
        current = getattr(locked, field)
        if current == value:
            continue
        old[field] = "(encrypted)" if field in ENCRYPTED_FIELDS else str(current)
        new[field] = "(encrypted)" if field in ENCRYPTED_FIELDS else str(value)
        setattr(locked, field, value)
    if not new:
        return locked
    if "date_of_birth" in new and locked.date_of_birth is not None:
        locked.birth_year = locked.date_of_birth.year
        new["birth_year"] = str(locked.birth_year)
    if "passport_number" in new or "nationality" in new:
        locked.passport_hash = passport_hash(str(locked.nationality), locked.passport_number)
    locked.full_clean()
    fields = [*new, "passport_hash"] if ("passport_number" in new or "nationality" in new) else list(new)
    # A move or a corrected nationality or birth date changes the area counts of the person's permits.
    counted = bool(COUNTED_FIELDS & set(new))
    with recounting(person_ids=[locked.pk]) if counted else nullcontext():
        locked.save(update_fields=fields)
    record_event(
        actor=actor,
        action="person.update",
        obj=locked,
        data={"old": old, "new": new},
        request=request,
    )
    return locked


@transaction.atomic
def do_upload_document(
    *,
    actor: User | None,
    upload: UploadedFile,
    document_type: str,
    person: Person | None = None,
    employer: Employer | None = None,
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    issued_abroad: bool = False,
    authenticated: bool = False,
    request: HttpRequest | None = None,
) -> Document:
    """Check an uploaded file and keep it, sealed, in the vault of ``person`` or ``employer``.

    The file is refused with the reason (in the user's language) unless it
    is a clean PDF, JPEG or PNG within the size limit of its document type
    (``onewindow.lib.uploads``). A file whose content was already uploaded
    for another person is kept, and the match is recorded in the event so
    that case staff see it.
    """
    if (person is None) == (employer is None):
        raise ValidationError(_("A document belongs either to a person or to an employer."))
    try:
        rule = RULES[DocumentType(document_type)]
    except ValueError:
        raise ValidationError({"document_type": _("Choose a kind of document.")}) from None
    if rule.employer_document and employer is None:
        raise ValidationError({"document_type": _("This is a document of the employer, not of a person.")})
    if not rule.employer_document and person is None:
        raise ValidationError({"document_type": _("This is a document of a person, not of the employer.")})
    if person is not None and person.anonymised_at is not None:
        raise ValidationError(_("This file was anonymised and takes no new documents."))
    if issued_on is not None and issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The issue date is in the future.")})
    if issued_on is not None and expires_on is not None and expires_on < issued_on:
        raise ValidationError({"expires_on": _("A document cannot expire before it was issued.")})
    clean = check_upload(upload, max_bytes=rule.max_size_mb * MB)
    document = Document(
        person=person,
        employer=employer,
        document_type=str(document_type),
        issued_on=issued_on,
        expires_on=expires_on,
        issued_abroad=issued_abroad,
        authenticated=authenticated,
        sha256=clean.sha256,
        size=len(clean.content),
        content_type=clean.content_type,
        original_name=clean.name,
        uploaded_by=actor,
    )
    store_content(document, clean.content)
    try:
        document.full_clean()
        document.save()
        same_file = list(persons_with_same_file(document).values_list("pk", flat=True)) if person else []
        record_event(
            actor=actor,
            action="document.upload",
            obj=document,
            data={
                "person": person.pk if person else None,
                "employer": employer.pk if employer else None,
                "document_type": document.document_type,
                "sha256": document.sha256,
                "size": document.size,
                "content_type": document.content_type,
                "same_file_persons": same_file,
            },
            request=request,
        )
    except Exception:
        # Nothing refers to the stored file if the row was not written.
        delete_stored(document.file.name or "")
        raise
    return document


@transaction.atomic
def do_purge_document(
    document: Document, *, actor: User | None, reason: str, request: HttpRequest | None = None
) -> Document:
    """Remove a document's stored content, keeping the record that it existed (type, dates, hash).

    The file is deleted from storage once the transaction has committed, so a
    rollback leaves the document as it was.
    """
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.purged_at is not None:
        return locked
    name = locked.file.name or ""
    locked.file = ""
    locked.purged_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["file", "purged_at"])
    transaction.on_commit(lambda: delete_stored(name))
    record_event(
        actor=actor,
        actor_label="" if actor else "system:retention",
        action="document.purge",
        obj=locked,
        data={"reason": reason, "document_type": locked.document_type, "person": locked.person_id},
        request=request,
    )
    return locked


@transaction.atomic
def do_anonymise_person(
    person: Person,
    *,
    actor: User | None,
    reason: str,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Person:
    """Replace everything that identifies the person, and remove the content of their documents.

    Names, passport number and its look-up hash, date of birth, address,
    phone and e-mail are replaced; what the statistics need and does not
    identify anyone (nationality, sex, year of birth, street of residence) is
    kept, as are the applications, which now point at an anonymous file.
    """
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.anonymised_at is not None:
        return locked
    replaced = {
        "family_name": "ANONYMISED",
        "given_names": "",
        "chinese_name": "",
        "passport_number": "",
        # Unique and never equal to a real keyed hash: the passport can no longer be looked up.
        "passport_hash": f"anonymised:{uuid.uuid4().hex}",
        "date_of_birth": None,
        "residential_address": "",
        "phone": "",
        "email": "",
        "anonymised_at": timezone.now(),
    }
    for field, value in replaced.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save(update_fields=list(replaced))
    documents = list(Document.objects.stored().filter(person=locked))
    for document in documents:
        do_purge_document(document, actor=actor, reason=reason, request=request)
    record_event(
        actor=actor,
        actor_label="" if actor else "system:retention",
        action="person.anonymise",
        obj=locked,
        data={
            "reason": reason,
            "fields": sorted(field for field in replaced if field != "anonymised_at"),
            "documents_purged": len(documents),
            **(data or {}),
        },
        request=request,
    )
    return locked


@transaction.atomic
def do_note_original_seen(check: OriginalCheck, *, actor: User | None) -> Document | None:
    """Record on the vault document that served ``check``'s application that its original was seen.

    The window officer compares the original with the upload the application
    used (``cases.selectors.checklist``); when it matches, that document
    carries "original seen" (by whom, when, at which office) into every later
    application that reuses it. A mismatch or an absent original records
    nothing here: the check itself keeps that outcome.
    """
    from onewindow.cases.selectors import checklist
    from onewindow.visits.models import OriginalCheck

    if check.outcome != OriginalCheck.Outcome.MATCHES:
        return None
    item = next((i for i in checklist(check.application) if i.document_type == check.document_type), None)
    if item is None or item.document is None:
        return None
    locked = Document.objects.select_for_update().get(pk=item.document.pk)
    locked.original_seen_at = check.checked_at
    locked.original_seen_by = check.checked_by
    locked.original_seen_office = check.office
    locked.full_clean()
    locked.save(update_fields=["original_seen_at", "original_seen_by", "original_seen_office"])
    record_event(
        actor=actor,
        action="document.original_seen",
        obj=locked,
        application=check.application,
        office=check.office,
        data={"document_type": locked.document_type, "check": check.pk},
    )
    return locked
