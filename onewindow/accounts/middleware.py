"""Session clocks and the second-factor gate, applied to every request.

Both run after Django's authentication, django-otp's and the messages
middleware (see ``MIDDLEWARE`` in settings).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from onewindow.accounts.authn import (
    LAST_SEEN_AT,
    SESSION_STARTED_AT,
    is_verified,
    second_factor_required,
    with_next,
)
from onewindow.audit.trail import record_event

# The last-seen time is written at most this often, so that a busy user does
# not rewrite their session row on every request; the idle limit is then
# exact to within this many seconds.
TOUCH_EVERY_SECONDS = 30

# Pages a signed-in user without a second factor may still reach.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:second_factor",
        "accounts:enrol",
        "front:home",
        "front:privacy",
        "front:accessibility",
        "set_language",
        "healthz",
    }
)


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


class SessionTimeoutMiddleware:
    """End a signed-in session after ``ONEWINDOW_SESSION_IDLE_SECONDS`` without a request,
    or ``SESSION_COOKIE_AGE`` seconds after it began, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED_AT, now)
            last_seen = session.get(LAST_SEEN_AT, now)
            reason = ""
            if now - started > settings.SESSION_COOKIE_AGE:
                reason = "absolute"
            elif now - last_seen > settings.ONEWINDOW_SESSION_IDLE_SECONDS:
                reason = "idle"
            if reason:
                return self._expire(request, user, reason)
            if LAST_SEEN_AT not in session or now - last_seen >= TOUCH_EVERY_SECONDS:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, user: Any, reason: str) -> HttpResponse:
        record_event(
            actor=user, action="auth.session_expired", obj=user, data={"reason": reason}, request=request
        )
        logout(request)
        if request.path.startswith("/api/"):
            return _api_error(401, "unauthenticated", _("Your session has ended; sign in again."))
        if reason == "idle":
            text = _("You were signed out after %(minutes)d minutes without activity.") % {
                "minutes": settings.ONEWINDOW_SESSION_IDLE_SECONDS // 60
            }
        else:
            text = _("Your session reached its maximum length of %(hours)g hours; sign in again.") % {
                "hours": settings.SESSION_COOKIE_AGE / 3600
            }
        messages.info(request, text)
        return redirect(with_next("accounts:login", request.get_full_path()))


class SecondFactorMiddleware:
    """A signed-in staff member (or anyone who enrolled a device) without a verified second
    factor in this session reaches only the second-factor pages, sign-out and public pages.

    This covers the admin site too: its views are resolved like any other.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not second_factor_required(request):
            return None
        if request.path.startswith("/api/"):
            return _api_error(
                403, "second_factor_required", _("Confirm your sign-in with a second factor first.")
            )
        return redirect(with_next("accounts:second_factor", request.get_full_path()))
