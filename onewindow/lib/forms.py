"""Forms rendered with the design system's classes and accessible error markup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
    (forms.ClearableFileInput, "usa-file-input"),
    (forms.widgets.Input, "usa-input"),
]


class OneWindowFormRenderer(TemplatesSetting):
    """Renders every form and field through the templates in ``templates/forms``."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class StyledForm(forms.Form):
    """A form whose widgets carry the design system's classes and ARIA error links."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        mark_errors(self)


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        mark_errors(self)


def add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: on its fields where they exist, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def style_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        for widget_type, css in _WIDGET_CLASSES:
            if isinstance(widget, widget_type):
                classes = widget.attrs.get("class", "")
                widget.attrs["class"] = f"{classes} {css}".strip()
                break
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            # A date input takes only ISO dates: without this, Chinese pages would print 2026/11/25,
            # which the browser drops (the field shows empty and submits nothing).
            widget.format = "%Y-%m-%d"


def mark_errors(form: forms.BaseForm) -> None:
    """Point each invalid field at its error message for screen readers."""
    if not hasattr(form, "cleaned_data"):
        return
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            if form.auto_id:
                widget.attrs["aria-describedby"] = f"{str(form.auto_id) % form.add_prefix(name)}_error"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} usa-input--error".strip()
