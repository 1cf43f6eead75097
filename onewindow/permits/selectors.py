"""Reads about permits: the issuing authority, issuances, proofs of cancellation, keys, scans."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from onewindow.offices.models import Office
from onewindow.permits.models import Permit, PermitQuerySet, Scan, SigningKey, SigningKeyQuerySet

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from onewindow.people.models import Person

# Crockford's decoding of look-alikes, so a reference typed from paper still matches.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_REFERENCE = re.compile(r"CX-?([0-9A-Z]{4})-?([0-9A-Z]{4})")


def city_path_of(permit: Permit) -> str:
    return "/" + permit.application.area_path.strip("/").split("/")[0] + "/"


def issuing_authority(permit: Permit) -> Office | None:
    """The commission of the permit's city: it decides, so it is the issuing authority printed."""
    return (
        Office.objects.filter(kind=Office.Kind.COMMISSION, area__path=city_path_of(permit), is_active=True)
        .order_by("pk")
        .first()
    )


def permit_details() -> PermitQuerySet:
    """Permits with everything a permit page, document or check shows, in one query."""
    return Permit.objects.select_related(
        "number", "person", "employer", "application", "issuing_office", "cancellation_application"
    )


# What a public check reads of the holder, the employer and the case: the masked name and the
# nationality, not the sealed fields (date of birth, passport, address, phone), which a check
# has no reason to decrypt.
_CHECK_FIELDS = (
    *(f.name for f in Permit._meta.concrete_fields),
    "number__number",
    "person__family_name",
    "person__given_names",
    "person__nationality",
    "employer__credit_code",
    "employer__name_zh",
    "employer__name_en",
    "application__area_path",
)


def permit_for_check() -> PermitQuerySet:
    """Permits with what a public check shows and compares, in one query."""
    return Permit.objects.select_related("number", "person", "employer", "application").only(*_CHECK_FIELDS)


def issuances_of(person: Person) -> PermitQuerySet:
    """Every issuance of the person's permit number, newest first."""
    return permit_details().filter(person=person).order_by("-issued_at", "-pk")


def newest_issuance(permit: Permit) -> Permit:
    """The person's latest issuance (the permit itself if nothing replaced it), as a check shows it."""
    newest = permit_for_check().filter(person_id=permit.person_id).order_by("-issued_at", "-pk").first()
    return newest or permit


def normalise_cancellation_reference(text: str) -> str | None:
    """``CX-XXXX-XXXX`` from what someone typed (case, spaces, look-alike letters), or ``None``."""
    compact = "".join(text.split()).upper()
    match = _REFERENCE.fullmatch(compact)
    if match is None:
        return None
    body = (match.group(1) + match.group(2)).translate(_LOOKALIKES)
    return f"CX-{body[:4]}-{body[4:]}"


def cancelled_permit_by_reference(reference: str) -> Permit | None:
    """The cancelled permit whose proof of cancellation has ``reference`` (a new employer cites it)."""
    normalised = normalise_cancellation_reference(reference)
    if normalised is None:
        return None
    return permit_details().filter(status=Permit.Status.CANCELLED, cancellation_reference=normalised).first()


def published_keys() -> SigningKeyQuerySet:
    """Every key ever used to sign, newest first (withdrawn ones are listed so verifiers drop them)."""
    return SigningKey.objects.order_by("-activated_at", "-pk")


def recent_scans(permit: Permit, *, limit: int = 10) -> QuerySet[Scan]:
    return Scan.objects.filter(permit=permit).order_by("-scanned_at", "-pk")[:limit]
