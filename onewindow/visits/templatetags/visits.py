"""The case page's panel about booking and the visit (``{% visit_panel application %}``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from onewindow.cases.models import Application

register = template.Library()


@register.inclusion_tag("visits/_case_panel.html", takes_context=True)
def visit_panel(context: dict[str, Any], application: Application) -> dict[str, Any]:
    from onewindow.visits.views import case_panel_context

    return case_panel_context(context["request"].user, application)


@register.filter
def minutes(value: dt.timedelta | None) -> str:
    """A duration as whole minutes (rounded), for waiting and service times."""
    if value is None:
        return ""
    return str(round(value.total_seconds() / 60))
