"""The A/B/C classification: the 2017 national points table and the direct routes.

Nothing here touches the database, so every band edge can be tested
exhaustively. What varies by city and over time (the previous year's
average wage, the ceiling of the local bonus) comes in as ``LocalRules``,
loaded by ``selectors.parameters_for`` from dated rows the administrator
keeps.

The shape of a decision:

* ``POINTS_TABLE`` scores each item; the total (at most 120) gives the
  *points category*: A from 85, B from 60, C below.
* ``ROUTES`` are the direct qualifications. Some are computed from the
  inputs (a salary of 6× or 4× the local average wage, a bachelor's degree
  with 2 years' related experience); the others are *declared* by the
  applicant (a talent programme, an award...) and proven later by documents.
* The category is the best any route gives; category B is normally only
  for applicants aged 60 or under (``B_MAX_AGE``); A has no age limit.
* Hints are the smallest single changes of one input that lift the
  category, found by assessing the changed inputs again, not written by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from onewindow.eligibility.terms import (
    A_SALARY_MULTIPLE,
    A_THRESHOLD,
    B_MAX_AGE,
    B_SALARY_MULTIPLE,
    B_THRESHOLD,
    LIMITS,
    LOCAL_BONUS_CAP,
    MAX_TOTAL,
    POINTS_ROUTE,
    YOUNG_TALENT_AGE_BELOW,
    Category,
    ComputedRoute,
    DirectRoute,
    Education,
    Inputs,
    InvalidInputs,
    LocalRules,
    NoLocalRules,
    rmb,
)
from onewindow.eligibility.terms import age as _age
from onewindow.eligibility.terms import months as _months
from onewindow.eligibility.terms import years as _years

# --- The points table -------------------------------------------------------------

Change = tuple[str, Any]  # (input name, new value)


class Scorer(Protocol):
    """How one item of the table scores; ``points`` alone is what hints re-assess, so it stays cheap."""

    def points(self, inputs: Inputs, rules: LocalRules) -> int: ...

    def reason(self, inputs: Inputs, rules: LocalRules) -> str: ...

    def improvements(self, inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
        """Changes of one input that would give this item more points."""
        ...


@dataclass(frozen=True)
class Bands:
    """Points by the band a number falls in; ``bands`` is (at least, points), highest first."""

    field: str
    bands: tuple[tuple[int, int], ...]
    unit: Callable[[int], str]

    def points_for(self, value: int) -> int:
        return next((points for at_least, points in self.bands if value >= at_least), 0)

    def points(self, inputs: Inputs, rules: LocalRules) -> int:
        return self.points_for(getattr(inputs, self.field))

    def reason(self, inputs: Inputs, rules: LocalRules) -> str:
        value: int = getattr(inputs, self.field)
        edges = [at_least for at_least, _points in self.bands]
        above = [edge for edge in edges if edge > value]
        below = [edge for edge in edges if edge <= value]
        if not below:
            band = _("under %(low)s") % {"low": self.unit(min(edges))}
        elif not above:
            band = _("%(low)s or more") % {"low": self.unit(max(below))}
        else:
            band = _("from %(low)s to %(high)s") % {
                "low": self.unit(max(below)),
                "high": self.unit(min(above) - 1),
            }
        return capfirst(_("%(value)s is in the band %(band)s.") % {"value": self.unit(value), "band": band})

    def improvements(self, inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
        value: int = getattr(inputs, self.field)
        now = self.points_for(value)
        for at_least, points in self.bands:
            if at_least > value and points > now:
                yield (self.field, at_least)


@dataclass(frozen=True)
class Stepped:
    """``first`` points from ``start`` units, then ``step`` more per further full unit, capped."""

    field: str
    start: int
    first: int
    step: int
    cap: int

    def points_for(self, value: int) -> int:
        if value < self.start:
            return 0
        return min(self.cap, self.first + self.step * (value - self.start))

    def points(self, inputs: Inputs, rules: LocalRules) -> int:
        return self.points_for(getattr(inputs, self.field))

    def reason(self, inputs: Inputs, rules: LocalRules) -> str:
        value: int = getattr(inputs, self.field)
        if value < self.start:
            return _("%(value)s of related experience: points start at %(start)s.") % {
                "value": _years(value),
                "start": _years(self.start),
            }
        return _(
            "%(value)s of related experience: %(first)d points for the first %(start)s "
            "and %(step)d more for each further full year, %(cap)d at most."
        ) % {
            "value": _years(value),
            "first": self.first,
            "start": _years(self.start),
            "step": self.step,
            "cap": self.cap,
        }

    def improvements(self, inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
        value: int = getattr(inputs, self.field)
        now = self.points_for(value)
        last = self.start + (self.cap - self.first) // self.step
        for years in range(max(value + 1, self.start), last + 1):
            if self.points_for(years) > now:
                yield (self.field, years)


@dataclass(frozen=True)
class EducationScorer:
    by_level: Mapping[Education, int]

    def points(self, inputs: Inputs, rules: LocalRules) -> int:
        return self.by_level[inputs.education]

    def reason(self, inputs: Inputs, rules: LocalRules) -> str:
        return _("Highest qualification: %(label)s.") % {"label": inputs.education.label}

    def improvements(self, inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
        for level in sorted(Education, key=lambda e: e.rank):
            if level.rank > inputs.education.rank:
                yield ("education", level)


@dataclass(frozen=True)
class ChineseScorer:
    """HSK level, or full points for a former Chinese national or a degree taught in Chinese."""

    by_hsk: Mapping[int, int]
    full: int

    def points(self, inputs: Inputs, rules: LocalRules) -> int:
        if inputs.former_chinese_national or inputs.chinese_taught_degree:
            return self.full
        return self.by_hsk.get(inputs.hsk_level, 0)

    def reason(self, inputs: Inputs, rules: LocalRules) -> str:
        if inputs.former_chinese_national:
            return _("Former Chinese national: full points.")
        if inputs.chinese_taught_degree:
            return _("Bachelor's degree or higher taught in Chinese: full points.")
        if inputs.hsk_level == 0:
            return _("No HSK level and no degree taught in Chinese.")
        return _("HSK level %(level)d.") % {"level": inputs.hsk_level}

    def improvements(self, inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
        best = self.points(inputs, rules)
        for level in sorted(self.by_hsk):
            # Only levels that add points: HSK 6 scores like HSK 5.
            if level > inputs.hsk_level and self.by_hsk[level] > best:
                best = self.by_hsk[level]
                yield ("hsk_level", level)


@dataclass(frozen=True)
class FlagScorer:
    field: str
    value: int
    yes: Promise
    no: Promise

    def points(self, inputs: Inputs, rules: LocalRules) -> int:
        return self.value if getattr(inputs, self.field) else 0

    def reason(self, inputs: Inputs, rules: LocalRules) -> str:
        return str(self.yes if getattr(inputs, self.field) else self.no)

    def improvements(self, inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
        if not getattr(inputs, self.field):
            yield (self.field, True)


@dataclass(frozen=True)
class AnyOfScorer:
    """Points for any of several achievements, counted once."""

    value: int
    flags: Mapping[str, Promise]
    years_field: str
    years_needed: int
    years_label: Promise

    def _found(self, inputs: Inputs) -> list[Promise]:
        found = [label for name, label in self.flags.items() if getattr(inputs, name)]
        if getattr(inputs, self.years_field) >= self.years_needed:
            found.append(self.years_label)
        return found

    def points(self, inputs: Inputs, rules: LocalRules) -> int:
        return self.value if self._found(inputs) else 0

    def reason(self, inputs: Inputs, rules: LocalRules) -> str:
        found = self._found(inputs)
        if not found:
            options = [*self.flags.values(), self.years_label]
            return _("None of: %(options)s.") % {"options": _separator().join(str(o) for o in options)}
        listed = _separator().join(str(f) for f in found)
        return _("Counted once, whichever applies: %(found)s.") % {"found": listed}

    def improvements(self, inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
        if self._found(inputs):
            return
        yield (self.years_field, self.years_needed)
        for name in self.flags:
            yield (name, True)


@dataclass(frozen=True)
class LocalBonusScorer:
    def points(self, inputs: Inputs, rules: LocalRules) -> int:
        return inputs.local_bonus

    def reason(self, inputs: Inputs, rules: LocalRules) -> str:
        return _("Local encouragement bonus claimed: %(points)d (%(city)s grants at most %(max)d).") % {
            "points": inputs.local_bonus,
            "city": rules.city,
            "max": rules.local_bonus_max,
        }

    def improvements(self, inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
        for points in range(inputs.local_bonus + 1, min(rules.local_bonus_max, LOCAL_BONUS_CAP) + 1):
            yield ("local_bonus", points)


class ItemKey(StrEnum):
    SALARY = "salary"
    EDUCATION = "education"
    EXPERIENCE = "experience"
    MONTHS_IN_CHINA = "months_in_china"
    CHINESE = "chinese"
    WORK_LOCATION = "work_location"
    AGE = "age"
    BACKGROUND = "background"
    LOCAL_BONUS = "local_bonus"


@dataclass(frozen=True)
class Item:
    key: ItemKey
    label: Promise
    max: int
    scorer: Scorer


POINTS_TABLE: tuple[Item, ...] = (
    Item(
        ItemKey.SALARY,
        gettext_lazy("Annual salary from the Chinese employer"),
        20,
        Bands(
            "annual_salary_cny",
            ((450_000, 20), (350_000, 17), (250_000, 14), (150_000, 11), (70_000, 8), (50_000, 5)),
            rmb,
        ),
    ),
    Item(
        ItemKey.EDUCATION,
        gettext_lazy("Education or vocational qualification"),
        20,
        EducationScorer(
            {Education.DOCTORATE: 20, Education.MASTER: 15, Education.BACHELOR: 10, Education.NONE: 0}
        ),
    ),
    Item(
        ItemKey.EXPERIENCE,
        gettext_lazy("Related work experience"),
        20,
        Stepped("related_experience_years", start=2, first=5, step=1, cap=20),
    ),
    Item(
        ItemKey.MONTHS_IN_CHINA,
        gettext_lazy("Months per year working in China"),
        15,
        Bands("months_per_year_in_china", ((9, 15), (6, 10), (3, 5)), _months),
    ),
    Item(
        ItemKey.CHINESE,
        gettext_lazy("Chinese language"),
        5,
        ChineseScorer({0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 5}, full=5),
    ),
    Item(
        ItemKey.WORK_LOCATION,
        gettext_lazy("Work location"),
        10,
        FlagScorer(
            "special_work_location",
            10,
            yes=gettext_lazy(
                "The post is in a special area (western regions, north-east old industrial bases, "
                "national poverty counties or another listed area)."
            ),
            no=gettext_lazy("The post is not in a listed special area."),
        ),
    ),
    Item(
        ItemKey.AGE,
        gettext_lazy("Age"),
        15,
        Bands("age", ((61, 0), (56, 5), (46, 10), (26, 15), (18, 10)), _age),
    ),
    Item(
        ItemKey.BACKGROUND,
        gettext_lazy("University, Fortune Global 500, patents, years in China"),
        5,
        AnyOfScorer(
            5,
            {
                "high_level_university": gettext_lazy("graduate of a high-level foreign university"),
                "fortune500_experience": gettext_lazy("work experience at a Fortune Global 500 company"),
                "holds_patents": gettext_lazy("patents or other intellectual property"),
            },
            years_field="continuous_years_in_china",
            years_needed=5,
            years_label=gettext_lazy("at least 5 years' continuous work in China"),
        ),
    ),
    Item(
        ItemKey.LOCAL_BONUS,
        gettext_lazy("Local encouragement bonus"),
        LOCAL_BONUS_CAP,
        LocalBonusScorer(),
    ),
)


def category_for_points(points: int) -> Category:
    if points >= A_THRESHOLD:
        return Category.A
    if points >= B_THRESHOLD:
        return Category.B
    return Category.C


# --- Direct routes --------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A requirement of a route that the inputs can show, and what to say when it is not met."""

    holds: Callable[[Inputs, LocalRules], bool]
    unmet: Callable[[Inputs, LocalRules], str]


