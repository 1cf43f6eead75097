"""The public self-assessment page at /eligibility/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from onewindow.eligibility.views import RATE_LIMIT_PER_MINUTE

URL = "/eligibility/"
pytestmark = pytest.mark.usefixtures("shenzhen_parameters")

ANSWERS = {
    "city": "shenzhen",
    "on_date": "2026-11-25",
    "annual_salary_cny": "300000",
    "education": "bachelor",
    "related_experience_years": "3",
    "months_per_year_in_china": "12",
    "age": "29",
    "hsk_level": "3",
    "continuous_years_in_china": "0",
    "local_bonus": "0",
}


def submit(client: Client, **changes: Any) -> Any:
    return client.post(URL, {**ANSWERS, **changes})


def test_it_shows_the_form_without_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="usa-form usa-form--large"' in html
    assert '<option value="shenzhen" selected>Shenzhen</option>' in html
    for route in ("talent_programme", "language_teacher", "young_talent"):
        assert f'value="{route}"' in html
    assert 'class="usa-checkbox__label"' in html


def test_it_shows_the_category_with_points_reasons_and_hints(client: Client) -> None:
    response = submit(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your estimated category: B" in html
    # 14 salary + 10 bachelor + 6 experience + 15 months + 15 age + 3 HSK = 63.
    assert "63 of 120: category B by points alone" in html
    assert "RMB 300,000 is in the band from RMB 250,000 to RMB 349,999." in html
    assert 'id="hints"' in html
    assert "A salary of RMB 740,910 instead of RMB 300,000 would reach category A directly" in html
    assert "Shenzhen on 2026-11-25: previous year's average wage RMB 123,485" in html
    # The answers stay in the form below, to change and try again.
    assert 'name="annual_salary_cny" value="300000"' in html


def test_it_takes_a_declared_route(client: Client) -> None:
    html = submit(client, direct_routes=["talent_programme"]).content.decode()
    assert "Your estimated category: A" in html
    assert "Selected by a national or provincial talent programme" in html


def test_it_explains_the_age_rule(client: Client) -> None:
    html = submit(client, age="62").content.decode()
    assert "Your estimated category: C" in html
    assert "Category B is normally only for applicants aged 60 or under" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"age": "17"}, "age", "Ensure this value is greater than or equal to 18."),
        (
            {"annual_salary_cny": "-5"},
            "annual_salary_cny",
            "Ensure this value is greater than or equal to 0.",
        ),
        ({"hsk_level": "7"}, "hsk_level", "Select a valid choice."),
        ({"local_bonus": "11"}, "local_bonus", "Ensure this value is less than or equal to 10."),
        ({"city": "atlantis"}, "city", "Select a valid choice."),
        ({"direct_routes": ["salary_6x"]}, "direct_routes", "Select a valid choice."),
        (
            {"on_date": "2022-06-30"},
            "on_date",
            "No local parameters of this city cover 2022-06-30; an administrator must add them.",
        ),
        (
            {"education": "none", "chinese_taught_degree": "on"},
            "chinese_taught_degree",
            "A degree taught in Chinese is a bachelor&#x27;s degree or higher",
        ),
    ],
)
def test_it_shows_errors_next_to_the_fields(
    client: Client, changes: dict[str, Any], field: str, message: str
) -> None:
    response = submit(client, **changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your estimated category" not in html
    assert f'id="id_{field}_error"' in html
    assert message in html


def test_it_refuses_a_bonus_above_the_citys_maximum(client: Client, shenzhen_parameters: Any) -> None:
    shenzhen_parameters.local_bonus_max = 2
    shenzhen_parameters.save(update_fields=["local_bonus_max"])
    html = submit(client, local_bonus="3").content.decode()
    assert 'id="id_local_bonus_error"' in html
    assert "Shenzhen grants a local bonus of at most 2 points." in html


def test_it_limits_the_rate_per_client(client: Client) -> None:
    for _ in range(RATE_LIMIT_PER_MINUTE):
        assert client.get(URL).status_code == 200
    response = submit(client)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_it_speaks_the_visitors_language(client: Client) -> None:
    response = client.post(URL, ANSWERS, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_it_has_no_inline_script_or_style(client: Client) -> None:
    for response in (client.get(URL), submit(client)):
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert "<style" not in html
        assert " style=" not in html


def test_the_home_page_links_to_it(client: Client) -> None:
    assert f'href="{URL}"' in client.get("/").content.decode()
