"""The employer's own pages (HR users)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from onewindow.accounts.scopes import scope_of
from onewindow.employers import selectors
from onewindow.employers.access import access_employer
from onewindow.lib.http import AuthedRequest


@login_required
@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    """An HR user's start page: their employer (or the first of several)."""
    employer_ids = sorted(scope_of(request.user).employer_ids)
    if not employer_ids:
        raise Http404("Not an employer's HR user")
    return redirect("employers:detail", pk=employer_ids[0])


@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    employer = access_employer(request.user, pk, hr_only=True)
    context = {
        "employer": employer,
        "staff": selectors.foreign_staff(employer),
        "applications": selectors.recent_applications(employer),
        "other_employers": sorted(scope_of(request.user).employer_ids - {employer.pk}),
    }
    return render(request, "employers/detail.html", context)
