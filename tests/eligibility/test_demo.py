"""The demo city comes with illustrative eligibility parameters, added through the action."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.audit.models import Event
from onewindow.eligibility.models import LocalParameters
from onewindow.eligibility.selectors import assess
from onewindow.front import demo


@pytest.mark.django_db
def test_it_seeds_shenzhen_parameters_marked_as_illustrative() -> None:
    demo.seed()
    parameters = LocalParameters.objects.get(city__path="/shenzhen/")
    assert (parameters.previous_year_average_wage_cny, parameters.valid_until) == (123_485, None)
    assert parameters.note.startswith("Illustrative")
    assert Event.objects.filter(action="config.local_parameters_add", object_id=str(parameters.pk)).exists()
    result = assess(
        city="shenzhen",
        on_date=dt.date(2026, 11, 25),
        annual_salary_cny=740_910,
        education="bachelor",
        related_experience_years=3,
        months_per_year_in_china=12,
        age=35,
    )
    assert (result.category, result.route) == ("A", "salary_6x")
