"""Forms of the employer's own pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.employers.models import ReportingDuty
from onewindow.lib.forms import StyledForm
from onewindow.people.models import Employment


class DutyForm(StyledForm):
    """An HR user records a change of an employee's items or the end of an employment."""

    person = forms.TypedChoiceField(label=_("Employee"), coerce=int)
    kind = forms.ChoiceField(label=_("What happened"), choices=ReportingDuty.Kind.choices)
    happened_on = forms.DateField(
        label=_("Date of the event"),
        widget=forms.DateInput,
        help_text=_("The change, or the last day of employment. It must be reported within 10 working days."),
    )
    note = forms.CharField(
        label=_("What changed, or why the employment ended"), max_length=300, required=False
    )

    def __init__(self, *args: Any, staff: list[Employment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((e.person_id, f"{e.person.display_name} ({e.position})") for e in staff),
        ]
