"""Issuing permits at the window, the permit page, its documents, revocation, and the public check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from onewindow.accounts.authn import fresh_authentication_required, is_freshly_authenticated
from onewindow.accounts.models import Role
from onewindow.accounts.scopes import scope_of
from onewindow.audit.trail import record_view
from onewindow.cases.access import access_application
from onewindow.cases.models import Authority
from onewindow.cases.workflow import TransitionRefused
from onewindow.lib.http import AuthedRequest
from onewindow.lib.ratelimit import limited_response
from onewindow.permits import documents, selectors, verification
from onewindow.permits.access import access_permit, can_revoke, visible_permits
from onewindow.permits.actions import REVOKING_ROLES, do_issue_permit, do_record_scan, do_revoke_permit
from onewindow.permits.forms import IssueForm, RevokeForm
from onewindow.permits.models import Permit, Scan
from onewindow.permits.tokens import NoSigningKey, token_for


@login_required
@require_http_methods(["GET", "POST"])
@fresh_authentication_required
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
                fresh_authentication=is_freshly_authenticated(request),
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


def _render_permit(request: AuthedRequest, permit: Permit) -> HttpResponse:
    record_view(
        actor=request.user,
        obj=permit,
        request=request,
        application=permit.application,
        office=permit.issuing_office,
    )
    today = timezone.localdate()
    return render(
        request,
        "permits/detail.html",
        {
            "permit": permit,
            "state": permit.state_on(today),
            "authority": selectors.issuing_authority(permit),
            "qr": documents.qr_image(permit),
            "issuances": visible_permits(request.user).filter(person=permit.person).order_by("-issued_at"),
            "scans": selectors.recent_scans(permit),
            "can_revoke": can_revoke(request.user, permit),
        },
    )


@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One issuance: its data, QR code, documents, history and latest checks (the view is logged)."""
    return _render_permit(request, access_permit(request.user, pk))


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """The holder's own permit: their newest issuance."""
    person_ids = scope_of(request.user).person_ids
    if not person_ids:
        raise Http404("No personal file")
    permit = (
        visible_permits(request.user, [Role.FOREIGN_NATIONAL])
        .filter(person_id__in=person_ids)
        .order_by("-issued_at", "-pk")
        .first()
    )
    if permit is None:
        return render(request, "permits/none.html")
    return _render_permit(request, permit)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _token_or_redirect(request: AuthedRequest, permit: Permit) -> str | None:
    try:
        return token_for(permit)
    except NoSigningKey:
        messages.error(
            request,
            _("No permit signing key is active, so no QR code can be printed. Ask an administrator."),
        )
        return None


@login_required
@require_GET
def permit_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The bilingual printable permit (the download is logged)."""
    permit = access_permit(request.user, pk)
    token = _token_or_redirect(request, permit)
    if token is None:
        return redirect("permits:detail", pk=permit.pk)
    record_view(
        actor=request.user,
        obj=permit,
        request=request,
        what="download",
        application=permit.application,
        office=permit.issuing_office,
    )
    content = documents.permit_pdf(
        permit,
        token=token,
        authority=selectors.issuing_authority(permit),
        state=permit.state_on(timezone.localdate()),
    )
    return _pdf_response(content, f"work-permit-{permit.number.number}-{permit.pk}.pdf")


@login_required
@require_GET
def cancellation_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The proof of cancellation of a cancelled permit (the download is logged)."""
    permit = access_permit(request.user, pk)
    if permit.status != Permit.Status.CANCELLED:
        raise Http404("This permit is not cancelled")
    token = _token_or_redirect(request, permit)
    if token is None:
        return redirect("permits:detail", pk=permit.pk)
    record_view(
        actor=request.user,
        obj=permit,
        request=request,
        what="download_cancellation_proof",
        application=permit.cancellation_application,
        office=permit.issuing_office,
    )
    content = documents.cancellation_proof_pdf(
        permit, token=token, authority=selectors.issuing_authority(permit)
    )
    return _pdf_response(content, f"cancellation-proof-{permit.cancellation_reference}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """A commission reviewer or supervisor revokes an active permit, with the reason."""
    permit = access_permit(request.user, pk, roles=REVOKING_ROLES)
    if not can_revoke(request.user, permit):
        raise Http404("Not revocable by this user")
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_revoke_permit(permit, actor=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Permit %(number)s revoked.") % {"number": permit.number.number})
        return redirect("permits:detail", pk=permit.pk)
    return render(request, "permits/revoke.html", {"permit": permit, "form": form})


@require_GET
def verify_page(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind every permit's QR code: no sign-in, rate-limited, every check logged."""
    verdict = verification.check_rate(request)
    if not verdict.allowed:
        return limited_response(request, verdict)
    check = verification.check_token(token)
    do_record_scan(
        result=check.result,
        channel=Scan.Channel.PAGE,
        permit=check.permit,
        key_id=check.key_id,
        request=request,
    )
    response = render(
        request,
        "permits/verify.html",
        {
            "check": check,
            "answer": verification.answer(check),
            "status_pair": documents.STATUSES[check.result],
            "current_pair": documents.STATUSES[check.current_result] if check.current_result else None,
            "labels": documents.LABELS,
            "category_pair": documents.CATEGORIES.get(check.permit.category) if check.permit else None,
            "nationality_pair": (
                documents.country_names(str(check.permit.person.nationality)) if check.permit else None
            ),
        },
    )
    response["Cache-Control"] = "no-store"
    # The address carries a personal token: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
