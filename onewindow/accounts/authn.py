"""How strongly a session is authenticated: second factor, freshness, session clocks.

Every staff role needs a second factor (TOTP from an authenticator app, or a
single-use recovery code). The password alone signs a staff member in to a
session that can only reach the second-factor pages
(:class:`onewindow.accounts.middleware.SecondFactorMiddleware`).

A decision or an issuance also needs a *fresh* authentication: the password
and a code entered within the last ``ONEWINDOW_REAUTH_SECONDS`` (a full
sign-in counts). The time of the last full authentication is kept in the
session; the workflow table marks the steps that need it
(``Transition.reauthenticate``) and the views pass
:func:`is_freshly_authenticated` to the actions, which refuse without it.
"""

from __future__ import annotations

import time
from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.accounts.models import User
from onewindow.accounts.scopes import scope_of
from onewindow.audit.trail import record_event

# Session keys (values are Unix times, so the JSON session serialiser keeps them).
AUTHENTICATED_AT = "ow_authenticated_at"
SESSION_STARTED_AT = "ow_session_started_at"
LAST_SEEN_AT = "ow_last_seen_at"
# Whether this session's user has a confirmed device, looked up once per session.
HAS_DEVICE = "ow_has_second_factor"

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_second_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False).exists()
    )


def second_factor_required(request: HttpRequest) -> bool:
    """Staff (any staff role, or admin-site access) always; others once they enrolled a device."""
    user: Any = request.user
    if not user.is_authenticated:
        return False
    if user.is_staff or scope_of(user).is_staff:
        return True
    if HAS_DEVICE not in request.session:
        request.session[HAS_DEVICE] = has_second_factor(user)
    return bool(request.session[HAS_DEVICE])


def is_verified(request: HttpRequest) -> bool:
    """The session passed a second factor (django-otp's per-session device)."""
    user: Any = request.user
    return bool(user.is_authenticated and getattr(user, "otp_device", None) is not None)


def mark_verified(request: HttpRequest, device: Device) -> None:
    """Bind the session to the device that just verified; the authentication is fresh."""
    otp_login(request, device)
    request.session[HAS_DEVICE] = True
    stamp_authenticated(request)


def stamp_authenticated(request: HttpRequest) -> None:
    request.session[AUTHENTICATED_AT] = time.time()


def is_freshly_authenticated(request: HttpRequest) -> bool:
    """Whether the password (and second factor) were entered within ``ONEWINDOW_REAUTH_SECONDS``."""
    stamped = request.session.get(AUTHENTICATED_AT)
    if not isinstance(stamped, int | float):
        return False
    if second_factor_required(request) and not is_verified(request):
        return False
    return 0 <= time.time() - stamped <= settings.ONEWINDOW_REAUTH_SECONDS


def safe_next(request: HttpRequest, default: str = "front:dashboard") -> str:
    """The ``next`` parameter if it points into this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def fresh_authentication_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a staff member whose authentication is stale to re-authenticate, then back here.

    Only staff are sent: nobody else can take the steps this guards, and they
    get the view's own 404. The action checks freshness again (the view
    passes :func:`is_freshly_authenticated`), so this is about where the user
    is sent, not the rule itself.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if scope_of(request.user).is_staff and not is_freshly_authenticated(request):
            messages.info(
                request, _("Confirm your identity with your password and a code to take this step.")
            )
            back = request.get_full_path()
            return redirect(with_next("accounts:reauthenticate", back))
        return view(request, *args, **kwargs)

    return wrapped


def check_second_factor(*, user: User, code: str, request: HttpRequest | None) -> Device | None:
    """The device that accepts ``code`` (a TOTP code or an unused recovery code), or ``None``.

    Both outcomes go to the audit trail; a recovery code is spent by its use.
    django-otp throttles each device after failures (growing delays).
    """
    code = "".join(code.split()).lower()
    device: Device | None = None
    totp = confirmed_totp(user)
    if code.isdigit() and totp is not None and totp.verify_token(code):
        device = totp
    recovery = recovery_device(user)
    if device is None and not code.isdigit() and recovery is not None and recovery.verify_token(code):
        device = recovery
    if device is None:
        record_event(actor=user, action="auth.second_factor_failed", obj=user, request=request)
        return None
    data: dict[str, Any] = {"method": "totp" if device is totp else "recovery_code"}
    if device is recovery and recovery is not None:
        data["recovery_codes_left"] = recovery.token_set.count()
    record_event(actor=user, action="auth.second_factor", obj=user, data=data, request=request)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The device's key as an authenticator app expects it typed in (base32, in groups of four)."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def provisioning_uri(device: TOTPDevice) -> str:
    return str(device.config_url)


def qr_data_uri(device: TOTPDevice) -> str:
    """The provisioning URI as an SVG QR code in a ``data:`` URI (the CSP allows ``img-src data:``)."""
    return str(segno.make(provisioning_uri(device), error="m").svg_data_uri(scale=5, border=2))


def code_at(device: TOTPDevice, step: int) -> str:
    """The code of ``device`` for time step ``step`` (for the demo and tests, never for checking)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def current_step(device: TOTPDevice) -> int:
    return int((time.time() - device.t0) // device.step)
