from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from onewindow.eligibility.actions import do_add_local_parameters
from onewindow.eligibility.engine import LocalRules
from onewindow.eligibility.models import LocalParameters
from onewindow.offices.actions import do_create_area
from onewindow.offices.models import Area

# domain.md's example: one city's 2022 average wage, A threshold 740,910, B threshold 493,940.
WAGE = 123_485


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # Rate-limit counters live in the (per-process) cache: every test starts with a full allowance.
    cache.clear()


@pytest.fixture
def rules() -> LocalRules:
    return LocalRules(
        city="Shenzhen",
        valid_from=dt.date(2022, 7, 1),
        valid_until=None,
        previous_year_average_wage_cny=WAGE,
        local_bonus_max=10,
    )


def make_city(code: str, name_en: str, name_zh: str) -> Area:
    return do_create_area(
        actor=None, parent=None, code=code, level=Area.Level.CITY, name_en=name_en, name_zh=name_zh
    )


@pytest.fixture
def shenzhen(db: None) -> Area:
    return make_city("shenzhen", "Shenzhen", "深圳市")


@pytest.fixture
def shenzhen_parameters(shenzhen: Area) -> LocalParameters:
    return do_add_local_parameters(
        actor=None,
        city=shenzhen,
        valid_from=dt.date(2022, 7, 1),
        previous_year_average_wage_cny=WAGE,
        local_bonus_max=10,
        note="Illustrative (domain.md example)",
    )
