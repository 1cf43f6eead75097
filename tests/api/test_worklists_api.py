"""Decisions and permits of a case, and the staff worklists (the exit-entry office's queue among them)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from onewindow.cases.workflow import Kind
from tests.api.conftest import ApiClient
from tests.factories import World

pytestmark = pytest.mark.django_db
ApiAs = Callable[..., ApiClient]


def test_it_reads_the_decisions_and_permits_of_a_case(world: World, api_as: ApiAs) -> None:
    application = world.application(stage="completed")
    api = api_as(world.alice)
    decisions = api.get(f"/cases/{application.reference}/decisions").json()
    assert {d["authority"] for d in decisions} == {"work_permit", "residence_permit"}
    assert all(d["reasons"][0]["legal_basis"] for d in decisions)
    permits = api.get(f"/cases/{application.reference}/permits").json()
    assert permits["work_permit"]["status"] == "active"
    assert permits["residence_permit"]["number"] == "RP12345678"
    assert api_as(world.olga).get(f"/cases/{application.reference}/permits").status_code == 404
    draft = world.application()
    assert api.get(f"/cases/{draft.reference}/permits").json() == {
        "work_permit": None,
        "residence_permit": None,
    }


def test_the_window_worklist_holds_its_stations_submitted_cases(world: World, api_as: ApiAs) -> None:
    ours = world.application(stage="submitted")
    theirs = world.application("lab", stage="submitted")
    world.application()  # a draft: not at the window yet
    rows = api_as(world.carol).get("/worklists/window_officer").json()["items"]
    assert [row["reference"] for row in rows] == [ours.reference]
    rows = api_as(world.cora).get("/worklists/window_officer?status=submitted").json()["items"]
    assert [row["reference"] for row in rows] == [theirs.reference]


def test_the_exit_entry_queue_holds_cases_needing_a_residence_permit(world: World, api_as: ApiAs) -> None:
    needs = world.application(stage="in_review")
    world.application(kind=Kind.SHORT_TERM, stage="in_review")
    api = api_as(world.erin)
    rows = api.get("/worklists/immigration_officer").json()["items"]
    assert [row["reference"] for row in rows] == [needs.reference]
    reviewer = api_as(world.dave).get("/worklists/reviewer").json()["items"]
    assert len(reviewer) == 2


def test_it_filters_and_pages_a_worklist(world: World, api_as: ApiAs) -> None:
    cases = [world.application(stage="in_review") for _ in range(3)]
    api = api_as(world.dave)
    first = api.get("/worklists/reviewer?limit=2").json()
    second = api.get(f"/worklists/reviewer?limit=2&cursor={first['next_cursor']}").json()
    seen = [row["reference"] for row in first["items"] + second["items"]]
    assert sorted(seen) == sorted(c.reference for c in cases)
    assert second["next_cursor"] is None
    assert api.get("/worklists/reviewer?kind=short_term").json()["items"] == []
    assert api.get("/worklists/reviewer?office=nowhere").json()["items"] == []
    assert api.get("/worklists/reviewer?status=draft").json()["items"] == []
    assert api.get("/worklists/reviewer?submitted_after=2999-01-01").json()["items"] == []
    assert api.get("/worklists/reviewer?kind=flying").status_code == 422
    assert api.get("/worklists/reviewer?cursor=bm9wZQ").status_code == 400


def test_a_role_one_does_not_hold_has_no_worklist(world: World, api_as: ApiAs) -> None:
    assert api_as(world.alice).get("/worklists/reviewer").status_code == 404
    assert api_as(world.carol).get("/worklists/immigration_officer").status_code == 404
    assert api_as(world.carol).get("/worklists/cook").status_code == 422


def test_it_downloads_the_printable_work_permit(world: World, api_as: ApiAs) -> None:
    from onewindow.permits.actions import do_rotate_signing_key

    application = world.application(stage="completed")
    path = f"/cases/{application.reference}/permits/work-permit.pdf"
    api = api_as(world.alice)
    assert api.get(path).status_code == 409  # no signing key yet
    do_rotate_signing_key(actor=None)
    response = api.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert api_as(world.olga).get(path).status_code == 404
    assert api.get(f"/cases/{world.application().reference}/permits/work-permit.pdf").status_code == 404
