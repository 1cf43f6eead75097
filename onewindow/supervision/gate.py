"""The qualification and conflict gate, called by ``cases.actions.do_transition``.

A staff member acts on a case alone only when certified in the role they act
through (no record counts as certified) and without a declared conflict with
the case's employer or person. A trainee or a suspended member does not act
at all; an intern's step goes through a :class:`~onewindow.supervision.models.Proposal`
and is applied only inside :func:`countersigned`, by the countersign action.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from onewindow.cases.workflow import Action, Actor, TransitionRefused
from onewindow.supervision.models import Declaration, Qualification

if TYPE_CHECKING:
    from onewindow.cases.models import Application

# Roles whose steps on a case are gated (the applicant's own steps are not).
GATED_ACTORS = frozenset({Actor.WINDOW_OFFICER, Actor.REVIEWER, Actor.IMMIGRATION_OFFICER})


@dataclass(frozen=True)
class Countersigned:
    application_id: int
    action: str
    proposer_id: int


_applying: ContextVar[Countersigned | None] = ContextVar("onewindow_countersigned", default=None)


@contextlib.contextmanager
def countersigned(*, application_id: int, action: str, proposer_id: int) -> Iterator[None]:
    """While this is open, the intern's own step on this case is let through (it was countersigned)."""
    token = _applying.set(Countersigned(application_id, action, proposer_id))
    try:
        yield
    finally:
        _applying.reset(token)


def status_in(user: Any, role: str) -> str:
    """The user's qualification status in ``role``; certified when there is no record."""
    status = Qualification.objects.filter(user=user, role=role).values_list("status", flat=True).first()
    return status or Qualification.Status.CERTIFIED


def has_conflict(user: Any, application: Application) -> bool:
    """Whether ``user`` declared a conflict with the case's employer or person (and still holds it)."""
    return (
        Declaration.objects.active()
        .filter(user=user)
        .filter(Q(employer_id=application.employer_id) | Q(person_id=application.person_id))
        .exists()
    )


def conflict_refusal() -> TransitionRefused:
    return TransitionRefused(
        _("You declared a conflict of interest with this case's employer or person: you cannot act on it."),
        code="forbidden",
    )


def check_may_act(actor: Any, application: Application, action: Action, as_actor: Actor) -> None:
    """Refuse the step unless ``actor`` may take it alone (or it is their countersigned proposal)."""
    if actor is None or as_actor not in GATED_ACTORS:
        return
    if has_conflict(actor, application):
        raise conflict_refusal()
    status = status_in(actor, as_actor.value)
    if status in {Qualification.Status.TRAINEE, Qualification.Status.SUSPENDED}:
        raise TransitionRefused(
            _("Your qualification in this role does not allow steps on cases yet."), code="forbidden"
        )
    if status == Qualification.Status.INTERN:
        applying = _applying.get()
        # The countersigned step may chain further steps of the same case (issuance completes it).
        if applying is None or (applying.application_id, applying.proposer_id) != (application.pk, actor.pk):
            raise TransitionRefused(
                _("As an intern you propose this step; it takes effect when your mentor countersigns it."),
                code="proposal",
            )
