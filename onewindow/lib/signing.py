"""Compact signed tokens (Ed25519), small enough for a QR code: the envelope, not what it says.

A token is ``base64url(envelope)`` without padding, where the envelope is::

    offset  size  field
    0       1     format version: 0x01
    1       4     key id: the first 4 bytes of SHA-256 over the signer's 32-byte raw public key
    5       n     payload (its layout belongs to the caller, e.g. ``onewindow.permits.tokens``)
    5+n     64    Ed25519 signature (RFC 8032, pure Ed25519)

The signature covers ``context || 0x00 || envelope[0 : 5+n]``: ``context`` is
an ASCII label naming what the token is (for example ``onewindow/permit``),
so a signature made for one kind of token is never accepted as another.
The context is not transmitted; a verifier knows it from what it verifies.

Decoding is strict: only the base64url alphabet, no padding, and the text
must be the canonical encoding of its bytes, so each envelope has exactly
one written form (a scanner cannot be shown a variant of a genuine token).
``docs/permit-qr.md`` specifies this byte for byte for offline verifiers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

FORMAT_VERSION = 1
ALGORITHM = "Ed25519"
KEY_ID_BYTES = 4
SIGNATURE_BYTES = 64
HEADER_BYTES = 1 + KEY_ID_BYTES
# A bound on the work done for a token pasted by anyone: far above any real token.
MAX_TOKEN_CHARS = 512

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class InvalidToken(ValueError):
    """The token is malformed, signed by an unknown key, or altered."""


@dataclass(frozen=True)
class Verified:
    key_id: str
    payload: bytes


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding: anything but the canonical encoding is refused."""
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise InvalidToken("not base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidToken("not base64url") from exc
    # Unused low bits of the last character must be zero (one text per byte string).
    if b64url_encode(raw) != text:
        raise InvalidToken("not the canonical base64url encoding")
    return raw


def generate_private_key() -> bytes:
    """A new Ed25519 private key, as its 32 raw bytes."""
    return Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_key_of(private_key: bytes) -> bytes:
    """The 32-byte raw public key of a raw private key."""
    return (
        Ed25519PrivateKey.from_private_bytes(private_key)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


def key_id_of(public_key: bytes) -> str:
    """The key id: the first 4 bytes of SHA-256 over the raw public key, as 8 lowercase hex digits."""
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return hashlib.sha256(public_key).digest()[:KEY_ID_BYTES].hex()


def _message(context: str, signed: bytes) -> bytes:
    return context.encode("ascii") + b"\x00" + signed


def sign(payload: bytes, *, private_key: bytes, context: str) -> str:
    """The token carrying ``payload``, signed with ``private_key`` for ``context``."""
    signer = Ed25519PrivateKey.from_private_bytes(private_key)
    kid = bytes.fromhex(key_id_of(public_key_of(private_key)))
    signed = bytes([FORMAT_VERSION]) + kid + payload
    return b64url_encode(signed + signer.sign(_message(context, signed)))


def key_id_in(token: str) -> str | None:
    """The key id a token names (unverified), or ``None`` if it is not even shaped like a token."""
    try:
        raw = _envelope(token)
    except InvalidToken:
        return None
    return raw[1:HEADER_BYTES].hex()


def _envelope(token: str) -> bytes:
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise InvalidToken("empty or too long")
    raw = b64url_decode(token)
    if len(raw) < HEADER_BYTES + SIGNATURE_BYTES:
        raise InvalidToken("too short")
    if raw[0] != FORMAT_VERSION:
        raise InvalidToken("unknown format version")
    return raw


def verify(token: str, *, context: str, public_keys: Mapping[str, bytes]) -> Verified:
    """Check the token's signature against the key it names; return the key id and payload.

    ``public_keys`` maps key ids to raw public keys: the keys the verifier
    accepts (current and retired ones, never withdrawn ones).
    """
    raw = _envelope(token)
    kid = raw[1:HEADER_BYTES].hex()
    public_key = public_keys.get(kid)
    if public_key is None:
        raise InvalidToken("unknown key id")
    if key_id_of(public_key) != kid:
        raise InvalidToken("the key does not match its key id")
    signed, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, _message(context, signed))
    except InvalidSignature as exc:
        raise InvalidToken("bad signature") from exc
    return Verified(key_id=kid, payload=signed[HEADER_BYTES:])
