"""Each kind's own rules (pure Python): what makes an application of that kind admissible.

The same checks run for the web form and the API, in
``cases.actions.do_create_application``. They answer with messages per
field, in the user's language, so a refusal says exactly what to change.

Sources (see ``/docs`` of the product): short-term work is 90 days or less
for listed situations, ages 18-60; an extension is filed 30 to 90 days
before the permit expires; changes and departures are reported within 10
working days; a change of nationality needs a new application; a
notification letter is valid 6 months and its holder comes to the window
within 30 days of entering China.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.cases.workflow import Kind
from onewindow.lib.workdays import WorkCalendar
from onewindow.people.documents import add_months

SHORT_TERM_MAX_DAYS = 90
SHORT_TERM_AGES = (18, 60)
EXTENSION_EARLIEST_DAYS = 90
EXTENSION_LATEST_DAYS = 30
# An extension normally adds at most a year; after 3 years of continuous permits, up to 5.
EXTENSION_MAX_YEARS = 1
EXTENSION_MAX_YEARS_AFTER_THREE = 5
REPORTING_WORKING_DAYS = 10
# Older dates are refused: they are typing errors, and counting working days over centuries is slow.
REPORTING_MAX_AGE = dt.timedelta(days=3653)
NOTIFICATION_LETTER_MONTHS = 6
ENTRY_VISIT_DAYS = 30


class ShortTermSituation(StrEnum):
    TECHNICAL = "technical"
    RESEARCH = "research"
    TRAINING = "training"
    FILMING = "filming"
    PERFORMANCE = "performance"
    SPORTS = "sports"
    OTHER_LISTED = "other_listed"


SHORT_TERM_SITUATIONS: dict[ShortTermSituation, Promise] = {
    ShortTermSituation.TECHNICAL: gettext_lazy(
        "Technical, scientific or management tasks at a Chinese partner"
    ),
    ShortTermSituation.RESEARCH: gettext_lazy(
        "Scientific research or teaching cooperation with a Chinese institution"
    ),
    ShortTermSituation.TRAINING: gettext_lazy("Professional training of Chinese staff"),
    ShortTermSituation.FILMING: gettext_lazy("Filming (films, television, documentaries)"),
    ShortTermSituation.PERFORMANCE: gettext_lazy("Commercial performances, fashion shows"),
    ShortTermSituation.SPORTS: gettext_lazy("Sports trials, coaching or competitions"),
    ShortTermSituation.OTHER_LISTED: gettext_lazy("Another situation listed by the authorities"),
}


class InChinaBasis(StrEnum):
    CATEGORY_A = "category_a"
    CHANGE_OF_EMPLOYER = "change_of_employer"
    FAMILY = "family"
    INTRA_GROUP = "intra_group"
    ZONE_POLICY = "zone_policy"


IN_CHINA_BASES: dict[InChinaBasis, Promise] = {
    InChinaBasis.CATEGORY_A: gettext_lazy("Category A talent already in China"),
    InChinaBasis.CHANGE_OF_EMPLOYER: gettext_lazy(
        "Change of employer in the same occupation, holding a valid work-type residence permit"
    ),
    InChinaBasis.FAMILY: gettext_lazy("Spouse or child of a Chinese citizen or of a foreign resident"),
    InChinaBasis.INTRA_GROUP: gettext_lazy("Transfer within a multinational group"),
    InChinaBasis.ZONE_POLICY: gettext_lazy("A policy of a pilot free-trade or development zone"),
}


class ChangeItem(StrEnum):
    NAME = "name"
    PASSPORT = "passport"
    POSITION = "position"
    CATEGORY = "category"
    NATIONALITY = "nationality"


CHANGE_ITEMS: dict[ChangeItem, Promise] = {
    ChangeItem.NAME: gettext_lazy("Name"),
    ChangeItem.PASSPORT: gettext_lazy("Passport (new passport number)"),
    ChangeItem.POSITION: gettext_lazy("Position, or a new position at the same employer"),
    ChangeItem.CATEGORY: gettext_lazy("Category"),
    ChangeItem.NATIONALITY: gettext_lazy("Nationality"),
}


class DepartureReason(StrEnum):
    CONTRACT_ENDED = "contract_ended"
    RESIGNED = "resigned"
    DISMISSED = "dismissed"
    DECEASED = "deceased"
    OTHER = "other"


DEPARTURE_REASONS: dict[DepartureReason, Promise] = {
    DepartureReason.CONTRACT_ENDED: gettext_lazy("The contract ended"),
    DepartureReason.RESIGNED: gettext_lazy("The employee resigned"),
    DepartureReason.DISMISSED: gettext_lazy("The employer ended the contract"),
    DepartureReason.DECEASED: gettext_lazy("The employee died"),
    DepartureReason.OTHER: gettext_lazy("Another reason"),
}


@dataclass(frozen=True)
class PreviousPermit:
    """What the rules need to know about the permit an application builds on."""

    valid_from: dt.date
    valid_until: dt.date
    active: bool
    # The first day of the person's continuous permits (for the 3-year rule of extensions).
    held_since: dt.date


@dataclass(frozen=True)
class Facts:
    kind: Kind
    today: dt.date
    calendar: WorkCalendar
    work_start: dt.date | None = None
    work_end: dt.date | None = None
    birth_date: dt.date | None = None
    previous: PreviousPermit | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """Errors per field (the application is refused) and warnings (it is filed, flagged)."""

    errors: dict[str, list[str]]
    warnings: list[str]
    flags: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.errors


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _date(details: dict[str, Any], key: str) -> dt.date | None:
    value = details.get(key)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class _Collector:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.warnings: list[str] = []
        self.flags: dict[str, Any] = {}

    def error(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)

    def verdict(self) -> Verdict:
        return Verdict(self.errors, self.warnings, self.flags)


def check(facts: Facts) -> Verdict:
    """All the rules of ``facts.kind``; an empty ``errors`` means the application may be filed."""
    out = _Collector()
    _common(facts, out)
    {
        Kind.SHORT_TERM: _short_term,
        Kind.NOTIFICATION_LETTER: _notification_letter,
        Kind.NEW_IN_CHINA: _new_in_china,
        Kind.EXTENSION: _extension,
        Kind.CHANGE: _change,
        Kind.CANCELLATION: _cancellation,
        Kind.REISSUE: _reissue,
    }[facts.kind](facts, out)
    return out.verdict()


def _common(facts: Facts, out: _Collector) -> None:
    if facts.work_start and facts.work_end and facts.work_end < facts.work_start:
        out.error("work_end", _("Work cannot end before it starts."))
    needs_previous = facts.kind in {Kind.EXTENSION, Kind.CHANGE, Kind.CANCELLATION, Kind.REISSUE}
    if needs_previous and (facts.previous is None or not facts.previous.active):
        out.error(
            "__all__",
            _("This kind of application needs the person's current work permit, and they have none."),
        )


def _short_term(facts: Facts, out: _Collector) -> None:
    if facts.details.get("situation") not in {s.value for s in ShortTermSituation}:
        out.error("situation", _("Short-term work is only for the listed situations: choose one."))
    if facts.work_start is None or facts.work_end is None:
        out.error("work_end", _("Give the first and last day of the short-term work."))
    elif (facts.work_end - facts.work_start).days + 1 > SHORT_TERM_MAX_DAYS:
        out.error("work_end", _("Short-term work lasts 90 days or less."))
    if facts.birth_date and facts.work_start:
        age = _age_on(facts.birth_date, facts.work_start)
        low, high = SHORT_TERM_AGES
        if not low <= age <= high:
            out.error(
                "__all__",
                _(
                    "Short-term work is open to people aged %(low)d to %(high)d; "
                    "the applicant will be %(age)d."
                )
                % {"low": low, "high": high, "age": age},
            )


def _notification_letter(facts: Facts, out: _Collector) -> None:
    if not facts.details.get("outside_china"):
        out.error(
            "outside_china",
            _(
                "A notification letter is for applicants outside China; "
                "someone in China applies for a new permit."
            ),
        )
    entry = _date(facts.details, "planned_entry_date")
    if entry is not None and entry < facts.today:
        out.error("planned_entry_date", _("The planned date of entry cannot be in the past."))


def _new_in_china(facts: Facts, out: _Collector) -> None:
    basis = facts.details.get("basis")
    if basis not in {b.value for b in InChinaBasis}:
        out.error(
            "basis",
            _("Applying from inside China is allowed only on one of the listed grounds: choose one."),
        )
    if basis == InChinaBasis.CHANGE_OF_EMPLOYER:
        if not facts.details.get("cancellation_proof"):
            out.error(
                "cancellation_proof",
                _("A change of employer needs the reference of the previous permit's proof of cancellation."),
            )
        if not facts.details.get("residence_permit_number"):
            out.error(
                "residence_permit_number", _("Give the number of the valid work-type residence permit.")
            )


def _extension(facts: Facts, out: _Collector) -> None:
    previous = facts.previous
    if previous is None or not previous.active:
        return
    days_left = (previous.valid_until - facts.today).days
    if days_left > EXTENSION_EARLIEST_DAYS:
        opens = previous.valid_until - dt.timedelta(days=EXTENSION_EARLIEST_DAYS)
        out.error(
            "__all__",
            _("An extension can be filed from 90 days before the permit expires, that is from %(date)s.")
            % {"date": opens.isoformat()},
        )
    elif days_left < EXTENSION_LATEST_DAYS:
        out.error(
            "__all__",
            _(
                "An extension must be filed at least 30 days before the permit expires (on %(date)s); "
                "with %(days)d days left, apply for a new permit instead."
            )
            % {"date": previous.valid_until.isoformat(), "days": max(days_left, 0)},
        )
    if facts.work_end is None:
        out.error("work_end", _("Give the new last day of work."))
        return
    if facts.work_end <= previous.valid_until:
        out.error("work_end", _("The new end must be after the current permit's expiry."))
    three_years = add_months(previous.held_since, 36) <= facts.today
    years = EXTENSION_MAX_YEARS_AFTER_THREE if three_years else EXTENSION_MAX_YEARS
    limit = add_months(previous.valid_until, 12 * years)
    if facts.work_end > limit:
        out.error(
            "work_end",
            _("An extension can reach at most %(date)s.") % {"date": limit.isoformat()},
        )


def _change(facts: Facts, out: _Collector) -> None:
    items = set(facts.details.get("items") or [])
    if not items or not items <= {i.value for i in ChangeItem}:
        out.error("items", _("Choose what changed."))
    if ChangeItem.NATIONALITY in items:
        out.error("items", _("A change of nationality needs a new application, not a change of items."))
    if ChangeItem.NAME in items and not (facts.details.get("new_family_name") or "").strip():
        out.error("new_family_name", _("Give the new family name."))
    if ChangeItem.PASSPORT in items:
        if not (facts.details.get("new_passport_number") or "").strip():
            out.error("new_passport_number", _("Give the new passport number."))
        expiry = _date(facts.details, "new_passport_expiry")
        if expiry is None or expiry < add_months(facts.today, 6):
            out.error(
                "new_passport_expiry", _("The new passport must remain valid for at least 6 more months.")
            )
    if ChangeItem.CATEGORY in items and facts.details.get("new_category") not in {"A", "B", "C"}:
        out.error("new_category", _("Choose the new category."))
    changed_on = _date(facts.details, "change_date")
    if changed_on is None:
        out.error("change_date", _("Give the date of the change."))
    elif changed_on > facts.today:
        out.error("change_date", _("A change is reported after it happened."))
    elif changed_on < facts.today - REPORTING_MAX_AGE:
        out.error("change_date", _("The date is more than ten years ago."))
    else:
        _reporting_duty(facts, changed_on, out, what=_("a change"))


def _cancellation(facts: Facts, out: _Collector) -> None:
    ended = _date(facts.details, "employment_end_date")
    if facts.details.get("reason") not in {r.value for r in DepartureReason}:
        out.error("reason", _("Say why the employment ended."))
    if ended is None:
        out.error("employment_end_date", _("Give the last day of employment."))
    elif ended > facts.today:
        out.error("employment_end_date", _("Cancel the permit once the employment has ended."))
    elif ended < facts.today - REPORTING_MAX_AGE:
        out.error("employment_end_date", _("The date is more than ten years ago."))
    else:
        _reporting_duty(facts, ended, out, what=_("a departure"))


def _reissue(facts: Facts, out: _Collector) -> None:
    if not (facts.details.get("old_card_number") or "").strip():
        out.error("old_card_number", _("Give the number printed on the old permit card."))


def _reporting_duty(facts: Facts, happened: dt.date, out: _Collector, *, what: str) -> None:
    """Employers report changes and departures within 10 working days; a late report is filed but flagged."""
    due = facts.calendar.add_working_days(happened, REPORTING_WORKING_DAYS)
    out.flags["report_due"] = due.isoformat()
    if facts.today > due:
        late = facts.calendar.working_days_between(due, facts.today)
        out.flags["reported_late_working_days"] = late
        out.warnings.append(
            _("The employer had to report %(what)s by %(date)s; this report is %(days)d working days late.")
            % {"what": what, "date": due.isoformat(), "days": late}
        )


def notification_letter_valid_until(decided_on: dt.date) -> dt.date:
    """A notification letter (not a visa) is valid for 6 months from the decision."""
    return add_months(decided_on, NOTIFICATION_LETTER_MONTHS)


def entry_errors(*, decided_on: dt.date, entry_date: dt.date, today: dt.date) -> list[str]:
    """Why an entry date cannot be recorded for a notification letter, if it cannot."""
    errors = []
    if entry_date > today:
        errors.append(_("The date of entry cannot be in the future."))
    if entry_date < decided_on:
        errors.append(_("The entry date cannot be before the notification letter was issued."))
    valid_until = notification_letter_valid_until(decided_on)
    if entry_date > valid_until:
        errors.append(
            _("The notification letter expired on %(date)s; apply again.") % {"date": valid_until.isoformat()}
        )
    return errors
