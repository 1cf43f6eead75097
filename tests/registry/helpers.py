"""Permits with chosen attributes, issued through the whole workflow, for the registry tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from onewindow.permits.models import Permit
from tests.factories import World
from tests.permits.helpers import issue_permit

# The factories' permits are valid from 30 days after today, for 700 days more.
START_IN_DAYS = 30
LENGTH_DAYS = 700


def first_day() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=START_IN_DAYS)


def last_day() -> dt.date:
    return first_day() + dt.timedelta(days=LENGTH_DAYS)


def permit_for(
    world: World,
    *,
    employer: str = "robotics",
    nationality: str = "US",
    born: int = 1990,
    lives: str | None = None,
    category: str = "B",
    language: str = "en",
    **overrides: object,
) -> Permit:
    """A person of ``nationality`` born in ``born`` living in ``lives`` (default: where they work), with a permit."""
    street = world.areas[lives] if lives else world.employers[employer].workplace_street
    person = world.person(
        employer,
        nationality=nationality,
        date_of_birth=dt.date(born, 6, 1),
        residential_street=street,
        language=language,
        **overrides,
    )
    return issue_permit(world, employer=employer, person=person, category=category)
