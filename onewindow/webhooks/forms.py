from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.lib.forms import StyledForm


class EndpointForm(StyledForm):
    url = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_("An https:// address of your system that accepts POST requests."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    employer = forms.TypedChoiceField(label=_("Employer"), coerce=int)

    def __init__(self, *args: object, employers: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = employers  # type: ignore[attr-defined]
