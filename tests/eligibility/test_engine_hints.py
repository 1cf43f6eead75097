"""Hints: the smallest single change of one input that lifts the category.

Each hint is checked by applying it (it must reach the category it names)
and by trying one step less (which must not); a brute-force search over
every value of every input checks that no lifting change is missed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.eligibility.engine import (
    Category,
    Education,
    Hint,
    Inputs,
    LocalRules,
    assess,
    decide,
    validate,
)

ON = dt.date(2026, 11, 25)
RULES = LocalRules("Shenzhen", dt.date(2022, 7, 1), None, 123_485, 8)

applicants = st.builds(
    Inputs,
    annual_salary_cny=st.one_of(
        st.integers(0, 1_000_000), st.sampled_from([49_999, 250_000, 493_939, 740_909])
    ),
    education=st.sampled_from(list(Education)),
    related_experience_years=st.integers(0, 20),
    months_per_year_in_china=st.integers(0, 12),
    age=st.integers(18, 70),
    hsk_level=st.integers(0, 6),
    special_work_location=st.booleans(),
    holds_patents=st.booleans(),
    continuous_years_in_china=st.integers(0, 6),
    local_bonus=st.integers(0, 8),
).filter(lambda inputs: not validate(inputs, RULES))


def category(inputs: Inputs) -> Category:
    # Without hints: the brute-force search below assesses thousands of variants.
    return decide(inputs, RULES).category


def applied(inputs: Inputs, hint: Hint) -> Inputs:
    return dataclasses.replace(inputs, **{hint.field: hint.value})


def one_step_less(inputs: Inputs, hint: Hint) -> Inputs | None:
    """The same change, one unit smaller; ``None`` when the hinted value is the first step up."""
    old = getattr(inputs, hint.field)
    if isinstance(hint.value, bool):
        return None
    if isinstance(hint.value, Education):
        lower = [e for e in Education if old.rank < e.rank < hint.value.rank]
        return dataclasses.replace(inputs, education=max(lower, key=lambda e: e.rank)) if lower else None
    if hint.value - 1 <= old:
        return None
    return dataclasses.replace(inputs, **{hint.field: hint.value - 1})


def test_it_names_the_hsk_level_that_adds_a_point() -> None:
    # 20 salary + 15 education + 9 experience + 15 months + 15 age + 3 HSK + 5 patents + 2 bonus = 84.
    inputs = Inputs(
        annual_salary_cny=480_000,
        education=Education.MASTER,
        related_experience_years=6,
        months_per_year_in_china=12,
        age=34,
        hsk_level=3,
        holds_patents=True,
        local_bonus=2,
    )
    result = assess(inputs, RULES, on_date=ON)
    assert (result.points, result.category) == (84, Category.B)
    messages = [hint.message for hint in result.hints]
    assert "HSK 4 instead of 3 would add 1 point (85 in all): category A." in messages
    assert "A local bonus of 3 points instead of 2 would add 1 point (85 in all): category A." in messages
    assert (
        "A doctorate (or highest-level vocational certificate) instead of a master's degree "
        "(or technician certificate) would add 5 points (89 in all): category A."
    ) in messages


def test_it_says_which_salary_reaches_the_4x_line() -> None:
    inputs = Inputs(
        annual_salary_cny=60_000,
        education=Education.NONE,
        related_experience_years=0,
        months_per_year_in_china=3,
        age=30,
    )
    hints = assess(inputs, RULES, on_date=ON).hints
    salary_hints = [(h.value, h.category, h.route) for h in hints if h.field == "annual_salary_cny"]
    assert salary_hints == [(493_940, Category.B, "salary_4x"), (740_910, Category.A, "salary_6x")]
    assert hints[0].message == (
        "A salary of RMB 493,940 instead of RMB 60,000 would reach category B directly: "
        "Salary at least 4× the local average wage of the previous year."
    )


def test_it_counts_one_point_in_the_singular() -> None:
    # 59 points, one short of B: 14 salary + 15 months + 15 age + 15 experience (12 years).
    inputs = Inputs(
        annual_salary_cny=250_000,
        education=Education.NONE,
        related_experience_years=12,
        months_per_year_in_china=12,
        age=30,
    )
    hints = {h.field: h for h in assess(inputs, RULES, on_date=ON).hints}
    assert hints["hsk_level"].message == "HSK 1 instead of 0 would add 1 point (60 in all): category B."
    assert hints["related_experience_years"].message == (
        "13 years of related experience instead of 12 years would add 1 point (60 in all): category B."
    )


def test_it_has_no_hint_for_category_a() -> None:
    inputs = Inputs(
        annual_salary_cny=800_000,
        education=Education.NONE,
        related_experience_years=0,
        months_per_year_in_china=0,
        age=30,
    )
    assert assess(inputs, RULES, on_date=ON).hints == ()


def test_it_does_not_hint_at_b_when_the_age_rule_forbids_it() -> None:
    inputs = Inputs(
        annual_salary_cny=60_000,
        education=Education.BACHELOR,
        related_experience_years=5,
        months_per_year_in_china=12,
        age=61,
    )
    hints = assess(inputs, RULES, on_date=ON).hints
    assert hints
    assert {hint.category for hint in hints} == {Category.A}


@settings(max_examples=150, deadline=None)
@given(inputs=applicants)
def test_every_hint_lifts_the_category_and_one_step_less_does_not(inputs: Inputs) -> None:
    now = category(inputs)
    for hint in assess(inputs, RULES, on_date=ON).hints:
        assert hint.category.rank > now.rank
        assert category(applied(inputs, hint)) == hint.category
        smaller = one_step_less(inputs, hint)
        if smaller is not None:
            assert category(smaller).rank < hint.category.rank, hint


# Inputs a person can change and the values to try; former nationality cannot change,
# and a Chinese-taught degree counts like HSK 5, whose hint is the one given.
def brute_force_values(inputs: Inputs) -> dict[str, list[Any]]:
    salaries = {50_000, 70_000, 150_000, 250_000, 350_000, 450_000, 493_940, 740_910, 2_000_000}
    return {
        "annual_salary_cny": sorted(s for s in salaries if s > inputs.annual_salary_cny),
        "education": sorted((e for e in Education if e.rank > inputs.education.rank), key=lambda e: e.rank),
        "related_experience_years": list(range(inputs.related_experience_years + 1, 81)),
        "months_per_year_in_china": list(range(inputs.months_per_year_in_china + 1, 13)),
        "age": list(range(inputs.age + 1, 101)),
        "hsk_level": list(range(inputs.hsk_level + 1, 7)),
        "special_work_location": [] if inputs.special_work_location else [True],
        "holds_patents": [] if inputs.holds_patents else [True],
        "high_level_university": [True],
        "fortune500_experience": [True],
        "continuous_years_in_china": list(range(inputs.continuous_years_in_china + 1, 81)),
        "local_bonus": list(range(inputs.local_bonus + 1, RULES.local_bonus_max + 1)),
    }


@settings(max_examples=60, deadline=None)
@given(inputs=applicants)
def test_it_misses_no_single_change_that_lifts_the_category(inputs: Inputs) -> None:
    now = category(inputs)
    hints = assess(inputs, RULES, on_date=ON).hints
    for target in (c for c in Category if c.rank > now.rank):
        for field, values in brute_force_values(inputs).items():
            smallest = next(
                (
                    value
                    for value in values
                    if category(dataclasses.replace(inputs, **{field: value})).rank >= target.rank
                ),
                None,
            )
            given_hints = [h for h in hints if h.field == field and h.category.rank >= target.rank]
            if smallest is None:
                assert not given_hints
            else:
                assert given_hints, (field, smallest, target)
                assert min(h.value for h in given_hints) == smallest
