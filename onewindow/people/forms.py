from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from onewindow.lib.forms import StyledForm
from onewindow.offices.models import Area
from onewindow.people.documents import RULES
from onewindow.people.models import Sex

_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
LANGUAGE_CHOICES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("ar", "العربية"),
]


def _countries() -> list[tuple[str, str]]:
    # Called for each form, so that the names are in the language of the request.
    return [("", "—"), *countries]


class PersonForm(StyledForm):
    family_name = forms.CharField(label=_("Family name (as in passport)"), max_length=100)
    given_names = forms.CharField(label=_("Given names (as in passport)"), max_length=150, required=False)
    chinese_name = forms.CharField(label=_("Chinese name, if any"), max_length=60, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=forms.DateInput)
    nationality = forms.ChoiceField(label=_("Nationality"), choices=_countries)
    passport_number = forms.CharField(label=_("Passport number"), max_length=20)
    passport_expiry = forms.DateField(label=_("Passport valid until"), widget=forms.DateInput)
    residential_address = forms.CharField(
        label=_("Residential address in China"), max_length=300, required=False
    )
    residential_street = forms.ModelChoiceField(
        label=_("Street of residence"), queryset=Area.objects.streets(), required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language for notices"), choices=LANGUAGE_CHOICES, initial="en")

    def clean_passport_number(self) -> str:
        number = "".join(self.cleaned_data["passport_number"].split()).upper()
        if not _PASSPORT.match(number):
            raise forms.ValidationError(
                _("A passport number has 5 to 20 letters and digits, without symbols.")
            )
        return number

    def clean_date_of_birth(self) -> dt.date:
        born: dt.date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born >= today:
            raise forms.ValidationError(_("The date of birth must be in the past."))
        if today.year - born.year > 100:
            raise forms.ValidationError(_("Check the year of birth: it is more than 100 years ago."))
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age < 16:
            raise forms.ValidationError(_("A person under 16 cannot be employed."))
        return born

    def clean_passport_expiry(self) -> dt.date:
        expiry: dt.date = self.cleaned_data["passport_expiry"]
        if expiry < timezone.localdate():
            raise forms.ValidationError(_("This passport has expired; enter the current passport."))
        return expiry

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"\+?[0-9 ()-]{6,30}", phone):
            raise forms.ValidationError(
                _("Enter a phone number with digits only, optionally starting with +.")
            )
        return phone

    def person_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return data


class NewEmployeeForm(PersonForm):
    position = forms.CharField(label=_("Position at your organisation"), max_length=150)


class DocumentUploadForm(StyledForm):
    """A person's document: its kind, dates, and the file (PDF, JPEG or PNG)."""

    document_type = forms.ChoiceField(label=_("Kind of document"))
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A PDF, JPEG or PNG file. Photos are re-saved without their hidden data (such as location)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    issued_on = forms.DateField(label=_("Issued on"), widget=forms.DateInput, required=False)
    expires_on = forms.DateField(label=_("Valid until"), widget=forms.DateInput, required=False)
    issued_abroad = forms.BooleanField(label=_("Issued outside China"), required=False)
    authenticated = forms.BooleanField(
        label=_("Authenticated by a Chinese consulate or apostilled"), required=False
    )

    def __init__(self, *args: Any, employer_documents: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *(
                (str(kind), rule.label)
                for kind, rule in RULES.items()
                if rule.employer_document == employer_documents
            ),
        ]


class ViewReasonForm(StyledForm):
    """Why a supervisor opens a file they are not working on (kept in the access log)."""

    reason = forms.CharField(
        label=_("Reason for opening this file"),
        help_text=_(
            "For example: random check 2026-Q4 no. 12, complaint no. 345. It is kept in the access log."
        ),
        min_length=10,
        max_length=300,
    )
