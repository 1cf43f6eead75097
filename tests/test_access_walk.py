"""The access walk: every URL and API operation × every persona × own-area and other-area objects.

Each route of the URL map must be listed in ``ROUTES`` with the personas
that may reach its object in each area; the walk then requests it as every
persona and fails on any answer that shows an object to someone outside
that set (anything but 404), and on any 404 for someone inside it. A route
added to the URL map without an entry here fails the build.

Areas: "own" objects live in Zhaoshang (the Robotics employer, the
Zhaoshang station), "other" objects in Lianhua (the Lab, the Lianhua
station). The commission, the exit-entry office and the supervisor are at
city level and reach both; dina reaches Futian (Lianhua) only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from onewindow.audit.chain import seal_pending
from onewindow.notifications.models import Message
from onewindow.notifications.recipes import on_event
from onewindow.notifications.stream import consume
from onewindow.people.actions import do_upload_document
from tests import samples
from tests.factories import World, build_world, complete_sign_in
from tests.supervision.walk import add_supervision_objects

PERSONAS = ("alice", "olga", "bob", "carol", "cora", "dave", "dina", "erin", "frank", "gina", "heidi")
NOBODY: frozenset[str] = frozenset()


def reach(own: str, other: str) -> dict[str, frozenset[str]]:
    return {"own": frozenset(own.split()), "other": frozenset(other.split())}


# Who reaches an application (submitted, so officials see it) in each area.
CASE = reach("alice bob carol dave erin frank", "olga cora dave dina erin frank")
# Who reaches a person's file: their employer, themselves, and the officials of their cases.
PERSON = reach("alice bob carol dave erin frank", "olga cora dave dina erin frank")
HR = reach("alice", "olga")
WINDOW = reach("carol", "cora")
REVIEWER = reach("dave", "dave dina")
IMMIGRATION = reach("erin", "erin")
REVIEWERS = reach("dave erin", "dave dina erin")
APPLICANT = reach("alice bob", "olga")
# Who may add a document to a person's file: a current employer's HR users and the person.
UPLOADER = reach("alice bob", "olga")
ENTRY = reach("alice bob carol", "olga cora")


@dataclass(frozen=True)
class Route:
    """How to request a route for an object of each area, and who may reach that object."""

    method: str
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    reach: dict[str, frozenset[str]] | None = None
    # For routes without an object: what an anonymous visitor gets.
    anonymous: int | tuple[int, ...] = (302,)
    body: dict[str, Any] = field(default_factory=dict)
    json: bool = False
    query: Callable[[dict[str, Any]], str] | None = None


def case(objects: dict[str, Any]) -> dict[str, Any]:
    return {"reference": objects["case"].reference}


def person(objects: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objects["person"].pk}


def permit(objects: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objects["permit"].pk}


def token(objects: dict[str, Any]) -> str:
    from onewindow.permits.tokens import token_for

    return token_for(objects["permit"])


OPEN = (200,)


class _Upload:
    """A file for multipart routes that every persona's request reads afresh."""

    def __init__(self, name: str) -> None:
        self.name = name

    def read(self) -> bytes:
        return samples.pdf()


# A well-formed body, so that the walk reaches the access check rather than the validation.
DECISION = {
    "authority": "work_permit",
    "outcome": "refused",
    "reason_codes": ["criteria_not_met"],
    "reasoning": "x",
}

