"""A submission whose process died mid-request: the retry completes it, and never creates it twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

import pytest
from django.utils import timezone

from onewindow.api.idempotency import ABANDONED_AFTER
from onewindow.api.models import IdempotencyRecord
from onewindow.cases.models import Application
from tests.api.conftest import ApiClient
from tests.api.test_cases_api import new_case
from tests.factories import World

pytestmark = pytest.mark.django_db
ApiAs = Callable[..., ApiClient]


def abandoned_record(
    world: World, key: str, body: dict[str, object], *, age: dt.timedelta
) -> IdempotencyRecord:
    """What a worker killed after taking the key and before storing the answer leaves behind."""
    record = IdempotencyRecord.objects.create(
        user=world.alice,
        key=key,
        method="POST",
        path="/api/v1/cases",
        body_hash=hashlib.sha256(json.dumps(body).encode()).hexdigest(),
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - age)
    return record


def test_a_retry_still_waits_while_the_first_attempt_may_be_running(world: World, api_as: ApiAs) -> None:
    body = new_case(world.person().pk)
    abandoned_record(world, "k-fresh", body, age=dt.timedelta(seconds=5))
    response = api_as(world.alice).post("/cases", body, HTTP_IDEMPOTENCY_KEY="k-fresh")
    assert response.status_code == 409


def test_a_retry_takes_over_an_abandoned_key_and_creates_the_application_once(
    world: World, api_as: ApiAs
) -> None:
    person = world.person()
    body = new_case(person.pk)
    abandoned_record(world, "k-died-before", body, age=ABANDONED_AFTER + dt.timedelta(seconds=1))
    api: ApiClient = api_as(world.alice)
    first = api.post("/cases", body, HTTP_IDEMPOTENCY_KEY="k-died-before")
    again = api.post("/cases", body, HTTP_IDEMPOTENCY_KEY="k-died-before")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["reference"] == again.json()["reference"]
    assert Application.objects.filter(person=person).count() == 1


def test_a_retry_after_the_first_attempt_created_the_application_returns_that_one(
    world: World, api_as: ApiAs
) -> None:
    person = world.person()
    body = new_case(person.pk)
    api: ApiClient = api_as(world.alice)
    # The first attempt created the application, then its worker was killed before the answer was stored.
    created = api.post("/cases", body, HTTP_IDEMPOTENCY_KEY="k-died-after")
    assert created.status_code == 201
    IdempotencyRecord.objects.filter(key="k-died-after").update(
        state=IdempotencyRecord.State.RUNNING,
        status_code=None,
        response_body=None,
        created_at=timezone.now() - ABANDONED_AFTER - dt.timedelta(seconds=1),
    )
    retried = api.post("/cases", body, HTTP_IDEMPOTENCY_KEY="k-died-after")
    assert retried.status_code == 201
    assert retried.json()["reference"] == created.json()["reference"]
    assert Application.objects.filter(person=person).count() == 1
