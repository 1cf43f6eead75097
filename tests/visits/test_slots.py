"""Slots: opening hours on the city's working days, cut by the slot length, with places per window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from onewindow.offices.actions import do_set_calendar_day, do_set_windows
from onewindow.visits import slots
from onewindow.visits.models import SlotSettings
from tests.factories import World
from tests.visits.conftest import at

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def test_it_offers_the_opening_hours_of_working_days_only(stations: World) -> None:
    offered = slots.slots(stations.offices["zhaoshang"], first=D("2026-12-30"), last=D("2027-01-04"))
    days = sorted({s.starts_at.astimezone(at("2026-12-30", "00:00").tzinfo).date() for s in offered})
    # Wednesday (after 10:00), Thursday, not the New Year holiday nor the weekend, Monday.
    assert days == [D("2026-12-30"), D("2026-12-31"), D("2027-01-04")]
    thursday = [s for s in offered if s.starts_at.date() == D("2026-12-31")]
    assert [s.key[-5:] for s in thursday] == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
        "14:00", "14:30", "15:00", "15:30", "16:00", "16:30",
    ]  # fmt: skip
    assert all(s.capacity == 2 and s.free == 2 for s in thursday)


def test_it_offers_nothing_already_begun_today(stations: World) -> None:
    offered = slots.slots(stations.offices["zhaoshang"], first=D("2026-12-30"), last=D("2026-12-30"))
    assert offered[0].starts_at == at("2026-12-30", "10:30")


def test_it_follows_calendar_corrections(stations: World) -> None:
    # A typhoon closes Thursday; Saturday is made a working day (the station opens only Mon-Fri).
    do_set_calendar_day(actor=None, city=None, date=D("2026-12-31"), is_working_day=False, note="Typhoon")
    do_set_calendar_day(actor=None, city=None, date=D("2027-01-02"), is_working_day=True)
    offered = slots.slots(stations.offices["zhaoshang"], first=D("2026-12-31"), last=D("2027-01-04"))
    assert {s.starts_at.date() for s in offered} == {D("2027-01-04")}


def test_it_takes_slot_length_places_and_horizon_from_the_settings(stations: World) -> None:
    office = stations.offices["zhaoshang"]
    SlotSettings.objects.create(office=office, minutes=60, per_window=3, horizon_days=1)
    offered = slots.slots(office, first=D("2026-12-30"), last=D("2027-01-10"))
    assert {s.starts_at.date() for s in offered} == {D("2026-12-30"), D("2026-12-31")}
    assert [s.key[-5:] for s in offered if s.starts_at.date() == D("2026-12-31")] == [
        "09:00", "10:00", "11:00", "14:00", "15:00", "16:00",
    ]  # fmt: skip
    assert offered[0].capacity == 6


def test_it_offers_nothing_without_an_open_window(stations: World) -> None:
    office = stations.offices["zhaoshang"]
    do_set_windows(office, actor=None, count=0)
    assert slots.slots(office, first=D("2026-12-31"), last=D("2026-12-31")) == []


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        (at("2026-12-30", "09:30"), "past"),
        (at("2027-01-01", "09:30"), "holiday"),
        (at("2027-01-02", "09:30"), "holiday"),
        (at("2026-12-31", "12:30"), "closed"),
        (at("2026-12-31", "09:10"), "closed"),
        (at("2026-12-31", "16:45"), "closed"),
        (at("2027-03-01", "09:00"), "too_far"),
    ],
)
def test_it_refuses_a_time_that_is_no_slot(stations: World, moment: dt.datetime, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        slots.check_slot(stations.offices["zhaoshang"], moment)
    assert caught.value.code == code


def test_it_accepts_a_slot_start(stations: World) -> None:
    ends, config = slots.check_slot(stations.offices["zhaoshang"], at("2026-12-31", "16:30"))
    assert ends == at("2026-12-31", "17:00")
    assert config.capacity == 2


def test_it_reads_a_slot_key_as_local_time() -> None:
    assert slots.parse_key("2026-12-31T09:30") == at("2026-12-31", "09:30")
    with pytest.raises(ValidationError):
        slots.parse_key("tomorrow")
