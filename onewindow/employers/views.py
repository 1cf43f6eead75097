"""The employer's own pages (HR users): foreign staff with their permits and cases, the employer's
documents, and the reporting duties."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from onewindow.accounts.scopes import scope_of
from onewindow.cases.rules import EXTENSION_EARLIEST_DAYS
from onewindow.employers import selectors
from onewindow.employers.access import access_employer
from onewindow.employers.actions import do_record_duty
from onewindow.employers.forms import DutyForm
from onewindow.lib.forms import add_validation_error
from onewindow.lib.http import AuthedRequest
from onewindow.lib.uploads import UploadRefused
from onewindow.people.actions import do_upload_document
from onewindow.people.forms import DocumentUploadForm
from onewindow.people.models import Document
from onewindow.people.vault import expiring, expiry_warning_days


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
    """The employer's dashboard: duties due, documents expiring, foreign staff, applications."""
    employer = access_employer(request.user, pk, hr_only=True)
    today = timezone.localdate()
    staff = list(selectors.foreign_staff(employer))
    staff_documents = Document.objects.filter(person_id__in=[e.person_id for e in staff])
    context = {
        "employer": employer,
        "staff": staff,
        "applications": selectors.recent_applications(employer),
        "duties": selectors.duties_of(employer, today=today),
        "documents": Document.objects.filter(employer=employer).order_by("document_type", "-uploaded_at"),
        "expiring": expiring(Document.objects.filter(employer=employer) | staff_documents, today=today),
        "warning_days": expiry_warning_days(),
        "today": today,
        # Permits expiring by then are in (or near) their extension window: 30 to 90 days before expiry.
        "extension_from": today + dt.timedelta(days=EXTENSION_EARLIEST_DAYS),
        "other_employers": sorted(scope_of(request.user).employer_ids - {employer.pk}),
    }
    return render(request, "employers/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_duty(request: AuthedRequest, pk: int) -> HttpResponse:
    """An HR user records a change or a departure; the duty to report it appears on the dashboard."""
    employer = access_employer(request.user, pk, hr_only=True)
    staff = list(selectors.foreign_staff(employer))
    form = DutyForm(request.POST or None, staff=staff, initial={"person": request.GET.get("person", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next(e.person for e in staff if e.person_id == data["person"])
        try:
            do_record_duty(
                employer=employer,
                person=person,
                kind=data["kind"],
                happened_on=data["happened_on"],
                note=data["note"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Recorded. Report it by the due date shown below."))
            return redirect("employers:detail", pk=employer.pk)
    return render(request, "employers/duty.html", {"form": form, "employer": employer})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """An HR user adds a document of the employer (business licence …) to the employer's vault."""
    employer = access_employer(request.user, pk, hr_only=True)
    form = DocumentUploadForm(request.POST or None, request.FILES or None, employer_documents=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_upload_document(
                actor=request.user,
                employer=employer,
                upload=data["file"],
                document_type=data["document_type"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                issued_abroad=data["issued_abroad"],
                authenticated=data["authenticated"],
                request=request,
            )
        except UploadRefused as exc:
            form.add_error("file", exc)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The document was added to the employer's file."))
            return redirect("employers:detail", pk=employer.pk)
    return render(request, "employers/upload.html", {"form": form, "employer": employer})
