"""A new street or station is data: routing follows the coverage rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from onewindow.cases.workflow import Kind
from onewindow.offices.actions import do_create_area, do_create_office, do_set_coverage
from onewindow.offices.models import Area, Office
from onewindow.offices.selectors import station_for_street
from tests.factories import World, make_employer

pytestmark = pytest.mark.django_db


def test_it_routes_a_street_to_its_covering_station(world: World) -> None:
    assert station_for_street(world.areas["zhaoshang"]) == world.offices["zhaoshang"]


def test_it_falls_back_to_the_civic_hall_for_a_street_without_a_station(world: World) -> None:
    shekou = do_create_area(
        actor=None,
        parent=world.areas["nanshan"],
        code="shekou",
        level=Area.Level.STREET,
        name_en="Shekou",
        name_zh="蛇口",
    )
    assert station_for_street(shekou) == world.offices["hall"]


def test_it_routes_new_applications_to_a_station_added_as_data(world: World) -> None:
    shekou = do_create_area(
        actor=None,
        parent=world.areas["nanshan"],
        code="shekou",
        level=Area.Level.STREET,
        name_en="Shekou",
        name_zh="蛇口",
    )
    employer = make_employer("Harbour", shekou)
    world.employers["harbour"] = employer
    before = world.application("harbour")
    assert before.station == world.offices["hall"]
    station = do_create_office(
        actor=None,
        code="shekou",
        kind=Office.Kind.WORK_STATION,
        area=shekou,
        name_en="Shekou station",
        name_zh="蛇口工作站",
        covers=[shekou],
    )
    after = world.application("harbour", kind=Kind.NEW_IN_CHINA)
    assert after.station == station
    assert after.area_path == "/shenzhen/nanshan/shekou/"


def test_it_moves_a_street_from_one_station_to_another(world: World) -> None:
    do_set_coverage(actor=world.heidi, office=world.offices["lianhua"], street=world.areas["zhaoshang"])
    assert station_for_street(world.areas["zhaoshang"]) == world.offices["lianhua"]


def test_it_refuses_a_level_that_does_not_fit_the_tree(world: World) -> None:
    with pytest.raises(ValidationError):
        do_create_area(
            actor=None,
            parent=world.areas["zhaoshang"],
            code="x",
            level=Area.Level.STREET,
            name_en="X",
            name_zh="X",
        )
    with pytest.raises(ValidationError):
        do_create_area(
            actor=None,
            parent=world.areas["shenzhen"],
            code="y",
            level=Area.Level.STREET,
            name_en="Y",
            name_zh="Y",
        )


def test_it_refuses_coverage_by_an_office_that_does_not_accept_applications(world: World) -> None:
    with pytest.raises(ValidationError):
        do_set_coverage(actor=None, office=world.offices["commission"], street=world.areas["lianhua"])
