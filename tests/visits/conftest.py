"""The one visit's tests run on a fixed clock: Wednesday 2026-12-30, 10:00 in Shenzhen.

Thursday 31 December is a working day, Friday 1 January 2027 a public
holiday, then a weekend; Monday 4 January is a working day. Both stations
open Monday to Friday 09:00-12:00 and 14:00-17:00 with two windows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from onewindow.cases.models import Application
from onewindow.offices.actions import do_set_opening_hours, do_set_windows
from onewindow.offices.hours import parse_hours
from tests.factories import World

SHENZHEN = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 30, 10, 0, tzinfo=SHENZHEN)
HOURS = "mon-fri 09:00-12:00,14:00-17:00"


def at(day: str, hhmm: str) -> dt.datetime:
    """A moment in Shenzhen: ``at("2026-12-31", "09:30")``."""
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=SHENZHEN)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def stations(world: World) -> World:
    """The world with both stations open for appointments (two windows each)."""
    for code in ("zhaoshang", "lianhua"):
        do_set_opening_hours(world.offices[code], actor=None, periods=parse_hours(HOURS))
        do_set_windows(world.offices[code], actor=None, count=2)
    return world


@pytest.fixture
def due(stations: World) -> Application:
    """An approved application of Robotics (alice, Zhaoshang station) waiting for its visit."""
    return stations.application(stage="approved")