ROUTES: dict[str, Route] = {
    # Public pages and machine endpoints.
    "front:home": Route("GET", anonymous=OPEN),
    "front:privacy": Route("GET", anonymous=OPEN),
    "front:accessibility": Route("GET", anonymous=OPEN),
    "healthz": Route("GET", anonymous=OPEN),
    "set_language": Route("POST", anonymous=(302,), body={"language": "en", "next": "/"}),
    "accounts:login": Route("GET", anonymous=OPEN),
    "accounts:logout": Route("POST", anonymous=(302,)),
    "eligibility:assess": Route("GET", anonymous=OPEN),
    "api:openapi-json": Route("GET", anonymous=OPEN),
    "api:openapi-view": Route("GET", anonymous=OPEN),
    "api:api-root": Route("GET", anonymous=(404,)),
    "api:assess_category": Route("POST", anonymous=(422,), json=True),
    "api:permits_keys": Route("GET", anonymous=OPEN),
    "api:permits_verify": Route("GET", anonymous=OPEN, query=lambda o: f"?token={token(o)}"),
    "verify": Route("GET", lambda o: {"token": token(o)}, anonymous=OPEN),
    # Pages of one's own: what they show is checked by their own tests.
    "front:dashboard": Route("GET"),
    "accounts:second_factor": Route("GET"),
    "accounts:enrol": Route("GET"),
    "accounts:recovery_codes": Route("GET"),
    "accounts:regenerate_recovery_codes": Route("POST"),
    "accounts:security": Route("GET"),
    "accounts:reauthenticate": Route("GET"),
    "accounts:confidentiality": Route("GET"),
    "accounts:agreements": Route("GET"),
    "notifications:inbox": Route("GET"),
    "notifications:read_all": Route("POST"),
    "people:mine": Route("GET"),
    "permits:mine": Route("GET"),
    "employers:dashboard": Route("GET"),
    "cases:worklist": Route("GET"),
    "api:list_cases": Route("GET", anonymous=(401,)),
    "api:create_case": Route("POST", anonymous=(401,), json=True),
    # Objects.
    "employers:detail": Route("GET", lambda o: {"pk": o["employer"].pk}, HR),
    "people:create": Route("GET", lambda o: {"employer_id": o["employer"].pk}, HR),
    "people:detail": Route("GET", person, PERSON),
    "people:upload": Route("GET", person, UPLOADER),
    "people:download": Route("GET", lambda o: {"pk": o["document"].pk}, PERSON),
    "cases:create": Route("GET", lambda o: {"person_id": o["person"].pk}, HR),
    "cases:detail": Route("GET", case, CASE),
    "cases:act": Route("POST", lambda o: {**case(o), "action": "accept"}, CASE),
    "cases:return": Route("GET", case, WINDOW),
    "cases:decline": Route("GET", case, WINDOW),
    "cases:request_supplement": Route("GET", case, REVIEWERS),
    "cases:answer": Route("GET", case, APPLICANT),
    "cases:entry": Route("GET", case, ENTRY),
    "cases:decide_work": Route("GET", case, REVIEWER),
    "cases:decide_residence": Route("GET", case, IMMIGRATION),
    "visits:originals": Route("GET", case, WINDOW),
    "permits:issue": Route("GET", case, WINDOW),
    "permits:detail": Route("GET", permit, CASE),
    "permits:pdf": Route("GET", permit, CASE),
    # Not the holder's own: it is another employee's cancelled permit.
    "permits:cancellation_pdf": Route(
        "GET",
        lambda o: {"pk": o["cancelled_permit"].pk},
        {"own": CASE["own"] - {"bob"}, "other": CASE["other"]},
    ),
    "permits:revoke": Route("GET", permit, reach("dave frank", "dave dina frank")),
    "notifications:read": Route("POST", lambda o: {"pk": o["message"].pk}, reach("alice", "olga")),
    "api:get_case": Route("GET", case, CASE, anonymous=(401,)),
    "api:update_case": Route("PATCH", case, CASE, json=True, body={"position": "x"}),
    "api:submit_case": Route("POST", case, CASE, anonymous=(401,), json=True),
    "api:withdraw_case": Route("POST", case, CASE, anonymous=(401,), json=True),
    "api:accept_case": Route("POST", case, CASE, anonymous=(401,), json=True),
    "api:return_case": Route("POST", case, CASE, json=True, body={"items": [{"text": "x"}]}),
    "api:decline_case": Route("POST", case, CASE, json=True, body={"reason": "x"}),
    "api:request_supplement": Route("POST", case, CASE, json=True, body={"items": [{"text": "x"}]}),
    "api:answer_supplement": Route("POST", case, CASE, json=True, body={"answer": "x"}),
    "api:record_entry": Route("POST", case, CASE, json=True, body={"entry_date": "2026-01-05"}),
    "api:decide_case": Route("POST", case, CASE, json=True, body=DECISION),
    "api:case_events": Route("GET", case, CASE, anonymous=(401,)),
    # The area registry and community notices (objects from _add_registry_objects).
    "cases:transfer": Route("GET", case, reach("carol frank", "cora frank")),
    "registry:home": Route("GET"),
    "registry:notices": Route("GET"),
    "registry:notice_create": Route("GET"),
    "registry:preferences": Route("GET"),
    "registry:figures": Route(
        "GET", lambda o: {"area_id": o["area"].pk}, reach("frank gina heidi", "frank heidi")
    ),
    "registry:export": Route(
        "POST",
        lambda o: {"area_id": o["area"].pk},
        reach("frank gina", "frank"),
        body={"date": "2026-01-05", "basis": "work", "file_format": "csv"},
    ),
    "registry:notice": Route("GET", lambda o: {"pk": o["notice"].pk}, reach("gina", "")),
    "registry:notice_publish": Route("POST", lambda o: {"pk": o["notice"].pk}, reach("gina", "")),
    "registry:my_notice": Route("GET", lambda o: {"pk": o["notice"].pk}, reach("bob", "")),
    "registry:read_by_link": Route("GET", lambda o: {"token": "0" * 40}, reach("", "")),
    # The one visit: booking, the window queue, visits (objects from _add_visit_objects).
    "visits:appointment": Route("GET", lambda o: {"reference": o["due_case"].reference}, APPLICANT),
    "visits:cancel_appointment": Route("POST", lambda o: {"reference": o["due_case"].reference}, APPLICANT),
    "visits:start": Route("GET", lambda o: {"reference": o["due_case"].reference}, WINDOW),
    "visits:my_queue": Route("GET"),
    "visits:queue": Route("GET", lambda o: {"office_id": o["case"].station_id}, WINDOW),
    "visits:walk_in": Route("POST", lambda o: {"office_id": o["case"].station_id}, WINDOW),
    "visits:check_in": Route("POST", lambda o: {"pk": o["appointment"].pk}, WINDOW),
    "visits:call": Route("POST", lambda o: {"pk": o["ticket"].pk}, WINDOW),
    "visits:finish_ticket": Route("POST", lambda o: {"pk": o["ticket"].pk}, WINDOW),
    "visits:visit": Route("GET", lambda o: {"pk": o["visit"].pk}, WINDOW),
    "visits:verify": Route("POST", lambda o: {"pk": o["visit"].pk}, WINDOW),
    "visits:end": Route("POST", lambda o: {"pk": o["visit"].pk}, WINDOW),
    "visits:per_completion": Route("GET"),
    "api:list_free_slots": Route(
        "GET", lambda o: {"reference": o["due_case"].reference}, CASE, anonymous=(401,)
    ),
    "api:get_appointment": Route(
        "GET", lambda o: {"reference": o["due_case"].reference}, CASE, anonymous=(401,)
    ),
    "api:book_appointment": Route(
        "POST",
        lambda o: {"reference": o["due_case"].reference},
        CASE,
        json=True,
        body={"starts_at": "2030-01-07T09:00:00+08:00"},
    ),
    "api:reschedule_appointment": Route(
        "POST",
        lambda o: {"reference": o["due_case"].reference},
        CASE,
        json=True,
        body={"starts_at": "2030-01-07T09:00:00+08:00"},
    ),
    "api:cancel_appointment": Route(
        "DELETE", lambda o: {"reference": o["due_case"].reference}, CASE, json=True
    ),
    # The document vault and the employers' duties: the employer's own HR users only.
    "employers:record_duty": Route("GET", lambda o: {"pk": o["employer"].pk}, HR),
    "employers:upload": Route("GET", lambda o: {"pk": o["employer"].pk}, HR),
    "cases:decision_pdf": Route("GET", lambda o: {"reference": o["permit"].application.reference}, CASE),
    # Staff qualification and supervision (objects from tests/supervision/walk.py).
    "supervision:home": Route("GET"),
    "supervision:training": Route("GET", lambda o: {"code": "workflow"}),
    "supervision:declarations": Route("GET"),
    "supervision:staff": Route("GET"),
    "supervision:campaigns": Route("GET"),
    "supervision:monitor": Route("GET"),
    "supervision:escalate": Route("POST"),
    "supervision:scorecards": Route("GET"),
    "supervision:propose": Route("GET", case, reach("", "")),
    "supervision:proposal": Route("GET", lambda o: {"pk": o["proposal"].pk}, reach("carol", "cora")),
    "supervision:countersign": Route("POST", lambda o: {"pk": o["proposal"].pk}, reach("carol", "cora")),
    "supervision:return_proposal": Route(
        "POST", lambda o: {"pk": o["proposal"].pk}, reach("carol", "cora"), body={"comment": "x"}
    ),
    "supervision:certify": Route("POST", lambda o: {"pk": o["intern"].pk}, reach("carol", "cora")),
    "supervision:withdraw_declaration": Route(
        "POST", lambda o: {"pk": o["declaration"].pk}, reach("dave", "dina")
    ),
    "supervision:staff_record": Route("GET", lambda o: {"pk": o["intern"].pk}, reach("frank", "frank")),
    "supervision:campaign": Route("GET", lambda o: {"pk": o["campaign"].pk}, reach("frank", "frank")),
    "supervision:draw": Route("POST", lambda o: {"pk": o["campaign"].pk}, reach("frank", "frank")),
    "supervision:review": Route(
        "GET", lambda o: {"campaign_pk": o["campaign"].pk, "pk": o["sampled"].pk}, reach("frank", "frank")
    ),
    "supervision:close_corrective": Route(
        "POST", lambda o: {"pk": o["corrective"].pk}, reach("frank", "frank"), body={"note": "x"}
    ),
    "supervision:station_scorecard": Route(
        "GET", lambda o: {"office_id": o["station"].pk}, reach("frank", "frank")
    ),
    "supervision:station_export": Route(
        "POST", lambda o: {"office_id": o["station"].pk}, reach("frank", "frank")
    ),
    "supervision:officer_scorecard": Route(
        "GET", lambda o: {"user_id": o["officer"].pk}, reach("frank", "frank")
    ),
    "supervision:officer_export": Route(
        "POST", lambda o: {"user_id": o["officer"].pk}, reach("frank", "frank")
    ),
    # The integration API: foreign staff, documents, employers, decisions, permits, worklists.
    "api:list_people": Route("GET", anonymous=(401,)),
    "api:create_person": Route("POST", anonymous=(401,), json=True),
    "api:get_person": Route("GET", lambda o: {"person_id": o["person"].pk}, PERSON, anonymous=(401,)),
    "api:update_person": Route(
        "PATCH", lambda o: {"person_id": o["person"].pk}, UPLOADER, json=True, body={"phone": "+86 1"}
    ),
    "api:start_employment": Route(
        "POST", lambda o: {"person_id": o["person"].pk}, HR, json=True, body={"position": "x"}
    ),
    "api:list_person_documents": Route("GET", lambda o: {"person_id": o["person"].pk}, PERSON),
    "api:upload_person_document": Route(
        "POST",
        lambda o: {"person_id": o["person"].pk},
        UPLOADER,
        body={"document_type": "passport", "file": _Upload("passport.pdf")},
    ),
    "api:get_document": Route("GET", lambda o: {"document_id": o["document"].pk}, PERSON),
    "api:download_document": Route("GET", lambda o: {"document_id": o["document"].pk}, PERSON),
    "api:report_change": Route(
        "POST",
        lambda o: {"person_id": o["person"].pk},
        HR,
        json=True,
        body={"items": ["position"], "change_date": "2026-01-05", "position": "x"},
    ),
    "api:report_departure": Route(
        "POST",
        lambda o: {"person_id": o["person"].pk},
        HR,
        json=True,
        body={"employment_end_date": "2026-01-05", "reason": "resigned"},
    ),
    "api:list_employers": Route("GET", anonymous=(401,)),
    "api:get_employer": Route("GET", lambda o: {"employer_id": o["employer"].pk}, HR, anonymous=(401,)),
    "api:list_staff": Route("GET", lambda o: {"employer_id": o["employer"].pk}, HR),
    "api:list_employer_documents": Route("GET", lambda o: {"employer_id": o["employer"].pk}, HR),
    "api:upload_employer_document": Route(
        "POST",
        lambda o: {"employer_id": o["employer"].pk},
        HR,
        body={"document_type": "business_licence", "file": _Upload("licence.pdf")},
    ),
    "api:case_decisions": Route("GET", case, CASE),
    "api:case_permits": Route("GET", case, CASE),
    "api:work_permit_pdf": Route("GET", lambda o: {"reference": o["permit"].application.reference}, CASE),
    "api:worklist": Route("GET", lambda o: {"role": "reviewer"}, anonymous=(401,)),
    # API tokens, service accounts and webhooks (objects from _add_api_objects).
    "tokens:list": Route("GET"),
    "tokens:service_accounts": Route("GET"),
    "tokens:revoke": Route("POST", lambda o: {"pk": o["token"].pk}, HR),
    "tokens:service_account": Route("GET", lambda o: {"pk": o["service_account"].pk}, HR),
    "tokens:disable_service_account": Route("POST", lambda o: {"pk": o["service_account"].pk}, HR),
    "api:list_webhooks": Route("GET", anonymous=(401,)),
    "api:create_webhook": Route("POST", anonymous=(401,), json=True),
    "api:list_deliveries": Route("GET", lambda o: {"webhook_id": o["webhook"].pk}, HR, anonymous=(401,)),
    "api:disable_webhook": Route("POST", lambda o: {"webhook_id": o["webhook"].pk}, HR, json=True),
    "webhooks:list": Route("GET"),
    "webhooks:detail": Route("GET", lambda o: {"pk": o["webhook"].pk}, HR),
    "webhooks:disable": Route("POST", lambda o: {"pk": o["webhook"].pk}, HR),
    "webhooks:retry": Route("POST", lambda o: {"pk": o["webhook"].pk, "delivery_pk": o["delivery"].pk}, HR),
}

