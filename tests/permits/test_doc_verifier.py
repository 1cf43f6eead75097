"""The verifier printed in docs/permit-qr.md works, with nothing but the published keys' JSON.

The code block is executed as written in the document, so the document
cannot drift from the tokens OneWindow actually issues.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from onewindow.lib import signing
from onewindow.permits import tokens
from onewindow.permits.actions import do_revoke_permit, do_rotate_signing_key, do_withdraw_signing_key
from onewindow.permits.models import SigningKey
from onewindow.permits.numbers import format_number
from tests.factories import World
from tests.permits.helpers import in_force, issue_permit

DOC = Path(__file__).resolve().parents[2] / "docs" / "permit-qr.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text()


@pytest.fixture(scope="module")
def verifier(doc: str) -> dict[str, Any]:
    """The namespace of the document's verifier, run exactly as printed."""
    match = re.search(r"```python\n(# verify_permit_qr\.py.*?)```", doc, re.DOTALL)
    assert match, "the verifier code block is missing from docs/permit-qr.md"
    namespace: dict[str, Any] = {"__name__": "verify_permit_qr"}
    exec(compile(match.group(1), str(DOC), "exec"), namespace)  # noqa: S102 - our own document
    return namespace


def _example_token(doc: str) -> str:
    match = re.search(r"the token \(175 characters\) is\n\n    (\S+)\n", doc)
    assert match
    return match.group(1)


def _example_keys(doc: str) -> dict[str, Any]:
    match = re.search(r"`GET /api/v1/permits/keys` answers.*?```json\n(.*?)```", doc, re.DOTALL)
    assert match
    return json.loads(match.group(1))


def test_it_verifies_the_worked_example(doc: str, verifier: dict[str, Any]) -> None:
    claims = verifier["verify_permit_token"](_example_token(doc), _example_keys(doc), dt.date(2027, 3, 1))
    assert claims == {
        "status": "valid",
        "key_id": "20508ceb",
        "number": "440300202600000172",
        "issuance": 1,
        "issued_on": dt.date(2026, 11, 25),
        "valid_from": dt.date(2026, 12, 25),
        "valid_until": dt.date(2028, 12, 24),
        "category": "A",
        "nationality": "US",
        "employer_credit_code": "91440300MA5F00001A",
        "holder": "M***** R. J.",
    }


def test_it_matches_the_worked_example_with_the_reference_code(doc: str) -> None:
    private = hashlib.sha256(b"OneWindow permit-qr example key (never use for real permits)").digest()
    claims = tokens.PermitClaims(
        number=format_number("440300", 2026, 17),
        issuance=1,
        issued_on=dt.date(2026, 11, 25),
        valid_from=dt.date(2026, 12, 25),
        valid_until=dt.date(2028, 12, 24),
        category="A",
        nationality="US",
        employer_code="91440300MA5F00001A",
        masked_name="M***** R. J.",
    )
    token = signing.sign(tokens.encode_claims(claims), private_key=private, context=tokens.CONTEXT)
    assert token == _example_token(doc)
    public = signing.public_key_of(private)
    assert signing.b64url_encode(public) == _example_keys(doc)["keys"][0]["public_key"]
    assert public.hex() in doc
    assert signing.b64url_decode(token)[-64:].hex() in doc.replace("\n    ", "")


def test_it_refuses_every_altered_character_of_the_example(doc: str, verifier: dict[str, Any]) -> None:
    token, keys = _example_token(doc), _example_keys(doc)
    for index, char in enumerate(token):
        altered = token[:index] + ("B" if char == "A" else "A") + token[index + 1 :]
        with pytest.raises(verifier["NotGenuine"]):
            verifier["verify_permit_token"](altered, keys, dt.date(2027, 3, 1))


def test_it_reports_expiry_offline(doc: str, verifier: dict[str, Any]) -> None:
    verify = verifier["verify_permit_token"]
    token, keys = _example_token(doc), _example_keys(doc)
    assert verify(token, keys, dt.date(2026, 12, 24))["status"] == "not_yet_valid"
    assert verify(token, keys, dt.date(2028, 12, 24))["status"] == "valid"
    assert verify(token, keys, dt.date(2028, 12, 25))["status"] == "expired"


def test_it_verifies_a_live_permit_with_only_the_published_keys_json(
    client: Client, world: World, signing_key: SigningKey, verifier: dict[str, Any]
) -> None:
    permit = issue_permit(world)
    old_token = tokens.token_for(permit)
    do_rotate_signing_key(actor=world.heidi)
    new_token = tokens.token_for(permit)
    url = tokens.verify_url(new_token)
    keys_json = json.loads(client.get("/api/v1/permits/keys").content)  # all an offline verifier has
    today = in_force(permit).date()
    for scanned in (old_token, url):
        claims = verifier["verify_permit_token"](scanned, keys_json, today)
        assert claims["status"] == "valid"
        assert claims["number"] == permit.number.number
        assert claims["issuance"] == permit.pk
        assert claims["holder"] == permit.person.masked_name
        assert claims["employer_credit_code"] == permit.employer.credit_code


def test_it_refuses_a_live_token_after_its_key_is_withdrawn(
    client: Client, world: World, signing_key: SigningKey, verifier: dict[str, Any]
) -> None:
    permit = issue_permit(world)
    old_token = tokens.token_for(permit)
    do_rotate_signing_key(actor=world.heidi)
    signing_key.refresh_from_db()
    do_withdraw_signing_key(signing_key, actor=world.heidi, reason="key file found on a shared drive")
    keys_json = json.loads(client.get("/api/v1/permits/keys").content)
    with pytest.raises(verifier["NotGenuine"], match="withdrawn"):
        verifier["verify_permit_token"](old_token, keys_json, in_force(permit).date())


def test_it_cannot_see_a_revocation_offline_but_online_can(
    client: Client, world: World, signing_key: SigningKey, verifier: dict[str, Any]
) -> None:
    permit = issue_permit(world)
    token = tokens.token_for(permit)
    keys_json = json.loads(client.get("/api/v1/permits/keys").content)
    do_revoke_permit(permit, actor=world.frank, reason="Fraud")
    with time_machine.travel(in_force(permit), tick=False):
        assert verifier["verify_permit_token"](token, keys_json, in_force(permit).date())["status"] == "valid"
        assert client.get("/api/v1/permits/verify", {"token": token}).json()["status"] == "revoked"
