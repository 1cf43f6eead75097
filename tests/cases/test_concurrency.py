"""Two officers at once, double issuance, retried submissions: with real threads on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from onewindow.audit.models import Event
from onewindow.cases.actions import do_create_application, do_transition
from onewindow.cases.models import Application
from onewindow.cases.workflow import Action, Kind, Status, TransitionRefused
from onewindow.permits.models import Permit
from tests.factories import ASSESSMENT_FACTS, World, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same instant; return results or exceptions."""
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
def live_world(transactional_db: None) -> World:
    return build_world()


def test_it_lets_one_of_two_officers_accept_and_refuses_the_other(live_world: World) -> None:
    application = live_world.application(stage="submitted")

    def accept() -> Application:
        return do_transition(
            Application.objects.get(pk=application.pk), actor=live_world.carol, action=Action.ACCEPT
        )

    results = race(accept, accept)
    refused = [r for r in results if isinstance(r, TransitionRefused)]
    accepted = [r for r in results if isinstance(r, Application)]
    assert len(accepted) == 1
    assert len(refused) == 1
    assert Event.objects.filter(application=application, action="case.accept").count() == 1
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_it_issues_a_permit_only_once(live_world: World) -> None:
    from onewindow.permits.actions import do_issue_permit

    application = live_world.application(stage="verified")

    def issue() -> Permit:
        return do_issue_permit(
            Application.objects.get(pk=application.pk), actor=live_world.carol, residence_permit_number="RP1"
        )

    results = race(issue, issue, issue)
    assert sum(isinstance(r, Permit) for r in results) == 1
    assert Permit.objects.filter(application=application).count() == 1


def test_it_creates_one_application_for_a_retried_submission(live_world: World) -> None:
    person = live_world.person()

    def submit() -> Application:
        return do_create_application(
            actor=live_world.alice,
            employer=live_world.employers["robotics"],
            person=person,
            kind=Kind.NEW_IN_CHINA,
            position="Engineer",
            annual_salary_cny=500_000,
            details={"basis": "intra_group"},
            assessment_facts=ASSESSMENT_FACTS,
            client_token="same-key",
        )

    results = race(submit, submit, submit)
    assert all(isinstance(r, Application) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Application.objects.filter(person=person).count() == 1
