from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.lib.forms import StyledForm
from onewindow.visits.models import OriginalCheck


class OriginalCheckForm(StyledForm):
    document_type = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OriginalCheck.Outcome.choices)
    notes = forms.CharField(label=_("What was checked, or what was wrong"), max_length=500, required=False)
