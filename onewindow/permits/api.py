"""Public permit endpoints: the signing keys for offline verifiers, and the online check."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import Throttled

from onewindow.api.errors import ErrorResponse
from onewindow.lib import signing
from onewindow.permits import selectors, verification
from onewindow.permits.actions import do_record_scan
from onewindow.permits.models import Scan
from onewindow.permits.tokens import CONTEXT

router = Router(tags=["permits"])


class KeyOut(Schema):
    kid: str = Field(
        description="8 hex digits: the first 4 bytes of SHA-256 over the raw public key",
        examples=["3f9a0c1e"],
    )
    algorithm: str = Field(description="Always Ed25519")
    public_key: str = Field(description="The 32-byte raw public key, base64url without padding")
    state: str = Field(description="active (signs), retired (verifies only), withdrawn (reject it)")
    activated_at: dt.datetime
    retired_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


class KeysOut(Schema):
    format_version: int = Field(description="The token format these keys verify (docs/permit-qr.md)")
    context: str = Field(description="Signed before the token's bytes, followed by one zero byte")
    keys: list[KeyOut]


class NamesOut(Schema):
    name_zh: str
    name_en: str


class EmployerOut(NamesOut):
    credit_code: str


class IssuanceOut(Schema):
    issuance: int
    status: str
    category: str
    employer: EmployerOut
    position: str
    valid_from: dt.date
    valid_until: dt.date
    issued_on: dt.date


class PermitOut(IssuanceOut):
    number: str
    holder: str = Field(description="The holder's name, masked (initials)")
    nationality: str = Field(description="ISO 3166-1 alpha-2")
    nationality_name: str
    issuing_authority: NamesOut | None
    ended_on: dt.date | None = Field(description="When it was cancelled, revoked or replaced")


class VerifyOut(Schema):
    status: str = Field(
        description="valid, not_yet_valid, expired, cancelled, revoked, superseded or invalid"
    )
    message: str
    checked_at: dt.datetime
    key_id: str | None
    permit: PermitOut | None
    current: IssuanceOut | None = Field(
        description="For a superseded issuance: the holder's newest issuance of the same permit number"
    )


@router.get(
    "/keys",
    response={200: KeysOut, 429: ErrorResponse},
    url_name="permits_keys",
    summary="Published keys for verifying permit QR codes offline",
)
def keys(request: HttpRequest, response: HttpResponse) -> KeysOut:
    """Every permit signing key, current and past. Accept `active` and `retired`, reject `withdrawn`."""
    response["Cache-Control"] = "public, max-age=300"
    return KeysOut(
        format_version=signing.FORMAT_VERSION,
        context=CONTEXT,
        keys=[
            KeyOut(
                kid=key.kid,
                algorithm=key.algorithm,
                public_key=key.public_key,
                state=key.state,
                activated_at=key.activated_at,
                retired_at=key.retired_at,
                withdrawn_at=key.withdrawn_at,
            )
            for key in selectors.published_keys()
        ],
    )


@router.get(
    "/verify",
    response={200: VerifyOut, 422: ErrorResponse, 429: ErrorResponse},
    url_name="permits_verify",
    summary="Check a permit's QR token online",
)
def verify(request: HttpRequest, response: HttpResponse, token: str) -> VerifyOut:
    """What the token is worth now. A forged or altered token answers `invalid` (with status 200)."""
    verdict = verification.check_rate(request)
    if not verdict.allowed:
        raise Throttled(wait=verdict.retry_after)
    check = verification.check_token(token)
    do_record_scan(
        result=check.result,
        channel=Scan.Channel.API,
        permit=check.permit,
        key_id=check.key_id,
        request=request,
    )
    response["Cache-Control"] = "no-store"
    return VerifyOut.model_validate(verification.answer(check))
