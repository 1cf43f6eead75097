"""POST /api/v1/eligibility/assess: public, rate-limited, one error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from onewindow.audit.models import Event
from onewindow.eligibility.actions import do_add_local_parameters
from onewindow.eligibility.api import RATE_LIMIT_PER_MINUTE, REQUEST_EXAMPLE, RESPONSE_EXAMPLE
from onewindow.eligibility.models import LocalParameters
from tests.eligibility.conftest import make_city

URL = "/api/v1/eligibility/assess"
pytestmark = pytest.mark.usefixtures("shenzhen_parameters")

MINIMAL = {
    "annual_salary_cny": 300_000,
    "education": "bachelor",
    "related_experience_years": 3,
    "months_per_year_in_china": 12,
    "age": 29,
}


def post(client: Client, body: dict[str, Any], **headers: str) -> Any:
    return client.post(URL, body, content_type="application/json", **headers)


def test_it_answers_the_documented_example(client: Client) -> None:
    response = post(client, REQUEST_EXAMPLE)
    assert response.status_code == 200
    assert response.json() == RESPONSE_EXAMPLE


def test_it_needs_only_the_five_required_fields(client: Client) -> None:
    response = post(client, MINIMAL)
    assert response.status_code == 200
    body = response.json()
    # 14 salary + 10 bachelor + 6 experience + 15 months + 15 age = 60.
    assert (body["category"], body["route"], body["points"], body["points_category"]) == (
        "B",
        "points",
        60,
        "B",
    )
    assert [item["item"] for item in body["items"]] == [
        "salary",
        "education",
        "experience",
        "months_in_china",
        "chinese",
        "work_location",
        "age",
        "background",
        "local_bonus",
    ]
    assert sum(item["max"] for item in body["items"]) == 120
    assert all(set(item) == {"item", "points", "max", "reason"} for item in body["items"])
    assert body["hints"]


def test_it_reports_a_declared_route(client: Client) -> None:
    response = post(client, {**MINIMAL, "direct_routes": ["talent_programme"]})
    body = response.json()
    assert (body["category"], body["route"], body["points_category"]) == ("A", "talent_programme", "B")
    assert body["hints"] == []


def test_it_needs_no_sign_in_and_no_csrf_token() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, MINIMAL).status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"annual_salary_cny": -1}, "annual_salary_cny", "Must be at least 0."),
        ({"related_experience_years": -1}, "related_experience_years", "Must be at least 0."),
        ({"months_per_year_in_china": -3}, "months_per_year_in_china", "Must be at least 0."),
        ({"months_per_year_in_china": 13}, "months_per_year_in_china", "Must be at most 12."),
        ({"continuous_years_in_china": -1}, "continuous_years_in_china", "Must be at least 0."),
        ({"age": 17}, "age", "Must be at least 18."),
        ({"hsk_level": 7}, "hsk_level", "Must be at most 6."),
        ({"hsk_level": -1}, "hsk_level", "Must be at least 0."),
        ({"local_bonus": 11}, "local_bonus", "Must be at most 10."),
        ({"local_bonus": -1}, "local_bonus", "Must be at least 0."),
        ({"age": "thirty"}, "age", "Must be a whole number."),
        ({"on_date": "25/11/2026"}, "on_date", "Must be a date (YYYY-MM-DD)."),
        ({"holds_patents": "perhaps"}, "holds_patents", "Must be true or false."),
        ({"salary": 1}, "salary", "This field is not known."),
        (
            {"education": "phd"},
            "education",
            "Must be one of: 'doctorate', 'master', 'bachelor' or 'none'.",
        ),
        (
            {"direct_routes": ["salary_6x"]},
            "direct_routes.0",
            "Must be one of: 'talent_programme', 'international_award', 'encouraged_post', "
            "'entrepreneur', 'young_talent', 'vocational_skill' or 'language_teacher'.",
        ),
        ({"city": "atlantis"}, "city", "Unknown city “atlantis”."),
        (
            {"on_date": "2022-06-30"},
            "on_date",
            "No local parameters of this city cover 2022-06-30; an administrator must add them.",
        ),
        (
            {"chinese_taught_degree": True, "education": "none"},
            "chinese_taught_degree",
            "A degree taught in Chinese is a bachelor's degree or higher; the education given is none.",
        ),
    ],
)
def test_it_refuses_invalid_input_field_by_field(
    client: Client, change: dict[str, Any], field: str, message: str
) -> None:
    response = post(client, {**MINIMAL, **change})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Some fields are not valid."
    assert error["fields"] == {field: [message]}


@pytest.mark.parametrize("missing", list(MINIMAL))
def test_it_requires_the_five_fields(client: Client, missing: str) -> None:
    body = {name: value for name, value in MINIMAL.items() if name != missing}
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {missing: ["This field is required."]}


def test_it_refuses_a_local_bonus_above_the_citys_maximum(client: Client) -> None:
    city = make_city("hangzhou", "Hangzhou", "杭州市")
    do_add_local_parameters(
        actor=None,
        city=city,
        valid_from=dt.date(2020, 1, 1),
        previous_year_average_wage_cny=110_000,
        local_bonus_max=4,
    )
    assert post(client, {**MINIMAL, "city": "hangzhou", "local_bonus": 4}).status_code == 200
    response = post(client, {**MINIMAL, "city": "hangzhou", "local_bonus": 5})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "local_bonus": ["Hangzhou grants a local bonus of at most 4 points."]
    }


def test_it_needs_the_city_once_several_are_configured(client: Client) -> None:
    do_add_local_parameters(
        actor=None,
        city=make_city("hangzhou", "Hangzhou", "杭州市"),
        valid_from=dt.date(2020, 1, 1),
        previous_year_average_wage_cny=110_000,
        local_bonus_max=4,
    )
    response = post(client, MINIMAL)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["city"]
    assert post(client, {**MINIMAL, "city": "shenzhen"}).status_code == 200


def test_it_refuses_malformed_json(client: Client) -> None:
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code in {400, 422}
    assert "error" in response.json()


def test_it_limits_the_rate_per_client(client: Client) -> None:
    for _ in range(RATE_LIMIT_PER_MINUTE):
        assert post(client, MINIMAL).status_code == 200
    response = post(client, MINIMAL)
    assert response.status_code == 429
    assert response.json() == {
        "error": {"code": "rate_limited", "message": "Too many requests; try again later.", "fields": {}}
    }
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another client keeps its own allowance.
    assert post(client, MINIMAL, REMOTE_ADDR="203.0.113.9").status_code == 200


def test_it_counts_invalid_requests_against_the_limit_too(client: Client) -> None:
    for _ in range(RATE_LIMIT_PER_MINUTE):
        assert post(client, {"age": 1}).status_code == 422
    assert post(client, MINIMAL).status_code == 429


def test_it_answers_in_the_language_asked_for(client: Client) -> None:
    response = post(client, MINIMAL, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    refused = post(client, {**MINIMAL, "age": 3}, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert refused["Content-Language"] == "zh-hans"


def test_it_documents_the_endpoint_with_examples(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert examples["points"]["value"] == REQUEST_EXAMPLE
    assert set(operation["responses"]) >= {"200", "422", "429"}
    assert operation.get("security") in (None, [])
    body_schema = schema["components"]["schemas"]["AssessIn"]
    assert body_schema["additionalProperties"] is False
    assert set(body_schema["required"]) == set(MINIMAL)
    assert schema["components"]["schemas"]["AssessOut"]["examples"] == [RESPONSE_EXAMPLE]


def test_it_stores_and_logs_nothing_of_the_answers(client: Client) -> None:
    counts = (LocalParameters.objects.count(), Event.objects.count())
    assert post(client, MINIMAL).status_code == 200
    assert (LocalParameters.objects.count(), Event.objects.count()) == counts
