"""Two applicants booking the last place at once, with real threads and row locks on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from onewindow.cases.models import Application
from onewindow.offices.actions import do_set_opening_hours, do_set_windows
from onewindow.offices.hours import parse_hours
from onewindow.visits.actions import do_book_appointment, do_issue_ticket
from onewindow.visits.models import Appointment, Ticket
from tests.factories import World, build_world
from tests.visits.conftest import HOURS, at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def live_world(transactional_db: None, clock: time_machine.Traveller) -> Iterator[World]:
    world = build_world()
    do_set_opening_hours(world.offices["zhaoshang"], actor=None, periods=parse_hours(HOURS))
    do_set_windows(world.offices["zhaoshang"], actor=None, count=1)
    yield world


def test_it_gives_the_last_place_to_one_of_two_applicants(live_world: World) -> None:
    first, second = (live_world.application(stage="approved") for _ in range(2))

    def book(application: Application) -> Callable[[], Appointment]:
        return lambda: do_book_appointment(
            Application.objects.get(pk=application.pk),
            actor=live_world.alice,
            starts_at=at("2026-12-31", "09:00"),
        )

    results = race(book(first), book(second))
    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(booked) == 1 and len(refused) == 1, results
    assert "full" in refused[0].messages[0]
    assert Appointment.objects.count() == 1


def test_it_numbers_tickets_issued_at_once_without_repeats(live_world: World) -> None:
    office = live_world.offices["zhaoshang"]
    results = race(*(lambda: do_issue_ticket(office, actor=live_world.carol) for _ in range(4)))
    assert all(isinstance(r, Ticket) for r in results), results
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