# Routes that are not OneWindow's own pages (the Django admin has its own permission system).
EXCLUDED_NAMESPACES = {"admin"}


def _url_names(patterns: list[Any], namespace: str | None = None) -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name in EXCLUDED_NAMESPACES:
                continue
            yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, pattern


def test_it_lists_every_url_and_api_operation() -> None:
    names = {name for name, _pattern in _url_names(get_resolver().url_patterns)}
    missing = sorted(names - set(ROUTES))
    stale = sorted(set(ROUTES) - names)
    assert not missing, f"routes missing from the access walk (add them to ROUTES): {missing}"
    assert not stale, f"routes in the access walk that no longer exist: {stale}"


def _objects(world: World) -> dict[str, dict[str, Any]]:
    """In each area: a submitted case, its person and a document of theirs, the employer, an
    inbox message, a permit and a cancelled permit (with its proof)."""
    from onewindow.cases.workflow import Kind
    from onewindow.permits.actions import do_rotate_signing_key
    from onewindow.permits.models import Permit

    do_rotate_signing_key(actor=None)
    objects: dict[str, dict[str, Any]] = {}
    for area, employer, holder in (("own", "robotics", world.people["bob"]), ("other", "lab", None)):
        submitted = world.application(employer, person=holder, stage="submitted")
        person = submitted.person
        issued = world.application(employer, person=person, stage="completed")
        leaver = world.person(employer)
        left = world.application(employer, person=leaver, stage="completed")
        # An approved cancellation (an online kind) completes at once and cancels the permit.
        world.application(employer, person=leaver, kind=Kind.CANCELLATION, stage="approved")
        hr = "alice" if employer == "robotics" else "olga"
        document = do_upload_document(
            actor=world.users[hr],
            person=person,
            upload=SimpleUploadedFile("passport.pdf", samples.pdf()),
            document_type="passport",
        )
        objects[area] = {
            "case": submitted,
            "person": person,
            "document": document,
            "employer": world.employers[employer],
            "permit": Permit.objects.get(application=issued),
            "cancelled_permit": Permit.objects.get(application=left, status=Permit.Status.CANCELLED),
        }
    seal_pending()
    consume("notifications", on_event)
    objects["own"]["message"] = Message.objects.filter(recipient=world.alice).first()
    objects["other"]["message"] = Message.objects.filter(recipient=world.olga).first()
    return objects


