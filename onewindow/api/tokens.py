"""Issuing, checking and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from onewindow.api.models import ApiToken
from onewindow.audit.trail import record_event

if TYPE_CHECKING:
    from onewindow.accounts.models import User

TOKEN_PREFIX = "ow"  # noqa: S105 - the public tag that starts every token, not a secret
# "last used" is written at most this often per token, so busy clients do not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def do_create_token(
    *,
    actor: User | None,
    owner: User,
    name: str,
    scope: ApiToken.Scope,
    kind: ApiToken.Kind = ApiToken.Kind.PERSONAL,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``owner``; return it with the full secret (shown once, never stored)."""
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=owner,
        name=name,
        kind=kind,
        scope=scope,
        prefix=prefix,
        secret_hash=_hash(secret),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    record_event(
        actor=actor,
        action="api.token_create",
        obj=token,
        data={"owner": owner.pk, "name": name, "scope": str(scope), "kind": str(kind), "prefix": prefix},
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def do_revoke_token(token: ApiToken, *, actor: User | None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(actor=actor, action="api.token_revoke", obj=token, data={"prefix": token.prefix})
    return token


def check_token(raw: str) -> ApiToken | None:
    """The usable token matching ``raw`` (constant-time comparison), or ``None``."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    _tag, prefix, secret = parts
    now = timezone.now()
    token = ApiToken.objects.usable(now).select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
