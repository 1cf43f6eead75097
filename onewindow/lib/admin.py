"""Admin base classes: configuration changes are audited; case data is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from onewindow.audit.trail import record_event


class AuditedAdmin(admin.ModelAdmin):
    """Configuration edited in the admin: every addition, change and deletion goes to the audit trail."""

    def _audit(self, request: HttpRequest, obj: models.Model, verb: str, message: Any) -> None:
        record_event(
            actor=request.user,  # type: ignore[arg-type]
            action=f"config.{obj._meta.model_name}_{verb}",
            obj=obj,
            data={"admin": True, "change": str(message)[:2000], "value": str(obj)[:300]},
            request=request,
        )

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        self._audit(request, obj, "add", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        self._audit(request, obj, "change", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, obj, "delete", "")
        return super().log_deletions(request, queryset)

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        obj.full_clean()
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Case data is changed only through OneWindow's own steps; the admin can look, not touch."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
