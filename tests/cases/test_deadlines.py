"""Statutory clocks: derived from the case's events, the city's limits and the working-day calendar."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from onewindow.cases import deadlines
from onewindow.cases.actions import (
    do_answer_supplement,
    do_refresh_deadlines,
    do_request_supplement,
    do_set_time_limit,
    do_transition,
)
from onewindow.cases.models import TimeLimit
from onewindow.cases.workflow import Action
from onewindow.offices.actions import do_set_calendar_day
from tests.factories import World

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def test_it_gives_pre_review_five_working_days(world: World) -> None:
    with time_machine.travel(at("2026-11-25"), tick=False):  # a Wednesday
        application = world.application(stage="submitted")
    assert application.due_on == dt.date(2026, 12, 2)


def test_it_gives_a_category_b_decision_ten_working_days_and_a_then_five(world: World) -> None:
    with time_machine.travel(at("2026-11-25"), tick=False):
        b_case = world.application(stage="in_review", category="B")
        a_case = world.application(stage="in_review", category="A")
    assert b_case.due_on == dt.date(2026, 12, 9)
    assert a_case.due_on == dt.date(2026, 12, 2)


def test_it_stops_the_clock_while_waiting_for_a_supplement(world: World) -> None:
    with time_machine.travel(at("2026-11-23"), tick=False):  # Monday
        application = world.application(stage="in_review", category="B")
    assert application.due_on == dt.date(2026, 12, 7)
    with time_machine.travel(at("2026-11-24"), tick=False):
        application = do_request_supplement(application, actor=world.dave, items=[{"text": "More."}])
        assert application.due_on is None
        assert deadlines.clock(application).stopped
    with time_machine.travel(at("2026-11-27"), tick=False):  # Friday: three working days paused
        application = do_answer_supplement(application, actor=world.alice, answer="Here.")
    assert application.due_on == dt.date(2026, 12, 10)


def test_it_predicts_the_decision_from_the_citys_promise(world: World) -> None:
    do_set_time_limit(
        actor=None,
        city=world.areas["shenzhen"],
        step=TimeLimit.Step.PROMISED_TOTAL,
        working_days=7,
        valid_from=dt.date(2026, 1, 1),
    )
    with time_machine.travel(at("2026-11-25"), tick=False):
        application = world.application(stage="submitted")
        clock = deadlines.clock(application)
    assert clock.predicted_decision_on == dt.date(2026, 12, 4)


def test_it_moves_every_open_deadline_when_the_calendar_is_corrected(world: World) -> None:
    with time_machine.travel(at("2026-11-25"), tick=False):
        application = world.application(stage="submitted")
    assert application.due_on == dt.date(2026, 12, 2)
    do_set_calendar_day(
        actor=world.heidi, city=world.areas["shenzhen"], date=dt.date(2026, 11, 27), is_working_day=False
    )
    with time_machine.travel(at("2026-11-25"), tick=False):
        do_refresh_deadlines(city_path="/shenzhen/")
    application.refresh_from_db()
    assert application.due_on == dt.date(2026, 12, 3)


def test_it_counts_working_days_left_and_overdue(world: World) -> None:
    with time_machine.travel(at("2026-11-25"), tick=False):
        application = world.application(stage="submitted")
    assert deadlines.working_days_left(application, today=dt.date(2026, 11, 30)) == 2
    assert deadlines.working_days_left(application, today=dt.date(2026, 12, 4)) == -2


def test_it_has_no_deadline_for_a_draft_or_a_decided_case(world: World) -> None:
    assert world.application().due_on is None
    assert world.application(stage="approved").due_on is None


def test_it_refuses_a_time_limit_that_ends_before_it_starts(world: World) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        do_set_time_limit(
            actor=None,
            city=world.areas["shenzhen"],
            step=TimeLimit.Step.PROMISED_TOTAL,
            working_days=7,
            valid_from=dt.date(2026, 6, 1),
            valid_until=dt.date(2026, 1, 1),
        )


def test_it_recomputes_the_deadline_on_resubmission(world: World) -> None:
    from onewindow.cases.actions import do_return_application

    with time_machine.travel(at("2026-11-23"), tick=False):
        application = world.application(stage="submitted")
        application = do_return_application(
            application, actor=world.carol, corrections=[{"text": "Sign it."}]
        )
        assert application.due_on is None
    with time_machine.travel(at("2026-11-30"), tick=False):
        application = do_transition(application, actor=world.alice, action=Action.RESUBMIT)
    assert application.due_on == dt.date(2026, 12, 7)
