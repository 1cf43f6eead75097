"""GET /api/v1/permits/verify and /api/v1/permits/keys: every answer a checker can get."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from onewindow.lib import signing
from onewindow.lib.crypto import unseal
from onewindow.permits import tokens
from onewindow.permits.actions import do_revoke_permit, do_rotate_signing_key
from onewindow.permits.models import Scan, SigningKey
from tests.factories import World
from tests.permits.helpers import SHANGHAI, cancel, extend, in_force, issue_permit

URL = "/api/v1/permits/verify"


def check(client: Client, token: str) -> dict:
    response = client.get(URL, {"token": token})
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()


def test_it_answers_valid_with_only_what_a_checker_needs(
    client: Client, world: World, signing_key: SigningKey
) -> None:
    permit = issue_permit(world)
    with time_machine.travel(in_force(permit), tick=False):
        body = check(client, tokens.token_for(permit))
    assert body["status"] == "valid"
    assert body["key_id"] == signing_key.kid
    assert body["current"] is None
    shown = body["permit"]
    assert shown["number"] == permit.number.number
    assert shown["issuance"] == permit.pk
    assert shown["holder"] == "D** J."
    assert shown["nationality"] == "GB"
    assert shown["category"] == "B"
    assert shown["employer"] == {
        "name_zh": "Robotics有限公司",
        "name_en": "Robotics Ltd.",
        "credit_code": permit.employer.credit_code,
    }
    assert shown["valid_from"] == str(permit.valid_from)
    assert shown["valid_until"] == str(permit.valid_until)
    assert shown["issuing_authority"] == {"name_zh": "科创委", "name_en": "Commission"}
    text = str(body)
    assert "Jane" not in text
    assert "Doe" not in text
    assert "1990" not in text
    assert permit.person.passport_number not in text


def test_it_answers_not_yet_valid_before_the_first_day(
    client: Client, world: World, signing_key: SigningKey
) -> None:
    permit = issue_permit(world)
    body = check(client, tokens.token_for(permit))
    assert body["status"] == "not_yet_valid"
    assert str(permit.valid_from) in body["message"]


def test_it_answers_expired_the_day_after_the_last_day(
    client: Client, world: World, signing_key: SigningKey
) -> None:
    permit = issue_permit(world)
    token = tokens.token_for(permit)
    last = permit.valid_until
    with time_machine.travel(dt.datetime(last.year, last.month, last.day, 23, 59, tzinfo=SHANGHAI)):
        assert check(client, token)["status"] == "valid"
    after = last + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime(after.year, after.month, after.day, 0, 1, tzinfo=SHANGHAI)):
        body = check(client, token)
    assert body["status"] == "expired"
    assert body["permit"]["number"] == permit.number.number


def test_it_answers_cancelled(client: Client, world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    token = tokens.token_for(permit)
    cancel(world, permit)
    with time_machine.travel(in_force(permit), tick=False):
        body = check(client, token)
    assert body["status"] == "cancelled"
    assert body["permit"]["ended_on"] is not None
    assert permit.cancellation_reference not in str(body)


def test_it_answers_revoked_without_the_reason(client: Client, world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    token = tokens.token_for(permit)
    do_revoke_permit(permit, actor=world.dave, reason="Forged degree certificate")
    with time_machine.travel(in_force(permit), tick=False):
        body = check(client, token)
    assert body["status"] == "revoked"
    assert "Forged" not in str(body)


def test_it_answers_superseded_with_the_current_issuance(
    client: Client, world: World, signing_key: SigningKey
) -> None:
    first = issue_permit(world)
    old_token = tokens.token_for(first)
    second = extend(world, first)
    assert second.number == first.number
    with time_machine.travel(in_force(second), tick=False):
        body = check(client, old_token)
        current = check(client, tokens.token_for(second))
    assert body["status"] == "superseded"
    assert body["permit"]["issuance"] == first.pk
    assert body["current"]["issuance"] == second.pk
    assert body["current"]["status"] == "valid"
    assert first.number.number in body["message"]
    assert current["status"] == "valid"
    assert current["current"] is None


def test_it_answers_superseded_with_a_revoked_current_issuance(
    client: Client, world: World, signing_key: SigningKey
) -> None:
    first = issue_permit(world)
    second = extend(world, first)
    do_revoke_permit(second, actor=world.frank, reason="Employment was fictitious")
    with time_machine.travel(in_force(second), tick=False):
        body = check(client, tokens.token_for(first))
    assert body["status"] == "superseded"
    assert body["current"]["status"] == "revoked"


def test_it_answers_invalid_for_every_altered_character(
    client: Client, world: World, signing_key: SigningKey, settings: Settings
) -> None:
    settings.ONEWINDOW_VERIFY_RATE_LIMIT = 10_000
    permit = issue_permit(world)
    token = tokens.token_for(permit)
    for index, char in enumerate(token):
        altered = token[:index] + ("B" if char == "A" else "A") + token[index + 1 :]
        body = check(client, altered)
        assert body["status"] == "invalid", index
        assert body["permit"] is None


def test_it_answers_invalid_for_a_forged_token(client: Client, world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    forged = signing.sign(
        tokens.encode_claims(tokens.claims_of(permit)),
        private_key=signing.generate_private_key(),
        context=tokens.CONTEXT,
    )
    for token in (forged, "", "garbage!", "A" * 600):
        assert check(client, token)["status"] == "invalid"


def test_it_answers_invalid_for_a_genuine_signature_over_an_unknown_issuance(
    client: Client, world: World, signing_key: SigningKey
) -> None:
    permit = issue_permit(world)
    claims = tokens.claims_of(permit)
    other = tokens.PermitClaims(**{**claims.__dict__, "issuance": permit.pk + 1000})
    token = signing.sign(
        tokens.encode_claims(other), private_key=_private(signing_key), context=tokens.CONTEXT
    )
    assert check(client, token)["status"] == "invalid"


def test_it_verifies_a_token_of_a_retired_key(client: Client, world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    old_token = tokens.token_for(permit)
    do_rotate_signing_key(actor=world.heidi)
    with time_machine.travel(in_force(permit), tick=False):
        body = check(client, old_token)
    assert body["status"] == "valid"
    assert body["key_id"] == signing_key.kid


def test_it_needs_the_token_parameter(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"token": ["This field is required."]}


def test_it_logs_every_check(client: Client, world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    check(client, tokens.token_for(permit))
    check(client, "garbage")
    scans = list(Scan.objects.order_by("pk"))
    assert [(s.result, s.channel, s.permit_id) for s in scans] == [
        ("not_yet_valid", "api", permit.pk),
        ("invalid", "api", None),
    ]
    assert scans[0].key_id == signing_key.kid
    assert len(scans[0].client) == 64
    assert "127.0.0.1" not in scans[0].client


def test_it_limits_the_rate_per_client_in_the_error_shape(
    client: Client, world: World, signing_key: SigningKey, settings: Settings
) -> None:
    settings.ONEWINDOW_VERIFY_RATE_LIMIT = 3
    token = tokens.token_for(issue_permit(world))
    # Inside one fixed one-minute window, whatever the wall clock says.
    moment = timezone.now().replace(second=5, microsecond=0)
    with time_machine.travel(moment, tick=False):
        for _ in range(3):
            check(client, token)
        response = client.get(URL, {"token": token})
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"
        assert response["Retry-After"] == "55"
        assert Scan.objects.count() == 3  # the refused check is not logged
        other = client.get(URL, {"token": token}, REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 200
    with time_machine.travel(moment + dt.timedelta(minutes=1), tick=False):
        assert client.get(URL, {"token": token}).status_code == 200


def test_it_publishes_every_key_for_offline_verification(
    client: Client, world: World, signing_key: SigningKey
) -> None:
    newer = do_rotate_signing_key(actor=world.heidi)
    response = client.get("/api/v1/permits/keys")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    body = response.json()
    assert body["format_version"] == 1
    assert body["context"] == "onewindow/permit"
    assert [(k["kid"], k["state"], k["algorithm"]) for k in body["keys"]] == [
        (newer.kid, "active", "Ed25519"),
        (signing_key.kid, "retired", "Ed25519"),
    ]
    assert body["keys"][1]["retired_at"] is not None
    assert body["keys"][0]["public_key"] == newer.public_key
    assert "private" not in response.content.decode()


def test_it_answers_the_keys_list_in_a_bounded_number_of_queries(
    client: Client, db: None, django_assert_max_num_queries: object
) -> None:
    for _ in range(5):
        do_rotate_signing_key(actor=None)
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        assert len(client.get("/api/v1/permits/keys").json()["keys"]) == 5


def _private(key: SigningKey) -> bytes:
    return unseal(key.private_key_sealed, context=tokens.private_key_context(key.kid))


def test_it_never_decrypts_the_holders_sealed_fields_and_reads_each_row_once(
    world: World, signing_key: SigningKey
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onewindow.permits.verification import answer, check_token

    first = issue_permit(world)
    old_token = tokens.token_for(first)
    second = extend(world, first)
    with time_machine.travel(in_force(second), tick=False), CaptureQueriesContext(connection) as context:
        result = check_token(old_token)
        body = answer(result)
    # The key, the issuance, the current issuance, the issuing authority: nothing loaded later.
    assert len(context.captured_queries) == 4, [q["sql"] for q in context.captured_queries]
    assert body["current"]["issuance"] == second.pk and body["permit"]["holder"] == "D** J."
    for permit in (result.permit, result.current):
        assert permit is not None
        assert {"date_of_birth", "passport_number", "residential_address", "phone"} <= (
            permit.person.get_deferred_fields()
        )
