"""The applications API: tokens, idempotency, ETags, pagination and the one error shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from onewindow.api.tokens import do_revoke_token
from onewindow.cases.models import Application
from onewindow.cases.workflow import Status
from tests.api.conftest import ApiClient
from tests.factories import World

pytestmark = pytest.mark.django_db
ApiAs = Callable[..., ApiClient]


def new_case(person_id: int, **overrides: Any) -> dict[str, Any]:
    facts = {"education": "bachelor", "related_experience_years": 4, "months_per_year_in_china": 12}
    case = {
        "person_id": person_id,
        "kind": "new_in_china",
        "position": "Engineer",
        "annual_salary_cny": 500_000,
        "details": {"basis": "intra_group"},
        "assessment": facts,
    }
    return case | overrides


class TestAuth:
    def test_it_refuses_a_call_without_credentials(self, world: World) -> None:
        response = Client().get("/api/v1/cases")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"

    def test_it_refuses_a_revoked_or_malformed_token(self, world: World) -> None:
        from onewindow.api.models import ApiToken
        from onewindow.api.tokens import do_create_token

        token, secret = do_create_token(
            actor=world.alice, owner=world.alice, name="t", scope=ApiToken.Scope.READ
        )
        do_revoke_token(token, actor=world.alice)
        assert ApiClient(secret).get("/cases").status_code == 401
        assert ApiClient("ow_nope_nope").get("/cases").status_code == 401

    def test_it_lets_a_read_token_read_but_not_write(self, world: World, api_as: ApiAs) -> None:
        api = api_as(world.alice, "read")
        assert api.get("/cases").status_code == 200
        response = api.post("/cases", new_case(world.person().pk))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "read_only_token"

    def test_it_records_when_a_token_was_last_used(self, world: World, api_as: ApiAs) -> None:
        from onewindow.api.models import ApiToken

        api_as(world.alice).get("/cases")
        assert ApiToken.objects.get(user=world.alice).last_used_at is not None


class TestCreate:
    def test_it_files_a_draft_and_returns_its_etag(self, world: World, api_as: ApiAs) -> None:
        person = world.person()
        response = api_as(world.alice).post("/cases", new_case(person.pk))
        assert response.status_code == 201
        body = response.json()
        application = Application.objects.get(reference=body["reference"])
        assert response["ETag"] == application.etag
        assert response["Location"] == f"/api/v1/cases/{application.reference}"
        assert body["status"] == "draft"
        assert "submit" in body["available_actions"]

    def test_it_replays_the_first_answer_for_the_same_idempotency_key(
        self, world: World, api_as: ApiAs
    ) -> None:
        person = world.person()
        api = api_as(world.alice)
        first = api.post("/cases", new_case(person.pk), HTTP_IDEMPOTENCY_KEY="k-1")
        again = api.post("/cases", new_case(person.pk), HTTP_IDEMPOTENCY_KEY="k-1")
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert again["Idempotent-Replayed"] == "true"
        assert Application.objects.filter(person=person).count() == 1

    def test_it_refuses_the_same_key_with_another_body(self, world: World, api_as: ApiAs) -> None:
        person = world.person()
        api = api_as(world.alice)
        api.post("/cases", new_case(person.pk), HTTP_IDEMPOTENCY_KEY="k-2")
        response = api.post("/cases", new_case(person.pk, position="Other"), HTTP_IDEMPOTENCY_KEY="k-2")
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "idempotency_key_reused"

    def test_it_answers_409_while_the_first_request_is_still_running(
        self, world: World, api_as: ApiAs
    ) -> None:
        import hashlib
        import json

        from onewindow.api.models import IdempotencyRecord

        person = world.person()
        body = new_case(person.pk)
        IdempotencyRecord.objects.create(
            user=world.alice,
            key="k-3",
            method="POST",
            path="/api/v1/cases",
            body_hash=hashlib.sha256(json.dumps(body).encode()).hexdigest(),
        )
        response = api_as(world.alice).post("/cases", body, HTTP_IDEMPOTENCY_KEY="k-3")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "request_in_progress"

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"kind": "tourism"}, "kind"),
            ({"position": ""}, "position"),
            ({"annual_salary_cny": -1}, "annual_salary_cny"),
            ({"colour": "blue"}, "colour"),
            ({"details": {}}, "basis"),
            ({"assessment": None}, "assessment"),
            ({"assessment": {"education": "kindergarten"}}, "assessment.education"),
            ({"work_start": "2027-05-01", "work_end": "2027-01-01"}, "work_end"),
        ],
    )
    def test_it_refuses_bad_input_with_a_message_per_field(
        self, world: World, api_as: ApiAs, payload: dict[str, Any], field: str
    ) -> None:
        person = world.person()
        response = api_as(world.alice).post("/cases", new_case(person.pk, **payload))
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert field in error["fields"]
        assert not Application.objects.filter(person=person).exists()

    def test_it_answers_404_for_another_employers_person(self, world: World, api_as: ApiAs) -> None:
        person = world.person("lab")
        assert api_as(world.alice).post("/cases", new_case(person.pk)).status_code == 404


class TestReadAndUpdate:
    def test_it_lists_only_the_callers_cases_page_by_page(self, world: World, api_as: ApiAs) -> None:
        ours = [world.application() for _ in range(3)]
        world.application("lab")
        api = api_as(world.alice)
        first = api.get("/cases?limit=2").json()
        second = api.get(f"/cases?limit=2&cursor={first['next_cursor']}").json()
        seen = [row["reference"] for row in first["items"] + second["items"]]
        assert sorted(seen) == sorted(a.reference for a in ours)
        assert second["next_cursor"] is None

    def test_it_filters_by_status_and_kind(self, world: World, api_as: ApiAs) -> None:
        world.application()
        submitted = world.application(stage="submitted")
        rows = api_as(world.alice).get("/cases?status=submitted&kind=new_in_china").json()["items"]
        assert [row["reference"] for row in rows] == [submitted.reference]
        assert api_as(world.alice).get("/cases?status=flying").status_code == 422

    def test_it_refuses_a_bad_cursor(self, world: World, api_as: ApiAs) -> None:
        response = api_as(world.alice).get("/cases?cursor=!!!")
        assert response.status_code == 400

    def test_it_hides_another_areas_case(self, world: World, api_as: ApiAs) -> None:
        application = world.application("lab", stage="submitted")
        assert api_as(world.carol).get(f"/cases/{application.reference}").status_code == 404
        assert api_as(world.cora).get(f"/cases/{application.reference}").status_code == 200

    def test_it_updates_a_draft_only_with_a_current_etag(self, world: World, api_as: ApiAs) -> None:
        application = world.application()
        api = api_as(world.alice)
        etag = api.get(f"/cases/{application.reference}")["ETag"]
        missing = api.patch(f"/cases/{application.reference}", {"position": "Lead"})
        assert missing.status_code == 428
        updated = api.patch(f"/cases/{application.reference}", {"position": "Lead"}, HTTP_IF_MATCH=etag)
        assert updated.status_code == 200
        assert updated.json()["position"] == "Lead"
        stale = api.patch(f"/cases/{application.reference}", {"position": "Chief"}, HTTP_IF_MATCH=etag)
        assert stale.status_code == 412
        application.refresh_from_db()
        assert application.position == "Lead"


class TestSteps:
    def test_it_takes_the_case_through_submission_acceptance_and_both_decisions(
        self, world: World, api_as: ApiAs
    ) -> None:
        application = world.application()
        hr, window, reviewer, immigration = (
            api_as(u) for u in (world.alice, world.carol, world.dave, world.erin)
        )
        path = f"/cases/{application.reference}"
        response = hr.post(f"{path}/submit", HTTP_IF_MATCH=hr.get(path)["ETag"])
        assert response.json()["status"] == "submitted"
        response = window.post(f"{path}/accept", HTTP_IF_MATCH=response["ETag"])
        assert response.json()["status"] == "in_review"
        start = timezone.localdate() + dt.timedelta(days=30)
        decision = {
            "outcome": "approved",
            "valid_from": str(start),
            "valid_until": str(start + dt.timedelta(days=700)),
        }
        response = reviewer.post(
            f"{path}/decisions",
            {**decision, "authority": "work_permit", "reason_codes": ["criteria_met"]},
            HTTP_IF_MATCH=response["ETag"],
        )
        assert response.status_code == 200, response.json()
        response = immigration.post(
            f"{path}/decisions",
            {
                **decision,
                "authority": "residence_permit",
                "reason_codes": ["residence_granted"],
                "fee_cny": 800,
            },
            HTTP_IF_MATCH=response["ETag"],
        )
        assert response.json()["status"] == "approved"
        assert {d["authority"] for d in response.json()["decisions"]} == {"work_permit", "residence_permit"}

    def test_it_refuses_a_step_of_another_role_and_changes_nothing(self, world: World, api_as: ApiAs) -> None:
        application = world.application(stage="submitted")
        api = api_as(world.alice)
        path = f"/cases/{application.reference}"
        response = api.post(f"{path}/accept", HTTP_IF_MATCH=api.get(path)["ETag"])
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED

    def test_it_refuses_a_step_the_table_does_not_allow(self, world: World, api_as: ApiAs) -> None:
        application = world.application()
        api = api_as(world.carol)
        path = f"/cases/{application.reference}"
        assert api.get(path).status_code == 404  # a draft is not yet at the window
        application = world.application(stage="in_review")
        path = f"/cases/{application.reference}"
        response = api.post(f"{path}/accept", HTTP_IF_MATCH=api.get(path)["ETag"])
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "not_allowed"

    def test_it_answers_in_the_callers_language(self, world: World, api_as: ApiAs) -> None:
        response = api_as(world.alice).post(
            "/cases", new_case(world.person().pk, kind="x"), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        assert response.status_code == 422
        assert response["Content-Language"] == "zh-hans"


def test_the_worker_forgets_old_and_stuck_idempotency_records(world: World, api_as: ApiAs) -> None:
    from onewindow.api.idempotency import expire_records
    from onewindow.api.models import IdempotencyRecord

    api = api_as(world.alice)
    api.post("/cases", new_case(world.person().pk), HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.create(user=world.alice, key="stuck", method="POST", path="/x", body_hash="0")
    fresh = IdempotencyRecord.objects.create(
        user=world.alice, key="new", method="POST", path="/x", body_hash="0"
    )
    now = timezone.now()
    IdempotencyRecord.objects.exclude(pk=fresh.pk).update(created_at=now - dt.timedelta(minutes=11))
    assert expire_records(now) == 1  # the stuck one; the finished answer is kept for a day
    assert expire_records(now + dt.timedelta(days=1)) == 2
    assert not IdempotencyRecord.objects.exists()


def test_it_limits_each_tokens_requests_per_minute(world: World, api_as: ApiAs, settings: Any) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    api, other = api_as(world.alice), api_as(world.olga)
    assert [api.get("/cases").status_code for _ in range(2)] == [200, 200]
    refused = api.get("/cases")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert other.get("/cases").status_code == 200  # each token has its own budget
