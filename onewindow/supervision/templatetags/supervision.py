"""Template tags: the intern's "Propose a step" on the case page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("supervision/_propose_link.html", takes_context=True)
def intern_proposal(context: dict[str, Any], application: Any) -> dict[str, Any]:
    """A link to propose a step when the signed-in user is an intern who could take one now."""
    from onewindow.supervision.models import Proposal, Qualification
    from onewindow.supervision.views import _proposable

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    if not Qualification.objects.filter(user=user, status=Qualification.Status.INTERN).exists():
        return {"show": False}
    pending = application.proposals.filter(status=Proposal.Status.PENDING).first()
    return {
        "show": True,
        "application": application,
        "pending": pending,
        "can": bool(_proposable(user, application)),
    }
