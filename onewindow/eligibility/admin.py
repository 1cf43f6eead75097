from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from onewindow.eligibility.actions import do_add_local_parameters
from onewindow.eligibility.models import LocalParameters
from onewindow.eligibility.selectors import overlapping
from onewindow.lib.admin import AuditedAdmin


class LocalParametersForm(forms.ModelForm):
    class Meta:
        model = LocalParameters
        fields = [
            "city",
            "valid_from",
            "valid_until",
            "previous_year_average_wage_cny",
            "local_bonus_max",
            "note",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        city, start = cleaned.get("city"), cleaned.get("valid_from")
        if city is None or start is None:
            return cleaned
        adding = self.instance.pk is None
        clash = overlapping(
            city,
            start,
            cleaned.get("valid_until"),
            exclude_pk=self.instance.pk,
            # A new period closes an open-ended earlier one (do_add_local_parameters).
            ignore_open_before=adding,
        ).first()
        if clash is not None:
            raise forms.ValidationError(_("This period overlaps %(period)s.") % {"period": clash})
        return cleaned


@admin.register(LocalParameters)
class LocalParametersAdmin(AuditedAdmin):
    """New periods go through the action (it closes the open period before them); edits are audited."""

    form = LocalParametersForm
    list_display = [
        "city",
        "valid_from",
        "valid_until",
        "previous_year_average_wage_cny",
        "local_bonus_max",
        "note",
    ]
    list_filter = ["city"]
    date_hierarchy = "valid_from"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        added = do_add_local_parameters(
            actor=request.user,  # type: ignore[arg-type]
            city=obj.city,
            valid_from=obj.valid_from,
            valid_until=obj.valid_until,
            previous_year_average_wage_cny=obj.previous_year_average_wage_cny,
            local_bonus_max=obj.local_bonus_max,
            note=obj.note,
            request=request,
        )
        obj.pk, obj.created_at = added.pk, added.created_at
        obj._state.adding = False
        obj._state.db = added._state.db

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        # The action has written the audit event; keep only Django's own admin log entry.
        return admin.ModelAdmin.log_addition(self, request, obj, message)
