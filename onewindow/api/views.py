"""Pages: a user's API tokens, and an employer administrator's service accounts.

A new token's secret is shown once, on the answer to the form that created
it (never stored, never cached); afterwards only its prefix is shown.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from onewindow.accounts.authn import is_freshly_authenticated, with_next
from onewindow.accounts.scopes import scope_of
from onewindow.api.access import (
    access_service_account,
    access_token,
    administered_employer_ids,
    visible_service_accounts,
)
from onewindow.api.actions import do_create_service_account, do_disable_service_account
from onewindow.api.forms import ServiceAccountForm, TokenForm
from onewindow.api.models import ApiToken
from onewindow.api.tokens import do_create_token, do_revoke_token
from onewindow.employers.models import Employer
from onewindow.lib.forms import add_validation_error
from onewindow.lib.http import AuthedRequest


def _expiry(form: TokenForm) -> dt.datetime | None:
    days = form.cleaned_data.get("expires_in_days")
    return timezone.now() + dt.timedelta(days=int(days)) if days else None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthedRequest) -> HttpResponse:
    """The user's personal tokens: create one (its secret is shown once), see when each was last used."""
    if request.method == "POST" and scope_of(request.user).is_staff and not is_freshly_authenticated(request):
        # A staff token reaches personal data and may decide: it is made only right after a password
        # and a code.
        messages.info(request, _("Confirm your identity with your password and a code to create a token."))
        return redirect(with_next("accounts:reauthenticate", request.get_full_path()))
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        _token, secret = do_create_token(
            actor=request.user,
            owner=request.user,
            name=form.cleaned_data["name"],
            scope=ApiToken.Scope(form.cleaned_data["scope"]),
            kind=ApiToken.Kind.PERSONAL,
            expires_at=_expiry(form),
        )
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user),
            "now": timezone.now(),
            "administers": bool(administered_employer_ids(request.user)),
        },
    )


@login_required
@require_POST
def revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = access_token(request.user, pk)
    do_revoke_token(token, actor=request.user)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    if token.user_id != request.user.pk:
        return redirect("tokens:service_account", pk=token.user.service_account.pk)
    return redirect("tokens:list")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def service_accounts(request: AuthedRequest) -> HttpResponse:
    """An employer administrator's service accounts (their HR systems)."""
    employer_ids = administered_employer_ids(request.user)
    if not employer_ids:
        raise Http404("Not an employer administrator")
    employers = [(e.pk, e.name) for e in Employer.objects.filter(pk__in=employer_ids)]
    form = ServiceAccountForm(request.POST or None, employers=employers)
    if request.method == "POST" and form.is_valid():
        employer = Employer.objects.get(pk=form.cleaned_data["employer"], pk__in=employer_ids)
        try:
            account = do_create_service_account(
                actor=request.user, name=form.cleaned_data["name"], employer=employer
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            return redirect("tokens:service_account", pk=account.pk)
    return render(
        request,
        "api/service_accounts.html",
        {"form": form, "accounts": visible_service_accounts(request.user).order_by("-created_at")},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def service_account(request: AuthedRequest, pk: int) -> HttpResponse:
    """One service account: its tokens; a new one's secret is shown once."""
    account = access_service_account(request.user, pk)
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and account.disabled_at is None and form.is_valid():
        _token, secret = do_create_token(
            actor=request.user,
            owner=account.user,
            name=form.cleaned_data["name"],
            scope=ApiToken.Scope(form.cleaned_data["scope"]),
            kind=ApiToken.Kind.SERVICE,
            expires_at=_expiry(form),
        )
        form = TokenForm()
    return render(
        request,
        "api/service_account.html",
        {
            "account": account,
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=account.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def disable_service_account(request: AuthedRequest, pk: int) -> HttpResponse:
    account = access_service_account(request.user, pk)
    do_disable_service_account(account, actor=request.user)
    messages.success(request, _("The service account was disabled and its tokens revoked."))
    return redirect("tokens:service_account", pk=account.pk)
