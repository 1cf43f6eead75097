from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.lib.forms import StyledForm
from onewindow.offices.models import ServiceWindow
from onewindow.visits.models import OriginalCheck
from onewindow.visits.slots import Slot


class OriginalCheckForm(StyledForm):
    document_type = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OriginalCheck.Outcome.choices)
    notes = forms.CharField(label=_("What was checked, or what was wrong"), max_length=500, required=False)


class SlotForm(StyledForm):
    """Choose one of the free slots listed (radio buttons grouped by day in the template)."""

    slot = forms.ChoiceField(label=_("Time of the visit"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, slots: list[Slot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots
        field = cast(forms.ChoiceField, self.fields["slot"])
        field.choices = [(slot.key, slot.key) for slot in slots]
        field.error_messages["invalid_choice"] = _("This time is no longer free; choose another slot.")


class WalkInForm(StyledForm):
    reference = forms.CharField(
        label=_("Case reference (optional)"),
        max_length=14,
        required=False,
        help_text=_("For example OW-7K3M-9Q2P, if the visitor has a case."),
    )


class CallForm(StyledForm):
    window = forms.ChoiceField(label=_("Window"))

    def __init__(self, *args: Any, windows: list[ServiceWindow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["window"])
        field.choices = [(str(w.pk), str(w.number)) for w in windows]


class StartVisitForm(StyledForm):
    reason = forms.CharField(
        label=_("Why is another visit needed?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the applicant has already been here for this application."),
    )


class PeriodForm(StyledForm):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data
