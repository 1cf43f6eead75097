"""Reads of the supervision app that span relations."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from onewindow.supervision.models import Declaration, Proposal


def conflict_declared(user: Any) -> Exists:
    """An annotation for application querysets: the user declared a conflict with its employer or person."""
    return Exists(
        Declaration.objects.active().filter(
            Q(employer_id=OuterRef("employer_id")) | Q(person_id=OuterRef("person_id")), user_id=user.pk
        )
    )


def pending_proposals_for_mentor(user: Any) -> Any:
    """The proposals waiting for ``user``'s countersignature, oldest first."""
    from onewindow.supervision.models import Qualification

    mentees = Qualification.objects.filter(mentor=user, status=Qualification.Status.INTERN)
    return (
        Proposal.objects.filter(status=Proposal.Status.PENDING)
        .filter(Exists(mentees.filter(user_id=OuterRef("proposer_id"), role=OuterRef("role"))))
        .select_related("application", "proposer", "application__station")
        .order_by("proposed_at", "pk")
    )


def own_proposals(user: Any) -> Any:
    return Proposal.objects.filter(proposer=user).select_related("application").order_by("-proposed_at")[:50]
