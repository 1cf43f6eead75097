"""Signing in: password, second factor, enrolment, re-authentication; confidentiality agreements."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from onewindow.accounts import authn
from onewindow.accounts.access import administered_offices, staff_member_at
from onewindow.accounts.actions import (
    do_begin_totp_enrolment,
    do_confirm_totp_device,
    do_record_agreement,
    do_regenerate_recovery_codes,
)
from onewindow.accounts.forms import (
    AgreementForm,
    EnrolForm,
    ReauthenticateForm,
    SecondFactorForm,
    SignInForm,
)
from onewindow.accounts.models import ConfidentialityAgreement, Role
from onewindow.accounts.scopes import scope_of
from onewindow.audit.trail import record_event
from onewindow.lib.forms import add_validation_error
from onewindow.lib.http import AuthedRequest
from onewindow.lib.ratelimit import hit, limited_response
from onewindow.offices.models import Office

# Shown once after enrolment (or regeneration), then removed from the session.
_RECOVERY_CODES = "ow_recovery_codes_once"


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


class SignInView(LoginView):
    """The password step. Per-address rate limit on attempts, on top of django-axes' lockout
    (which counts failures per e-mail address and address)."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        verdict = hit(
            "signin",
            f"ip:{_client_ip(request)}",
            limit=settings.ONEWINDOW_SIGNIN_RATE_PER_MINUTE,
            window_seconds=60,
        )
        if not verdict.allowed:
            return limited_response(request, verdict)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # A new sign-in starts both session clocks afresh.
        for key in (authn.SESSION_STARTED_AT, authn.LAST_SEEN_AT, authn.HAS_DEVICE, authn.AUTHENTICATED_AT):
            self.request.session.pop(key, None)
        if authn.second_factor_required(self.request):
            return redirect(authn.with_next("accounts:second_factor", self.get_success_url()))
        authn.stamp_authenticated(self.request)
        return response


