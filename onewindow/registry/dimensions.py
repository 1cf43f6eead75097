"""What the area statistics count, and how each value is labelled (pure Python, no ORM).

A permit is counted in two places: the street of its employer's workplace
and the street where its holder lives. Within each, it is counted once per
dimension (nationality, category, ...). Ages are the age reached during the
year (``year - birth_year``): the birth year is the only part of the date of
birth kept in clear, and it is enough to move a person between bands on the
1st of January without reading any encrypted field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Basis(models.TextChoices):
    WORKPLACE = "work", _("By workplace")
    RESIDENCE = "home", _("By residence")


class Dimension(models.TextChoices):
    TOTAL = "total", _("All")
    NATIONALITY = "nationality", _("Nationality")
    CATEGORY = "category", _("Category")
    INDUSTRY = "industry", _("Industry of the employer")
    AGE = "age", _("Age")
    KIND = "kind", _("Permit issued on")
    SIZE = "size", _("Size of the employer")
    EMPLOYER = "employer", _("Employer")


class Grain(models.TextChoices):
    """The three resolutions of the running count (see ``registry.models.AreaCount``)."""

    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


class Flow(models.TextChoices):
    NEW = "new", _("New permits")
    EXTENDED = "extended", _("Extended")
    CHANGED = "changed", _("Changed or re-issued")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")


# Which flow an issuance counts as, by the kind of the application that issued it.
FLOW_OF_KIND: dict[str, str] = {
    "extension": Flow.EXTENDED.value,
    "change": Flow.CHANGED.value,
    "reissue": Flow.CHANGED.value,
}


@dataclass(frozen=True)
class AgeBand:
    code: str
    lowest: int
    highest: int
    label: Any


AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("u25", 0, 24, _("Under 25")),
    AgeBand("25-34", 25, 34, _("25–34")),
    AgeBand("35-44", 35, 44, _("35–44")),
    AgeBand("45-54", 45, 54, _("45–54")),
    AgeBand("55-64", 55, 64, _("55–64")),
    AgeBand("65+", 65, 199, _("65 and over")),
)


def age_band(age: int) -> str:
    for band in AGE_BANDS:
        if band.lowest <= age <= band.highest:
            return band.code
    return AGE_BANDS[-1].code


# The dimensions shown on the dashboard, in order (the employer dimension only feeds counts of employers).
SHOWN_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension.NATIONALITY,
    Dimension.CATEGORY,
    Dimension.INDUSTRY,
    Dimension.AGE,
    Dimension.KIND,
    Dimension.SIZE,
)


def _choices_label(choices: Any) -> Callable[[str], str]:
    labels = dict(choices)

    def label(value: str) -> str:
        return str(labels.get(value, value))

    return label


def labeller(dimension: str) -> Callable[[str], str]:
    """A function giving the label of a value of ``dimension`` in the active language."""
    from django_countries import countries

    from onewindow.cases.models import Category
    from onewindow.cases.workflow import KIND_LABELS
    from onewindow.employers.models import Industry, SizeBand

    if dimension == Dimension.NATIONALITY:
        return lambda code: str(countries.name(code)) or code
    if dimension == Dimension.CATEGORY:
        return _choices_label(Category.choices)
    if dimension == Dimension.INDUSTRY:
        return _choices_label(Industry.choices)
    if dimension == Dimension.SIZE:
        return _choices_label(SizeBand.choices)
    if dimension == Dimension.KIND:
        return _choices_label([(kind.value, label) for kind, label in KIND_LABELS.items()])
    if dimension == Dimension.AGE:
        return _choices_label([(band.code, band.label) for band in AGE_BANDS])
    if dimension == Dimension.TOTAL:
        return lambda _value: str(_("All"))
    return lambda value: value


def fixed_values(dimension: str) -> list[str]:
    """Every value of a short closed dimension (listed even when zero); empty for the others,
    which list only the values that occur (nationalities, the twenty industry sections, kinds)."""
    from onewindow.cases.models import Category
    from onewindow.employers.models import SizeBand

    if dimension == Dimension.CATEGORY:
        return [str(value) for value in Category.values]
    if dimension == Dimension.SIZE:
        return [str(value) for value in SizeBand.values]
    if dimension == Dimension.AGE:
        return [band.code for band in AGE_BANDS]
    return []
