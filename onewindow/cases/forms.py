from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.cases import reasons
from onewindow.cases.models import Category, Decision
from onewindow.cases.workflow import KIND_LABELS, Kind
from onewindow.lib.forms import StyledForm


class ApplicationForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("What do you apply for?"), choices=[(k.value, v) for k, v in KIND_LABELS.items()]
    )
    position = forms.CharField(label=_("Position"), max_length=150)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Not known yet")), *Category.choices],
        required=False,
        help_text=_("Use the self-assessment to find the category; the commission confirms it."),
    )
    annual_salary_cny = forms.IntegerField(
        label=_("Annual salary (RMB)"), min_value=0, max_value=100_000_000, required=False
    )
    work_start = forms.DateField(label=_("Work starts"), widget=forms.DateInput, required=False)
    work_end = forms.DateField(label=_("Work ends"), widget=forms.DateInput, required=False)
    # A fresh token per rendered form: a double click or a retried POST finds the first application.
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4().hex)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("work_start")
        end: dt.date | None = data.get("work_end")
        if start and end and end < start:
            self.add_error("work_end", _("Work cannot end before it starts."))
        if data.get("kind") == Kind.SHORT_TERM and start and end and (end - start).days + 1 > 90:
            self.add_error("work_end", _("Short-term work lasts 90 days or less."))
        return data


class CorrectionsForm(StyledForm):
    corrections = forms.CharField(
        label=_("Corrections the applicant must make"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One correction per line. The file can be returned only once, so list every correction now "
            "(Administrative Licensing Law, article 32)."
        ),
    )

    def clean_corrections(self) -> list[dict[str, str]]:
        lines = [line.strip() for line in self.cleaned_data["corrections"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("List at least one correction."))
        return [{"text": line} for line in lines]


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AnswerForm(StyledForm):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class EntryForm(StyledForm):
    entry_date = forms.DateField(label=_("Date of entry to China"), widget=forms.DateInput)

    def clean_entry_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["entry_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of entry cannot be in the future."))
        return day


class DecisionForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    reason_codes = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=[
            (code, reason.label) for code, reason in reasons.REASONS.items() if code != "no_work_permit"
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    reasoning = forms.CharField(
        label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput, required=False)
    fee_cny = forms.IntegerField(label=_("Fee (RMB)"), min_value=0, max_value=10_000, required=False)

    def __init__(self, *args: Any, residence: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.residence = residence
        if not residence:
            del self.fields["fee_cny"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        codes = data.get("reason_codes") or []
        if outcome == Decision.Outcome.APPROVED:
            if any(reasons.REASONS[code].refusal for code in codes):
                self.add_error("reason_codes", _("An approval cannot carry a reason for refusal."))
            start, end = data.get("valid_from"), data.get("valid_until")
            if not start:
                self.add_error("valid_from", _("An approval needs the first day of validity."))
            if not end:
                self.add_error("valid_until", _("An approval needs the last day of validity."))
            if start and end and end < start:
                self.add_error("valid_until", _("Validity cannot end before it starts."))
        elif outcome == Decision.Outcome.REFUSED:
            if not any(reasons.REASONS[code].refusal for code in codes):
                self.add_error("reason_codes", _("A refusal must state at least one reason for refusal."))
            if not (data.get("reasoning") or "").strip():
                self.add_error("reasoning", _("A refusal must be reasoned."))
        return data