def _url(route_name: str, route: Route, objects: dict[str, Any]) -> str:
    from django.urls import reverse

    url = reverse(route_name, kwargs=route.kwargs(objects) if route.kwargs else None)
    return url + (route.query(objects) if route.query else "")


def _add_registry_objects(world: World, objects: dict[str, dict[str, Any]]) -> None:
    """Each area's street and a published notice of its street office; bob is among the
    recipients of the Zhaoshang one."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from onewindow.accounts.actions import do_grant_role
    from onewindow.accounts.models import Role
    from onewindow.offices.actions import do_create_office
    from onewindow.offices.models import Office
    from onewindow.registry.actions import do_create_notice, do_publish_notice
    from tests.factories import make_user, sign_agreement

    lianhua_office = do_create_office(
        actor=None,
        code="lianhua-street",
        kind=Office.Kind.STREET_OFFICE,
        area=world.areas["lianhua"],
        name_en="Lianhua street office",
        name_zh="莲花街道办",
    )
    lena = make_user("lena")
    do_grant_role(actor=None, user=lena, role=Role.COMMUNITY_OFFICER, office=lianhua_office)
    sign_agreement(lena, lianhua_office)
    texts = {"en": ("Notice", "Text"), "zh-hans": ("通知", "内容")}
    for area, office, officer in (("own", "zhaoshang-street", world.gina), ("other", "lianhua-street", lena)):
        street = world.areas["zhaoshang" if area == "own" else "lianhua"]
        notice = do_create_notice(
            actor=officer,
            office=lianhua_office if area == "other" else world.offices[office],
            area=street,
            kind="other",
            texts=texts,
        )
        objects[area]["area"] = street
        # Published once bob's permit (valid from 30 days on) is in force, so that he is a recipient.
        with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
            objects[area]["notice"] = do_publish_notice(notice, actor=officer)


def _add_visit_objects(world: World, objects: dict[str, dict[str, Any]]) -> None:
    """In each area: a case due for its visit (bob's in Zhaoshang) with a booked appointment,
    a ticket for it called to a window, and its open visit."""
    import datetime as dt

    from django.utils import timezone

    from onewindow.offices.actions import do_set_opening_hours, do_set_windows
    from onewindow.offices.hours import parse_hours
    from onewindow.visits import slots
    from onewindow.visits.actions import do_book_appointment, do_call_ticket, do_issue_ticket, do_start_visit

    for area, employer, holder in (("own", "robotics", world.people["bob"]), ("other", "lab", None)):
        hr, officer = (world.alice, world.carol) if area == "own" else (world.olga, world.cora)
        station = objects[area]["case"].station
        do_set_opening_hours(station, actor=None, periods=parse_hours("mon-sun 00:00-23:30"))
        window = do_set_windows(station, actor=None, count=1)[0]
        due = world.application(employer, person=holder, stage="approved")
        today = timezone.localdate()
        first = slots.slots(station, first=today, last=today + dt.timedelta(days=10))[0]
        appointment = do_book_appointment(due, actor=hr, starts_at=first.starts_at)
        ticket = do_issue_ticket(station, actor=officer, application=due)
        do_call_ticket(ticket, actor=officer, window=window)
        visit = do_start_visit(due, actor=officer, ticket=ticket)
        objects[area].update({"due_case": due, "appointment": appointment, "ticket": ticket, "visit": visit})


def _add_api_objects(world: World, objects: dict[str, dict[str, Any]]) -> None:
    """Each employer's service account with a token, and a webhook endpoint with a delivery."""
    from onewindow.api.actions import do_create_service_account
    from onewindow.api.models import ApiToken
    from onewindow.api.tokens import do_create_token
    from onewindow.webhooks.actions import do_create_endpoint
    from onewindow.webhooks.models import Delivery

    for area, employer, hr in (("own", "robotics", world.alice), ("other", "lab", world.olga)):
        account = do_create_service_account(actor=hr, name="HR system", employer=world.employers[employer])
        token, _secret = do_create_token(
            actor=hr, owner=account.user, name="t", scope=ApiToken.Scope.READ, kind=ApiToken.Kind.SERVICE
        )
        endpoint, _secret = do_create_endpoint(
            actor=hr, employer=world.employers[employer], url="https://hr.example.com/hook"
        )
        delivery = Delivery.objects.create(
            endpoint=endpoint, event_id=0, event_type="case.submit", payload={}, state=Delivery.State.FAILED
        )
        objects[area].update(service_account=account, token=token, webhook=endpoint, delivery=delivery)


def _request(client: Client, route: Route, url: str) -> int:
    """Send the request in a transaction that is rolled back: the walk changes nothing."""
    with transaction.atomic():
        if route.json:
            response = getattr(client, route.method.lower())(
                url, data=route.body, content_type="application/json"
            )
        elif route.method == "POST":
            response = client.post(url, route.body)
        else:
            response = client.generic(route.method, url)
        transaction.set_rollback(True)
    return response.status_code


def walk_objects(world: World) -> dict[str, dict[str, Any]]:
    """Every object the routes need, in each area."""
    objects = _objects(world)
    _add_registry_objects(world, objects)
    _add_visit_objects(world, objects)
    add_supervision_objects(world, objects)
    _add_api_objects(world, objects)
    return objects


@pytest.mark.django_db
def test_it_shows_no_object_outside_its_reach_and_every_object_within() -> None:
    world = build_world()
    objects = walk_objects(world)
    clients = {}
    for name in PERSONAS:
        clients[name] = complete_sign_in(Client(), world.users[name])
    problems = []
    for route_name, route in ROUTES.items():
        if route.reach is None:
            continue
        for area in ("own", "other"):
            url = _url(route_name, route, objects[area])
            allowed = route.reach[area]
            for persona in PERSONAS:
                status = _request(clients[persona], route, url)
                if persona in allowed and status == 404:
                    problems.append(f"{route_name} [{area}] {persona}: 404 but should reach it")
                if persona not in allowed and status != 404:
                    problems.append(f"{route_name} [{area}] {persona}: {status}, a leak (expected 404)")
            anonymous = _request(Client(), route, url)
            if anonymous not in {302, 401, 404}:
                problems.append(f"{route_name} [{area}] anonymous: {anonymous}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_it_keeps_anonymous_visitors_to_the_public_routes() -> None:
    objects = _objects(build_world())["own"]
    problems = []
    for route_name, route in ROUTES.items():
        if route.reach is not None:
            continue
        status = _request(Client(), route, _url(route_name, route, objects))
        expected = route.anonymous if isinstance(route.anonymous, tuple) else (route.anonymous,)
        if status not in expected:
            problems.append(f"{route_name}: anonymous got {status}, expected {expected}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_it_lists_only_reachable_cases() -> None:
    from onewindow.cases.models import Application

    world = build_world()
    _objects(world)
    by_area = {
        "own": set(
            Application.objects.filter(employer=world.employers["robotics"]).values_list(
                "reference", flat=True
            )
        ),
        "other": set(
            Application.objects.filter(employer=world.employers["lab"]).values_list("reference", flat=True)
        ),
    }
    bobs = set(Application.objects.filter(person=world.people["bob"]).values_list("reference", flat=True))
    for persona in PERSONAS:
        client = complete_sign_in(Client(), world.users[persona])
        listed = {row["reference"] for row in client.get("/api/v1/cases?limit=200").json()["items"]}
        expected = set().union(*(by_area[area] for area in ("own", "other") if persona in CASE[area]))
        if persona == "bob":
            expected &= bobs
        assert listed == expected, persona
