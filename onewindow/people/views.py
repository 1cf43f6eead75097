"""A foreign national's file: created by their employer, seen by them and by case staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from onewindow.accounts.scopes import scope_of
from onewindow.audit.trail import record_view
from onewindow.cases.access import visible_applications
from onewindow.employers.access import access_employer
from onewindow.lib.forms import add_validation_error
from onewindow.lib.http import AuthedRequest
from onewindow.people.access import access_person
from onewindow.people.actions import do_create_person
from onewindow.people.forms import NewEmployeeForm


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest, employer_id: int) -> HttpResponse:
    """An HR user enters a new foreign employee."""
    employer = access_employer(request.user, employer_id, hr_only=True)
    form = NewEmployeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.person_fields()
        position = fields.pop("position")
        try:
            person = do_create_person(
                actor=request.user, employer=employer, position=position, request=request, **fields
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The employee's file was created."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/create.html", {"form": form, "employer": employer})


@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A person's file; every view is logged in the audit trail."""
    person = access_person(request.user, pk)
    record_view(actor=request.user, obj=person, request=request)
    applications = (
        visible_applications(request.user).filter(person=person).select_related("employer", "station")
    )
    employments = person.employments.select_related("employer").order_by("-created_at")
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "applications": applications.order_by("-created_at"),
            "employments": employments,
        },
    )


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """A foreign national's own page: their file and their applications."""
    person_ids = sorted(scope_of(request.user).person_ids)
    if not person_ids:
        raise Http404("No personal file")
    return detail(request, person_ids[0])
