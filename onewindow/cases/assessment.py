"""The applicant's A/B/C category on an application, from the eligibility engine.

The form asks for the facts (education, experience, language, …); the
engine classifies them under the city's parameters on the filing date. The
application keeps the facts and the result; the itemised explanation is
recomputed for display, so it reads in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onewindow.eligibility.engine import Assessment, InvalidInputs
from onewindow.eligibility.selectors import assess

# The facts asked on the application form (the salary comes from the application, the age from the file).
INPUT_FIELDS = (
    "education",
    "related_experience_years",
    "months_per_year_in_china",
    "hsk_level",
    "former_chinese_national",
    "chinese_taught_degree",
    "special_work_location",
    "high_level_university",
    "fortune500_experience",
    "holds_patents",
    "continuous_years_in_china",
    "local_bonus",
    "direct_routes",
)


def classify(
    *, city_path: str, on_date: dt.date, salary: int | None, age: int | None, facts: dict[str, Any]
) -> Assessment:
    """Run the engine; an impossible input becomes a ``ValidationError`` naming the field."""
    errors: dict[str, list[str]] = {}
    if salary is None:
        errors["annual_salary_cny"] = [_("The annual salary is needed to assess the category.")]
    if age is None:
        errors["__all__"] = [_("The person's date of birth is needed to assess the category.")]
    if errors:
        raise ValidationError(errors)
    try:
        return assess(
            city=city_path,
            on_date=on_date,
            annual_salary_cny=salary or 0,
            age=age or 0,
            **{name: facts[name] for name in INPUT_FIELDS if name in facts},
        )
    except InvalidInputs as exc:
        raise ValidationError({name: list(messages) for name, messages in exc.errors.items()}) from exc


def summary(result: Assessment, facts: dict[str, Any], on_date: dt.date) -> dict[str, Any]:
    """What the application stores: the facts, the date, and the result."""
    return {
        "facts": {name: facts[name] for name in INPUT_FIELDS if name in facts},
        "on_date": on_date.isoformat(),
        "category": str(result.category),
        "route": result.route,
        "points": result.points,
        "points_category": str(result.points_category),
    }


def explain(
    stored: dict[str, Any], *, city_path: str, salary: int | None, age: int | None
) -> Assessment | None:
    """Re-run the stored assessment for display (``None`` if it can no longer be computed)."""
    try:
        return classify(
            city_path=city_path,
            on_date=dt.date.fromisoformat(stored["on_date"]),
            salary=salary,
            age=age,
            facts=stored.get("facts", {}),
        )
    except (ValidationError, KeyError, ValueError):
        return None
