"""The public self-assessment form: the same inputs as the API, grouped for people."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BoundField
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from onewindow.eligibility.engine import ROUTES
from onewindow.eligibility.selectors import cities_with_parameters
from onewindow.eligibility.terms import EDUCATION_LABELS, LIMITS, Education
from onewindow.lib.forms import StyledForm


def _number(label: Any, name: str, *, help_text: Any = "", initial: int | None = None) -> forms.IntegerField:
    low, high = LIMITS[name]
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, help_text=help_text, initial=initial
    )


def _education_choices() -> list[tuple[str, str]]:
    # A callable: Django evaluates it when the form renders, in the visitor's language.
    return [(level.value, capfirst(str(EDUCATION_LABELS[level]))) for level in Education]


class SelfAssessmentForm(StyledForm):
    city = forms.ChoiceField(label=_("City"))
    on_date = forms.DateField(
        label=_("Date of the assessment"),
        required=False,
        widget=forms.DateInput,
        help_text=_("The local rules in force on this date apply. Leave empty for today."),
    )
    annual_salary_cny = _number(_("Annual salary from the Chinese employer (RMB)"), "annual_salary_cny")
    education = forms.ChoiceField(
        label=_("Highest education or vocational qualification"),
        choices=_education_choices,
    )
    related_experience_years = _number(_("Related work experience (full years)"), "related_experience_years")
    months_per_year_in_china = _number(
        _("Months per year working in China"), "months_per_year_in_china", initial=12
    )
    age = _number(_("Age"), "age")
    hsk_level = forms.TypedChoiceField(
        label=_("HSK level (Chinese proficiency test)"),
        coerce=int,
        choices=[(0, _("None")), *((level, f"HSK {level}") for level in range(1, 7))],
        initial=0,
    )
    former_chinese_national = forms.BooleanField(label=_("I am a former Chinese national"), required=False)
    chinese_taught_degree = forms.BooleanField(
        label=_("I hold a bachelor's degree or higher taught in Chinese"), required=False
    )
    special_work_location = forms.BooleanField(
        label=_("The post is in a listed special area"),
        required=False,
        help_text=_(
            "Western regions, north-east old industrial bases, national poverty counties "
            "and other listed areas."
        ),
    )
    high_level_university = forms.BooleanField(
        label=_("I graduated from a high-level foreign university"), required=False
    )
    fortune500_experience = forms.BooleanField(
        label=_("I have worked at a Fortune Global 500 company"), required=False
    )
    holds_patents = forms.BooleanField(
        label=_("I hold patents or other intellectual property"), required=False
    )
    continuous_years_in_china = _number(
        _("Years of continuous work in China"), "continuous_years_in_china", initial=0
    )
    local_bonus = _number(
        _("Local encouragement bonus (points)"),
        "local_bonus",
        initial=0,
        help_text=_("Only if the city's rules grant you one; 0 otherwise."),
    )
    direct_routes = forms.MultipleChoiceField(
        label=_("Direct routes that apply to me"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(route.name.value, route.label) for route in ROUTES if route.declared],
        help_text=_("Only what your documents can prove. Salary and degree routes are checked for you."),
    )

    GROUPS = (
        (_("Where and when"), ("city", "on_date")),
        (
            _("Your post and background"),
            (
                "annual_salary_cny",
                "education",
                "related_experience_years",
                "months_per_year_in_china",
                "age",
                "special_work_location",
            ),
        ),
        (_("Chinese language"), ("hsk_level", "former_chinese_national", "chinese_taught_degree")),
        (
            _("Extra points"),
            (
                "high_level_university",
                "fortune500_experience",
                "holds_patents",
                "continuous_years_in_china",
                "local_bonus",
            ),
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cities = list(cities_with_parameters().order_by("path"))
        city_field: forms.ChoiceField = self.fields["city"]  # type: ignore[assignment]
        city_field.choices = [(city.code, city.name) for city in cities]
        if cities:
            city_field.initial = cities[0].code
        self.fields["on_date"].widget.attrs["placeholder"] = timezone.localdate().isoformat()

    def groups(self) -> list[tuple[Any, list[BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def assessment_inputs(self) -> dict[str, Any]:
        """The cleaned answers, as keyword arguments of ``selectors.assess``."""
        return dict(self.cleaned_data)

    def add_assessment_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
