"""docs/api.md stays true: its example client runs, block by block, against a live test server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings

from onewindow.api.actions import do_create_service_account
from onewindow.api.models import ApiToken
from onewindow.api.tokens import do_create_token
from onewindow.cases.models import Application
from onewindow.webhooks import signing
from tests import samples
from tests.factories import build_world

pytestmark = pytest.mark.django_db(transaction=True)
DOC = Path(settings.BASE_DIR) / "docs" / "api.md"


def blocks() -> dict[str, str]:
    """The doc's Python blocks that start with ``# example: <name>``."""
    found = re.findall(r"```python\n# example: ([^\n]+)\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    return {name.strip(): code for name, code in found}


def _token(user: Any) -> str:
    return do_create_token(actor=user, owner=user, name="docs", scope=ApiToken.Scope.WRITE)[1]


def test_the_example_files_and_follows_an_application_end_to_end(live_server: Any) -> None:
    code = blocks()
    assert set(code) == {"verify", "client", "hr files", "officials decide", "hr follows"}
    # The doc's dates are those of late 2026.
    with time_machine.travel("2026-11-25 10:00 +0800"):
        world = build_world()
        robotics = world.employers["robotics"]
        service = do_create_service_account(actor=world.alice, name="HR system", employer=robotics)
        namespace: dict[str, Any] = {}
        exec(code["client"], namespace)  # noqa: S102 - the documented example itself
        client = namespace["OneWindow"]
        namespace.update(
            hr=client(str(live_server), _token(service.user)),
            window=client(str(live_server), _token(world.carol)),
            commission=client(str(live_server), _token(world.dave)),
            exit_entry=client(str(live_server), _token(world.erin)),
            passport_pdf=samples.pdf(),
        )
        exec(code["hr files"], namespace)  # noqa: S102
        exec(code["officials decide"], namespace)  # noqa: S102
        exec(code["hr follows"], namespace)  # noqa: S102
    application = Application.objects.get(reference=namespace["reference"])
    assert application.status == "approved"
    assert application.person.documents.count() == 1
    assert application.employer == robotics


def test_the_documented_verification_accepts_our_signatures_only() -> None:
    namespace: dict[str, Any] = {}
    exec(blocks()["verify"], namespace)  # noqa: S102
    verify = namespace["verify"]
    import time

    body = b'{"type":"case.accept"}'
    header = signing.sign("whsec_x", body, int(time.time()))
    assert verify("whsec_x", header, body)
    assert not verify("whsec_y", header, body)
    assert not verify("whsec_x", header, body + b" ")
    assert not verify("whsec_x", signing.sign("whsec_x", body, int(time.time()) - 600), body)
