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
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from onewindow.audit.chain import seal_pending
from onewindow.notifications.models import Message
from onewindow.notifications.recipes import on_event
from onewindow.notifications.stream import consume
from tests.factories import World, build_world

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


def case(objects: dict[str, Any]) -> dict[str, Any]:
    return {"reference": objects["case"].reference}


def person(objects: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objects["person"].pk}


OPEN = (200,)
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
    # Pages of one's own: what they show is checked by their own tests.
    "front:dashboard": Route("GET"),
    "notifications:inbox": Route("GET"),
    "notifications:read_all": Route("POST"),
    "people:mine": Route("GET"),
    "employers:dashboard": Route("GET"),
    "cases:worklist": Route("GET"),
    "api:list_cases": Route("GET", anonymous=(401,)),
    "api:create_case": Route("POST", anonymous=(401,), json=True),
    # Objects.
    "employers:detail": Route("GET", lambda o: {"pk": o["employer"].pk}, HR),
    "people:create": Route("GET", lambda o: {"employer_id": o["employer"].pk}, HR),
    "people:detail": Route("GET", person, PERSON),
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


def _api_operations() -> set[str]:
    """Every API operation (one path may carry several methods, each its own operation)."""
    from onewindow.api.main import api

    names = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                names.add(f"api:{operation.view_func.__name__}")
    return names


def test_it_lists_every_url_and_api_operation() -> None:
    names = {name for name, _pattern in _url_names(get_resolver().url_patterns)} | _api_operations()
    missing = sorted(names - set(ROUTES))
    stale = sorted(set(ROUTES) - names)
    assert not missing, f"routes missing from the access walk (add them to ROUTES): {missing}"
    assert not stale, f"routes in the access walk that no longer exist: {stale}"


def _objects(world: World) -> dict[str, dict[str, Any]]:
    """One submitted case, its person, the employer and an inbox message, in each area."""
    own_case = world.application(person=world.people["bob"], stage="submitted")
    other_case = world.application("lab", stage="submitted")
    seal_pending()
    consume("notifications", on_event)
    return {
        "own": {
            "case": own_case,
            "person": world.people["bob"],
            "employer": world.employers["robotics"],
            "message": Message.objects.filter(recipient=world.alice).first(),
        },
        "other": {
            "case": other_case,
            "person": other_case.person,
            "employer": world.employers["lab"],
            "message": Message.objects.filter(recipient=world.olga).first(),
        },
    }


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


@pytest.mark.django_db
def test_it_shows_no_object_outside_its_reach_and_every_object_within() -> None:
    from django.urls import reverse

    world = build_world()
    objects = _objects(world)
    clients = {}
    for name in PERSONAS:
        client = Client()
        client.force_login(world.users[name])
        clients[name] = client
    problems = []
    for route_name, route in ROUTES.items():
        if route.reach is None:
            continue
        for area in ("own", "other"):
            url = reverse(route_name, kwargs=route.kwargs(objects[area]) if route.kwargs else None)
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
    from django.urls import reverse

    problems = []
    for route_name, route in ROUTES.items():
        if route.reach is not None:
            continue
        status = _request(Client(), route, reverse(route_name))
        expected = route.anonymous if isinstance(route.anonymous, tuple) else (route.anonymous,)
        if status not in expected:
            problems.append(f"{route_name}: anonymous got {status}, expected {expected}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_it_lists_only_reachable_cases() -> None:
    world = build_world()
    objects = _objects(world)
    references = {area: objects[area]["case"].reference for area in ("own", "other")}
    for persona in PERSONAS:
        client = Client()
        client.force_login(world.users[persona])
        listed = {row["reference"] for row in client.get("/api/v1/cases").json()["items"]}
        expected = {references[area] for area in ("own", "other") if persona in CASE[area]}
        assert listed == expected, persona
