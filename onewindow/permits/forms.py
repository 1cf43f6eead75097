from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.lib.forms import StyledForm


class IssueForm(StyledForm):
    residence_permit_number = forms.CharField(
        label=_("Residence permit number (as printed by the exit-entry office)"),
        max_length=30,
        required=False,
    )

    def __init__(self, *args: object, residence: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.residence = residence
        if residence:
            self.fields["residence_permit_number"].required = True
        else:
            del self.fields["residence_permit_number"]

    def clean_residence_permit_number(self) -> str:
        number = "".join(self.cleaned_data["residence_permit_number"].split()).upper()
        if number and not re.fullmatch(r"[A-Z0-9]{6,30}", number):
            raise forms.ValidationError(_("Use the letters and digits of the number only."))
        return number


class RevokeForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        help_text=_("Recorded in the audit trail and shown to the holder and the employer."),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
