from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from onewindow.accounts.models import Role
from onewindow.audit.models import Event
from onewindow.cases.actions import do_transition
from onewindow.cases.models import Correction
from onewindow.cases.workflow import Action, Status, TransitionRefused
from onewindow.supervision.actions import (
    do_certify,
    do_countersign_proposal,
    do_propose,
    do_return_proposal,
)
from onewindow.supervision.models import Proposal, Qualification
from tests.factories import World
from tests.supervision.helpers import make_intern

pytestmark = pytest.mark.django_db


def test_it_refuses_an_interns_step_taken_alone(world: World) -> None:
    ivy = make_intern(world).user
    case = world.application(stage="submitted")
    with pytest.raises(TransitionRefused) as refused:
        do_transition(case, actor=ivy, action=Action.ACCEPT)
    assert refused.value.code == "proposal"
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_it_applies_an_interns_acceptance_only_when_countersigned(world: World) -> None:
    ivy = make_intern(world).user
    case = world.application(stage="submitted")
    proposal = do_propose(case, actor=ivy, action=Action.ACCEPT)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert proposal.status == Proposal.Status.PENDING

    do_countersign_proposal(proposal, actor=world.carol)

    case.refresh_from_db()
    proposal.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    assert proposal.status == Proposal.Status.APPLIED
    assert proposal.countersigned_by == world.carol
    accept = Event.objects.get(application=case, action="case.accept")
    assert accept.actor == ivy
    assert accept.data["countersigned_by"] == world.carol.pk
    assert Event.objects.filter(action="supervision.countersign", actor=world.carol).exists()


def test_it_applies_a_countersigned_return_with_its_corrections(world: World) -> None:
    ivy = make_intern(world).user
    case = world.application(stage="submitted")
    proposal = do_propose(
        case,
        actor=ivy,
        action=Action.RETURN,
        payload={"items": [{"text": "Sign the form", "document_type": ""}]},
    )
    do_countersign_proposal(proposal, actor=world.carol)
    case.refresh_from_db()
    assert case.status == Status.RETURNED
    assert list(Correction.objects.filter(application=case).values_list("text", flat=True)) == [
        "Sign the form"
    ]


def test_it_lets_the_mentor_send_a_proposal_back(world: World) -> None:
    ivy = make_intern(world).user
    case = world.application(stage="submitted")
    proposal = do_propose(case, actor=ivy, action=Action.ACCEPT)
    returned = do_return_proposal(proposal, actor=world.carol, comment="The contract is unsigned")
    assert returned.status == Proposal.Status.RETURNED
    assert returned.mentor_comment == "The contract is unsigned"
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    with pytest.raises(TransitionRefused):
        do_countersign_proposal(returned, actor=world.carol)
    # The intern may propose again.
    assert do_propose(case, actor=ivy, action=Action.DECLINE, payload={"reason": "Unsigned"}).pk


@pytest.mark.parametrize("who", ["ivy", "cora", "frank"])
def test_it_refuses_a_countersign_by_anyone_but_the_mentor(world: World, who: str) -> None:
    make_intern(world)
    case = world.application(stage="submitted")
    proposal = do_propose(case, actor=world.ivy, action=Action.ACCEPT)
    with pytest.raises(TransitionRefused):
        do_countersign_proposal(proposal, actor=world.users[who])
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_it_keeps_one_pending_proposal_per_case(world: World) -> None:
    ivy = make_intern(world).user
    case = world.application(stage="submitted")
    do_propose(case, actor=ivy, action=Action.ACCEPT)
    with pytest.raises(TransitionRefused):
        do_propose(case, actor=ivy, action=Action.DECLINE, payload={"reason": "x"})


def test_it_refuses_a_proposal_from_certified_staff(world: World) -> None:
    make_intern(world)
    case = world.application(stage="submitted")
    with pytest.raises(TransitionRefused):
        do_propose(case, actor=world.carol, action=Action.ACCEPT)


