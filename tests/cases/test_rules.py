"""Each kind's own rules, at their boundaries (pure Python)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.cases import rules
from onewindow.cases.rules import Facts, PreviousPermit
from onewindow.cases.workflow import Kind
from onewindow.lib.workdays import WorkCalendar

TODAY = dt.date(2026, 11, 25)
CALENDAR = WorkCalendar()


def facts(kind: Kind, **kwargs: Any) -> Facts:
    return Facts(kind=kind, today=TODAY, calendar=CALENDAR, **kwargs)


def permit(expires: dt.date, held_since: dt.date | None = None) -> PreviousPermit:
    return PreviousPermit(
        valid_from=expires - dt.timedelta(days=365),
        valid_until=expires,
        active=True,
        held_since=held_since or expires - dt.timedelta(days=365),
    )


class TestShortTerm:
    def test_it_accepts_90_days_and_refuses_91(self) -> None:
        start = dt.date(2027, 1, 1)
        ok = rules.check(
            facts(
                Kind.SHORT_TERM,
                work_start=start,
                work_end=start + dt.timedelta(days=89),
                details={"situation": "filming"},
            )
        )
        too_long = rules.check(
            facts(
                Kind.SHORT_TERM,
                work_start=start,
                work_end=start + dt.timedelta(days=90),
                details={"situation": "filming"},
            )
        )
        assert ok.ok
        assert too_long.errors == {"work_end": ["Short-term work lasts 90 days or less."]}

    @pytest.mark.parametrize(
        ("born", "ok"),
        [
            (dt.date(2009, 1, 1), True),
            (dt.date(2009, 1, 2), False),
            (dt.date(1966, 1, 2), True),
            (dt.date(1966, 1, 1), False),
        ],
    )
    def test_it_opens_to_ages_18_to_60(self, born: dt.date, ok: bool) -> None:
        start = dt.date(2027, 1, 1)
        verdict = rules.check(
            facts(
                Kind.SHORT_TERM,
                work_start=start,
                work_end=start + dt.timedelta(days=10),
                birth_date=born,
                details={"situation": "sports"},
            )
        )
        assert verdict.ok is ok

    def test_it_needs_a_listed_situation(self) -> None:
        start = dt.date(2027, 1, 1)
        verdict = rules.check(
            facts(Kind.SHORT_TERM, work_start=start, work_end=start, details={"situation": "tourism"})
        )
        assert "situation" in verdict.errors


class TestExtension:
    @given(st.integers(min_value=-10, max_value=200))
    def test_it_is_open_30_to_90_days_before_expiry(self, days_left: int) -> None:
        expires = TODAY + dt.timedelta(days=days_left)
        verdict = rules.check(
            facts(Kind.EXTENSION, previous=permit(expires), work_end=expires + dt.timedelta(days=300))
        )
        assert verdict.ok is (30 <= days_left <= 90)
        if days_left > 90:
            assert "from 90 days before" in verdict.errors["__all__"][0]
        elif days_left < 30:
            assert "at least 30 days before" in verdict.errors["__all__"][0]

    def test_it_extends_by_a_year_at_most_then_five_after_three_years(self) -> None:
        expires = TODAY + dt.timedelta(days=60)
        one_year = expires.replace(year=expires.year + 1)
        assert rules.check(facts(Kind.EXTENSION, previous=permit(expires), work_end=one_year)).ok
        too_far = rules.check(
            facts(Kind.EXTENSION, previous=permit(expires), work_end=one_year + dt.timedelta(days=1))
        )
        assert "at most" in too_far.errors["work_end"][0]
        veteran = permit(expires, held_since=TODAY - dt.timedelta(days=4 * 365))
        assert rules.check(
            facts(Kind.EXTENSION, previous=veteran, work_end=expires.replace(year=expires.year + 3))
        ).ok

    def test_it_needs_a_current_permit(self) -> None:
        verdict = rules.check(facts(Kind.EXTENSION, previous=None, work_end=TODAY))
        assert "needs the person's current work permit" in verdict.errors["__all__"][0]


class TestChange:
    def test_it_refuses_a_change_of_nationality(self) -> None:
        verdict = rules.check(
            facts(
                Kind.CHANGE,
                previous=permit(TODAY + dt.timedelta(days=200)),
                details={"items": ["nationality"], "change_date": "2026-11-20"},
            )
        )
        assert "needs a new application" in verdict.errors["items"][0]

    def test_it_files_a_late_report_with_a_warning(self) -> None:
        previous = permit(TODAY + dt.timedelta(days=200))
        on_time = rules.check(
            facts(
                Kind.CHANGE, previous=previous, details={"items": ["position"], "change_date": "2026-11-11"}
            )
        )
        late = rules.check(
            facts(
                Kind.CHANGE, previous=previous, details={"items": ["position"], "change_date": "2026-11-02"}
            )
        )
        assert on_time.ok
        assert not on_time.warnings
        assert late.ok
        assert late.flags["reported_late_working_days"] == 7  # due 16 Nov; 17-20 and 23-25 Nov
        assert "working days late" in late.warnings[0]

    def test_it_needs_a_new_passport_valid_six_months(self) -> None:
        previous = permit(TODAY + dt.timedelta(days=200))
        details = {
            "items": ["passport"],
            "change_date": "2026-11-20",
            "new_passport_number": "X1234567",
            "new_passport_expiry": "2027-03-01",
        }
        verdict = rules.check(facts(Kind.CHANGE, previous=previous, details=details))
        assert "6 more months" in verdict.errors["new_passport_expiry"][0]


class TestCancellation:
    def test_it_counts_the_ten_working_days_from_the_last_day_of_work(self) -> None:
        previous = permit(TODAY + dt.timedelta(days=200))
        verdict = rules.check(
            facts(
                Kind.CANCELLATION,
                previous=previous,
                details={"employment_end_date": "2026-11-10", "reason": "resigned"},
            )
        )
        assert verdict.flags["report_due"] == "2026-11-24"
        assert verdict.flags["reported_late_working_days"] == 1

    def test_it_refuses_a_cancellation_before_the_employment_ends(self) -> None:
        previous = permit(TODAY + dt.timedelta(days=200))
        verdict = rules.check(
            facts(
                Kind.CANCELLATION,
                previous=previous,
                details={"employment_end_date": "2026-12-31", "reason": "resigned"},
            )
        )
        assert "employment_end_date" in verdict.errors


class TestNotificationLetter:
    def test_it_is_for_applicants_outside_china(self) -> None:
        assert "outside_china" in rules.check(facts(Kind.NOTIFICATION_LETTER, details={})).errors
        assert rules.check(facts(Kind.NOTIFICATION_LETTER, details={"outside_china": True})).ok

    def test_it_accepts_entry_within_the_letters_six_months(self) -> None:
        decided = dt.date(2026, 5, 25)
        assert rules.entry_errors(decided_on=decided, entry_date=dt.date(2026, 11, 25), today=TODAY) == []
        late = rules.entry_errors(
            decided_on=dt.date(2026, 5, 24), entry_date=dt.date(2026, 11, 25), today=TODAY
        )
        assert "expired on 2026-11-24" in late[0]
        assert rules.entry_errors(decided_on=decided, entry_date=dt.date(2026, 5, 1), today=TODAY)


class TestNewInChina:
    def test_it_needs_a_listed_ground_and_for_a_change_of_employer_the_proof(self) -> None:
        assert "basis" in rules.check(facts(Kind.NEW_IN_CHINA, details={})).errors
        verdict = rules.check(facts(Kind.NEW_IN_CHINA, details={"basis": "change_of_employer"}))
        assert set(verdict.errors) == {"cancellation_proof", "residence_permit_number"}
        assert rules.check(facts(Kind.NEW_IN_CHINA, details={"basis": "family"})).ok
