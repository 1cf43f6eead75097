from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from onewindow.cases.actions import do_record_decision
from onewindow.cases.models import Authority, Decision
from onewindow.cases.workflow import Action, Status, TransitionRefused
from onewindow.supervision.actions import do_declare_conflict, do_propose, do_withdraw_declaration
from tests.factories import World
from tests.supervision.helpers import make_intern

pytestmark = pytest.mark.django_db


def _decide(world: World, case: object, actor: object) -> object:
    return do_record_decision(
        case,  # type: ignore[arg-type]
        actor=actor,  # type: ignore[arg-type]
        authority=Authority.WORK_PERMIT,
        outcome=Decision.Outcome.REFUSED,
        reason_codes=["criteria_not_met"],
    )


def test_it_refuses_a_reviewer_who_declared_a_conflict_with_the_employer(world: World) -> None:
    case = world.application(stage="in_review")
    do_declare_conflict(actor=world.dave, employer=world.employers["robotics"], reason="My brother runs it")
    with pytest.raises(TransitionRefused, match="conflict of interest"):
        _decide(world, case, world.dave)
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW


def test_it_refuses_a_window_officer_who_declared_a_conflict_with_the_person(world: World) -> None:
    case = world.application(stage="submitted")
    do_declare_conflict(actor=world.carol, person=case.person, reason="A neighbour")
    from onewindow.cases.actions import do_transition

    with pytest.raises(TransitionRefused, match="conflict of interest"):
        do_transition(case, actor=world.carol, action=Action.ACCEPT)


def test_it_lets_others_and_the_declarer_after_withdrawal_act(world: World) -> None:
    case = world.application(stage="in_review")
    declaration = do_declare_conflict(
        actor=world.dave, employer=world.employers["lab"], reason="Former employer"
    )
    # A conflict with another employer does not stop dave here.
    assert _decide(world, case, world.dave).status == Status.REFUSED  # type: ignore[attr-defined]
    other = world.application("lab", stage="in_review")
    with pytest.raises(TransitionRefused):
        _decide(world, other, world.dave)
    do_withdraw_declaration(declaration, actor=world.dave)
    assert _decide(world, other, world.dave).status == Status.REFUSED  # type: ignore[attr-defined]


def test_it_refuses_an_interns_proposal_on_a_declared_case(world: World) -> None:
    ivy = make_intern(world).user
    case = world.application(stage="submitted")
    do_declare_conflict(actor=ivy, employer=case.employer, reason="Friend")
    with pytest.raises(TransitionRefused):
        do_propose(case, actor=ivy, action=Action.ACCEPT)


def test_it_needs_exactly_one_party(world: World) -> None:
    with pytest.raises(ValidationError):
        do_declare_conflict(actor=world.dave, reason="Nobody in particular")


def test_it_marks_declared_cases_in_the_reviewers_worklist(
    world: World, sign_in: object, client: Client
) -> None:
    world.application(stage="in_review")
    do_declare_conflict(actor=world.dave, employer=world.employers["robotics"], reason="My brother runs it")
    sign_in(world.dave)  # type: ignore[operator]
    page = client.get("/cases/work/?role=reviewer").content.decode()
    assert "data-conflict" in page
    sign_in(world.dina)  # type: ignore[operator]
    world.application("lab", stage="in_review")
    assert "data-conflict" not in client.get("/cases/work/?role=reviewer").content.decode()
