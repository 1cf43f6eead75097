"""The workflow table, tested exhaustively without a database."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from onewindow.cases import workflow
from onewindow.cases.workflow import (
    ALL_KINDS,
    FINAL_STATUSES,
    TRANSITIONS,
    VISIT_KINDS,
    Action,
    Actor,
    Kind,
    Status,
    TransitionRefused,
)


@dataclass
class Case:
    kind: str = Kind.NEW_IN_CHINA.value
    returned_once: bool = False
    pending_authorities: frozenset[str] = field(
        default_factory=lambda: frozenset({"work_permit", "residence_permit"})
    )
    work_permit_approved: bool | None = None
    originals_complete: bool = True


def test_it_has_no_transition_out_of_a_final_status() -> None:
    assert not [key for key in TRANSITIONS if key[0] in FINAL_STATUSES]


def test_it_reaches_every_status_from_draft() -> None:
    reached = {Status.DRAFT}
    frontier = [Status.DRAFT]
    while frontier:
        current = frontier.pop()
        for (status, _action), transition in TRANSITIONS.items():
            if status == current and transition.to not in reached:
                reached.add(transition.to)
                frontier.append(transition.to)
    assert reached == set(Status)


def test_it_names_at_least_one_actor_for_every_transition() -> None:
    assert all(transition.actors for transition in TRANSITIONS.values())


def test_it_lets_the_applicant_withdraw_until_the_decision_only() -> None:
    withdrawable = {status for (status, action) in TRANSITIONS if action == Action.WITHDRAW}
    assert withdrawable == {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.IN_REVIEW,
        Status.AWAITING_SUPPLEMENT,
    }


@pytest.mark.parametrize(("status", "action", "kind"), list(itertools.product(Status, Action, Kind)))
def test_it_refuses_exactly_what_the_table_does_not_hold(status: Status, action: Action, kind: Kind) -> None:
    transition = TRANSITIONS.get((status, action))
    if transition is None or kind not in transition.kinds:
        with pytest.raises(TransitionRefused):
            workflow.find(status, action, kind)
    else:
        assert workflow.find(status, action, kind) is transition


@pytest.mark.parametrize(("key", "actor"), list(itertools.product(TRANSITIONS, Actor)))
def test_it_lets_only_the_named_actors_act(key: tuple[Status, Action], actor: Actor) -> None:
    status, action = key
    transition = TRANSITIONS[key]
    kind = next(iter(sorted(transition.kinds)))
    case = Case(
        kind=kind,
        work_permit_approved=action == Action.CONCLUDE_APPROVED,
        pending_authorities=frozenset(),
    )
    if action in {Action.DECIDE_WORK_PERMIT}:
        case.pending_authorities = frozenset({"work_permit"})
    if action in {Action.DECIDE_RESIDENCE_PERMIT}:
        case.pending_authorities = frozenset({"residence_permit"})
    if actor in transition.actors:
        assert workflow.check(case, status, action, actor) is transition
    else:
        with pytest.raises(TransitionRefused) as refused:
            workflow.check(case, status, action, actor)
        assert refused.value.code == "forbidden"


def test_it_returns_a_file_only_once() -> None:
    case = Case()
    workflow.check(case, Status.SUBMITTED, Action.RETURN, Actor.WINDOW_OFFICER)
    case.returned_once = True
    with pytest.raises(TransitionRefused) as refused:
        workflow.check(case, Status.SUBMITTED, Action.RETURN, Actor.WINDOW_OFFICER)
    assert refused.value.code == "precondition"


def test_it_concludes_only_when_every_authority_has_decided() -> None:
    case = Case(pending_authorities=frozenset({"residence_permit"}), work_permit_approved=True)
    with pytest.raises(TransitionRefused):
        workflow.check(case, Status.IN_REVIEW, Action.CONCLUDE_APPROVED, Actor.SYSTEM)
    case.pending_authorities = frozenset()
    assert (
        workflow.check(case, Status.IN_REVIEW, Action.CONCLUDE_APPROVED, Actor.SYSTEM).to == Status.APPROVED
    )
    with pytest.raises(TransitionRefused):
        workflow.check(case, Status.IN_REVIEW, Action.CONCLUDE_REFUSED, Actor.SYSTEM)


def test_it_needs_every_original_before_verification() -> None:
    case = Case(originals_complete=False, pending_authorities=frozenset())
    with pytest.raises(TransitionRefused):
        workflow.check(case, Status.APPROVED, Action.VERIFY_ORIGINALS, Actor.WINDOW_OFFICER)


def test_it_ends_online_kinds_without_a_visit() -> None:
    for kind in ALL_KINDS - VISIT_KINDS:
        with pytest.raises(TransitionRefused):
            workflow.find(Status.APPROVED, Action.VERIFY_ORIGINALS, kind)
        assert workflow.find(Status.APPROVED, Action.COMPLETE, kind).to == Status.COMPLETED


def test_it_offers_the_buttons_an_actor_may_press() -> None:
    case = Case()
    assert workflow.available(case, Status.SUBMITTED, {Actor.WINDOW_OFFICER}) == [
        Action.RETURN,
        Action.ACCEPT,
        Action.DECLINE,
    ]
    assert workflow.available(case, Status.DRAFT, {Actor.EMPLOYER_HR}) == [
        Action.SUBMIT,
        Action.WITHDRAW,
    ]
    assert workflow.available(case, Status.DRAFT, {Actor.REVIEWER}) == []


def test_it_explains_a_refusal_in_words() -> None:
    with pytest.raises(TransitionRefused) as refused:
        workflow.find(Status.COMPLETED, Action.SUBMIT, Kind.NEW_IN_CHINA)
    assert "Submit" in str(refused.value.message)
    assert "Completed" in str(refused.value.message)
