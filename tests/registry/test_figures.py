"""Area figures against hand-computed fixtures: both bases, every dimension, roll-ups, dates, flows."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from onewindow.offices.models import Area
from onewindow.permits.actions import do_revoke_permit
from onewindow.registry import selectors
from onewindow.registry.dimensions import Basis, Dimension
from tests.factories import World
from tests.permits.helpers import cancel, extend
from tests.registry.helpers import first_day, last_day, permit_for

pytestmark = pytest.mark.django_db

WORK, HOME = Basis.WORKPLACE.value, Basis.RESIDENCE.value
ZHAOSHANG, LIANHUA, NANSHAN, FUTIAN, CITY = "zhaoshang", "lianhua", "nanshan", "futian", "shenzhen"


def area(code: str) -> Area:
    return Area.objects.get(code=code)


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def four(world: World) -> dict[str, object]:
    """Three at Robotics (Zhaoshang), one at the Lab (Lianhua); two of them live in Lianhua."""
    year = first_day().year
    return {
        "us_home": permit_for(world, nationality="US", born=year - 36),
        "us_away": permit_for(world, nationality="US", born=year - 36, lives="lianhua"),
        "gb_senior": permit_for(world, nationality="GB", born=year - 50, category="A"),
        "fr_lab": permit_for(world, employer="lab", nationality="FR", born=year - 24),
    }


def test_it_counts_the_valid_permits_of_a_street_by_workplace_and_by_residence(four: dict) -> None:
    day = first_day()  # ages are those reached in this day's year
    zhaoshang = selectors.stock(area(ZHAOSHANG), day)
    assert zhaoshang.total(WORK) == 3
    assert zhaoshang.table(WORK, Dimension.NATIONALITY) == {"US": 2, "GB": 1}
    assert zhaoshang.table(WORK, Dimension.CATEGORY) == {"B": 2, "A": 1}
    assert zhaoshang.table(WORK, Dimension.AGE) == {"35-44": 2, "45-54": 1}
    assert zhaoshang.table(WORK, Dimension.INDUSTRY) == {"I": 3}
    assert zhaoshang.table(WORK, Dimension.SIZE) == {"small": 3}
    assert zhaoshang.table(WORK, Dimension.KIND) == {"new_in_china": 3}
    # Two of the three live in Zhaoshang; the third lives in Lianhua, with the Lab's employee.
    assert zhaoshang.total(HOME) == 2
    assert zhaoshang.table(HOME, Dimension.NATIONALITY) == {"US": 1, "GB": 1}
    lianhua = selectors.stock(area(LIANHUA), day)
    assert lianhua.total(WORK) == 1
    assert lianhua.table(WORK, Dimension.NATIONALITY) == {"FR": 1}
    assert lianhua.table(HOME, Dimension.NATIONALITY) == {"US": 1, "FR": 1}
    assert lianhua.table(HOME, Dimension.AGE) == {"35-44": 1, "u25": 1}


def test_it_rolls_streets_up_into_their_district_and_city(four: dict, world: World) -> None:
    day = first_day() + dt.timedelta(days=10)
    assert selectors.stock(area(NANSHAN), day).cells == selectors.stock(area(ZHAOSHANG), day).cells
    city = selectors.stock(area(CITY), day)
    assert city.total(WORK) == city.total(HOME) == 4
    assert city.table(WORK, Dimension.NATIONALITY) == {"US": 2, "GB": 1, "FR": 1}
    assert selectors.stock(area(FUTIAN), day).table(HOME, Dimension.NATIONALITY) == {"US": 1, "FR": 1}
    parts = selectors.parts(world.areas["shenzhen"], day, WORK)
    assert [(area.code, count) for area, count in parts] == [("futian", 1), ("nanshan", 3)]
    streets = selectors.parts(world.areas["futian"], day, HOME)
    assert [(area.code, count) for area, count in streets] == [("lianhua", 2)]
    assert selectors.parts(world.areas["zhaoshang"], day, WORK) == []


def test_it_counts_a_permit_from_its_first_to_its_last_day(four: dict) -> None:
    assert selectors.stock(area(CITY), first_day() - dt.timedelta(days=1)).total(WORK) == 0
    assert selectors.stock(area(CITY), first_day()).total(WORK) == 4
    assert selectors.stock(area(CITY), last_day()).total(WORK) == 4
    assert selectors.stock(area(CITY), last_day() + dt.timedelta(days=1)).total(WORK) == 0


def test_it_moves_a_holder_into_the_next_age_band_on_the_first_of_january(four: dict) -> None:
    new_year = dt.date(first_day().year + 1, 1, 1)
    before = selectors.stock(area(LIANHUA), new_year - dt.timedelta(days=1)).table(WORK, Dimension.AGE)
    after = selectors.stock(area(LIANHUA), new_year).table(WORK, Dimension.AGE)
    assert (before, after) == ({"u25": 1}, {"25-34": 1})


def test_it_counts_employers_with_foreign_staff_by_industry_and_size(four: dict) -> None:
    day = first_day() + dt.timedelta(days=10)
    zhaoshang = selectors.employers(area(ZHAOSHANG), day)
    assert (zhaoshang.total, zhaoshang.by_industry, zhaoshang.by_size) == (1, {"I": 1}, {"small": 1})
    assert selectors.employers(area(CITY), day).total == 2
    assert selectors.employers(area(CITY), first_day() - dt.timedelta(days=1)).total == 0


def test_it_stops_counting_a_cancelled_or_revoked_permit_on_the_day_it_ended(
    four: dict, world: World
) -> None:
    cancelled_on = first_day() + dt.timedelta(days=100)
    revoked_on = first_day() + dt.timedelta(days=200)
    with time_machine.travel(noon(cancelled_on)):
        cancel(world, four["us_away"])
    with time_machine.travel(noon(revoked_on)):
        do_revoke_permit(four["gb_senior"], actor=world.dave, reason="Fraudulent documents")
    count = lambda day: selectors.stock(area(ZHAOSHANG), day).total(WORK)  # noqa: E731
    assert count(cancelled_on - dt.timedelta(days=1)) == 3
    assert count(cancelled_on) == 2
    assert count(revoked_on - dt.timedelta(days=1)) == 2
    assert count(revoked_on) == 1
    assert selectors.stock(area(LIANHUA), cancelled_on).total(HOME) == 1  # the cancelled one lived there


def test_it_counts_new_cancelled_and_revoked_permits_per_month(four: dict, world: World) -> None:
    cancelled_on = first_day() + dt.timedelta(days=100)
    with time_machine.travel(noon(cancelled_on)):
        cancel(world, four["us_away"])
        do_revoke_permit(four["gb_senior"], actor=world.dave, reason="Fraudulent documents")
    issued_month = dt.date.today().replace(day=1)
    flows = selectors.flows(area(ZHAOSHANG), cancelled_on, WORK, months=24)
    assert flows[issued_month]["new"] == 3
    assert flows[cancelled_on.replace(day=1)]["cancelled"] == 1
    assert flows[cancelled_on.replace(day=1)]["revoked"] == 1
    assert sum(month["extended"] for month in flows.values()) == 0
    home = selectors.flows(area(LIANHUA), cancelled_on, HOME, months=24)
    assert (home[issued_month]["new"], home[cancelled_on.replace(day=1)]["cancelled"]) == (2, 1)


def test_it_counts_an_extension_without_a_gap_and_as_extended(four: dict, world: World) -> None:
    old = four["us_home"]
    new = extend(world, old)
    assert new.valid_from == old.valid_until + dt.timedelta(days=1)
    at_end = selectors.stock(area(ZHAOSHANG), old.valid_until)
    after = selectors.stock(area(ZHAOSHANG), new.valid_from)
    assert at_end.total(WORK) == 3
    assert after.total(WORK) == 1  # the two others expired; the extended one goes on
    assert after.table(WORK, Dimension.KIND) == {"extension": 1}
    filed = (old.valid_until - dt.timedelta(days=60)).replace(day=1)
    assert selectors.flows(area(ZHAOSHANG), filed, WORK)[filed]["extended"] == 1
