"""The signed-token envelope: round trip, tampering, keys, strict base64url."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.lib import signing
from onewindow.lib.signing import InvalidToken

PRIVATE = hashlib.sha256(b"test key one").digest()
OTHER = hashlib.sha256(b"test key two").digest()
CONTEXT = "onewindow/test"


def keys(*private_keys: bytes) -> dict[str, bytes]:
    result = {}
    for private in private_keys:
        public = signing.public_key_of(private)
        result[signing.key_id_of(public)] = public
    return result


def test_it_round_trips_a_payload() -> None:
    token = signing.sign(b"hello permit", private_key=PRIVATE, context=CONTEXT)
    verified = signing.verify(token, context=CONTEXT, public_keys=keys(PRIVATE))
    assert verified.payload == b"hello permit"
    assert verified.key_id == signing.key_id_of(signing.public_key_of(PRIVATE))


@given(st.binary(max_size=200))
def test_it_round_trips_any_payload(payload: bytes) -> None:
    token = signing.sign(payload, private_key=PRIVATE, context=CONTEXT)
    assert signing.verify(token, context=CONTEXT, public_keys=keys(PRIVATE)).payload == payload


def test_it_is_deterministic_and_url_safe() -> None:
    first = signing.sign(b"same", private_key=PRIVATE, context=CONTEXT)
    assert first == signing.sign(b"same", private_key=PRIVATE, context=CONTEXT)
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_it_refuses_every_altered_byte() -> None:
    token = signing.sign(b"permit 440300202600000017", private_key=PRIVATE, context=CONTEXT)
    raw = signing.b64url_decode(token)
    for index in range(len(raw)):
        for flip in (0x01, 0x80, 0xFF):
            altered = bytearray(raw)
            altered[index] ^= flip
            with pytest.raises(InvalidToken):
                signing.verify(
                    signing.b64url_encode(bytes(altered)), context=CONTEXT, public_keys=keys(PRIVATE)
                )


def test_it_refuses_every_altered_character() -> None:
    token = signing.sign(b"permit", private_key=PRIVATE, context=CONTEXT)
    for index, char in enumerate(token):
        replacement = "A" if char != "A" else "B"
        with pytest.raises(InvalidToken):
            signing.verify(
                token[:index] + replacement + token[index + 1 :], context=CONTEXT, public_keys=keys(PRIVATE)
            )


def test_it_refuses_truncated_and_extended_tokens() -> None:
    token = signing.sign(b"permit", private_key=PRIVATE, context=CONTEXT)
    for cut in range(len(token)):
        with pytest.raises(InvalidToken):
            signing.verify(token[:cut], context=CONTEXT, public_keys=keys(PRIVATE))
    for extra in ("A", "AA", "AAAA"):
        with pytest.raises(InvalidToken):
            signing.verify(token + extra, context=CONTEXT, public_keys=keys(PRIVATE))


def test_it_refuses_a_token_signed_by_another_key() -> None:
    token = signing.sign(b"permit", private_key=OTHER, context=CONTEXT)
    with pytest.raises(InvalidToken, match="unknown key"):
        signing.verify(token, context=CONTEXT, public_keys=keys(PRIVATE))


def test_it_refuses_a_known_key_id_with_another_public_key() -> None:
    token = signing.sign(b"permit", private_key=OTHER, context=CONTEXT)
    kid = signing.key_id_of(signing.public_key_of(OTHER))
    forged_list = {kid: signing.public_key_of(PRIVATE)}
    with pytest.raises(InvalidToken, match="does not match"):
        signing.verify(token, context=CONTEXT, public_keys=forged_list)


def test_it_refuses_a_signature_made_for_another_context() -> None:
    token = signing.sign(b"permit", private_key=PRIVATE, context="onewindow/other")
    with pytest.raises(InvalidToken, match="bad signature"):
        signing.verify(token, context=CONTEXT, public_keys=keys(PRIVATE))


def test_it_picks_the_key_the_token_names_among_several() -> None:
    token = signing.sign(b"permit", private_key=OTHER, context=CONTEXT)
    assert signing.verify(token, context=CONTEXT, public_keys=keys(PRIVATE, OTHER)).payload == b"permit"


@pytest.mark.parametrize(
    "text",
    ["a=", "ab+c", "ab/c", "ab c", "é", "A", "AB=", "AR"],  # "AR": unused bits set (canonical is "AQ")
)
def test_it_refuses_text_that_is_not_canonical_base64url(text: str) -> None:
    with pytest.raises(InvalidToken):
        signing.b64url_decode(text)


def test_it_refuses_an_empty_token() -> None:
    with pytest.raises(InvalidToken):
        signing.verify("", context=CONTEXT, public_keys={})


def test_it_refuses_an_unknown_format_version_and_oversized_tokens() -> None:
    raw = bytearray(signing.b64url_decode(signing.sign(b"x", private_key=PRIVATE, context=CONTEXT)))
    raw[0] = 2
    with pytest.raises(InvalidToken, match="version"):
        signing.verify(signing.b64url_encode(bytes(raw)), context=CONTEXT, public_keys=keys(PRIVATE))
    with pytest.raises(InvalidToken, match="too long"):
        signing.verify("A" * (signing.MAX_TOKEN_CHARS + 4), context=CONTEXT, public_keys=keys(PRIVATE))


def test_it_derives_the_key_id_from_the_public_key() -> None:
    public = signing.public_key_of(PRIVATE)
    assert signing.key_id_of(public) == hashlib.sha256(public).hexdigest()[:8]
    token = signing.sign(b"x", private_key=PRIVATE, context=CONTEXT)
    assert signing.key_id_in(token) == signing.key_id_of(public)
    assert signing.key_id_in("not a token!") is None
