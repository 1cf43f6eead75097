"""What each kind of application needs (pure Python).

The documents each kind asks for, whether the exit-entry office decides a
residence permit in the same case, and whether the case ends with a visit.
Rules that change by city or over time (time limits, wages) are not here:
they are dated data in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from onewindow.cases.workflow import VISIT_KINDS, Kind
from onewindow.people.documents import DocumentType as D


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    documents: tuple[D, ...]
    # Documents asked for only in some cases (shown as optional on the checklist).
    optional_documents: tuple[D, ...] = ()
    # The exit-entry office decides the work-type residence permit in the same case.
    residence_permit: bool = False
    # The kind builds on an existing permit (extension, change, cancellation, re-issue).
    needs_previous_permit: bool = False
    # The applicant's A/B/C category is assessed from the facts on the form (eligibility engine).
    assessed: bool = False

    @property
    def ends_with_visit(self) -> bool:
        return self.kind in VISIT_KINDS


SPECS: dict[Kind, KindSpec] = {
    Kind.SHORT_TERM: KindSpec(
        Kind.SHORT_TERM,
        documents=(D.APPLICATION_FORM, D.PASSPORT, D.EMPLOYMENT_CONTRACT),
    ),
    Kind.NOTIFICATION_LETTER: KindSpec(
        Kind.NOTIFICATION_LETTER,
        documents=(
            D.APPLICATION_FORM,
            D.PASSPORT,
            D.PHOTO,
            D.DEGREE,
            D.WORK_EXPERIENCE,
            D.NO_CRIMINAL_RECORD,
            D.HEALTH_CERTIFICATE,
            D.EMPLOYMENT_CONTRACT,
            D.VISA_AND_ENTRY,
        ),
        optional_documents=(D.TALENT_EVIDENCE, D.FAMILY_DOCUMENTS),
        residence_permit=True,
        assessed=True,
    ),
    Kind.NEW_IN_CHINA: KindSpec(
        Kind.NEW_IN_CHINA,
        documents=(
            D.APPLICATION_FORM,
            D.PASSPORT,
            D.PHOTO,
            D.DEGREE,
            D.WORK_EXPERIENCE,
            D.NO_CRIMINAL_RECORD,
            D.HEALTH_CERTIFICATE,
            D.EMPLOYMENT_CONTRACT,
        ),
        optional_documents=(D.CANCELLATION_PROOF, D.TALENT_EVIDENCE, D.FAMILY_DOCUMENTS),
        residence_permit=True,
        assessed=True,
    ),
    Kind.EXTENSION: KindSpec(
        Kind.EXTENSION,
        documents=(D.APPLICATION_FORM, D.PASSPORT, D.PHOTO, D.EMPLOYMENT_CONTRACT),
        residence_permit=True,
        needs_previous_permit=True,
        assessed=True,
    ),
    Kind.CHANGE: KindSpec(
        Kind.CHANGE,
        documents=(D.APPLICATION_FORM, D.PASSPORT, D.CHANGE_EVIDENCE),
        needs_previous_permit=True,
    ),
    Kind.CANCELLATION: KindSpec(
        Kind.CANCELLATION,
        documents=(D.APPLICATION_FORM, D.TERMINATION_PROOF),
        needs_previous_permit=True,
    ),
    Kind.REISSUE: KindSpec(
        Kind.REISSUE,
        documents=(D.APPLICATION_FORM, D.PASSPORT, D.PHOTO),
        needs_previous_permit=True,
    ),
}


def spec(kind: str) -> KindSpec:
    return SPECS[Kind(kind)]


def visit_documents(kind: str) -> tuple[D, ...]:
    """The originals a window officer must see at the visit."""
    kind_spec = spec(kind)
    return kind_spec.documents if kind_spec.ends_with_visit else ()
