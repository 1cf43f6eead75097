"""Template filters shared by OneWindow's pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from onewindow.cases.workflow import ACTION_LABELS, KIND_LABELS, STATUS_LABELS, Action, Kind, Status
from onewindow.people.documents import label as document_label

register = template.Library()

_EVENT_LABELS = {
    "case.create": _("Draft created"),
    "case.update": _("Application edited"),
    "case.transfer": _("Transferred to another station"),
    "permit.issue": _("Work permit issued"),
    "residence_permit.hand_over": _("Residence permit handed over"),
    "visit.original_checked": _("Original checked"),
}

_STATUS_TAG = {
    Status.REFUSED: "bg-secondary-dark",
    Status.NOT_ACCEPTED: "bg-secondary-dark",
    Status.WITHDRAWN: "bg-base",
    Status.COMPLETED: "bg-green",
    Status.APPROVED: "bg-green",
    Status.RETURNED: "bg-gold",
    Status.AWAITING_SUPPLEMENT: "bg-gold",
}


@register.filter
def event_label(action: str) -> str:
    if action in _EVENT_LABELS:
        return str(_EVENT_LABELS[action])
    verb = action.removeprefix("case.")
    try:
        return str(ACTION_LABELS[Action(verb)])
    except ValueError:
        return action


@register.filter
def status_label(status: str) -> str:
    try:
        return str(STATUS_LABELS[Status(status)])
    except ValueError:
        return status


@register.filter
def kind_label(kind: str) -> str:
    """The kind's name in the active language: a dictionary look-up, where ``get_kind_display``
    rebuilt the choices for every row of a list."""
    try:
        return str(KIND_LABELS[Kind(kind)])
    except ValueError:
        return kind


@register.filter
def status_tag(status: str) -> str:
    try:
        return _STATUS_TAG.get(Status(status), "bg-primary")
    except ValueError:
        return "bg-primary"


@register.filter
def doc_label(document_type: Any) -> str:
    return document_label(str(document_type))


@register.filter
def due_class(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left < 0:
        return "ow-overdue"
    if days_left <= 1:
        return "ow-due-soon"
    return ""


@register.filter
def get_item(mapping: dict[str, Any], key: Any) -> Any:
    return mapping.get(str(key))
