"""The direct routes of domain.md, one example each, and the B age rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.eligibility.engine import (
    ROUTES,
    Category,
    ComputedRoute,
    DirectRoute,
    Education,
    Inputs,
    LocalRules,
    assess,
)

ON = dt.date(2026, 11, 25)
RULES = LocalRules("Shenzhen", dt.date(2022, 7, 1), None, 123_485, 10)
A_LINE = 740_910  # 6 × 123,485, domain.md's example
B_LINE = 493_940  # 4 × 123,485


def weak(**overrides: object) -> Inputs:
    """An applicant whom the points leave in C (salary 5, months 5, age 15: 25 points)."""
    values: dict[str, object] = {
        "annual_salary_cny": 60_000,
        "education": Education.NONE,
        "related_experience_years": 0,
        "months_per_year_in_china": 3,
        "age": 30,
    }
    values.update(overrides)
    return Inputs(**values)  # type: ignore[arg-type]


def decided(inputs: Inputs) -> tuple[Category, str]:
    result = assess(inputs, RULES, on_date=ON)
    return result.category, result.route


def test_it_leaves_the_weak_applicant_in_c_by_points() -> None:
    result = assess(weak(), RULES, on_date=ON)
    assert (result.category, result.route, result.points, result.points_category) == (
        Category.C,
        "points",
        25,
        Category.C,
    )


@pytest.mark.parametrize(
    "route",
    [
        DirectRoute.TALENT_PROGRAMME,
        DirectRoute.INTERNATIONAL_AWARD,
        DirectRoute.ENCOURAGED_POST,
        DirectRoute.ENTREPRENEUR,
    ],
)
def test_it_gives_a_to_a_declared_a_route_whatever_the_points(route: DirectRoute) -> None:
    result = assess(weak(direct_routes=frozenset({route})), RULES, on_date=ON)
    assert (result.category, result.route) == (Category.A, route.value)
    assert result.points_category == Category.C
    check = next(r for r in result.routes if r.route == route.value)
    assert check.met
    assert check.reason == "Declared; the documents must prove it."


def test_it_gives_a_from_6_times_the_average_wage() -> None:
    assert decided(weak(annual_salary_cny=A_LINE)) == (Category.A, ComputedRoute.SALARY_6X.value)
    # One yuan less reaches only the 4× line.
    assert decided(weak(annual_salary_cny=A_LINE - 1)) == (Category.B, ComputedRoute.SALARY_4X.value)


def test_it_gives_b_from_4_times_the_average_wage() -> None:
    assert decided(weak(annual_salary_cny=B_LINE)) == (Category.B, ComputedRoute.SALARY_4X.value)
    assert decided(weak(annual_salary_cny=B_LINE - 1)) == (Category.C, "points")


def test_it_reads_the_salary_lines_from_the_local_rules() -> None:
    richer_city = LocalRules("Elsewhere", dt.date(2025, 1, 1), None, 150_000, 0)
    result = assess(weak(annual_salary_cny=B_LINE), richer_city, on_date=ON)
    assert result.category == Category.C
    salary_4x = next(r for r in result.routes if r.route == "salary_4x")
    assert salary_4x.reason == (
        "RMB 493,940 is below 4× the local average wage of the previous year (RMB 150,000): RMB 600,000."
    )


@pytest.mark.parametrize(
    ("age", "education", "category"),
    [
        (39, Education.DOCTORATE, Category.A),
        (39, Education.MASTER, Category.A),
        (40, Education.DOCTORATE, Category.C),
        (30, Education.BACHELOR, Category.C),
    ],
)
def test_it_checks_what_it_can_of_the_young_talent_route(
    age: int, education: Education, category: Category
) -> None:
    inputs = weak(age=age, education=education, direct_routes=frozenset({DirectRoute.YOUNG_TALENT}))
    result = assess(inputs, RULES, on_date=ON)
    assert result.category == category
    check = next(r for r in result.routes if r.route == "young_talent")
    assert check.met == (category == Category.A)


@pytest.mark.parametrize(
    ("education", "years", "category"),
    [
        (Education.BACHELOR, 2, Category.B),
        (Education.DOCTORATE, 2, Category.B),
        (Education.BACHELOR, 1, Category.C),
        (Education.NONE, 10, Category.C),
    ],
)
def test_it_gives_b_for_a_bachelors_degree_and_2_years_experience(
    education: Education, years: int, category: Category
) -> None:
    result = assess(weak(education=education, related_experience_years=years), RULES, on_date=ON)
    assert result.category == category
    if category == Category.B:
        assert result.route == ComputedRoute.BACHELOR_EXPERIENCE.value


def test_it_gives_b_for_a_declared_vocational_skill() -> None:
    assert decided(weak(direct_routes=frozenset({DirectRoute.VOCATIONAL_SKILL}))) == (
        Category.B,
        "vocational_skill",
    )


def test_it_gives_b_to_a_language_teacher_with_a_bachelors_degree_only() -> None:
    teacher = frozenset({DirectRoute.LANGUAGE_TEACHER})
    assert decided(weak(education=Education.BACHELOR, direct_routes=teacher)) == (
        Category.B,
        "language_teacher",
    )
    result = assess(weak(direct_routes=teacher), RULES, on_date=ON)
    assert result.category == Category.C
    check = next(r for r in result.routes if r.route == "language_teacher")
    assert (check.met, check.reason) == (False, "Needs at least a bachelor's degree.")


@pytest.mark.parametrize(("age", "category"), [(60, Category.B), (61, Category.C), (75, Category.C)])
def test_it_keeps_b_for_applicants_aged_60_or_under(age: int, category: Category) -> None:
    result = assess(
        weak(age=age, education=Education.BACHELOR, related_experience_years=5), RULES, on_date=ON
    )
    assert result.category == category
    assert result.age_rule_applied == (category == Category.C)
    age_item = next(item for item in result.items if item.item == "age")
    assert ("aged 60 or under" in age_item.reason) == (age > 60)


def test_it_keeps_the_points_category_b_visible_when_the_age_rule_applies() -> None:
    inputs = Inputs(
        annual_salary_cny=450_000,
        education=Education.DOCTORATE,
        related_experience_years=20,
        months_per_year_in_china=12,
        age=62,
    )
    result = assess(inputs, RULES, on_date=ON)
    assert (result.points, result.points_category, result.category) == (75, Category.B, Category.C)


def test_it_has_no_age_limit_for_a() -> None:
    assert decided(weak(age=70, annual_salary_cny=A_LINE)) == (Category.A, "salary_6x")
    assert decided(weak(age=70, direct_routes=frozenset({DirectRoute.TALENT_PROGRAMME}))) == (
        Category.A,
        "talent_programme",
    )


def test_it_prefers_the_points_among_routes_to_the_same_category() -> None:
    inputs = Inputs(
        annual_salary_cny=A_LINE,
        education=Education.DOCTORATE,
        related_experience_years=20,
        months_per_year_in_china=12,
        age=30,
        direct_routes=frozenset({DirectRoute.TALENT_PROGRAMME}),
    )
    result = assess(inputs, RULES, on_date=ON)
    assert (result.category, result.route) == (Category.A, "points")
    assert {r.route for r in result.routes if r.met} == {
        "talent_programme",
        "salary_6x",
        "bachelor_experience",
        "salary_4x",
    }


def test_it_lists_every_route_of_domain_md() -> None:
    assert {route.name.value for route in ROUTES} == {
        "talent_programme",
        "international_award",
        "encouraged_post",
        "salary_6x",
        "entrepreneur",
        "young_talent",
        "bachelor_experience",
        "vocational_skill",
        "language_teacher",
        "salary_4x",
    }
    assert {route.name for route in ROUTES if route.declared} == set(DirectRoute)


@given(
    age=st.integers(18, 100),
    salary=st.integers(0, 1_000_000),
    routes=st.frozensets(st.sampled_from(list(DirectRoute))),
    education=st.sampled_from(list(Education)),
    years=st.integers(0, 30),
)
def test_it_gives_the_best_category_of_any_met_route(
    age: int, salary: int, routes: frozenset[DirectRoute], education: Education, years: int
) -> None:
    inputs = weak(
        age=age,
        annual_salary_cny=salary,
        direct_routes=routes,
        education=education,
        related_experience_years=years,
    )
    result = assess(inputs, RULES, on_date=ON)
    ways = [result.points_category, *(r.category for r in result.routes if r.met)]
    allowed = [c for c in ways if not (c == Category.B and age > 60)]
    best = min(allowed, default=Category.C)  # "A" < "B" < "C"
    assert result.category == best
    assert result.category.rank >= (Category.C.rank if age > 60 else result.points_category.rank)
