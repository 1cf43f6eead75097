"""Reads of the eligibility app: the local parameters in force, and ``assess`` for callers.

``assess`` is the one entry point for the rest of OneWindow (the public
self-assessment, the API, and later the case form): it finds the city's
parameters for the date and hands everything to the pure engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.eligibility import engine
from onewindow.eligibility.engine import (
    Assessment,
    DirectRoute,
    Education,
    Inputs,
    InvalidInputs,
    NoLocalRules,
)
from onewindow.eligibility.models import LocalParameters
from onewindow.offices.models import Area


def city_path(city: str) -> str:
    """``"shenzhen"`` or ``"/shenzhen/"`` → ``"/shenzhen/"``."""
    return "/" + city.strip().strip("/") + "/"


def parameters_for(city_path: str, on_date: dt.date) -> LocalParameters | None:
    """The city's parameters in force on ``on_date``, or ``None`` when no period covers it."""
    return (
        LocalParameters.objects.filter(city__path=city_path, valid_from__lte=on_date)
        .exclude(valid_until__lt=on_date)
        .select_related("city")
        .order_by("-valid_from")
        .first()
    )


def overlapping(
    city: Area,
    valid_from: dt.date,
    valid_until: dt.date | None,
    *,
    exclude_pk: int | None = None,
    ignore_open_before: bool = False,
) -> QuerySet[LocalParameters]:
    """Periods of ``city`` that share at least one day with ``valid_from``–``valid_until``.

    With ``ignore_open_before``, an open-ended period that starts earlier is
    not counted: adding a period closes it (see ``do_add_local_parameters``).
    """
    periods = LocalParameters.objects.filter(city=city).exclude(valid_until__lt=valid_from)
    if valid_until is not None:
        periods = periods.filter(valid_from__lte=valid_until)
    if exclude_pk is not None:
        periods = periods.exclude(pk=exclude_pk)
    if ignore_open_before:
        periods = periods.exclude(valid_until__isnull=True, valid_from__lt=valid_from)
    return periods.order_by("valid_from")


def cities_with_parameters() -> QuerySet[Area]:
    """Cities that have at least one period of parameters, for the self-assessment form."""
    return Area.objects.filter(level=Area.Level.CITY, eligibility_parameters__isnull=False).distinct()


def assess(
    *,
    city: str | None = None,
    on_date: dt.date | None = None,
    annual_salary_cny: int,
    education: str,
    related_experience_years: int,
    months_per_year_in_china: int,
    age: int,
    hsk_level: int = 0,
    former_chinese_national: bool = False,
    chinese_taught_degree: bool = False,
    special_work_location: bool = False,
    high_level_university: bool = False,
    fortune500_experience: bool = False,
    holds_patents: bool = False,
    continuous_years_in_china: int = 0,
    local_bonus: int = 0,
    direct_routes: Iterable[str] = (),
) -> Assessment:
    """Classify an applicant under the parameters of ``city`` (slug or path) on ``on_date`` (today).

    Without a city, the one city that has parameters is meant; when several
    have, the city must be named.

    Raises ``InvalidInputs`` with messages per input name for anything that
    cannot be assessed: an input out of range, an unknown education or
    route, an unknown city, or a date no period of parameters covers
    (``NoLocalRules``).
    """
    on_date = on_date or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if education not in set(Education):
        errors["education"] = [_("Unknown education level “%(value)s”.") % {"value": education}]
    unknown_routes = sorted(set(direct_routes) - set(DirectRoute))
    if unknown_routes:
        errors["direct_routes"] = [
            _("Unknown route “%(value)s”.") % {"value": route} for route in unknown_routes
        ]
    if city is None:
        configured = list(cities_with_parameters().values_list("path", flat=True)[:2])
        if not configured:
            errors["city"] = [_("No city has eligibility parameters yet.")]
            raise InvalidInputs(errors)
        if len(configured) > 1:
            errors["city"] = [_("Name the city: several cities have their own parameters.")]
            raise InvalidInputs(errors)
        city = configured[0]
    path = city_path(city)
    parameters = parameters_for(path, on_date)
    if parameters is None:
        if not Area.objects.filter(path=path, level=Area.Level.CITY).exists():
            errors["city"] = [_("Unknown city “%(value)s”.") % {"value": city}]
            raise InvalidInputs(errors)
        errors["on_date"] = [
            _("No local parameters of this city cover %(date)s; an administrator must add them.")
            % {"date": on_date.isoformat()}
        ]
        raise NoLocalRules(errors)
    if errors:
        raise InvalidInputs(errors)
    inputs = Inputs(
        annual_salary_cny=annual_salary_cny,
        education=Education(education),
        related_experience_years=related_experience_years,
        months_per_year_in_china=months_per_year_in_china,
        age=age,
        hsk_level=hsk_level,
        former_chinese_national=former_chinese_national,
        chinese_taught_degree=chinese_taught_degree,
        special_work_location=special_work_location,
        high_level_university=high_level_university,
        fortune500_experience=fortune500_experience,
        holds_patents=holds_patents,
        continuous_years_in_china=continuous_years_in_china,
        local_bonus=local_bonus,
        direct_routes=frozenset(DirectRoute(route) for route in direct_routes),
    )
    return engine.assess(inputs, parameters.as_rules(), on_date=on_date)
