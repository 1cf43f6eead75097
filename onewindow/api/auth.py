"""Who is calling the API: a bearer token (HR systems, the exit-entry office) or a browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from onewindow.api.errors import ApiError
from onewindow.api.tokens import check_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ow_<prefix>_<secret>``; a read-scoped token may only read."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        checked = getattr(request, "checked_bearer", None)
        # The idempotency middleware may already have checked this very token in this request.
        api_token = (
            checked[1] if checked is not None and checked[0].strip() == token.strip() else check_token(token)
        )
        if api_token is None:
            return None
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise ApiError(
                403, "read_only_token", _("This token may only read; use a token with the write scope.")
            )
        # The rest of OneWindow (access checks, actions, audit) sees the token's owner as the user.
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """A signed-in browser session, with CSRF protection on writes."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return user


AUTH = [TokenAuth(), SessionAuth(csrf=True)]
