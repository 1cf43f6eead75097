"""The window officer's screen for the one visit: each required original, checked."""

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
from onewindow.cases.kinds import visit_documents
from onewindow.lib.http import AuthedRequest
from onewindow.people.documents import label
from onewindow.visits.actions import do_record_original_check
from onewindow.visits.forms import OriginalCheckForm
from onewindow.visits.models import OriginalCheck


@login_required
@require_http_methods(["GET", "POST"])
def originals(request: AuthedRequest, reference: str) -> HttpResponse:
    application = access_application(request.user, reference, roles=[Role.WINDOW_OFFICER])
    if request.method == "POST":
        form = OriginalCheckForm(request.POST)
        if form.is_valid():
            try:
                do_record_original_check(
                    application,
                    actor=request.user,
                    document_type=form.cleaned_data["document_type"],
                    outcome=OriginalCheck.Outcome(form.cleaned_data["outcome"]),
                    notes=form.cleaned_data["notes"],
                    request=request,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Recorded: %(doc)s.") % {"doc": label(form.cleaned_data["document_type"])},
                )
            return redirect("visits:originals", reference=reference)
        messages.error(request, _("Choose an outcome for the document."))
    checks = {
        check.document_type: check for check in application.original_checks.select_related("checked_by")
    }
    rows = [
        (
            str(doc),
            label(doc),
            checks.get(str(doc)),
            OriginalCheckForm(
                initial={"document_type": str(doc), "outcome": OriginalCheck.Outcome.MATCHES},
                auto_id=f"id_{doc}_%s",
            ),
        )
        for doc in visit_documents(application.kind)
    ]
    return render(
        request,
        "visits/originals.html",
        {"application": application, "rows": rows, "complete": application.originals_complete},
    )
