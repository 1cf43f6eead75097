"""Reason codes for decisions, each tied to its legal basis, and the routes of appeal.

A decision letter must state why and on what basis, and a refusal must say
how to challenge it and by when (Administrative Reconsideration Law,
Administrative Litigation Law).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.people.documents import add_months


class Basis(StrEnum):
    EXIT_ENTRY_LAW_41 = "exit_entry_law_41"
    EXIT_ENTRY_LAW_30 = "exit_entry_law_30"
    EXIT_ENTRY_LAW_31 = "exit_entry_law_31"
    EMPLOYMENT_PROVISIONS_7 = "employment_provisions_7"
    EMPLOYMENT_PROVISIONS_9 = "employment_provisions_9"
    WORK_PERMIT_GUIDE = "work_permit_guide"
    ADMIN_LICENSING_LAW_38 = "admin_licensing_law_38"


BASIS_LABELS: dict[Basis, Promise] = {
    Basis.EXIT_ENTRY_LAW_41: _("Exit and Entry Administration Law of the PRC, article 41"),
    Basis.EXIT_ENTRY_LAW_30: _("Exit and Entry Administration Law of the PRC, article 30"),
    Basis.EXIT_ENTRY_LAW_31: _("Exit and Entry Administration Law of the PRC, article 31"),
    Basis.EMPLOYMENT_PROVISIONS_7: _(
        "Administrative Provisions on the Employment of Foreigners in China, article 7"
    ),
    Basis.EMPLOYMENT_PROVISIONS_9: _(
        "Administrative Provisions on the Employment of Foreigners in China, article 9"
    ),
    Basis.WORK_PERMIT_GUIDE: _("Service guide for the Foreigner's Work Permit (categories A, B and C)"),
    Basis.ADMIN_LICENSING_LAW_38: _("Administrative Licensing Law of the PRC, article 38"),
}


@dataclass(frozen=True)
class Reason:
    label: Promise
    basis: Basis
    refusal: bool


REASONS: dict[str, Reason] = {
    "criteria_met": Reason(
        _("The applicant meets the criteria of the category applied for"),
        Basis.ADMIN_LICENSING_LAW_38,
        False,
    ),
    "residence_granted": Reason(
        _("Holds a work permit; the work-type residence permit is granted"),
        Basis.EXIT_ENTRY_LAW_30,
        False,
    ),
    "criteria_not_met": Reason(
        _("The applicant does not meet the criteria of any category"), Basis.WORK_PERMIT_GUIDE, True
    ),
    "age_limit": Reason(
        _("The applicant is outside the age limit of the category"),
        Basis.EMPLOYMENT_PROVISIONS_7,
        True,
    ),
    "criminal_record": Reason(
        _("The certificate of no criminal record was not provided or shows a record"),
        Basis.EMPLOYMENT_PROVISIONS_7,
        True,
    ),
    "health": Reason(
        _("The health certificate does not meet the requirements"),
        Basis.EMPLOYMENT_PROVISIONS_7,
        True,
    ),
    "false_documents": Reason(_("Documents submitted were false or altered"), Basis.EXIT_ENTRY_LAW_31, True),
    "employer_not_qualified": Reason(
        _("The employer is not qualified to employ foreign nationals for this post"),
        Basis.EMPLOYMENT_PROVISIONS_9,
        True,
    ),
    "no_work_permit": Reason(
        _("No work permit was granted, so no work-type residence permit can be"),
        Basis.EXIT_ENTRY_LAW_41,
        True,
    ),
    "residence_refused": Reason(
        _("The conditions for a work-type residence permit are not met"),
        Basis.EXIT_ENTRY_LAW_31,
        True,
    ),
}

# Routes of challenge printed on every refusal.
RECONSIDERATION_DAYS = 60  # Administrative Reconsideration Law, art. 20
LAWSUIT_MONTHS = 6  # Administrative Litigation Law, art. 46


def approval_codes() -> list[str]:
    return [code for code, reason in REASONS.items() if not reason.refusal]


def refusal_codes() -> list[str]:
    return [code for code, reason in REASONS.items() if reason.refusal]


@dataclass(frozen=True)
class AppealRoutes:
    reconsideration_by: dt.date
    lawsuit_by: dt.date


def appeal_routes(decided_on: dt.date) -> AppealRoutes:
    """The last days to apply for reconsideration and to sue, counted from the decision's notice."""
    return AppealRoutes(
        reconsideration_by=decided_on + dt.timedelta(days=RECONSIDERATION_DAYS),
        lawsuit_by=add_months(decided_on, LAWSUIT_MONTHS),
    )


def describe(code: str) -> tuple[str, str]:
    """(reason, legal basis) of a code, for letters and pages."""
    reason = REASONS.get(code)
    if reason is None:
        return code, ""
    return str(reason.label), str(BASIS_LABELS[reason.basis])
