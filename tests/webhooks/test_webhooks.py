"""Webhooks: registration, the outbox fed by the audit stream, signed deliveries to a real local
HTTP server, retries with back-off, and the delivery history page."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.audit.chain import seal_pending
from onewindow.cases.actions import do_transition
from onewindow.cases.workflow import Action
from onewindow.notifications.stream import consume
from onewindow.webhooks import actions, signing
from onewindow.webhooks.models import Delivery, Endpoint
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


class Receiver:
    """A threaded HTTP server on 127.0.0.1 that verifies each delivery's signature."""

    def __init__(self) -> None:
        self.secret = ""
        self.answers: list[int] = []
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers.get(signing.SIGNATURE_HEADER, "")
                receiver.received.append(
                    {
                        "body": json.loads(body),
                        "verified": signing.verify(receiver.secret, header, body),
                        "delivery": self.headers.get(signing.DELIVERY_HEADER),
                        "event": self.headers.get(signing.EVENT_HEADER),
                    }
                )
                status = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def pump() -> int:
    """What the worker does for webhooks: seal, queue from the stream."""
    seal_pending()
    return consume(actions.STREAM, actions.on_event)


def register(world: World, url: str, employer: str = "robotics") -> tuple[Endpoint, str]:
    hr = world.alice if employer == "robotics" else world.olga
    return actions.do_create_endpoint(actor=hr, employer=world.employers[employer], url=url)


class TestUrls:
    @pytest.mark.parametrize(
        "url",
        [
            "http://example.com/hook",
            "ftp://example.com/hook",
            "https://localhost/hook",
            "https://10.0.0.5/hook",
            "https://[::1]/hook",
            "https://user:pw@example.com/hook",
            "https://intranet/hook",
            "http://127.0.0.2/hook",
            "not a url",
        ],
    )
    def test_it_refuses_anything_but_a_public_https_address(self, url: str) -> None:
        with pytest.raises(ValidationError):
            actions.validate_url(url)

    def test_it_accepts_https_and_local_http_outside_production(self, settings: Any) -> None:
        assert actions.validate_url("https://hr.example.com/onewindow") == "https://hr.example.com/onewindow"
        assert actions.validate_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"
        settings.ONEWINDOW_ENV = "production"
        with pytest.raises(ValidationError):
            actions.validate_url("http://127.0.0.1:8080/x")


class TestDeliveries:
    def test_a_case_event_reaches_the_employers_endpoint_signed(
        self, world: World, receiver: Receiver
    ) -> None:
        application = world.application()
        pump()  # the history before the endpoint existed is not sent
        endpoint, receiver.secret = register(world, receiver.url)
        Delivery.objects.all().delete()
        register(world, "https://lab.example.com/hook", employer="lab")
        do_transition(application, actor=world.alice, action=Action.SUBMIT)
        pump()
        assert Delivery.objects.filter(endpoint=endpoint).count() >= 1
        assert not Delivery.objects.exclude(endpoint=endpoint).exists()  # the Lab's endpoint: not its case
        assert actions.send_due_deliveries() == (Delivery.objects.count(), 0)
        submitted = [r for r in receiver.received if r["event"] == "case.submit"]
        assert submitted, receiver.received
        assert all(r["verified"] for r in receiver.received)
        body = submitted[0]["body"]
        assert body["case"] == {
            "reference": application.reference,
            "kind": "new_in_china",
            "from_status": "draft",
            "status": "submitted",
            "url": f"/api/v1/cases/{application.reference}",
        }
        assert "family_name" not in json.dumps(body)
        assert submitted[0]["delivery"] == body["id"]

    def test_a_failure_is_retried_with_back_off_until_it_succeeds(
        self, world: World, receiver: Receiver
    ) -> None:
        endpoint, receiver.secret = register(world, receiver.url)
        application = world.application()
        do_transition(application, actor=world.alice, action=Action.SUBMIT)
        pump()
        Delivery.objects.exclude(event_type="case.submit").delete()
        delivery = Delivery.objects.get(endpoint=endpoint)
        receiver.answers = [500, 503]
        start = timezone.now()
        assert actions.send_due_deliveries() == (0, 1)
        delivery.refresh_from_db()
        assert delivery.state == Delivery.State.PENDING
        assert delivery.next_attempt_at - start >= dt.timedelta(seconds=29)
        assert actions.send_due_deliveries() == (0, 0)  # not due yet
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
            assert actions.send_due_deliveries() == (0, 1)
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.last_status_code == 503
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=100)):
            assert actions.send_due_deliveries() == (1, 0)
        delivery.refresh_from_db()
        assert delivery.state == Delivery.State.DELIVERED
        assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 204]
        # Every retry carries the same delivery id and a valid signature.
        assert len({r["delivery"] for r in receiver.received}) == 1
        assert all(r["verified"] for r in receiver.received)

    def test_it_gives_up_after_the_last_attempt(self, world: World) -> None:
        endpoint, _secret = register(world, "http://127.0.0.1:9/unreachable")
        application = world.application()
        do_transition(application, actor=world.alice, action=Action.SUBMIT)
        pump()
        moment = timezone.now()
        for _attempt in range(actions.MAX_ATTEMPTS):
            moment += dt.timedelta(hours=7)
            with time_machine.travel(moment):
                actions.send_due_deliveries()
        states = set(Delivery.objects.filter(endpoint=endpoint).values_list("state", flat=True))
        assert states == {Delivery.State.FAILED}
        assert all(d.last_error for d in Delivery.objects.filter(endpoint=endpoint))

    def test_an_endpoint_gets_no_history_from_before_it_was_registered(self, world: World) -> None:
        application = world.application()
        do_transition(application, actor=world.alice, action=Action.SUBMIT)
        endpoint, _secret = register(world, "https://hr.example.com/hook")
        pump()
        assert not Delivery.objects.filter(endpoint=endpoint).exists()

    def test_backoff_doubles_up_to_six_hours(self) -> None:
        waits = [actions.backoff(n).total_seconds() for n in (1, 2, 3, 4, 20)]
        assert waits == [30, 60, 120, 240, 6 * 3600]

    def test_a_replayed_or_altered_delivery_fails_verification(self) -> None:
        body = b'{"a":1}'
        header = signing.sign("s3cret", body, 1_000_000)
        assert signing.verify("s3cret", header, body, now=1_000_010)
        assert not signing.verify("s3cret", header, body, now=1_000_000 + 301)
        assert not signing.verify("s3cret", header, b'{"a":2}', now=1_000_010)
        assert not signing.verify("other", header, body, now=1_000_010)
        assert not signing.verify("s3cret", "garbage", body, now=1_000_010)

    def test_the_worker_queues_and_sends(self, world: World, receiver: Receiver) -> None:
        from onewindow.notifications.management.commands.worker import run_once

        _endpoint, receiver.secret = register(world, receiver.url)
        do_transition(world.application(), actor=world.alice, action=Action.SUBMIT)
        done = run_once(reminders=False)
        assert done["webhooks_queued"] > 0 and done["webhooks_sent"] >= 1
        assert receiver.received and all(r["verified"] for r in receiver.received)