sign_in = never_cache(SignInView.as_view())


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' answer while sign-in is paused for this account from this address."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def _second_factor_limited(request: HttpRequest) -> HttpResponse | None:
    verdict = hit(
        "second-factor",
        f"user:{request.user.pk}",
        limit=settings.ONEWINDOW_SIGNIN_RATE_PER_MINUTE,
        window_seconds=60,
    )
    return None if verdict.allowed else limited_response(request, verdict)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: AuthedRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    next_url = authn.safe_next(request)
    if authn.is_verified(request):
        return redirect(next_url)
    if not authn.has_second_factor(request.user):
        return redirect(authn.with_next("accounts:enrol", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if (limited := _second_factor_limited(request)) is not None:
            return limited
        device = authn.check_second_factor(user=request.user, code=form.cleaned_data["code"], request=request)
        if device is not None:
            authn.mark_verified(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code, which is now spent. "
                        "Set up your authenticator app again."
                    ),
                )
            return redirect(next_url)
        form.add_error("code", _("That code is not right, or was already used. Try the next code."))
    return render(request, "accounts/second_factor.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: AuthedRequest) -> HttpResponse:
    """Set up an authenticator app (a QR code to scan), confirmed by one of its codes.

    Before the second factor of this session is verified, only a user who has
    none yet may enrol: otherwise the password alone could replace the device.
    """
    next_url = authn.safe_next(request)
    if not authn.is_verified(request) and authn.has_second_factor(request.user):
        return redirect(authn.with_next("accounts:second_factor", next_url))
    device = do_begin_totp_enrolment(actor=request.user, request=request)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = do_confirm_totp_device(
                device, actor=request.user, token=form.cleaned_data["code"], request=request
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            authn.mark_verified(request, device)
            request.session[_RECOVERY_CODES] = codes
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(authn.with_next("accounts:recovery_codes", next_url))
    context = {
        "form": form,
        "next": next_url,
        "qr": authn.qr_data_uri(device),
        "secret": authn.base32_secret(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "accounts/enrol.html", context)


@never_cache
@login_required
@require_GET
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    """The recovery codes, shown once right after they were made."""
    codes = request.session.pop(_RECOVERY_CODES, None)
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": authn.safe_next(request)})


@never_cache
@login_required
@require_GET
def security(request: AuthedRequest) -> HttpResponse:
    """The user's sign-in security: authenticator, recovery codes left, agreements."""
    totp = authn.confirmed_totp(request.user)
    recovery = authn.recovery_device(request.user)
    return render(
        request,
        "accounts/security.html",
        {
            "totp": totp,
            "recovery_left": recovery.token_set.count() if recovery else 0,
        },
    )


@login_required
@require_POST
def regenerate_recovery_codes(request: AuthedRequest) -> HttpResponse:
    request.session[_RECOVERY_CODES] = do_regenerate_recovery_codes(actor=request.user, request=request)
    return redirect("accounts:recovery_codes")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reauthenticate(request: AuthedRequest) -> HttpResponse:
    """Enter the password and a current code again before a decision or an issuance."""
    next_url = authn.safe_next(request)
    needs_code = authn.second_factor_required(request)
    form = ReauthenticateForm(request.POST or None, needs_code=needs_code)
    if request.method == "POST" and form.is_valid():
        if (limited := _second_factor_limited(request)) is not None:
            return limited
        # Through authenticate(), so that django-axes counts a wrong password here too.
        user = authenticate(request, username=request.user.email, password=form.cleaned_data["password"])
        device = None
        if user is not None and user.pk == request.user.pk and needs_code:
            device = authn.check_second_factor(
                user=request.user, code=form.cleaned_data["code"], request=request
            )
        if user is not None and user.pk == request.user.pk and (device is not None or not needs_code):
            if device is not None:
                authn.mark_verified(request, device)
            else:
                authn.stamp_authenticated(request)
            record_event(actor=request.user, action="auth.reauthenticate", obj=request.user, request=request)
            return redirect(next_url)
        record_event(
            actor=request.user, action="auth.reauthenticate_failed", obj=request.user, request=request
        )
        form.add_error(None, _("The password or the code is not right."))
    return render(request, "accounts/reauthenticate.html", {"form": form, "next": next_url})


@login_required
@require_GET
def confidentiality(request: AuthedRequest) -> HttpResponse:
    """Why a staff member sees no personal data: the agreements on record, per office."""
    grants = [grant for grant in scope_of(request.user).grants if grant.is_staff]
    offices = Office.objects.in_bulk([grant.office_id for grant in grants if grant.office_id is not None])
    rows = [(offices.get(grant.office_id or 0), Role(grant.role).label, grant.agreed) for grant in grants]
    agreements = (
        ConfidentialityAgreement.objects.filter(user=request.user)
        .select_related("office")
        .order_by("-signed_at")
    )
    return render(request, "accounts/confidentiality.html", {"rows": rows, "agreements": agreements})


@login_required
@require_http_methods(["GET", "POST"])
def agreements(request: AuthedRequest) -> HttpResponseBase:
    """An administrator records signed confidentiality agreements for staff of their area."""
    offices = administered_offices(request.user)
    form = AgreementForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        staff = staff_member_at(request.user, email=data["email"], office=data["office"])
        if staff is None:
            form.add_error("email", _("No one with this e-mail address holds a staff role at this office."))
        else:
            signed = dt.datetime.combine(
                data["signed_on"], dt.time(12), tzinfo=timezone.get_current_timezone()
            )
            try:
                do_record_agreement(
                    actor=request.user,
                    user=staff,
                    office=data["office"],
                    version=data["version"],
                    reference=data["reference"],
                    signed_at=min(signed, timezone.now()),
                    valid_until=data["valid_until"],
                    request=request,
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(
                    request, _("The agreement of %(name)s was recorded.") % {"name": staff.full_name}
                )
                return redirect("accounts:agreements")
    recent = (
        ConfidentialityAgreement.objects.filter(office__in=offices)
        .select_related("user", "office")
        .order_by("-recorded_at")[:50]
    )
    return render(request, "accounts/agreements.html", {"form": form, "recent": recent})
