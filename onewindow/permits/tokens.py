"""What a permit's QR token says, and signing and reading it with the permit signing keys.

The envelope (version, key id, signature) is ``onewindow.lib.signing``; the
payload, version 1, is::

    offset  size  field
    0       18    permit number, ASCII (17 digits and a check character 0-9 or X)
    18      4     issuance id (the Permit row), unsigned big-endian
    22      2     issue date, days since 1970-01-01, unsigned big-endian
    24      2     valid from, days since 1970-01-01
    26      2     valid until, days since 1970-01-01
    28      1     category, ASCII "A", "B" or "C"
    29      2     nationality, ISO 3166-1 alpha-2, ASCII
    31      18    employer's unified social credit code, ASCII
    49      1     length L of the masked name, in bytes (0-40)
    50      L     the holder's masked name (initials), UTF-8

signed under the context ``onewindow/permit``. Only what a checker needs
offline is in it: no date of birth, no passport number, no full name.
Tokens are signed when shown (the permit page, the PDF) with the active
key; an issuance's claims never change, so every token of one issuance
says the same, whichever key signed it.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from onewindow.lib import signing
from onewindow.lib.crypto import seal, unseal
from onewindow.lib.signing import InvalidToken
from onewindow.permits.models import Permit, SigningKey

CONTEXT = "onewindow/permit"
EPOCH = dt.date(1970, 1, 1)
MAX_NAME_BYTES = 40
_FIXED = struct.Struct(">18sIHHHc2s18sB")
_NUMBER = re.compile(rb"[0-9]{17}[0-9X]")
_CREDIT_CODE = re.compile(rb"[0-9A-Z]{18}")
_COUNTRY = re.compile(rb"[A-Z]{2}")


class NoSigningKey(RuntimeError):
    """No key is active: an administrator must generate one (admin, or ``manage.py permits rotate-key``)."""


@dataclass(frozen=True)
class PermitClaims:
    number: str
    issuance: int
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date
    category: str
    nationality: str
    employer_code: str
    masked_name: str


def _days(day: dt.date) -> int:
    days = (day - EPOCH).days
    if not 0 <= days <= 0xFFFF:
        raise ValueError("date outside 1970-2149")
    return days


def _truncate_utf8(text: str, limit: int) -> bytes:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return raw
    # Cut at a character boundary so the result is still valid UTF-8.
    return raw[:limit].decode("utf-8", errors="ignore").encode("utf-8")


def encode_claims(claims: PermitClaims) -> bytes:
    name = _truncate_utf8(claims.masked_name, MAX_NAME_BYTES)
    return (
        _FIXED.pack(
            claims.number.encode("ascii"),
            claims.issuance,
            _days(claims.issued_on),
            _days(claims.valid_from),
            _days(claims.valid_until),
            claims.category.encode("ascii"),
            claims.nationality.encode("ascii"),
            claims.employer_code.encode("ascii"),
            len(name),
        )
        + name
    )


def decode_claims(payload: bytes) -> PermitClaims:
    """The claims of a verified payload; :class:`InvalidToken` if its layout is wrong."""
    if len(payload) < _FIXED.size:
        raise InvalidToken("payload too short")
    number, issuance, issued, start, end, category, country, employer, name_length = _FIXED.unpack_from(
        payload
    )
    name = payload[_FIXED.size :]
    if (
        len(name) != name_length
        or name_length > MAX_NAME_BYTES
        or not _NUMBER.fullmatch(number)
        or category not in {b"A", b"B", b"C"}
        or not _COUNTRY.fullmatch(country)
        or not _CREDIT_CODE.fullmatch(employer)
        or end < start
    ):
        raise InvalidToken("payload layout")
    try:
        masked_name = name.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidToken("name is not UTF-8") from exc
    return PermitClaims(
        number=number.decode("ascii"),
        issuance=issuance,
        issued_on=EPOCH + dt.timedelta(days=issued),
        valid_from=EPOCH + dt.timedelta(days=start),
        valid_until=EPOCH + dt.timedelta(days=end),
        category=category.decode("ascii"),
        nationality=country.decode("ascii"),
        employer_code=employer.decode("ascii"),
        masked_name=masked_name,
    )


def claims_of(permit: Permit) -> PermitClaims:
    """The claims of one issuance (the same whenever and with whichever key they are signed)."""
    return PermitClaims(
        number=permit.number.number,
        issuance=permit.pk,
        issued_on=timezone.localdate(permit.issued_at),
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        category=permit.category,
        nationality=str(permit.person.nationality),  # a Country prints as its code
        employer_code=permit.employer.credit_code,
        masked_name=permit.person.masked_name,
    )


def private_key_context(kid: str) -> str:
    """The sealing context of a key's private half: a sealed key moved to another row fails to open."""
    return f"permits.signingkey.private_key:{kid}"


def seal_private_key(private_key: bytes, *, kid: str) -> str:
    return seal(private_key, context=private_key_context(kid))


def _active_private_key() -> bytes:
    key = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
    if key is None:
        raise NoSigningKey("no active permit signing key")
    return unseal(key.private_key_sealed, context=private_key_context(key.kid))


def token_for(permit: Permit) -> str:
    """The permit's QR token, signed now with the active key."""
    return signing.sign(encode_claims(claims_of(permit)), private_key=_active_private_key(), context=CONTEXT)


def verifying_keys(kid: str) -> dict[str, bytes]:
    """``{kid: raw public key}`` if that key still verifies, else ``{}`` (one indexed look-up)."""
    keys = SigningKey.objects.verifying().filter(kid=kid)
    return {key.kid: signing.b64url_decode(key.public_key) for key in keys}


@dataclass(frozen=True)
class ReadToken:
    key_id: str
    claims: PermitClaims


def read_token(token: str) -> ReadToken:
    """Verify a token's signature with the published keys and decode its claims.

    Raises :class:`InvalidToken` for anything forged, altered, malformed or
    signed by a withdrawn or unknown key.
    """
    kid = signing.key_id_in(token)
    if kid is None:
        raise InvalidToken("not a token")
    verified = signing.verify(token, context=CONTEXT, public_keys=verifying_keys(kid))
    return ReadToken(key_id=verified.key_id, claims=decode_claims(verified.payload))


def verify_url(token: str) -> str:
    """The address printed in the QR code: the public verification page of this token."""
    return settings.ONEWINDOW_PUBLIC_URL + reverse("verify", kwargs={"token": token})
