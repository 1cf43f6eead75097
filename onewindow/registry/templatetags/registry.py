"""Showing a count, or the mark of a suppressed one."""

from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value: int | None) -> SafeString | str:
    """A count with digit grouping; a suppressed one (``None``) as "x", explained to screen readers."""
    if value is None:
        return format_html(
            '<abbr class="ow-suppressed" title="{title}">x</abbr><span class="usa-sr-only"> {title}</span>',
            title=_("not shown, to protect a small group"),
        )
    return formats.number_format(value, force_grouping=True)
