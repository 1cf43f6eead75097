"""The appointments API: free slots, book (Idempotency-Key), read (ETag), reschedule and cancel (If-Match)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.api.models import ApiToken
from onewindow.api.tokens import do_create_token
from onewindow.cases.models import Application
from onewindow.visits.models import Appointment
from tests.factories import World

pytestmark = pytest.mark.django_db

THURSDAY_0930 = "2026-12-31T09:30:00+08:00"


class Api:
    def __init__(self, user: User) -> None:
        _token, secret = do_create_token(actor=user, owner=user, name="test", scope=ApiToken.Scope.WRITE)
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def call(self, method: str, path: str, data: Any = None, **headers: str) -> Any:
        return getattr(self.client, method)(
            f"/api/v1{path}", data=data or {}, content_type="application/json", **self.auth, **headers
        )


def path(application: Application, rest: str = "/appointment") -> str:
    return f"/cases/{application.reference}{rest}"


def test_it_lists_free_slots(stations: World, due: Application) -> None:
    response = Api(stations.alice).call("get", path(due, "/slots?start=2026-12-31&days=1"), None)
    assert response.status_code == 200
    slots = response.json()
    assert slots[0] == {
        "starts_at": "2026-12-31T09:00:00+08:00",
        "ends_at": "2026-12-31T09:30:00+08:00",
        "free": 2,
    }
    assert len(slots) == 12
    holiday = Api(stations.alice).call("get", path(due, "/slots?start=2027-01-01&days=3"))
    assert holiday.json() == []


def test_it_lists_nothing_for_a_case_not_due(stations: World) -> None:
    application = stations.application(stage="in_review")
    assert Api(stations.alice).call("get", path(application, "/slots")).json() == []


def test_it_books_once_per_idempotency_key(stations: World, due: Application) -> None:
    api = Api(stations.alice)
    first = api.call("post", path(due), {"starts_at": THURSDAY_0930}, HTTP_IDEMPOTENCY_KEY="b-1")
    assert first.status_code == 201
    body = first.json()
    assert (body["reference"], body["starts_at"], body["status"], body["station"]["code"]) == (
        due.reference,
        THURSDAY_0930,
        "booked",
        "zhaoshang",
    )
    assert first["Location"] == f"/api/v1{path(due)}"
    again = api.call("post", path(due), {"starts_at": THURSDAY_0930}, HTTP_IDEMPOTENCY_KEY="b-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Appointment.objects.count() == 1
    twice = api.call("post", path(due), {"starts_at": "2026-12-31T10:00:00+08:00"})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "exists"


@pytest.mark.parametrize(
    ("starts_at", "status", "code"),
    [
        ("2026-12-30T09:00:00+08:00", 422, "past"),
        ("2027-01-01T09:00:00+08:00", 422, "holiday"),
        ("2026-12-31T12:30:00+08:00", 422, "closed"),
        ("not a time", 422, "invalid"),
    ],
)
def test_it_refuses_bad_times_in_the_one_error_shape(
    stations: World, due: Application, starts_at: str, status: int, code: str
) -> None:
    response = Api(stations.alice).call("post", path(due), {"starts_at": starts_at})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_it_refuses_a_full_slot_as_a_conflict(stations: World) -> None:
    api = Api(stations.alice)
    cases = [stations.application(stage="approved") for _ in range(3)]
    for application in cases[:2]:
        assert api.call("post", path(application), {"starts_at": THURSDAY_0930}).status_code == 201
    full = api.call("post", path(cases[2]), {"starts_at": THURSDAY_0930})
    assert full.status_code == 409 and full.json()["error"]["code"] == "full"


def test_it_reads_reschedules_and_cancels_with_etags(stations: World, due: Application) -> None:
    api = Api(stations.alice)
    api.call("post", path(due), {"starts_at": THURSDAY_0930})
    read = api.call("get", path(due))
    etag = read["ETag"]
    assert read.status_code == 200 and read.json()["version"] == 1
    later = {"starts_at": "2027-01-04T14:00:00+08:00"}
    assert api.call("post", path(due, "/appointment/reschedule"), later).status_code == 428
    moved = api.call("post", path(due, "/appointment/reschedule"), later, HTTP_IF_MATCH=etag)
    assert moved.status_code == 200
    assert (moved.json()["starts_at"], moved.json()["rescheduled_count"]) == ("2027-01-04T14:00:00+08:00", 1)
    stale = api.call(
        "post", path(due, "/appointment/reschedule"), {"starts_at": THURSDAY_0930}, HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert api.call("delete", path(due), HTTP_IF_MATCH=etag).status_code == 412
    cancelled = api.call("delete", path(due), HTTP_IF_MATCH=moved["ETag"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    gone = api.call("get", path(due))
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


def test_officers_read_but_do_not_book(stations: World, due: Application) -> None:
    Api(stations.alice).call("post", path(due), {"starts_at": THURSDAY_0930})
    carol = Api(stations.carol)
    assert carol.call("get", path(due)).status_code == 200
    refused = carol.call("post", path(due), {"starts_at": "2026-12-31T10:00:00+08:00"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("persona", ["olga", "cora", "dina"])
def test_another_areas_users_get_404(stations: World, due: Application, persona: str) -> None:
    api = Api(stations.users[persona])
    assert api.call("get", path(due, "/slots")).status_code == 404
    assert api.call("post", path(due), {"starts_at": THURSDAY_0930}).status_code == 404
