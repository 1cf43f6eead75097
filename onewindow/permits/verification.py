"""Checking a scanned QR token online: what the checker is told, and nothing more.

The answer is the same for the public page and the API (``docs/permit-qr.md``):
a status, a sentence, and the few facts a checker needs to match the permit
to the person and the workplace in front of them. The holder's name is
masked; the date of birth, passport and address are never shown.

A token from an issuance that was later replaced (an extension, a change of
items, a re-issue) answers ``superseded`` with the holder's current issuance
in ``current``, so a checker holding an old printout learns both that the
paper is out of date and whether the holder is nevertheless covered now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from onewindow.lib import ratelimit
from onewindow.lib.signing import InvalidToken
from onewindow.offices.models import Office
from onewindow.permits import selectors
from onewindow.permits.models import CheckResult, Permit
from onewindow.permits.tokens import PermitClaims, read_token

# One budget for the page and the API together: a client checks this many tokens a minute.
VERIFY_SCOPE = "permit-verify"


def check_rate(request: HttpRequest) -> ratelimit.Verdict:
    """Count one check by this client; the verdict says whether it is within the limit."""
    return ratelimit.hit(
        VERIFY_SCOPE,
        ratelimit.client_key(request),
        limit=settings.ONEWINDOW_VERIFY_RATE_LIMIT,
        window_seconds=60,
    )


@dataclass(frozen=True)
class Check:
    result: CheckResult
    checked_at: dt.datetime
    key_id: str = ""
    permit: Permit | None = None
    claims: PermitClaims | None = None
    authority: Office | None = None
    # For a superseded issuance: the holder's newest issuance and what it answers.
    current: Permit | None = None
    current_result: CheckResult | None = None


def _matches(permit: Permit, claims: PermitClaims) -> bool:
    return (
        permit.number.number == claims.number
        and permit.valid_from == claims.valid_from
        and permit.valid_until == claims.valid_until
        and permit.category == claims.category
        and permit.employer.credit_code == claims.employer_code
    )


def check_token(token: str, *, now: dt.datetime | None = None) -> Check:
    """Verify the token and say what it is worth today."""
    now = now or timezone.now()
    try:
        read = read_token(token)
    except InvalidToken:
        return Check(result=CheckResult.INVALID, checked_at=now)
    permit = selectors.permit_for_check().filter(pk=read.claims.issuance).first()
    if permit is None or not _matches(permit, read.claims):
        # Signed by one of our keys yet naming no such issuance: never trust it.
        return Check(result=CheckResult.INVALID, checked_at=now, key_id=read.key_id)
    today = timezone.localdate(now)
    result = permit.state_on(today)
    current = current_result = None
    if result == CheckResult.SUPERSEDED:
        current = selectors.newest_issuance(permit)
        current_result = current.state_on(today)
    return Check(
        result=result,
        checked_at=now,
        key_id=read.key_id,
        permit=permit,
        claims=read.claims,
        authority=selectors.issuing_authority(permit),
        current=current,
        current_result=current_result,
    )


def _employer(permit: Permit) -> dict[str, str]:
    return {
        "name_zh": permit.employer.name_zh,
        "name_en": permit.employer.name_en,
        "credit_code": permit.employer.credit_code,
    }


def _summary(permit: Permit, result: CheckResult) -> dict[str, Any]:
    return {
        "issuance": permit.pk,
        "status": str(result),
        "category": permit.category,
        "employer": _employer(permit),
        "position": permit.position,
        "valid_from": permit.valid_from,
        "valid_until": permit.valid_until,
        "issued_on": timezone.localdate(permit.issued_at),
    }


def message(check: Check) -> str:
    """One sentence for the checker, in the request's language."""
    permit = check.permit
    if permit is None:
        return _(
            "This code was not issued by OneWindow, or it has been altered. Do not rely on it; "
            "ask for the permit number and check it with the issuing authority."
        )
    ended = timezone.localdate(permit.ended_at) if permit.ended_at else None
    if check.result == CheckResult.VALID:
        return _("This work permit is valid until %(date)s.") % {"date": permit.valid_until}
    if check.result == CheckResult.NOT_YET_VALID:
        return _("This work permit was issued but is valid only from %(date)s.") % {"date": permit.valid_from}
    if check.result == CheckResult.EXPIRED:
        return _("This work permit expired on %(date)s.") % {"date": permit.valid_until}
    if check.result == CheckResult.CANCELLED:
        return _("This work permit was cancelled on %(date)s.") % {"date": ended}
    if check.result == CheckResult.REVOKED:
        return _("This work permit was revoked on %(date)s.") % {"date": ended}
    current = check.current
    if current is None or check.current_result is None:  # a superseded issuance always has a newer one
        return _("This code belongs to an earlier issuance of this permit; ask for the current one.")
    return _(
        "This code belongs to an earlier issuance of permit %(number)s, replaced on %(date)s. "
        "The holder's current issuance is “%(status)s” (valid %(start)s to %(end)s): "
        "ask to see the current permit."
    ) % {
        "number": permit.number.number,
        "date": ended,
        "status": check.current_result.label,
        "start": current.valid_from,
        "end": current.valid_until,
    }


def answer(check: Check) -> dict[str, Any]:
    """The public answer (the API's JSON body; the page renders the same data)."""
    body: dict[str, Any] = {
        "status": str(check.result),
        "message": message(check),
        "checked_at": check.checked_at,
        "key_id": check.key_id or None,
        "permit": None,
        "current": None,
    }
    permit = check.permit
    if permit is None:
        return body
    authority = check.authority
    body["permit"] = {
        "number": permit.number.number,
        "holder": permit.person.masked_name,
        "nationality": str(permit.person.nationality),  # a Country prints as its code
        "nationality_name": str(countries.name(str(permit.person.nationality))),
        **_summary(permit, check.result),
        "issuing_authority": (
            {"name_zh": authority.name_zh, "name_en": authority.name_en} if authority else None
        ),
        "ended_on": timezone.localdate(permit.ended_at) if permit.ended_at else None,
    }
    if check.current is not None and check.current_result is not None:
        body["current"] = _summary(check.current, check.current_result)
    return body