class TestPages:
    def test_an_administrator_registers_an_endpoint_and_sees_its_history(
        self, world: World, sign_in: SignIn, receiver: Receiver
    ) -> None:
        client = sign_in(world.alice)
        response = client.post(
            "/webhooks/",
            {"url": receiver.url, "employer": world.employers["robotics"].pk, "description": "HR"},
        )
        assert response.status_code == 200
        receiver.secret = response.context["secret"]
        endpoint = Endpoint.objects.get()
        assert endpoint.secret == receiver.secret
        do_transition(world.application(), actor=world.alice, action=Action.SUBMIT)
        pump()
        actions.send_due_deliveries()
        page = client.get(f"/webhooks/{endpoint.pk}/").content.decode()
        assert "case.submit" in page and "HTTP 204" in page
        assert receiver.secret not in page

    def test_it_refuses_a_bad_address_on_the_page(self, world: World, sign_in: SignIn) -> None:
        response = sign_in(world.alice).post(
            "/webhooks/", {"url": "http://hr.example.com/", "employer": world.employers["robotics"].pk}
        )
        assert "url" in response.context["form"].errors
        assert not Endpoint.objects.exists()

    def test_another_employer_does_not_see_the_endpoint(self, world: World, sign_in: SignIn) -> None:
        endpoint, _secret = register(world, "https://hr.example.com/hook")
        olga = sign_in(world.olga)
        assert olga.get(f"/webhooks/{endpoint.pk}/").status_code == 404
        assert olga.post(f"/webhooks/{endpoint.pk}/disable").status_code == 404
        assert sign_in(world.carol).get("/webhooks/").status_code == 404
        endpoint.refresh_from_db()
        assert endpoint.disabled_at is None

    def test_a_disabled_endpoint_gets_nothing_more(self, world: World, sign_in: SignIn) -> None:
        endpoint, _secret = register(world, "https://hr.example.com/hook")
        sign_in(world.alice).post(f"/webhooks/{endpoint.pk}/disable")
        do_transition(world.application(), actor=world.alice, action=Action.SUBMIT)
        pump()
        assert not Delivery.objects.exists()

    def test_a_failed_delivery_can_be_sent_again(self, world: World, sign_in: SignIn) -> None:
        endpoint, _secret = register(world, "https://hr.example.com/hook")
        do_transition(world.application(), actor=world.alice, action=Action.SUBMIT)
        pump()
        delivery = Delivery.objects.filter(endpoint=endpoint).first()
        assert delivery is not None
        Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.FAILED, attempts=8)
        sign_in(world.alice).post(f"/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/retry")
        delivery.refresh_from_db()
        assert delivery.state == Delivery.State.PENDING and delivery.attempts == 0


class TestApi:
    def test_an_administrator_registers_and_reads_the_history_through_the_api(
        self, world: World, receiver: Receiver, api_as: Any
    ) -> None:
        api = api_as(world.alice)
        robotics = world.employers["robotics"].pk
        created = api.post(
            "/webhooks", {"employer_id": robotics, "url": receiver.url}, HTTP_IDEMPOTENCY_KEY="w-1"
        )
        assert created.status_code == 201, created.json()
        receiver.secret = created.json()["secret"]
        assert api.post("/webhooks", {"employer_id": robotics, "url": "http://x.example/"}).status_code == 422
        assert (
            api.post("/webhooks", {"employer_id": world.employers["lab"].pk, "url": receiver.url}).status_code
            == 404
        )
        do_transition(world.application(), actor=world.alice, action=Action.SUBMIT)
        pump()
        actions.send_due_deliveries()
        endpoint = created.json()["id"]
        history = api.get(f"/webhooks/{endpoint}/deliveries?state=delivered").json()["items"]
        assert history and history[0]["attempts"][0]["status_code"] == 204
        assert [row["id"] for row in api.get("/webhooks").json()] == [endpoint]
        assert api_as(world.olga).get(f"/webhooks/{endpoint}/deliveries").status_code == 404
        assert api.post(f"/webhooks/{endpoint}/disable").json()["active"] is False
