from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from onewindow.lib.forms import StyledForm
from onewindow.offices.models import Area, Office
from onewindow.registry.dimensions import Basis
from onewindow.registry.models import NOTICE_LANGUAGES, REQUIRED_NOTICE_LANGUAGES, Notice


def _area_label(area: Area) -> str:
    indent = {"city": "", "district": "— ", "street": "— — "}.get(area.level, "")
    return f"{indent}{area.name}"


class FiguresForm(StyledForm):
    """Which area, which day and which basis the dashboard shows (all in the user's reach)."""

    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    date = forms.DateField(label=_("On"), widget=forms.DateInput, required=False)
    basis = forms.ChoiceField(label=_("Count by"), choices=Basis.choices, required=False)

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(area.pk, _area_label(area)) for area in areas]  # type: ignore[attr-defined]

    def clean_date(self) -> Any:
        return self.cleaned_data.get("date") or timezone.localdate()

    def clean_basis(self) -> str:
        return self.cleaned_data.get("basis") or Basis.WORKPLACE.value


class ExportForm(FiguresForm):
    file_format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])


def _language_name(code: str) -> str:
    return dict(NOTICE_LANGUAGES)[code]


class NoticeForm(StyledForm):
    """A notice: who it is for, and its text in English, Chinese and any other language."""

    office = forms.TypedChoiceField(label=pgettext_lazy("sender of a notice", "From"), coerce=int)
    area = forms.TypedChoiceField(label=_("To the foreign nationals of"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=Notice.Kind.choices)
    reach = forms.ChoiceField(label=_("Who"), choices=Notice.Reach.choices, initial=Notice.Reach.LIVE_OR_WORK)
    nationalities = forms.MultipleChoiceField(
        label=_("Only these nationalities"),
        # A callable: the names are listed in the language of each request.
        choices=lambda: list(countries),
        required=False,
        help_text=_("Leave empty for every nationality."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Only people who read these languages"),
        choices=NOTICE_LANGUAGES,
        required=False,
        help_text=_("Leave empty for everyone, whatever their language."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, offices: list[Office], areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(office.pk, office.name) for office in offices]  # type: ignore[attr-defined]
        self.fields["area"].choices = [(area.pk, _area_label(area)) for area in areas]  # type: ignore[attr-defined]
        for code, name in NOTICE_LANGUAGES:
            required = code in REQUIRED_NOTICE_LANGUAGES
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name}, max_length=150, required=required
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text in %(language)s") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 5}),
                required=required,
            )
        from onewindow.lib.forms import style_fields

        style_fields(self)

    def language_fields(self) -> list[tuple[str, str, bool, Any, Any]]:
        """(code, name, required, title field, body field) per language, for the template."""
        return [
            (code, name, code in REQUIRED_NOTICE_LANGUAGES, self[f"title_{code}"], self[f"body_{code}"])
            for code, name in NOTICE_LANGUAGES
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code, _name in NOTICE_LANGUAGES:
            title, body = data.get(f"title_{code}", ""), data.get(f"body_{code}", "")
            if bool(title.strip()) != bool(body.strip()):
                self.add_error(
                    f"title_{code}" if not title.strip() else f"body_{code}",
                    _("Give both a title and a text, or neither."),
                )
        return data

    def texts(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            code: (data[f"title_{code}"].strip(), data[f"body_{code}"].strip())
            for code, _name in NOTICE_LANGUAGES
            if data.get(f"title_{code}", "").strip()
        }


class PreferencesForm(StyledForm):
    """A foreign national's choices for notices from the street office."""

    language = forms.ChoiceField(label=_("Language of notices"), choices=NOTICE_LANGUAGES)
    notices_opt_out = forms.BooleanField(
        label=_("Do not send me optional community notices"),
        required=False,
        help_text=_("Public-health notices and messages about your own permit are always sent."),
    )
