"""`manage.py offices add`: a new city, district, street or station is data, added idempotently and audited."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from onewindow.accounts.actions import do_grant_role
from onewindow.accounts.models import Role
from onewindow.audit.models import Event
from onewindow.cases.models import TimeLimit
from onewindow.offices.hours import HoursError, format_hours, parse_hours
from onewindow.offices.models import Area, Office, OpeningHours, ServiceWindow
from tests.factories import World, make_employer

pytestmark = pytest.mark.django_db

STATION = [
    "offices", "add", "station", "xiangmihu-station",
    "--area", "/shenzhen/futian/xiangmihu/",
    "--name-en", "Xiangmihu station", "--name-zh", "香蜜湖工作站",
    "--covers", "/shenzhen/futian/xiangmihu/",
    "--hours", "mon-fri 09:00-12:00,14:00-18:00; sat 09:00-12:00",
    "--windows", "3",
]  # fmt: skip
STREET = [
    "offices", "add", "street", "xiangmihu", "--in", "/shenzhen/futian/",
    "--name-en", "Xiangmihu", "--name-zh", "香蜜湖街道",
]  # fmt: skip


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def config_events() -> list[str]:
    return list(
        Event.objects.filter(action__startswith="config.").order_by("id").values_list("action", flat=True)
    )


def test_it_adds_a_street_and_a_station_with_its_coverage_hours_and_windows(world: World) -> None:
    assert "Added street /shenzhen/futian/xiangmihu/" in run(*STREET)
    output = run(*STATION)
    assert "Added Work-permit station xiangmihu-station" in output
    station = Office.objects.get(code="xiangmihu-station")
    assert station.kind == Office.Kind.WORK_STATION
    assert station.coverage.get().street.path == "/shenzhen/futian/xiangmihu/"
    hours = list(OpeningHours.objects.filter(office=station).values_list("weekday", "opens", "closes"))
    assert len(hours) == 11
    assert (5, dt.time(9), dt.time(12)) in hours
    assert list(
        ServiceWindow.objects.filter(office=station, is_active=True).values_list("number", flat=True)
    ) == [
        1,
        2,
        3,
    ]
    events = config_events()
    for action in (
        "config.area_create",
        "config.office_create",
        "config.coverage_set",
        "config.opening_hours",
    ):
        assert action in events
    assert "config.windows" in events


def test_it_changes_nothing_when_run_again(world: World) -> None:
    run(*STREET)
    run(*STATION)
    before = config_events()
    assert "already exists; unchanged" in run(*STREET)
    assert "already exists; unchanged" in run(*STATION)
    assert config_events() == before


def test_it_brings_a_station_to_what_the_command_says(world: World) -> None:
    run(*STREET)
    run(*STATION)
    changed = [*STATION[:-1], "1"]
    changed[changed.index("Xiangmihu station")] = "Xiangmihu Street station"
    assert "updated name_en" in run(*changed)
    station = Office.objects.get(code="xiangmihu-station")
    assert station.name_en == "Xiangmihu Street station"
    assert list(station.windows.filter(is_active=True).values_list("number", flat=True)) == [1]
    assert Event.objects.filter(action="config.office_update").exists()
    assert Event.objects.filter(action="config.windows").count() == 2


def test_it_routes_the_new_street_s_applications_to_the_new_station(world: World) -> None:
    run(*STREET)
    street = Area.objects.get(path="/shenzhen/futian/xiangmihu/")
    world.employers["bio"] = make_employer("Bio", street)
    do_grant_role(actor=None, user=world.olga, role=Role.EMPLOYER_HR, employer=world.employers["bio"])
    assert world.application("bio").station == world.offices["hall"]
    run(*STATION)
    assert world.application("bio").station.code == "xiangmihu-station"


def test_it_adds_a_second_city_with_the_statutory_limits_as_data(world: World) -> None:
    run(
        "offices",
        "add",
        "city",
        "guangzhou",
        "--name-en",
        "Guangzhou",
        "--name-zh",
        "广州市",
        "--division-code",
        "440100",
    )
    run(
        "offices",
        "add",
        "district",
        "tianhe",
        "--in",
        "/guangzhou/",
        "--name-en",
        "Tianhe",
        "--name-zh",
        "天河区",
    )
    run(
        "offices",
        "add",
        "office",
        "gz-commission",
        "--kind",
        "commission",
        "--area",
        "/guangzhou/",
        "--name-en",
        "GZ",
        "--name-zh",
        "广州",
    )
    city = Area.objects.get(path="/guangzhou/")
    assert city.division_code == "440100"
    assert TimeLimit.objects.filter(city=city).exists()
    assert Office.objects.get(code="gz-commission").area == city


def test_it_attributes_the_changes_to_the_administrator_named(world: World) -> None:
    run(*STREET, "--by", "heidi@example.org")
    assert (
        Event.objects.get(action="config.area_create", data__path="/shenzhen/futian/xiangmihu/").actor
        == world.heidi
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["offices", "add", "city", "x", "--name-en", "X", "--name-zh", "X"], "division-code"),
        (
            ["offices", "add", "street", "x", "--in", "/nowhere/", "--name-en", "X", "--name-zh", "X"],
            "No area /nowhere/",
        ),
        ([*STATION[:5], "/shenzhen/", *STATION[6:]], "exists as"),
        ([*STATION[:-4], "--hours", "mon 18:00-09:00"], "closes before it opens"),
        ([*STREET, "--by", "nobody@example.org"], "No active user"),
        (
            [
                "offices",
                "add",
                "district",
                "nanshan",
                "--in",
                "/shenzhen/nanshan/",
                "--name-en",
                "X",
                "--name-zh",
                "X",
            ],
            "does not fit under",
        ),
    ],
)
def test_it_refuses_what_does_not_fit(world: World, args: list[str], message: str) -> None:
    run(*STREET)
    if "exists as" in message:
        run(*STATION)
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_it_reads_opening_hours_written_as_text() -> None:
    periods = parse_hours("mon-wed 09:00-12:00,13:30-17:00; sat 9:00-11:00")
    assert periods[:2] == [(0, dt.time(9), dt.time(12)), (0, dt.time(13, 30), dt.time(17))]
    assert (5, dt.time(9), dt.time(11)) in periods
    assert len(periods) == 7
    for bad in ("mon", "mon 9-12", "xyz 09:00-10:00", "fri-mon 09:00-10:00", "mon 09:00-11:00,10:00-12:00"):
        with pytest.raises(HoursError):
            parse_hours(bad)


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 22), st.integers(1, 59)),
        min_size=1,
        max_size=7,
        unique_by=lambda p: p[0],
    )
)
def test_it_reads_back_the_hours_it_writes(spans: list[tuple[int, int, int]]) -> None:
    periods = [(day, dt.time(hour), dt.time(hour, minute)) for day, hour, minute in spans]
    assert parse_hours(format_hours(periods)) == sorted(periods)
