"""How many statements the two hottest requests send: pinned, so that a change adding a round trip
to reading a case or filing one is seen in review (a count, not a timing: it does not depend on the
machine). The counts include the sealing pass after the commit; savepoints are not counted.

Before these were pinned, reading a case sent 16 statements and filing one 35 (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.audit.chain import verify
from onewindow.audit.models import Event, PendingSeal
from onewindow.cases.workflow import Kind
from tests.api.conftest import ApiClient
from tests.api.test_cases_api import new_case
from tests.factories import World, make_application

pytestmark = pytest.mark.django_db

# (PostgreSQL, SQLite): PostgreSQL inserts an event with its queue row, and a batch of seals with
# the removal of their queue rows, in one statement each; SQLite needs two.
READ_CASE = {"postgresql": 10, "sqlite": 11}
SUBMIT_CASE = {"postgresql": 17, "sqlite": 18}


def _statements(context: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in context.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_reading_a_case_is_ten_statements_with_its_audit_event_sealed(
    world: World, api_as: Callable[..., ApiClient], django_capture_on_commit_callbacks: Callable
) -> None:
    case = make_application(world, person=world.people["bob"], kind=Kind.NEW_IN_CHINA, stage="submitted")
    api = api_as(world.bob, "read")
    with django_capture_on_commit_callbacks(execute=True):
        api.get(f"/cases/{case.reference}")  # the token's "last used" is written once, not per call
    with (
        CaptureQueriesContext(connection) as context,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api.get(f"/cases/{case.reference}")
    assert response.status_code == 200
    statements = _statements(context)
    assert len(statements) == READ_CASE[connection.vendor], "\n".join(statements)
    # The view is still in the audit trail, sealed into the chain.
    view = Event.objects.filter(action="application.view", application=case).latest("id")
    assert view.actor == world.bob
    assert not PendingSeal.objects.filter(event=view).exists()
    assert hasattr(view, "seal")
    assert verify().ok


def test_filing_a_case_with_an_idempotency_key_is_seventeen_statements(
    world: World, api_as: Callable[..., ApiClient], django_capture_on_commit_callbacks: Callable
) -> None:
    api = api_as(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/cases", new_case(world.person().pk), HTTP_IDEMPOTENCY_KEY="warm-up")
    person = world.person()
    with (
        CaptureQueriesContext(connection) as context,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api.post("/cases", new_case(person.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201
    statements = _statements(context)
    assert len(statements) == SUBMIT_CASE[connection.vendor], "\n".join(statements)
    body = response.json()
    assert body["decisions"] == [] and body["corrections"] == []
    assert body["person"]["id"] == person.pk
    created = Event.objects.get(action="case.create", data__person=person.pk)
    assert response["ETag"] == f'"{created.application_id}-1"'
    assert hasattr(created, "seal")
    assert verify().ok
    replay = api.post("/cases", new_case(person.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.json() == body
