"""``POST /api/v1/eligibility/assess``: the public A/B/C self-assessment, without sign-in."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.throttling import BaseThrottle
from pydantic import ConfigDict

from onewindow.api.errors import ApiError, ErrorResponse
from onewindow.eligibility.engine import LIMITS, Assessment, DirectRoute, Education, InvalidInputs
from onewindow.eligibility.selectors import assess
from onewindow.lib.ratelimit import client_key, hit

# Public and unauthenticated: a client may assess this many times a minute.
RATE_LIMIT_PER_MINUTE = 30


class SharedCacheThrottle(BaseThrottle):
    """Ninja's throttle hook on OneWindow's shared-cache limits (``onewindow.lib.ratelimit``).

    It runs before the body is parsed, so malformed requests count too.
    """

    def __init__(self, scope: str, *, limit: int, window_seconds: int = 60) -> None:
        self.scope, self.limit, self.window_seconds = scope, limit, window_seconds
        # wait() takes no request: keep each thread's last answer apart.
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        verdict = hit(self.scope, client_key(request), limit=self.limit, window_seconds=self.window_seconds)
        self._last.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self._last, "retry_after", None)


router = Router(tags=["eligibility"])

REQUEST_EXAMPLE: dict[str, Any] = {
    "city": "shenzhen",
    "on_date": "2026-11-25",
    "annual_salary_cny": 480000,
    "education": "master",
    "related_experience_years": 6,
    "months_per_year_in_china": 12,
    "age": 34,
    "hsk_level": 3,
    "former_chinese_national": False,
    "chinese_taught_degree": False,
    "special_work_location": False,
    "high_level_university": False,
    "fortune500_experience": False,
    "holds_patents": False,
    "continuous_years_in_china": 0,
    "local_bonus": 0,
    "direct_routes": [],
}

# The answer to REQUEST_EXAMPLE with the demo's illustrative Shenzhen parameters
# (average wage RMB 123,485); a test keeps the two in step.
RESPONSE_EXAMPLE: dict[str, Any] = {
    "category": "B",
    "route": "points",
    "points": 77,
    "points_category": "B",
    "items": [
        {
            "item": "salary",
            "points": 20,
            "max": 20,
            "reason": "RMB 480,000 is in the band RMB 450,000 or more.",
        },
        {
            "item": "education",
            "points": 15,
            "max": 20,
            "reason": "Highest qualification: master's degree (or technician certificate).",
        },
        {
            "item": "experience",
            "points": 9,
            "max": 20,
            "reason": "6 years of related experience: 5 points for the first 2 years and 1 more for "
            "each further full year, 20 at most.",
        },
        {
            "item": "months_in_china",
            "points": 15,
            "max": 15,
            "reason": "12 months is in the band 9 months or more.",
        },
        {"item": "chinese", "points": 3, "max": 5, "reason": "HSK level 3."},
        {
            "item": "work_location",
            "points": 0,
            "max": 10,
            "reason": "The post is not in a listed special area.",
        },
        {"item": "age", "points": 15, "max": 15, "reason": "Age 34 is in the band from age 26 to age 45."},
        {
            "item": "background",
            "points": 0,
            "max": 5,
            "reason": "None of: graduate of a high-level foreign university; work experience at a "
            "Fortune Global 500 company; patents or other intellectual property; at least 5 years' "
            "continuous work in China.",
        },
        {
            "item": "local_bonus",
            "points": 0,
            "max": 10,
            "reason": "Local encouragement bonus claimed: 0 (Shenzhen grants at most 10).",
        },
    ],
    "hints": [
        "A salary of RMB 740,910 instead of RMB 480,000 would reach category A directly: "
        "Salary at least 6× the local average wage of the previous year.",
        "14 years of related experience instead of 6 years would add 8 points (85 in all): category A.",
        "A post in a listed special area would add 10 points (87 in all): category A.",
        "A local bonus of 8 points instead of 0 would add 8 points (85 in all): category A.",
    ],
    "routes": [
        {"route": "talent_programme", "category": "A", "met": False, "reason": "Not declared."},
        {"route": "international_award", "category": "A", "met": False, "reason": "Not declared."},
        {"route": "encouraged_post", "category": "A", "met": False, "reason": "Not declared."},
        {
            "route": "salary_6x",
            "category": "A",
            "met": False,
            "reason": "RMB 480,000 is below 6× the local average wage of the previous year "
            "(RMB 123,485): RMB 740,910.",
        },
        {"route": "entrepreneur", "category": "A", "met": False, "reason": "Not declared."},
        {"route": "young_talent", "category": "A", "met": False, "reason": "Not declared."},
        {
            "route": "bachelor_experience",
            "category": "B",
            "met": True,
            "reason": "A bachelor's degree or higher and at least 2 years' related experience.",
        },
        {"route": "vocational_skill", "category": "B", "met": False, "reason": "Not declared."},
        {"route": "language_teacher", "category": "B", "met": False, "reason": "Not declared."},
        {
            "route": "salary_4x",
            "category": "B",
            "met": False,
            "reason": "RMB 480,000 is below 4× the local average wage of the previous year "
            "(RMB 123,485): RMB 493,940.",
        },
    ],
}


class AssessIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [REQUEST_EXAMPLE]})

    city: str | None = Field(
        None,
        max_length=60,
        description="The city's code, e.g. `shenzhen`; may be left out when only one city is configured.",
        examples=["shenzhen"],
    )
    on_date: dt.date | None = Field(
        None, description="The date whose local parameters apply; today if left out."
    )
    annual_salary_cny: int = Field(
        ge=LIMITS["annual_salary_cny"][0],
        le=LIMITS["annual_salary_cny"][1],
        description="Annual salary from the Chinese employer, in RMB.",
        examples=[480000],
    )
    education: Education = Field(
        description="Highest degree (or the equivalent vocational certificate).", examples=["master"]
    )
    related_experience_years: int = Field(
        ge=LIMITS["related_experience_years"][0],
        le=LIMITS["related_experience_years"][1],
        description="Full years of work experience related to the post.",
    )
    months_per_year_in_china: int = Field(
        ge=LIMITS["months_per_year_in_china"][0],
        le=LIMITS["months_per_year_in_china"][1],
        description="Months a year the post is worked in China.",
    )
    age: int = Field(ge=LIMITS["age"][0], le=LIMITS["age"][1], description="Age in full years.")
    hsk_level: int = Field(
        0, ge=LIMITS["hsk_level"][0], le=LIMITS["hsk_level"][1], description="HSK level, 0 for none."
    )
    former_chinese_national: bool = False
    chinese_taught_degree: bool = Field(
        False, description="Holds a bachelor's degree or higher taught in Chinese."
    )
    special_work_location: bool = Field(
        False,
        description="The post is in the western regions, a north-east old industrial base, a national "
        "poverty county or another listed special area.",
    )
    high_level_university: bool = Field(False, description="Graduate of a high-level foreign university.")
    fortune500_experience: bool = Field(False, description="Work experience at a Fortune Global 500 company.")
    holds_patents: bool = Field(False, description="Holds patents or other intellectual property.")
    continuous_years_in_china: int = Field(
        0,
        ge=LIMITS["continuous_years_in_china"][0],
        le=LIMITS["continuous_years_in_china"][1],
        description="Years of continuous work in China.",
    )
    local_bonus: int = Field(
        0,
        ge=LIMITS["local_bonus"][0],
        le=LIMITS["local_bonus"][1],
        description="Local encouragement bonus points claimed; at most the city's configured maximum.",
    )
    direct_routes: list[DirectRoute] = Field(
        default_factory=list,
        max_length=len(DirectRoute),
        description="Direct routes the applicant declares (documents prove them later).",
    )


class ItemOut(Schema):
    item: str
    points: int
    max: int
    reason: str


class RouteOut(Schema):
    route: str
    category: Literal["A", "B", "C"]
    met: bool
    reason: str


class AssessOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [RESPONSE_EXAMPLE]})

    category: Literal["A", "B", "C"] = Field(description="The best category any route gives.")
    route: str = Field(description="`points`, or the direct route that gave the category.")
    points: int = Field(description="Total of the points table, at most 120.")
    points_category: Literal["A", "B", "C"] = Field(description="The category the points alone give.")
    items: list[ItemOut]
    hints: list[str] = Field(description="The smallest single changes that would lift the category.")
    routes: list[RouteOut] = Field(description="Each direct route, whether it is met, and why.")


def as_json(result: Assessment) -> dict[str, Any]:
    return {
        "category": result.category.value,
        "route": result.route,
        "points": result.points,
        "points_category": result.points_category.value,
        "items": [
            {"item": item.item.value, "points": item.points, "max": item.max, "reason": item.reason}
            for item in result.items
        ],
        "hints": [hint.message for hint in result.hints],
        "routes": [
            {"route": r.route, "category": r.category.value, "met": r.met, "reason": r.reason}
            for r in result.routes
        ],
    }


@router.post(
    "/assess",
    response={200: AssessOut, 422: ErrorResponse, 429: ErrorResponse},
    auth=None,
    throttle=[SharedCacheThrottle("eligibility-api", limit=RATE_LIMIT_PER_MINUTE)],
    summary="Assess the A/B/C category",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "examples": {
                        "points": {"summary": "Category B by points", "value": REQUEST_EXAMPLE},
                        "minimal": {
                            "summary": "Only the required fields (today, the only configured city)",
                            "value": {
                                "annual_salary_cny": 300000,
                                "education": "bachelor",
                                "related_experience_years": 3,
                                "months_per_year_in_china": 12,
                                "age": 29,
                            },
                        },
                        "declared_route": {
                            "summary": "A declared direct route",
                            "value": {
                                **REQUEST_EXAMPLE,
                                "direct_routes": ["talent_programme"],
                            },
                        },
                    }
                }
            }
        }
    },
)
def assess_category(request: HttpRequest, payload: AssessIn) -> dict[str, Any]:
    """The category (A, B or C) the 2017 national points table and the direct routes give,
    with the points of each item and the reason for it, and the smallest single changes
    that would lift the category. Public; limited to 30 requests a minute per client.

    Invalid input (a number out of range, an unknown field, route or city, a date no
    local parameters cover, a local bonus above the city's maximum) answers 422 with a
    message per field.
    """
    try:
        result = assess(**payload.model_dump())
    except InvalidInputs as exc:
        raise ApiError(422, "invalid", _("Some fields are not valid."), exc.errors) from exc
    return as_json(result)
