"""Forms of the API token and service account pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.api.models import ApiToken
from onewindow.lib.forms import StyledForm

EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
    ("", _("Never (revoke it yourself)")),
]


class TokenForm(StyledForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. 'HR system (production)'."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    expires_in_days = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False
    )


class ServiceAccountForm(StyledForm):
    name = forms.CharField(
        label=_("Name of the system"), max_length=200, help_text=_("E.g. 'Payroll and HR system'.")
    )
    employer = forms.TypedChoiceField(label=_("Employer"), coerce=int)

    def __init__(self, *args: object, employers: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = employers  # type: ignore[attr-defined]