def _declared_reason(inputs: Inputs, rules: LocalRules) -> str:
    return _("Declared; the documents must prove it.")


def _no_improvements(inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
    return ()


@dataclass(frozen=True)
class Route:
    """A direct route: met when every condition holds and, for a declared route, it is declared."""

    name: DirectRoute | ComputedRoute
    category: Category
    label: Promise
    conditions: tuple[Condition, ...] = ()
    met_reason: Callable[[Inputs, LocalRules], str] = _declared_reason
    # Changes of one input that could meet the route (computed routes only).
    improvements: Callable[[Inputs, LocalRules], Iterable[Change]] = _no_improvements

    @property
    def declared(self) -> bool:
        return isinstance(self.name, DirectRoute)

    def _claimed(self, inputs: Inputs) -> bool:
        return not self.declared or self.name in inputs.direct_routes

    def met(self, inputs: Inputs, rules: LocalRules) -> bool:
        return self._claimed(inputs) and all(c.holds(inputs, rules) for c in self.conditions)

    def reason(self, inputs: Inputs, rules: LocalRules) -> str:
        if not self._claimed(inputs):
            return _("Not declared.")
        failures = [c.unmet(inputs, rules) for c in self.conditions if not c.holds(inputs, rules)]
        return " ".join(failures) if failures else self.met_reason(inputs, rules)


BACHELOR_OR_HIGHER = Condition(
    lambda inputs, rules: inputs.education.rank >= Education.BACHELOR.rank,
    lambda inputs, rules: _("Needs at least a bachelor's degree."),
)
MASTER_OR_HIGHER = Condition(
    lambda inputs, rules: inputs.education.rank >= Education.MASTER.rank,
    lambda inputs, rules: _("Needs a master's degree or a doctorate."),
)
YOUNG = Condition(
    lambda inputs, rules: inputs.age < YOUNG_TALENT_AGE_BELOW,
    lambda inputs, rules: _("Needs an age under %(age)d.") % {"age": YOUNG_TALENT_AGE_BELOW},
)
TWO_YEARS_EXPERIENCE = Condition(
    lambda inputs, rules: inputs.related_experience_years >= 2,
    lambda inputs, rules: _("Needs at least 2 years' related experience."),
)


def _salary_words(multiple: int, inputs: Inputs, rules: LocalRules) -> dict[str, Any]:
    return {
        "salary": rmb(inputs.annual_salary_cny),
        "threshold": rmb(multiple * rules.previous_year_average_wage_cny),
        "multiple": multiple,
        "wage": rmb(rules.previous_year_average_wage_cny),
    }


def _salary_condition(multiple: int) -> Condition:
    return Condition(
        lambda inputs, rules: inputs.annual_salary_cny >= multiple * rules.previous_year_average_wage_cny,
        lambda inputs, rules: (
            _(
                "%(salary)s is below %(multiple)d× the local average wage of the previous year "
                "(%(wage)s): %(threshold)s."
            )
            % _salary_words(multiple, inputs, rules)
        ),
    )


def _salary_reached(multiple: int) -> Callable[[Inputs, LocalRules], str]:
    return lambda inputs, rules: (
        _(
            "%(salary)s reaches %(multiple)d× the local average wage of the previous year "
            "(%(wage)s): %(threshold)s."
        )
        % _salary_words(multiple, inputs, rules)
    )


def _salary_improvement(multiple: int) -> Callable[[Inputs, LocalRules], Iterable[Change]]:
    def improvements(inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
        threshold = multiple * rules.previous_year_average_wage_cny
        if inputs.annual_salary_cny < threshold:
            yield ("annual_salary_cny", threshold)

    return improvements


def _bachelor_experience_improvements(inputs: Inputs, rules: LocalRules) -> Iterable[Change]:
    if inputs.education.rank < Education.BACHELOR.rank:
        yield ("education", Education.BACHELOR)
    if inputs.related_experience_years < 2:
        yield ("related_experience_years", 2)


# In the order they are tried: a category's first met route is the one reported.
ROUTES: tuple[Route, ...] = (
    Route(
        DirectRoute.TALENT_PROGRAMME,
        Category.A,
        gettext_lazy("Selected by a national or provincial talent programme"),
    ),
    Route(
        DirectRoute.INTERNATIONAL_AWARD,
        Category.A,
        gettext_lazy(
            "Internationally recognised award or honour (Nobel, Turing, Fields, academician, Olympic medal…)"
        ),
    ),
    Route(
        DirectRoute.ENCOURAGED_POST,
        Category.A,
        gettext_lazy(
            "Encouraged post: senior post in a central state enterprise, a Fortune Global 500 "
            "headquarters or a national high-tech enterprise"
        ),
    ),
    Route(
        ComputedRoute.SALARY_6X,
        Category.A,
        gettext_lazy("Salary at least 6× the local average wage of the previous year"),
        conditions=(_salary_condition(A_SALARY_MULTIPLE),),
        met_reason=_salary_reached(A_SALARY_MULTIPLE),
        improvements=_salary_improvement(A_SALARY_MULTIPLE),
    ),
    Route(
        DirectRoute.ENTREPRENEUR,
        Category.A,
        gettext_lazy(
            "Entrepreneur with own intellectual property and at least 3 years' stable investment "
            "of at least US$500,000 with a share of at least 30%"
        ),
    ),
    Route(
        DirectRoute.YOUNG_TALENT,
        Category.A,
        gettext_lazy(
            "Excellent young talent (e.g. a postdoctoral researcher under 40 from a top university)"
        ),
        conditions=(YOUNG, MASTER_OR_HIGHER),
    ),
    Route(
        ComputedRoute.BACHELOR_EXPERIENCE,
        Category.B,
        gettext_lazy("Bachelor's degree or higher and at least 2 years' related experience"),
        conditions=(BACHELOR_OR_HIGHER, TWO_YEARS_EXPERIENCE),
        met_reason=lambda inputs, rules: _(
            "A bachelor's degree or higher and at least 2 years' related experience."
        ),
        improvements=_bachelor_experience_improvements,
    ),
    Route(
        DirectRoute.VOCATIONAL_SKILL,
        Category.B,
        gettext_lazy("Recognised vocational certificate or an urgently needed skill"),
    ),
    Route(
        DirectRoute.LANGUAGE_TEACHER,
        Category.B,
        gettext_lazy(
            "Foreign-language teacher: native speaker with a bachelor's degree and 2 years' teaching "
            "(the 2 years are waived with an education or language degree, a home-country teaching "
            "certificate or a 120-hour TEFL certificate)"
        ),
        conditions=(BACHELOR_OR_HIGHER,),
    ),
    Route(
        ComputedRoute.SALARY_4X,
        Category.B,
        gettext_lazy("Salary at least 4× the local average wage of the previous year"),
        conditions=(_salary_condition(B_SALARY_MULTIPLE),),
        met_reason=_salary_reached(B_SALARY_MULTIPLE),
        improvements=_salary_improvement(B_SALARY_MULTIPLE),
    ),
)

ROUTE_LABELS: dict[str, Promise] = {
    POINTS_ROUTE: gettext_lazy("Points table"),
    **{route.name.value: route.label for route in ROUTES},
}


def route_label(name: str) -> str:
    return str(ROUTE_LABELS.get(name, name))


# --- The result -------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScore:
    item: ItemKey
    label: str
    points: int
    max: int
    reason: str


@dataclass(frozen=True)
class RouteCheck:
    route: str
    category: Category
    label: str
    met: bool
    reason: str


@dataclass(frozen=True)
class Hint:
    """One change of one input (``field`` set to ``value``) and the category it reaches."""

    field: str
    value: Any
    category: Category
    route: str
    points: int
    points_gained: int
    message: str


@dataclass(frozen=True)
class Assessment:
    category: Category
    route: str
    points: int
    points_category: Category
    items: tuple[ItemScore, ...]
    routes: tuple[RouteCheck, ...]
    hints: tuple[Hint, ...]
    rules: LocalRules
    on_date: dt.date
    # Set when the points or a route would give B but the age rule does not allow it.
    age_rule_applied: bool = False


# --- Validation --------------------------------------------------------------------------


def validate(inputs: Inputs, rules: LocalRules | None = None) -> dict[str, list[str]]:
    """The messages per input that make ``inputs`` impossible to assess (empty when valid)."""
    errors: dict[str, list[str]] = {}
    for name, (low, high) in LIMITS.items():
        value = getattr(inputs, name)
        if value < low:
            errors.setdefault(name, []).append(_("Must be at least %(limit)s.") % {"limit": low})
        elif value > high:
            errors.setdefault(name, []).append(_("Must be at most %(limit)s.") % {"limit": high})
    # Above the national 10, the range message above already says it.
    if rules is not None and rules.local_bonus_max < inputs.local_bonus <= LIMITS["local_bonus"][1]:
        errors.setdefault("local_bonus", []).append(
            _("%(city)s grants a local bonus of at most %(max)d points.")
            % {"city": rules.city, "max": rules.local_bonus_max}
        )
    if inputs.chinese_taught_degree and inputs.education == Education.NONE:
        errors.setdefault("chinese_taught_degree", []).append(
            _("A degree taught in Chinese is a bachelor's degree or higher; the education given is none.")
        )
    return errors


# --- Assessment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """The numbers of an assessment without its words: what hints compare, cheaply."""

    category: Category
    route: str
    points: int
    points_category: Category
    # True when the points or a route would give B but the age rule does not allow it.
    age_rule_applied: bool


def decide(inputs: Inputs, rules: LocalRules) -> Decision:
    """Category, deciding route and points of valid ``inputs`` under ``rules``."""
    points = min(MAX_TOTAL, sum(item.scorer.points(inputs, rules) for item in POINTS_TABLE))
    points_category = category_for_points(points)
    # Every way to a category in the order tried: the points table leads among equals.
    ways = [(points_category, POINTS_ROUTE)]
    ways += [(route.category, route.name.value) for route in ROUTES if route.met(inputs, rules)]
    # Category B is normally for applicants aged 60 or under; A has no age limit.
    too_old_for_b = inputs.age > B_MAX_AGE
    allowed = [(c, r) for c, r in ways if not (c == Category.B and too_old_for_b)]
    # min() keeps the first of equals: the first way to the best category.
    category, route = min(allowed, key=lambda way: -way[0].rank, default=(Category.C, POINTS_ROUTE))
    if category == Category.C:
        route = POINTS_ROUTE
    blocked = too_old_for_b and category == Category.C and any(c == Category.B for c, _r in ways)
    return Decision(category, route, points, points_category, blocked)


def _item_reason(item: Item, inputs: Inputs, rules: LocalRules) -> str:
    reason = item.scorer.reason(inputs, rules)
    if item.key != ItemKey.AGE or inputs.age <= B_MAX_AGE:
        return reason
    rule = _("Category B is normally only for applicants aged %(age)d or under; category A has no age limit.")
    return f"{reason} {rule % {'age': B_MAX_AGE}}"


def classify(inputs: Inputs, rules: LocalRules, on_date: dt.date) -> Assessment:
    """The assessment with its reasons but without hints, for valid ``inputs``."""
    decision = decide(inputs, rules)
    items = tuple(
        ItemScore(
            item.key,
            str(item.label),
            item.scorer.points(inputs, rules),
            item.max,
            _item_reason(item, inputs, rules),
        )
        for item in POINTS_TABLE
    )
    routes = tuple(
        RouteCheck(
            route.name.value,
            route.category,
            str(route.label),
            route.met(inputs, rules),
            route.reason(inputs, rules),
        )
        for route in ROUTES
    )
    return Assessment(
        category=decision.category,
        route=decision.route,
        points=decision.points,
        points_category=decision.points_category,
        items=items,
        routes=routes,
        hints=(),
        rules=rules,
        on_date=on_date,
        age_rule_applied=decision.age_rule_applied,
    )


def assess(inputs: Inputs, rules: LocalRules, *, on_date: dt.date) -> Assessment:
    """Classify ``inputs`` under ``rules`` on ``on_date``, with the reasons and the hints.

    Raises ``NoLocalRules`` when the rules do not cover the date and
    ``InvalidInputs`` when an input is out of range.
    """
    if not rules.covers(on_date):
        raise NoLocalRules(
            {
                "on_date": [
                    _("No local parameters of %(city)s cover %(date)s.")
                    % {"city": rules.city, "date": on_date.isoformat()}
                ]
            }
        )
    errors = validate(inputs, rules)
    if errors:
        raise InvalidInputs(errors)
    result = classify(inputs, rules, on_date)
    return dataclasses.replace(result, hints=tuple(_hints(inputs, rules, result)))


def _separator() -> str:
    # Between the items of a list inside a sentence: "; " in English, "；" in Chinese.
    return pgettext("between the items of a list", "; ")


# --- Hints --------------------------------------------------------------------------------

# How a change of each input is put in words: (old value, new value) → phrase.
CHANGE_PHRASES: dict[str, Callable[[Any, Any], str]] = {
    "annual_salary_cny": lambda old, new: (
        _("A salary of %(new)s instead of %(old)s") % {"new": rmb(new), "old": rmb(old)}
    ),
    "education": lambda old, new: (
        _("A %(new)s") % {"new": new.label}
        if old == Education.NONE
        else _("A %(new)s instead of a %(old)s") % {"new": new.label, "old": old.label}
    ),
    "related_experience_years": lambda old, new: (
        _("%(new)s of related experience instead of %(old)s") % {"new": _years(new), "old": _years(old)}
    ),
    "months_per_year_in_china": lambda old, new: (
        _("Working %(new)s a year in China instead of %(old)s") % {"new": _months(new), "old": _months(old)}
    ),
    "hsk_level": lambda old, new: _("HSK %(new)d instead of %(old)d") % {"new": new, "old": old},
    "special_work_location": lambda old, new: _("A post in a listed special area"),
    "age": lambda old, new: _("Reaching age %(new)d (now %(old)d)") % {"new": new, "old": old},
    "continuous_years_in_china": lambda old, new: (
        _("%(new)s of continuous work in China instead of %(old)s") % {"new": _years(new), "old": _years(old)}
    ),
    "high_level_university": lambda old, new: _("A degree from a high-level foreign university"),
    "fortune500_experience": lambda old, new: _("Work experience at a Fortune Global 500 company"),
    "holds_patents": lambda old, new: _("Patents or other intellectual property"),
    "local_bonus": lambda old, new: (
        _("A local bonus of %(new)d points instead of %(old)d") % {"new": new, "old": old}
    ),
}


def _order(value: Any) -> Any:
    return value.rank if isinstance(value, Education) else value


def _candidates(inputs: Inputs, rules: LocalRules) -> dict[str, list[Any]]:
    """Per input, the values worth trying, nearest first (only values that change something)."""
    found: dict[str, set[Any]] = {}
    sources: list[Iterable[Change]] = [item.scorer.improvements(inputs, rules) for item in POINTS_TABLE]
    sources += [route.improvements(inputs, rules) for route in ROUTES]
    for source in sources:
        for name, value in source:
            found.setdefault(name, set()).add(value)
    return {name: sorted(values, key=_order) for name, values in found.items()}


def _hints(inputs: Inputs, rules: LocalRules, now: Assessment) -> list[Hint]:
    """For each better category and each input, the smallest change of that input that reaches it.

    The category never falls when one of these inputs grows, so trying the
    candidate values in increasing order finds the smallest that is enough.
    """
    hints: dict[tuple[str, Any], Hint] = {}
    candidates = _candidates(inputs, rules)
    targets = sorted((c for c in Category if c.rank > now.category.rank), key=lambda c: c.rank)
    for target in targets:
        for name, values in candidates.items():
            for value in values:
                changed = dataclasses.replace(inputs, **{name: value})
                if validate(changed, rules):
                    continue
                decision = decide(changed, rules)
                if decision.category.rank >= target.rank:
                    hints[(name, value)] = _hint(name, inputs, value, decision, now)
                    break
    return sorted(hints.values(), key=lambda h: (h.category.rank, _field_order(h.field)))


def _field_order(name: str) -> int:
    names = list(CHANGE_PHRASES)
    return names.index(name) if name in names else len(names)


def _hint(name: str, inputs: Inputs, value: Any, result: Decision, now: Assessment) -> Hint:
    change = CHANGE_PHRASES[name](getattr(inputs, name), value)
    gained = result.points - now.points
    if result.route == POINTS_ROUTE:
        message = ngettext(
            "%(change)s would add %(gained)d point (%(total)d in all): category %(category)s.",
            "%(change)s would add %(gained)d points (%(total)d in all): category %(category)s.",
            gained,
        ) % {"change": change, "gained": gained, "total": result.points, "category": result.category}
    else:
        message = _("%(change)s would reach category %(category)s directly: %(route)s.") % {
            "change": change,
            "category": result.category,
            "route": route_label(result.route),
        }
    return Hint(
        field=name,
        value=value,
        category=result.category,
        route=result.route,
        points=result.points,
        points_gained=gained,
        message=message,
    )
