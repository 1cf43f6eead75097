from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from onewindow.lib.forms import StyledForm, mark_errors, style_fields
from onewindow.offices.models import Office


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "username"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        mark_errors(self)


class SecondFactorForm(StyledForm):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )


class EnrolForm(StyledForm):
    code = forms.CharField(
        label=_("Code shown by the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthenticateForm(StyledForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )

    def __init__(self, *args: Any, needs_code: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]


class AgreementForm(StyledForm):
    """An administrator records a staff member's signed confidentiality agreement."""

    email = forms.EmailField(label=_("Staff member's e-mail address"))
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    version = forms.CharField(
        label=_("Version of the agreement text"), max_length=40, help_text=_("As printed on the signed copy.")
    )
    reference = forms.CharField(label=_("Filing reference of the signed copy"), max_length=80, required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput)
    valid_until = forms.DateField(label=_("Valid until (if limited)"), widget=forms.DateInput, required=False)

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()
