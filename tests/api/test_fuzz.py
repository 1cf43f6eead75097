"""schemathesis against OneWindow's own OpenAPI, through the WSGI app (no network), as each role.

Every operation gets a few generated requests per role, with the path
parameters pointing at objects that role reaches (so the handlers run, not
only the 404s), and fuzzed bodies and queries. It fails on any 5xx and on
any answer that the document does not describe (status, content type,
schema). Bounded: a handful of examples per operation, no deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from onewindow.api.models import ApiToken
from onewindow.api.tokens import do_create_token
from onewindow.people.actions import do_upload_document
from tests import samples
from tests.factories import World

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 3
STATS: list[tuple[str, int]] = []
ROLES = ("alice", "bob", "carol", "dave", "erin")


@pytest.fixture
def wsgi() -> Iterator[WSGIHandler]:
    """The WSGI app, without closing the test's database connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _objects(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = world.application(stage="in_review")
    document = do_upload_document(
        actor=world.alice,
        person=application.person,
        upload=SimpleUploadedFile("p.pdf", samples.pdf()),
        document_type="passport",
    )
    return {
        "reference": application.reference,
        "person_id": application.person_id,
        "document_id": document.pk,
        "employer_id": application.employer_id,
    }


def _fuzz(schema: Any, operation: Any, token: str, known: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    wanted = {p.name for p in operation.path_parameters}
    path_parameters = {name: value for name, value in known.items() if name in wanted}

    @given(case=operation.as_strategy(path_parameters=path_parameters or None))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        if case.headers and "If-Match" in case.headers:
            # Half the updates with any ETag ("*"), so that their handlers run on the fuzzed bodies.
            case.headers["If-Match"] = "*" if len(STATS) % 2 else case.headers["If-Match"]
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        STATS.append((operation.label, response.status_code))
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:
            failures.append(f"{operation.label} → {response.status_code}: {str(exc)[:600]}")

    run()
    return failures


def test_no_operation_errs_or_breaks_its_schema(world: World, wsgi: WSGIHandler) -> None:
    known = _objects(world)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures: list[str] = []
    for persona in ROLES:
        user = world.users[persona]
        _token, secret = do_create_token(actor=user, owner=user, name="fuzz", scope=ApiToken.Scope.WRITE)
        for operation in operations:
            failures += [f"[{persona}] {failure}" for failure in _fuzz(schema, operation, secret, known)]
    assert STATS, "nothing was sent"
    assert not [status for _label, status in STATS if status >= 500]
    assert not failures, "\n".join(failures)
