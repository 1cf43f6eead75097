"""Permit numbers under real concurrency: threads on PostgreSQL (issuing twice: tests/cases).

SQLite takes the write lock at BEGIN (IMMEDIATE), so it serialises writers
by construction and proves nothing here; these tests run on PostgreSQL only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from onewindow.permits.actions import allocate_permit_number
from onewindow.permits.models import NumberCounter, PermitNumber
from onewindow.permits.numbers import is_valid_number
from tests.factories import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(jobs: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Start every job at the same instant, each in its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            value = job()
            with lock:
                results.append(value)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def _allocate(person: Any) -> Callable[[], str]:
    def job() -> str:
        with transaction.atomic():
            return allocate_permit_number(person, division_code="440300", year=2026).number

    return job


def test_it_allocates_distinct_numbers_to_people_numbered_at_once() -> None:
    world = build_world()
    people = [world.person() for _ in range(8)]
    numbers, errors = run_together([_allocate(person) for person in people])
    assert errors == []
    assert len(set(numbers)) == 8
    assert all(is_valid_number(number) for number in numbers)
    assert sorted(int(n[10:17]) for n in numbers) == list(range(1, 9))
    assert NumberCounter.objects.get(division_code="440300", year=2026).next_serial == 9


def test_it_gives_one_person_numbered_at_once_a_single_number() -> None:
    world = build_world()
    person = world.person()
    numbers, errors = run_together([_allocate(person) for _ in range(6)])
    assert errors == []
    assert len(set(numbers)) == 1
    assert PermitNumber.objects.filter(person=person).count() == 1
