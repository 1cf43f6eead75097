"""A foreign national's file: created by their employer, seen by them and by case staff;
their documents, uploaded by their employer or themselves and downloaded as attachments.

Every view of a file and every download of a document is logged in the audit
trail with the page it came from, and with a reason when the user reaches
the person only as a supervisor.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from onewindow.accounts.models import Role
from onewindow.accounts.scopes import CASE_ROLES, scope_of
from onewindow.audit.trail import record_view
from onewindow.cases.access import visible_applications
from onewindow.employers.access import access_employer
from onewindow.lib.forms import add_validation_error
from onewindow.lib.http import AuthedRequest
from onewindow.lib.uploads import UploadRefused
from onewindow.people.access import (
    access_document,
    access_person,
    access_person_for_upload,
    person_roles,
    view_reason_required,
    visible_persons,
)
from onewindow.people.actions import do_create_person, do_upload_document
from onewindow.people.forms import DocumentUploadForm, NewEmployeeForm, ViewReasonForm
from onewindow.people.models import Document
from onewindow.people.selectors import documents_of, extension_preview, same_file_persons
from onewindow.people.storage import read_content
from onewindow.people.vault import expiring, expiry_warning_days


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


def _reason_or_form(request: HttpRequest, roles: set[str]) -> tuple[str, ViewReasonForm | None]:
    """The stated reason for this view, or the form asking for one when the role must give it."""
    if not view_reason_required(roles):
        return "", None
    form = ViewReasonForm(request.GET if "reason" in request.GET else None)
    if form.is_valid():
        return str(form.cleaned_data["reason"]), None
    return "", form


@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A person's file with their documents; every view is logged in the audit trail."""
    person = access_person(request.user, pk)
    roles = person_roles(request.user, person)
    reason, reason_form = _reason_or_form(request, roles)
    if reason_form is not None:
        return render(
            request,
            "people/reason.html",
            {"form": reason_form, "what": _("file no. %(number)d") % {"number": pk}},
        )
    record_view(actor=request.user, obj=person, request=request, reason=reason)
    applications = (
        visible_applications(request.user).filter(person=person).select_related("employer", "station")
    )
    employments = person.employments.select_related("employer").order_by("-created_at")
    documents = list(documents_of(person))
    # Case staff are told when a file of this person was also uploaded for someone else.
    same_file = same_file_persons(documents) if roles & CASE_ROLES else {}
    reachable = set(
        visible_persons(request.user)
        .filter(pk__in={pk for others in same_file.values() for pk in others})
        .values_list("pk", flat=True)
    )
    rows = [
        (
            document,
            [other for other in same_file.get(document.pk, []) if other in reachable],
            len([other for other in same_file.get(document.pk, []) if other not in reachable]),
        )
        for document in documents
    ]
    can_upload = person.anonymised_at is None and (
        Role.FOREIGN_NATIONAL in roles
        or person.employments.current().filter(employer_id__in=scope_of(request.user).employer_ids).exists()
    )
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "applications": applications.order_by("-created_at"),
            "employments": employments,
            "documents": rows,
            "can_upload": can_upload,
            "reason_query": urlencode({"reason": reason}) if reason else "",
            "extension": extension_preview(person, today=timezone.localdate()),
            "expiring": expiring(Document.objects.filter(person=person), today=timezone.localdate()),
            "warning_days": expiry_warning_days(),
        },
    )


def back_to(request: HttpRequest) -> str:
    """Where to go after an upload started from a case's checklist: a case page of this site, or ''."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if safe and target.startswith("/cases/") else ""


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """The person's employer (HR) or the person adds a document to the file.

    Started from a case's checklist, the kind of document is filled in and
    the user returns to the case afterwards.
    """
    person = access_person_for_upload(request.user, pk)
    initial = {"document_type": request.GET.get("document_type", "")}
    form = DocumentUploadForm(request.POST or None, request.FILES or None, initial=initial)
    next_url = back_to(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_upload_document(
                actor=request.user,
                person=person,
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
            messages.success(request, _("The document was added to the file."))
            return redirect(next_url) if next_url else redirect("people:detail", pk=person.pk)
    return render(request, "people/upload.html", {"form": form, "person": person, "next_url": next_url})


@login_required
@require_GET
def download(request: AuthedRequest, pk: int) -> HttpResponse:
    """A document, as an attachment only (never shown inline), after logging the download."""
    document = access_document(request.user, pk)
    reason = ""
    if document.person is not None:
        reason, reason_form = _reason_or_form(request, person_roles(request.user, document.person))
        if reason_form is not None:
            return render(
                request,
                "people/reason.html",
                {"form": reason_form, "what": _("document no. %(number)d") % {"number": pk}},
            )
    if document.purged_at is not None:
        raise Http404("The content of this document was removed under the retention rules")
    content = read_content(document)
    record_view(actor=request.user, obj=document, request=request, what="download", reason=reason)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should a browser render it anyway, nothing in it may run or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """A foreign national's own page: their file and their applications."""
    person_ids = sorted(scope_of(request.user).person_ids)
    if not person_ids:
        raise Http404("No personal file")
    return detail(request, person_ids[0])