def test_the_database_refuses_an_applied_proposal_without_a_countersigner(world: World) -> None:
    ivy = make_intern(world).user
    proposal = do_propose(world.application(stage="submitted"), actor=ivy, action=Action.ACCEPT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(status="applied")
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(
            status="applied", countersigned_by=ivy, countersigned_at=timezone.now()
        )


@pytest.mark.postgres
def test_the_database_refuses_a_countersigner_not_certified_in_the_role(world: World) -> None:
    assert connection.vendor == "postgresql"
    ivy = make_intern(world).user
    proposal = do_propose(world.application(stage="submitted"), actor=ivy, action=Action.ACCEPT)
    # frank has no certified record as a window officer: the trigger refuses him.
    with pytest.raises(IntegrityError, match="not certified"), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(
            status="applied", countersigned_by=world.frank, countersigned_at=timezone.now()
        )
    Proposal.objects.filter(pk=proposal.pk).update(
        status="applied", countersigned_by=world.carol, countersigned_at=timezone.now()
    )


def test_it_certifies_after_enough_clean_countersigned_cases(world: World, settings: Any) -> None:
    settings.ONEWINDOW_CERTIFICATION_CASES = 2
    intern = make_intern(world)
    for _n in range(2):
        case = world.application(stage="submitted")
        do_countersign_proposal(do_propose(case, actor=intern.user, action=Action.ACCEPT), actor=world.carol)
    certified = do_certify(intern, actor=world.carol)
    assert certified.status == Qualification.Status.CERTIFIED
    # Now ivy acts alone.
    case = world.application(stage="submitted")
    assert do_transition(case, actor=intern.user, action=Action.ACCEPT).status == Status.IN_REVIEW


def test_it_applies_a_reviewer_interns_countersigned_decision(world: World) -> None:
    rita = make_intern(world, name="rita", mentor="dave", office="commission", role=Role.REVIEWER).user
    case = world.application(stage="in_review")
    with pytest.raises(TransitionRefused):
        do_transition(case, actor=rita, action=Action.DECIDE_WORK_PERMIT)
    proposal = do_propose(
        case,
        actor=rita,
        action=Action.DECIDE_WORK_PERMIT,
        payload={"outcome": "refused", "reason_codes": ["criteria_not_met"], "reasoning": "Salary too low"},
    )
    do_countersign_proposal(proposal, actor=world.dave)
    case.refresh_from_db()
    assert case.status == Status.REFUSED
    assert case.decisions.get(authority="work_permit").decided_by == rita


def test_the_api_refuses_an_interns_step_taken_alone(world: World) -> None:
    from django.test import Client

    from onewindow.api.models import ApiToken
    from onewindow.api.tokens import do_create_token

    ivy = make_intern(world).user
    case = world.application(stage="submitted")
    _token, secret = do_create_token(actor=ivy, owner=ivy, name="intern", scope=ApiToken.Scope.WRITE)
    client = Client()
    path = f"/api/v1/cases/{case.reference}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    etag = client.get(path, **auth)["ETag"]
    response = client.post(
        f"{path}/accept", data={}, content_type="application/json", HTTP_IF_MATCH=etag, **auth
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "proposal"


def test_it_applies_a_countersigned_issuance(world: World) -> None:
    from onewindow.permits.actions import do_issue_permit
    from onewindow.permits.models import Permit

    ivy = make_intern(world).user
    case = world.application(stage="verified")
    with pytest.raises(TransitionRefused):
        do_issue_permit(case, actor=ivy, residence_permit_number="RP00000001")
    proposal = do_propose(
        case, actor=ivy, action=Action.ISSUE_PERMIT, payload={"residence_permit_number": "RP00000001"}
    )
    do_countersign_proposal(proposal, actor=world.carol)
    case.refresh_from_db()
    assert case.status == Status.COMPLETED
    assert Permit.objects.filter(application=case).exists()
    assert Event.objects.get(application=case, action="case.issue_permit").actor == ivy
