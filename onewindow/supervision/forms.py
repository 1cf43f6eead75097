"""Forms of the supervision pages (parsing only; the rules are in the actions)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import User
from onewindow.cases.workflow import ACTION_LABELS, Action
from onewindow.lib.forms import StyledForm
from onewindow.offices.models import Office
from onewindow.supervision.actions import PROPOSABLE
from onewindow.supervision.checks import STRATA
from onewindow.supervision.models import CHECKLIST, Finding, TrainingModule


def _lines(text: str) -> list[dict[str, str]]:
    return [{"text": line.strip(), "document_type": ""} for line in text.splitlines() if line.strip()]


class ProposalForm(StyledForm):
    action = forms.ChoiceField(label=_("Step"))
    items = forms.CharField(
        label=_("Corrections or items asked for (one per line)"), widget=forms.Textarea, required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), ("approved", _("Approved")), ("refused", _("Refused"))],
        required=False,
    )
    reason_codes = forms.CharField(label=_("Reason codes (comma-separated)"), required=False)
    reasoning = forms.CharField(label=_("Reasoning"), widget=forms.Textarea, required=False)
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    residence_permit_number = forms.CharField(label=_("Residence permit number"), required=False)

    def __init__(self, *args: Any, actions: list[Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            (a.value, ACTION_LABELS[a]) for a in actions
        ]

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "items": _lines(data.get("items") or ""),
            "reason": data.get("reason") or "",
            "outcome": data.get("outcome") or "",
            "reason_codes": [
                code.strip() for code in (data.get("reason_codes") or "").split(",") if code.strip()
            ],
            "reasoning": data.get("reasoning") or "",
            "valid_from": (data.get("valid_from") or "") and data["valid_from"].isoformat(),
            "valid_until": (data.get("valid_until") or "") and data["valid_until"].isoformat(),
            "residence_permit_number": data.get("residence_permit_number") or "",
        }


PROPOSABLE_VALUES = [a.value for a in PROPOSABLE]


class CommentForm(StyledForm):
    comment = forms.CharField(label=_("Comment for the intern"), widget=forms.Textarea)


class DeclarationForm(StyledForm):
    reference = forms.CharField(label=_("Case reference"), max_length=14)
    party = forms.ChoiceField(
        label=_("Conflict with"), choices=[("employer", _("The employer")), ("person", _("The person"))]
    )
    reason = forms.CharField(label=_("Nature of the conflict"), widget=forms.Textarea)


class CampaignForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    stations: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Offices checked"), queryset=Office.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    period_start = forms.DateField(label=_("Period starts"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period ends"), widget=forms.DateInput(attrs={"type": "date"}))
    sample_rate = forms.DecimalField(
        label=_("Sample rate (0–1)"), min_value=0, max_value=1, decimal_places=3, required=False
    )
    sample_size = forms.IntegerField(label=_("or sample size"), min_value=1, required=False)
    strata = forms.MultipleChoiceField(
        label=_("Strata"),
        choices=[("station", _("Station")), ("category", _("Category")), ("kind", _("Kind"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, stations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stations"].queryset = stations  # type: ignore[attr-defined]
        self.fields["stations"].label_from_instance = lambda office: office.name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("sample_rate") is None) == (data.get("sample_size") is None):
            raise ValidationError(_("Give either a sample rate or a sample size."))
        if set(data.get("strata") or []) - set(STRATA):
            raise ValidationError(_("Strata are station, category or kind."))
        return data


class ReviewForm(StyledForm):
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)
    corrective = forms.CharField(label=_("Corrective action"), widget=forms.Textarea, required=False)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Owner of the corrective action"), queryset=User.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in CHECKLIST:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.order_fields([name for name, _label in CHECKLIST])
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]
        from onewindow.lib.forms import style_fields

        style_fields(self)

    def corrective_items(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if not (data.get("corrective") or "").strip():
            return []
        if data.get("owner") is None or data.get("due_on") is None:
            raise ValidationError({"owner": _("A corrective action needs an owner and a deadline.")})
        return [{"description": data["corrective"], "owner": data["owner"], "due_on": data["due_on"]}]


class CloseForm(StyledForm):
    note = forms.CharField(label=_("How it was put right"), widget=forms.Textarea)


class PeriodForm(StyledForm):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("The period ends before it starts."))
        return data

    @staticmethod
    def default() -> dict[str, str]:
        today = timezone.localdate()
        return {"start": (today - dt.timedelta(days=90)).isoformat(), "end": today.isoformat()}


class ModuleForm(StyledForm):
    module = forms.ModelChoiceField(label=_("Module"), queryset=TrainingModule.objects.all())
    completed_on = forms.DateField(label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"}))


class InternshipForm(StyledForm):
    mentor: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Mentor"), queryset=User.objects.none()
    )
    office: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Hall or office"), queryset=Office.objects.none()
    )
    start = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, mentors: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors  # type: ignore[attr-defined]
        self.fields["mentor"].label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        self.fields["office"].label_from_instance = lambda office: office.name  # type: ignore[attr-defined]


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
