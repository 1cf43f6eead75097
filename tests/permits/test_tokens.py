"""A permit's QR token: its claims, signing with the active key, and verifying with the published ones."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.lib import signing
from onewindow.lib.crypto import unseal
from onewindow.lib.signing import InvalidToken
from onewindow.permits import tokens
from onewindow.permits.actions import do_rotate_signing_key, do_withdraw_signing_key
from onewindow.permits.models import SigningKey
from onewindow.permits.tokens import NoSigningKey, PermitClaims, decode_claims, encode_claims
from tests.factories import World
from tests.permits.helpers import issue_permit

dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2149, 6, 1))


@given(
    serial=st.integers(min_value=0, max_value=10**17 - 1),
    check=st.sampled_from("0123456789X"),
    issuance=st.integers(min_value=1, max_value=2**32 - 1),
    issued=dates,
    start=dates,
    days=st.integers(min_value=0, max_value=1000),
    category=st.sampled_from("ABC"),
    country=st.from_regex(r"[A-Z]{2}", fullmatch=True),
    employer=st.from_regex(r"[0-9A-Z]{18}", fullmatch=True),
    name=st.text(max_size=12),
)
def test_it_round_trips_claims(
    serial: int,
    check: str,
    issuance: int,
    issued: dt.date,
    start: dt.date,
    days: int,
    category: str,
    country: str,
    employer: str,
    name: str,
) -> None:
    end = min(start + dt.timedelta(days=days), dt.date(2149, 6, 1))
    claims = PermitClaims(
        number=f"{serial:017d}{check}",
        issuance=issuance,
        issued_on=issued,
        valid_from=start,
        valid_until=end,
        category=category,
        nationality=country,
        employer_code=employer,
        masked_name=name,
    )
    decoded = decode_claims(encode_claims(claims))
    if len(name.encode()) <= tokens.MAX_NAME_BYTES:
        assert decoded == claims
    else:
        assert name.startswith(decoded.masked_name)
        assert len(decoded.masked_name.encode()) <= tokens.MAX_NAME_BYTES


def test_it_cuts_a_long_name_at_a_character_boundary() -> None:
    claims = PermitClaims(
        "44030020260000001X", 1, dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2027, 1, 1),
        "B", "CN", "91440300MA5F00001A", "Ж" * 30,
    )  # fmt: skip
    assert decode_claims(encode_claims(claims)).masked_name == "Ж" * 20


@pytest.mark.parametrize(
    ("offset", "value"),
    [(0, b"Y"), (28, b"D"), (29, b"u"), (31, b"a"), (49, b"\x01")],
)
def test_it_refuses_a_payload_outside_its_alphabet(offset: int, value: bytes) -> None:
    claims = PermitClaims(
        "440300202600000017", 1, dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2027, 1, 1),
        "B", "CN", "91440300MA5F00001A", "D** J.",
    )  # fmt: skip
    payload = bytearray(encode_claims(claims))
    payload[offset : offset + 1] = value
    with pytest.raises(InvalidToken):
        decode_claims(bytes(payload))


def test_it_signs_a_permit_with_the_active_key(world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    token = tokens.token_for(permit)
    read = tokens.read_token(token)
    assert read.key_id == signing_key.kid
    assert read.claims == tokens.claims_of(permit)
    assert read.claims.number == permit.number.number
    assert read.claims.masked_name == "D** J."
    assert read.claims.employer_code == permit.employer.credit_code
    assert len(token) < 200


def test_it_needs_an_active_key(world: World) -> None:
    permit = issue_permit(world)
    with pytest.raises(NoSigningKey):
        tokens.token_for(permit)


def test_it_still_verifies_with_a_retired_key(world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    old_token = tokens.token_for(permit)
    new_key = do_rotate_signing_key(actor=world.heidi)
    new_token = tokens.token_for(permit)
    assert tokens.read_token(old_token).key_id == signing_key.kid
    assert tokens.read_token(new_token).key_id == new_key.kid
    assert tokens.read_token(old_token).claims == tokens.read_token(new_token).claims


def test_it_stops_verifying_with_a_withdrawn_key(world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    old_token = tokens.token_for(permit)
    do_rotate_signing_key(actor=world.heidi)
    signing_key.refresh_from_db()
    do_withdraw_signing_key(signing_key, actor=world.heidi, reason="laptop lost")
    with pytest.raises(InvalidToken):
        tokens.read_token(old_token)
    assert tokens.read_token(tokens.token_for(permit)).claims.issuance == permit.pk


def test_it_refuses_a_token_of_a_key_it_never_had(world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    stranger = signing.generate_private_key()
    forged = signing.sign(
        encode_claims(tokens.claims_of(permit)), private_key=stranger, context=tokens.CONTEXT
    )
    with pytest.raises(InvalidToken):
        tokens.read_token(forged)


def test_it_keeps_the_private_key_only_sealed(signing_key: SigningKey) -> None:
    private = unseal(signing_key.private_key_sealed, context=tokens.private_key_context(signing_key.kid))
    assert signing.public_key_of(private) == signing.b64url_decode(signing_key.public_key)
    assert private.hex() not in signing_key.private_key_sealed
    assert signing.b64url_encode(private) not in signing_key.private_key_sealed
    # Bound to its key id: copied onto another key's row, it does not open.
    with pytest.raises(ValueError):
        unseal(signing_key.private_key_sealed, context=tokens.private_key_context("00000000"))
