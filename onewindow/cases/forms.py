from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.cases import assessment, reasons, rules
from onewindow.cases.kinds import spec
from onewindow.cases.models import Category, Decision
from onewindow.cases.workflow import KIND_LABELS, Kind
from onewindow.lib.forms import StyledForm


def _choices(labels: dict[Any, Any]) -> list[tuple[str, Any]]:
    return [(str(key), label) for key, label in labels.items()]


class KindForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("What do you apply for?"),
        choices=[(k.value, v) for k, v in KIND_LABELS.items()],
        widget=forms.RadioSelect,
    )


class ApplicationForm(StyledForm):
    """The one form: common facts, then the fields of the chosen kind.

    The kind's rules themselves (``cases.rules``) run in the action, so the
    API and this form refuse the same things with the same messages.
    """

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

    # Fields of each kind, stored in Application.details.
    KIND_FIELDS: dict[Kind, list[str]] = {
        Kind.SHORT_TERM: ["situation", "partner_organisation"],
        Kind.NOTIFICATION_LETTER: ["outside_china", "planned_entry_date", "visa_post"],
        Kind.NEW_IN_CHINA: ["basis", "cancellation_proof", "residence_permit_number"],
        Kind.EXTENSION: [],
        Kind.CHANGE: [
            "items",
            "change_date",
            "new_family_name",
            "new_given_names",
            "new_passport_number",
            "new_passport_expiry",
            "new_category",
        ],
        Kind.CANCELLATION: ["employment_end_date", "reason"],
        Kind.REISSUE: ["old_card_number"],
    }
    # Common fields each kind does not ask for.
    KIND_SKIPS: dict[Kind, set[str]] = {
        Kind.EXTENSION: {"work_start"},
        Kind.CHANGE: {"work_start", "work_end", "annual_salary_cny"},
        Kind.CANCELLATION: {"work_start", "work_end", "annual_salary_cny", "category"},
        Kind.REISSUE: {"work_start", "work_end", "annual_salary_cny", "category"},
    }

    def __init__(self, *args: Any, kind: Kind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4().hex)
        for name in self.KIND_SKIPS.get(kind, set()):
            del self.fields[name]
        if kind == Kind.EXTENSION:
            self.fields["work_end"].label = _("New last day of work")
            self.fields["work_end"].required = True
        if kind == Kind.SHORT_TERM:
            self.fields["work_start"].required = self.fields["work_end"].required = True
        extra = _kind_fields()
        for name in self.KIND_FIELDS[kind]:
            self.fields[name] = extra[name]
        if spec(kind).assessed:
            # The category is assessed from the facts below, not claimed.
            del self.fields["category"]
            self.fields["annual_salary_cny"].required = True
            for name, field in _assessment_fields().items():
                self.fields[name] = field
        from onewindow.lib.forms import style_fields

        style_fields(self)

    @property
    def assessed(self) -> bool:
        return spec(self.kind).assessed

    def assessment_facts(self) -> dict[str, Any] | None:
        if not self.assessed:
            return None
        return {
            name: self.cleaned_data[name] for name in assessment.INPUT_FIELDS if name in self.cleaned_data
        }

    def details(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.KIND_FIELDS[self.kind]
            if self.cleaned_data.get(name) not in (None, "", [], False)
        }


def _assessment_fields() -> dict[str, forms.Field]:
    """The self-assessment's questions (same labels, limits and help), for the one form."""
    from onewindow.eligibility.forms import SelfAssessmentForm

    form = SelfAssessmentForm()
    return {name: form.fields[name] for name in assessment.INPUT_FIELDS}


def _kind_fields() -> dict[str, forms.Field]:
    """Fresh field objects for the kind-specific part of the form."""
    return {
        "situation": forms.ChoiceField(
            label=_("Situation"), choices=[("", "—"), *_choices(rules.SHORT_TERM_SITUATIONS)]
        ),
        "partner_organisation": forms.CharField(
            label=_("Chinese partner organisation"), max_length=200, required=False
        ),
        "outside_china": forms.BooleanField(
            label=_("The applicant is outside China now"),
            required=False,
            help_text=_("After the letter is issued the applicant gets a Z visa and enters China."),
        ),
        "planned_entry_date": forms.DateField(
            label=_("Planned date of entry"), widget=forms.DateInput, required=False
        ),
        "visa_post": forms.CharField(
            label=_("Chinese embassy or consulate for the Z visa"), max_length=120, required=False
        ),
        "basis": forms.ChoiceField(
            label=_("Ground for applying from inside China"),
            choices=[("", "—"), *_choices(rules.IN_CHINA_BASES)],
        ),
        "cancellation_proof": forms.CharField(
            label=_("Reference of the previous permit's proof of cancellation"), max_length=40, required=False
        ),
        "residence_permit_number": forms.CharField(
            label=_("Current work-type residence permit number"), max_length=30, required=False
        ),
        "items": forms.MultipleChoiceField(
            label=_("What changed"), choices=_choices(rules.CHANGE_ITEMS), widget=forms.CheckboxSelectMultiple
        ),
        "change_date": forms.DateField(label=_("Date of the change"), widget=forms.DateInput),
        "new_family_name": forms.CharField(label=_("New family name"), max_length=100, required=False),
        "new_given_names": forms.CharField(label=_("New given names"), max_length=150, required=False),
        "new_passport_number": forms.CharField(label=_("New passport number"), max_length=20, required=False),
        "new_passport_expiry": forms.DateField(
            label=_("New passport valid until"), widget=forms.DateInput, required=False
        ),
        "new_category": forms.ChoiceField(
            label=_("New category"), choices=[("", "—"), *Category.choices], required=False
        ),
        "employment_end_date": forms.DateField(label=_("Last day of employment"), widget=forms.DateInput),
        "reason": forms.ChoiceField(
            label=_("Why the employment ended"), choices=[("", "—"), *_choices(rules.DEPARTURE_REASONS)]
        ),
        "old_card_number": forms.CharField(label=_("Number on the old permit card"), max_length=30),
    }


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


class TransferForm(StyledForm):
    to_station = forms.TypedChoiceField(label=_("Transfer to"), coerce=int)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, stations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_station"].choices = [(s.pk, s.name) for s in stations]  # type: ignore[attr-defined]


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


def details_for_display(kind: str, details: dict[str, Any]) -> list[tuple[str, str]]:
    """The kind-specific answers of an application as (label, value) pairs, in the user's language."""
    fields = _kind_fields()
    rows: list[tuple[str, str]] = []
    for name in ApplicationForm.KIND_FIELDS.get(Kind(kind), []):
        if name not in details:
            continue
        field = fields[name]
        value = details[name]
        choices = dict(getattr(field, "choices", []) or [])
        if isinstance(value, list):
            shown = ", ".join(str(choices.get(item, item)) for item in value)
        elif isinstance(value, bool):
            shown = str(_("Yes") if value else _("No"))
        else:
            shown = str(choices.get(value, value))
        rows.append((str(field.label), shown))
    return rows
