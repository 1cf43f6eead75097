"""Working days on China's calendar, with make-up days and administrators' corrections."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from onewindow.lib.workdays import WorkCalendar

D = dt.date


def test_it_skips_weekends_and_public_holidays() -> None:
    calendar = WorkCalendar()
    assert not calendar.is_working_day(D(2026, 10, 1))  # National Day
    assert not calendar.is_working_day(D(2026, 11, 28))  # a Saturday
    assert calendar.is_working_day(D(2026, 11, 25))  # a Wednesday


def test_it_counts_make_up_working_days_on_weekends() -> None:
    calendar = WorkCalendar()
    assert D(2026, 9, 20).weekday() == 6
    assert calendar.is_working_day(D(2026, 9, 20))  # Sunday worked to lengthen National Day


def test_it_counts_a_deadline_across_the_national_day_holiday() -> None:
    calendar = WorkCalendar()
    # Accepted Monday 28 Sep 2026: the 29th and 30th are working days, 1-7 Oct are off,
    # then Thursday 8, Friday 9 and Saturday 10 Oct (a make-up working day).
    assert calendar.add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 10)


def test_it_lets_a_correction_win_over_the_package() -> None:
    typhoon = D(2026, 11, 25)
    calendar = WorkCalendar({typhoon: False, D(2026, 11, 28): True})
    assert not calendar.is_working_day(typhoon)
    assert calendar.is_working_day(D(2026, 11, 28))
    assert calendar.add_working_days(D(2026, 11, 24), 1) == D(2026, 11, 26)


def test_it_refuses_a_negative_count() -> None:
    try:
        WorkCalendar().add_working_days(D(2026, 1, 5), -1)
    except ValueError:
        return
    raise AssertionError("a negative count must be refused")


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 1)), st.integers(min_value=0, max_value=40))
def test_it_agrees_with_itself_counting_forwards_and_between(start: dt.date, count: int) -> None:
    calendar = WorkCalendar()
    end = calendar.add_working_days(start, count)
    assert calendar.working_days_between(start, end) == count
    assert count == 0 or calendar.is_working_day(end)
    assert calendar.working_days_between(end, start) == -count


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)))
def test_it_finds_the_next_working_day_on_or_after(day: dt.date) -> None:
    calendar = WorkCalendar()
    found = calendar.next_working_day(day)
    assert found >= day
    assert calendar.is_working_day(found)
    assert all(not calendar.is_working_day(day + dt.timedelta(days=i)) for i in range((found - day).days))
