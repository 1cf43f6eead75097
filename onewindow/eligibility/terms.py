"""The engine's vocabulary: categories, education levels, routes, inputs and local rules.

Pure Python like the engine itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class Category(StrEnum):
    A = "A"
    B = "B"
    C = "C"

    @property
    def rank(self) -> int:
        """Higher is better: A 2, B 1, C 0."""
        return {"A": 2, "B": 1, "C": 0}[self.value]

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS[self])


CATEGORY_LABELS: dict[Category, Promise] = {
    Category.A: gettext_lazy("A — high-end talent"),
    Category.B: gettext_lazy("B — professional"),
    Category.C: gettext_lazy("C — other"),
}


class Education(StrEnum):
    DOCTORATE = "doctorate"
    MASTER = "master"
    BACHELOR = "bachelor"
    NONE = "none"

    @property
    def rank(self) -> int:
        return {"none": 0, "bachelor": 1, "master": 2, "doctorate": 3}[self.value]

    @property
    def label(self) -> str:
        return str(EDUCATION_LABELS[self])


# The vocational equivalents are the table's own: a recognised certificate counts as the degree.
EDUCATION_LABELS: dict[Education, Promise] = {
    Education.DOCTORATE: gettext_lazy("doctorate (or highest-level vocational certificate)"),
    Education.MASTER: gettext_lazy("master's degree (or technician certificate)"),
    Education.BACHELOR: gettext_lazy("bachelor's degree (or senior worker certificate)"),
    Education.NONE: gettext_lazy("none of these"),
}


class DirectRoute(StrEnum):
    """Direct routes the applicant declares; documents prove them later."""

    TALENT_PROGRAMME = "talent_programme"
    INTERNATIONAL_AWARD = "international_award"
    ENCOURAGED_POST = "encouraged_post"
    ENTREPRENEUR = "entrepreneur"
    YOUNG_TALENT = "young_talent"
    VOCATIONAL_SKILL = "vocational_skill"
    LANGUAGE_TEACHER = "language_teacher"


class ComputedRoute(StrEnum):
    """Direct routes the engine decides from the inputs and the local parameters."""

    SALARY_6X = "salary_6x"
    BACHELOR_EXPERIENCE = "bachelor_experience"
    SALARY_4X = "salary_4x"


POINTS_ROUTE = "points"

A_THRESHOLD = 85
B_THRESHOLD = 60
MAX_TOTAL = 120
B_MAX_AGE = 60
A_SALARY_MULTIPLE = 6
B_SALARY_MULTIPLE = 4
YOUNG_TALENT_AGE_BELOW = 40
LOCAL_BONUS_CAP = 10

# Accepted ranges of the numeric inputs: (minimum, maximum), both included.
LIMITS: dict[str, tuple[int, int]] = {
    "annual_salary_cny": (0, 1_000_000_000),
    "related_experience_years": (0, 80),
    "months_per_year_in_china": (0, 12),
    "age": (18, 100),
    "hsk_level": (0, 6),
    "continuous_years_in_china": (0, 80),
    "local_bonus": (0, LOCAL_BONUS_CAP),
}


@dataclass(frozen=True, kw_only=True)
class Inputs:
    """What an applicant tells about themselves; the names are those of the API."""

    annual_salary_cny: int
    education: Education
    related_experience_years: int
    months_per_year_in_china: int
    age: int
    hsk_level: int = 0
    former_chinese_national: bool = False
    chinese_taught_degree: bool = False
    special_work_location: bool = False
    high_level_university: bool = False
    fortune500_experience: bool = False
    holds_patents: bool = False
    continuous_years_in_china: int = 0
    local_bonus: int = 0
    direct_routes: frozenset[DirectRoute] = frozenset()


@dataclass(frozen=True)
class LocalRules:
    """A city's parameters over one period, as the engine needs them."""

    city: str
    valid_from: dt.date
    valid_until: dt.date | None
    previous_year_average_wage_cny: int
    local_bonus_max: int

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def a_salary_threshold(self) -> int:
        return A_SALARY_MULTIPLE * self.previous_year_average_wage_cny

    @property
    def b_salary_threshold(self) -> int:
        return B_SALARY_MULTIPLE * self.previous_year_average_wage_cny


class InvalidInputs(Exception):
    """The inputs cannot be assessed; ``errors`` holds the messages per input name."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {name: list(messages) for name, messages in errors.items()}
        super().__init__("; ".join(f"{name}: {' '.join(m)}" for name, m in self.errors.items()))


class NoLocalRules(InvalidInputs):
    """No local parameters of the city cover the date of the assessment."""


# --- Formatting ---------------------------------------------------------------


def rmb(amount: int) -> str:
    return _("RMB %(amount)s") % {"amount": f"{amount:,}"}


def months(n: int) -> str:
    return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}


def years(n: int) -> str:
    return ngettext("%(n)d year", "%(n)d years", n) % {"n": n}


def age(n: int) -> str:
    return _("age %(n)d") % {"n": n}
