"""Admin: signing keys are rotated and withdrawn here (audited actions); permits and scans are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onewindow.accounts.models import User
from onewindow.lib.admin import ReadOnlyAdmin
from onewindow.permits.actions import do_rotate_signing_key, do_withdraw_signing_key
from onewindow.permits.models import Permit, Scan, SigningKey


def _admin_user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # admin views let only signed-in staff through
        raise PermissionDenied
    return request.user


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    """Keys are generated, never typed in; the private half is never shown."""

    list_display = ["kid", "state", "algorithm", "activated_at", "retired_at", "withdrawn_at", "created_by"]
    list_filter = ["state"]
    fields = readonly_fields = (
        "kid",
        "algorithm",
        "public_key",
        "state",
        "created_at",
        "created_by",
        "activated_at",
        "retired_at",
        "withdrawn_at",
        "withdrawal_reason",
    )
    actions = ["rotate", "withdraw"]
    change_list_template = "admin/permits/signingkey/change_list.html"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_rotate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def get_urls(self) -> list[URLPattern]:
        rotate = self.admin_site.admin_view(require_POST(self.rotate_view))
        return [path("rotate/", rotate, name="permits_signingkey_rotate"), *super().get_urls()]

    def _rotate(self, request: HttpRequest) -> None:
        user = _admin_user(request)
        try:
            key = do_rotate_signing_key(actor=user, request=request)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Key %(kid)s now signs permit QR codes; earlier keys still verify.") % {"kid": key.kid},
                messages.SUCCESS,
            )

    def rotate_view(self, request: HttpRequest) -> HttpResponse:
        """The button above the list (works with no key yet, when there is nothing to select)."""
        if not self.has_rotate_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        self._rotate(request)
        return HttpResponseRedirect(reverse("admin:permits_signingkey_changelist"))

    @admin.action(description=gettext_lazy("Generate a new key and make it active"), permissions=["rotate"])
    def rotate(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> None:
        self._rotate(request)

    @admin.action(
        description=gettext_lazy("Withdraw the selected retired keys (compromised: stop verifying)"),
        permissions=["rotate"],
    )
    def withdraw(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> HttpResponse | None:
        reason = request.POST.get("withdrawal_reason", "").strip()
        if "apply" not in request.POST or not reason:
            return TemplateResponse(
                request,
                "admin/permits/signingkey/withdraw.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Withdraw signing keys"),
                    "keys": queryset,
                    "opts": self.model._meta,
                    "missing_reason": "apply" in request.POST,
                },
            )
        user = _admin_user(request)
        for key in queryset:
            try:
                do_withdraw_signing_key(key, actor=user, reason=reason, request=request)
            except ValidationError as exc:
                self.message_user(request, f"{key.kid}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("Key %(kid)s withdrawn.") % {"kid": key.kid}, messages.WARNING)
        return None


@admin.register(Permit)
class PermitAdmin(ReadOnlyAdmin):
    """Non-identifying columns only; a permit is opened through OneWindow, which logs the view."""

    list_display = ["pk", "number", "status", "category", "valid_from", "valid_until", "issued_at"]
    list_filter = ["status", "category"]
    fields = ["number", "status", "category", "valid_from", "valid_until", "issued_at", "ended_at"]
    search_fields = ["number__number", "cancellation_reference"]


@admin.register(Scan)
class ScanAdmin(ReadOnlyAdmin):
    list_display = ["scanned_at", "result", "channel", "key_id", "permit_id"]
    list_filter = ["result", "channel"]
    fields = ["scanned_at", "result", "channel", "key_id", "permit_id"]
    show_full_result_count = False
