"""Issuing permits at the window, and the holder's permit page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onewindow.accounts.models import Role
from onewindow.cases.access import access_application
from onewindow.cases.models import Authority
from onewindow.cases.workflow import TransitionRefused
from onewindow.lib.http import AuthedRequest
from onewindow.permits.actions import do_issue_permit
from onewindow.permits.forms import IssueForm


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: AuthedRequest, reference: str) -> HttpResponse:
    """Issue the work permit and hand over the residence permit, in the same visit."""
    application = access_application(request.user, reference, roles=[Role.WINDOW_OFFICER])
    residence = application.decisions_by_authority.get(Authority.RESIDENCE_PERMIT.value)
    form = IssueForm(
        request.POST or None, residence=residence is not None and residence.outcome == "approved"
    )
    if request.method == "POST" and form.is_valid():
        try:
            permit = do_issue_permit(
                application,
                actor=request.user,
                residence_permit_number=form.cleaned_data.get("residence_permit_number", ""),
                request=request,
            )
        except (TransitionRefused, ValidationError) as exc:
            text = str(exc.message) if isinstance(exc, TransitionRefused) else " ".join(exc.messages)
            messages.error(request, text)
        else:
            messages.success(request, _("Work permit %(number)s issued.") % {"number": permit.number.number})
            return redirect("cases:detail", reference=reference)
    return render(
        request,
        "permits/issue.html",
        {"application": application, "form": form, "residence": residence},
    )
