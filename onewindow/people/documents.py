"""The catalogue of document types and their rules (pure Python).

Rules that a clerk would otherwise check by eye are data here: how recent a
document must be, whether a foreign document must be authenticated or
apostilled, how long a passport must remain valid. ``check_document`` turns
them into reasons a person can read.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DocumentType(StrEnum):
    APPLICATION_FORM = "application_form"
    PASSPORT = "passport"
    PHOTO = "photo"
    DEGREE = "degree"
    WORK_EXPERIENCE = "work_experience"
    NO_CRIMINAL_RECORD = "no_criminal_record"
    HEALTH_CERTIFICATE = "health_certificate"
    EMPLOYMENT_CONTRACT = "employment_contract"
    VISA_AND_ENTRY = "visa_and_entry"
    CHANGE_EVIDENCE = "change_evidence"
    TERMINATION_PROOF = "termination_proof"
    CANCELLATION_PROOF = "cancellation_proof"
    TALENT_EVIDENCE = "talent_evidence"
    FAMILY_DOCUMENTS = "family_documents"
    BUSINESS_LICENCE = "business_licence"


@dataclass(frozen=True)
class DocumentRule:
    label: Promise
    # The document must have been issued at most this many months before submission.
    max_age_months: int | None = None
    # The document must remain valid at least this many months after submission.
    min_validity_months: int | None = None
    # Issued abroad: authenticated by a Chinese consulate or apostilled.
    needs_authentication_if_foreign: bool = False
    # Belongs to the employer's vault rather than the person's.
    employer_document: bool = False
    # Upload limit in megabytes.
    max_size_mb: int = 10
    # Made for one application (a signed form, evidence of one change): never reused by a later one.
    per_application: bool = False


RULES: dict[DocumentType, DocumentRule] = {
    DocumentType.APPLICATION_FORM: DocumentRule(
        _("Application form, signed by the applicant and sealed by the employer"), per_application=True
    ),
    DocumentType.PASSPORT: DocumentRule(_("Passport (information page)"), min_validity_months=6),
    DocumentType.PHOTO: DocumentRule(
        _("Recent photo on a white background"), max_age_months=6, max_size_mb=2
    ),
    DocumentType.DEGREE: DocumentRule(_("Highest degree certificate"), needs_authentication_if_foreign=True),
    DocumentType.WORK_EXPERIENCE: DocumentRule(_("Proof of related work experience")),
    DocumentType.NO_CRIMINAL_RECORD: DocumentRule(
        _("Certificate of no criminal record"),
        max_age_months=6,
        needs_authentication_if_foreign=True,
    ),
    DocumentType.HEALTH_CERTIFICATE: DocumentRule(_("Health certificate"), max_age_months=6),
    DocumentType.EMPLOYMENT_CONTRACT: DocumentRule(
        _("Employment contract in Chinese (location, duties, pay, duration, position)")
    ),
    DocumentType.VISA_AND_ENTRY: DocumentRule(_("Z visa and entry stamp")),
    DocumentType.CHANGE_EVIDENCE: DocumentRule(
        _("Evidence of the change (new passport, new contract, …)"), per_application=True
    ),
    DocumentType.TERMINATION_PROOF: DocumentRule(
        _("Proof that the employment has ended"), per_application=True
    ),
    DocumentType.CANCELLATION_PROOF: DocumentRule(_("Proof of cancellation of the previous work permit")),
    DocumentType.TALENT_EVIDENCE: DocumentRule(
        _("Evidence of the qualifying route (award, programme, salary, …)")
    ),
    DocumentType.FAMILY_DOCUMENTS: DocumentRule(_("Documents of accompanying family members")),
    DocumentType.BUSINESS_LICENCE: DocumentRule(_("Business licence"), employer_document=True),
}


def label(document_type: str) -> str:
    try:
        return str(RULES[DocumentType(document_type)].label)
    except ValueError:
        return document_type


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamped to the month's end (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_document(
    document_type: str,
    *,
    on: dt.date,
    issued_on: dt.date | None,
    expires_on: dt.date | None,
    issued_abroad: bool,
    authenticated: bool,
) -> list[str]:
    """Reasons why this document cannot be used on ``on``; an empty list if it can."""
    rule = RULES[DocumentType(document_type)]
    problems: list[str] = []
    if issued_on is not None and issued_on > on:
        problems.append(str(_("The issue date is in the future.")))
    if rule.max_age_months is not None:
        if issued_on is None:
            problems.append(str(_("The issue date is required for this document.")))
        elif add_months(issued_on, rule.max_age_months) < on:
            problems.append(
                str(
                    _("It must have been issued within the last %(months)d months.")
                    % {"months": rule.max_age_months}
                )
            )
    if expires_on is not None and expires_on < on:
        problems.append(str(_("It has expired.")))
    if rule.min_validity_months is not None:
        if expires_on is None:
            problems.append(str(_("The expiry date is required for this document.")))
        elif expires_on < add_months(on, rule.min_validity_months):
            problems.append(
                str(
                    _("It must remain valid for at least %(months)d more months.")
                    % {"months": rule.min_validity_months}
                )
            )
    if rule.needs_authentication_if_foreign and issued_abroad and not authenticated:
        problems.append(str(_("A document issued abroad must be authenticated or apostilled.")))
    return problems
