"""The maintained counts under real concurrency (PostgreSQL: SQLite serialises every writer anyway)."""

from __future__ import annotations

import pytest
from django.db import connection

from onewindow.people.actions import do_update_person
from onewindow.permits.actions import do_issue_permit, do_revoke_permit
from onewindow.registry.selectors import check_counts, stock
from tests.factories import build_world
from tests.permits.test_concurrency import run_together
from tests.registry.helpers import first_day, permit_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_it_counts_every_permit_issued_at_once_in_one_street() -> None:
    world = build_world()
    ready = [world.application(stage="verified") for _ in range(6)]
    jobs = [
        lambda application=application: do_issue_permit(application, actor=world.carol)
        for application in ready
    ]
    _results, errors = run_together(jobs)
    connection.close()
    assert errors == []
    assert stock(world.areas["zhaoshang"], first_day()).total("work") == 6
    assert check_counts() == (0, [])


def test_it_counts_a_revocation_and_a_move_of_the_same_person_at_once() -> None:
    world = build_world()
    permit = permit_for(world, lives="zhaoshang")
    jobs = [
        lambda: do_revoke_permit(permit, actor=world.dave, reason="Forged contract"),
        lambda: do_update_person(permit.person, actor=world.alice, residential_street=world.areas["lianhua"]),
    ]
    _results, errors = run_together(jobs)
    connection.close()
    assert errors == []
    assert check_counts() == (0, [])
