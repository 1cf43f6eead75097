"""The 2017 national points table, checked at every band edge against domain.md.

The oracle below is written straight from domain.md's table, independently
of the engine's data, so a mistyped band in either shows up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from onewindow.eligibility.engine import (
    MAX_TOTAL,
    POINTS_TABLE,
    Category,
    Education,
    Inputs,
    InvalidInputs,
    ItemKey,
    LocalRules,
    NoLocalRules,
    assess,
    category_for_points,
    classify,
    validate,
)

ON = dt.date(2026, 11, 25)
RULES = LocalRules("Shenzhen", dt.date(2022, 7, 1), None, 123_485, 10)


# --- The oracle: domain.md's table, as literally as possible --------------------------------


def oracle_salary(cny: int) -> int:
    tens_of_thousands = cny / 10_000
    if tens_of_thousands >= 45:
        return 20
    if tens_of_thousands >= 35:
        return 17
    if tens_of_thousands >= 25:
        return 14
    if tens_of_thousands >= 15:
        return 11
    if tens_of_thousands >= 7:
        return 8
    if tens_of_thousands >= 5:
        return 5
    return 0


def oracle_education(education: Education) -> int:
    return {"doctorate": 20, "master": 15, "bachelor": 10, "none": 0}[education]


def oracle_experience(years: int) -> int:
    if years < 2:
        return 0
    return min(20, 5 + (years - 2))


def oracle_months(months: int) -> int:
    if months >= 9:
        return 15
    if months >= 6:
        return 10
    if months >= 3:
        return 5
    return 0


def oracle_chinese(inputs: Inputs) -> int:
    if inputs.former_chinese_national or inputs.chinese_taught_degree or inputs.hsk_level >= 5:
        return 5
    return inputs.hsk_level  # HSK 4 → 4 … HSK 1 → 1, none → 0


def oracle_age(age: int) -> int:
    if 18 <= age <= 25:
        return 10
    if 26 <= age <= 45:
        return 15
    if 46 <= age <= 55:
        return 10
    if 56 <= age <= 60:
        return 5
    return 0


def oracle_background(inputs: Inputs) -> int:
    any_of = (
        inputs.high_level_university
        or inputs.fortune500_experience
        or inputs.holds_patents
        or inputs.continuous_years_in_china >= 5
    )
    return 5 if any_of else 0


def oracle_items(inputs: Inputs) -> dict[str, int]:
    return {
        "salary": oracle_salary(inputs.annual_salary_cny),
        "education": oracle_education(inputs.education),
        "experience": oracle_experience(inputs.related_experience_years),
        "months_in_china": oracle_months(inputs.months_per_year_in_china),
        "chinese": oracle_chinese(inputs),
        "work_location": 10 if inputs.special_work_location else 0,
        "age": oracle_age(inputs.age),
        "background": oracle_background(inputs),
        "local_bonus": inputs.local_bonus,
    }


def oracle_points_category(points: int) -> Category:
    return Category.A if points >= 85 else Category.B if points >= 60 else Category.C


# --- Strategies ---------------------------------------------------------------------------------


def base(**overrides: object) -> Inputs:
    values: dict[str, object] = {
        "annual_salary_cny": 0,
        "education": Education.NONE,
        "related_experience_years": 0,
        "months_per_year_in_china": 0,
        "age": 30,
    }
    values.update(overrides)
    return Inputs(**values)  # type: ignore[arg-type]


educations = st.sampled_from(list(Education))
valid_inputs = st.builds(
    Inputs,
    annual_salary_cny=st.integers(0, 2_000_000),
    education=educations,
    related_experience_years=st.integers(0, 40),
    months_per_year_in_china=st.integers(0, 12),
    age=st.integers(18, 100),
    hsk_level=st.integers(0, 6),
    former_chinese_national=st.booleans(),
    chinese_taught_degree=st.booleans(),
    special_work_location=st.booleans(),
    high_level_university=st.booleans(),
    fortune500_experience=st.booleans(),
    holds_patents=st.booleans(),
    continuous_years_in_china=st.integers(0, 30),
    local_bonus=st.integers(0, 10),
).filter(lambda inputs: not validate(inputs, RULES))


def points_of(inputs: Inputs) -> dict[str, int]:
    return {item.item.value: item.points for item in classify(inputs, RULES, on_date=ON).items}


# --- Every band edge ------------------------------------------------------------------------------

SALARY_EDGES = [50_000, 70_000, 150_000, 250_000, 350_000, 450_000]


@given(salary=st.integers(0, 5_000_000))
@example(salary=0)
@example(salary=49_999)
@example(salary=50_000)
@example(salary=69_999)
@example(salary=70_000)
@example(salary=149_999)
@example(salary=150_000)
@example(salary=249_999)
@example(salary=250_000)
@example(salary=349_999)
@example(salary=350_000)
@example(salary=449_999)
@example(salary=450_000)
def test_it_scores_the_salary_by_band(salary: int) -> None:
    assert points_of(base(annual_salary_cny=salary))["salary"] == oracle_salary(salary)


@pytest.mark.parametrize(
    ("salary", "points"),
    [
        (49_999, 0),
        (50_000, 5),
        (69_999, 5),
        (70_000, 8),
        (149_999, 8),
        (150_000, 11),
        (249_999, 11),
        (250_000, 14),
        (349_999, 14),
        (350_000, 17),
        (449_999, 17),
        (450_000, 20),
    ],
)
def test_it_puts_each_salary_edge_in_the_upper_band(salary: int, points: int) -> None:
    assert points_of(base(annual_salary_cny=salary))["salary"] == points


@pytest.mark.parametrize("months", range(13))
def test_it_scores_every_month_count(months: int) -> None:
    expected = {0: 0, 1: 0, 2: 0, 3: 5, 4: 5, 5: 5, 6: 10, 7: 10, 8: 10}.get(months, 15)
    assert points_of(base(months_per_year_in_china=months))["months_in_china"] == expected
    assert expected == oracle_months(months)


@pytest.mark.parametrize(
    ("age", "points"),
    [(18, 10), (25, 10), (26, 15), (45, 15), (46, 10), (55, 10), (56, 5), (60, 5), (61, 0), (100, 0)],
)
def test_it_scores_the_age_bands_with_both_ends_included(age: int, points: int) -> None:
    assert points_of(base(age=age))["age"] == points


@given(age=st.integers(18, 100))
def test_it_scores_every_age_like_the_table(age: int) -> None:
    assert points_of(base(age=age))["age"] == oracle_age(age)


@pytest.mark.parametrize(
    ("years", "points"),
    [(0, 0), (1, 0), (2, 5), (3, 6), (4, 7), (5, 8), (10, 13), (16, 19), (17, 20), (18, 20), (40, 20)],
)
def test_it_scores_experience_from_2_years_one_point_a_year_up_to_20(years: int, points: int) -> None:
    assert points_of(base(related_experience_years=years))["experience"] == points


@given(years=st.integers(0, 80))
def test_it_scores_every_experience_like_the_table(years: int) -> None:
    assert points_of(base(related_experience_years=years))["experience"] == oracle_experience(years)


@pytest.mark.parametrize(("level", "points"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 5)])
def test_it_scores_each_hsk_level(level: int, points: int) -> None:
    assert points_of(base(hsk_level=level))["chinese"] == points


@pytest.mark.parametrize("flag", ["former_chinese_national", "chinese_taught_degree"])
def test_it_gives_full_chinese_points_without_hsk_to_former_nationals_and_chinese_taught_degrees(
    flag: str,
) -> None:
    inputs = base(education=Education.BACHELOR, **{flag: True})
    assert points_of(inputs)["chinese"] == 5


@pytest.mark.parametrize(
    ("education", "points"),
    [(Education.DOCTORATE, 20), (Education.MASTER, 15), (Education.BACHELOR, 10), (Education.NONE, 0)],
)
def test_it_scores_education(education: Education, points: int) -> None:
    assert points_of(base(education=education))["education"] == points


@pytest.mark.parametrize(
    ("overrides", "points"),
    [
        ({}, 0),
        ({"high_level_university": True}, 5),
        ({"fortune500_experience": True}, 5),
        ({"holds_patents": True}, 5),
        ({"continuous_years_in_china": 4}, 0),
        ({"continuous_years_in_china": 5}, 5),
        ({"high_level_university": True, "holds_patents": True, "continuous_years_in_china": 9}, 5),
    ],
)
def test_it_counts_the_background_item_once(overrides: dict[str, object], points: int) -> None:
    assert points_of(base(**overrides))["background"] == points


# --- The whole table ---------------------------------------------------------------------------------


@given(inputs=valid_inputs)
def test_it_matches_the_table_on_every_item(inputs: Inputs) -> None:
    assert points_of(inputs) == oracle_items(inputs)


@given(inputs=valid_inputs)
def test_it_totals_at_most_120_and_derives_the_points_category(inputs: Inputs) -> None:
    result = assess(inputs, RULES, on_date=ON)
    assert result.points == min(120, sum(oracle_items(inputs).values()))
    assert result.points <= MAX_TOTAL
    assert all(item.points <= item.max for item in result.items)
    assert result.points_category == oracle_points_category(result.points)


def test_its_maxima_add_up_to_120() -> None:
    assert sum(item.max for item in POINTS_TABLE) == 120
    assert [item.key for item in POINTS_TABLE] == list(ItemKey)


def test_it_reaches_exactly_120_with_everything() -> None:
    inputs = base(
        annual_salary_cny=450_000,
        education=Education.DOCTORATE,
        related_experience_years=30,
        months_per_year_in_china=12,
        hsk_level=6,
        special_work_location=True,
        age=30,
        holds_patents=True,
        high_level_university=True,
        continuous_years_in_china=10,
        local_bonus=10,
    )
    result = assess(inputs, RULES, on_date=ON)
    assert result.points == 120
    assert all(item.points == item.max for item in result.items)


@pytest.mark.parametrize(
    ("points", "category"),
    [
        (0, Category.C),
        (59, Category.C),
        (60, Category.B),
        (84, Category.B),
        (85, Category.A),
        (120, Category.A),
    ],
)
def test_it_draws_the_category_lines_at_85_and_60(points: int, category: Category) -> None:
    assert category_for_points(points) == category


@pytest.mark.parametrize(
    ("experience", "points", "category"),
    # 20 salary + 20 education + 15 months + 10 age (22) + experience.
    [(16, 84, Category.B), (17, 85, Category.A)],
)
def test_it_gives_a_from_85_points(experience: int, points: int, category: Category) -> None:
    inputs = base(
        annual_salary_cny=450_000,
        education=Education.DOCTORATE,
        related_experience_years=experience,
        months_per_year_in_china=12,
        age=22,
    )
    result = assess(inputs, RULES, on_date=ON)
    assert (result.points, result.points_category) == (points, category)
    assert result.category == category


@pytest.mark.parametrize(
    ("experience", "points", "category"),
    # No degree and a salary under 4× the average wage: only the points can give B.
    # 14 salary + 15 months + 15 age + experience.
    [(12, 59, Category.C), (13, 60, Category.B)],
)
def test_it_gives_b_from_60_points(experience: int, points: int, category: Category) -> None:
    inputs = base(
        annual_salary_cny=250_000, related_experience_years=experience, months_per_year_in_china=12, age=30
    )
    result = assess(inputs, RULES, on_date=ON)
    assert (result.points, result.points_category, result.category) == (points, category, category)
    assert result.route == "points"


def test_it_explains_every_item_in_words() -> None:
    result = assess(base(annual_salary_cny=300_000, hsk_level=3, age=34), RULES, on_date=ON)
    reasons = {item.item.value: item.reason for item in result.items}
    assert reasons["salary"] == "RMB 300,000 is in the band from RMB 250,000 to RMB 349,999."
    assert reasons["chinese"] == "HSK level 3."
    assert reasons["age"] == "Age 34 is in the band from age 26 to age 45."
    assert reasons["months_in_china"] == "0 months is in the band under 3 months."
    assert all(reason.strip() for reason in reasons.values())


# --- Input checks and dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"annual_salary_cny": -1}, "annual_salary_cny", "Must be at least 0."),
        ({"related_experience_years": -1}, "related_experience_years", "Must be at least 0."),
        ({"months_per_year_in_china": -1}, "months_per_year_in_china", "Must be at least 0."),
        ({"months_per_year_in_china": 13}, "months_per_year_in_china", "Must be at most 12."),
        ({"age": 17}, "age", "Must be at least 18."),
        ({"hsk_level": -1}, "hsk_level", "Must be at least 0."),
        ({"hsk_level": 7}, "hsk_level", "Must be at most 6."),
        ({"continuous_years_in_china": -2}, "continuous_years_in_china", "Must be at least 0."),
        ({"local_bonus": 11}, "local_bonus", "Must be at most 10."),
        ({"local_bonus": -1}, "local_bonus", "Must be at least 0."),
    ],
)
def test_it_refuses_inputs_out_of_range(overrides: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(InvalidInputs) as caught:
        assess(base(**overrides), RULES, on_date=ON)
    assert caught.value.errors == {field: [message]}


def test_it_refuses_a_local_bonus_above_the_citys_maximum() -> None:
    stingy = dataclasses.replace(RULES, local_bonus_max=4)
    assert assess(base(local_bonus=4), stingy, on_date=ON).items[-1].points == 4
    with pytest.raises(InvalidInputs) as caught:
        assess(base(local_bonus=5), stingy, on_date=ON)
    assert caught.value.errors == {"local_bonus": ["Shenzhen grants a local bonus of at most 4 points."]}


def test_it_refuses_a_chinese_taught_degree_without_a_degree() -> None:
    with pytest.raises(InvalidInputs) as caught:
        assess(base(chinese_taught_degree=True), RULES, on_date=ON)
    assert list(caught.value.errors) == ["chinese_taught_degree"]


@pytest.mark.parametrize(
    ("on", "covered"),
    [
        (dt.date(2022, 6, 30), False),
        (dt.date(2022, 7, 1), True),
        (dt.date(2023, 6, 30), True),
        (dt.date(2023, 7, 1), False),
    ],
)
def test_it_assesses_only_on_dates_its_rules_cover(on: dt.date, covered: bool) -> None:
    year = LocalRules("Shenzhen", dt.date(2022, 7, 1), dt.date(2023, 6, 30), 123_485, 10)
    if covered:
        assert assess(base(), year, on_date=on).rules == year
    else:
        with pytest.raises(NoLocalRules) as caught:
            assess(base(), year, on_date=on)
        assert caught.value.errors == {
            "on_date": [f"No local parameters of Shenzhen cover {on.isoformat()}."]
        }
