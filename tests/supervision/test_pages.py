"""The supervision pages over HTTP: trainees, interns and mentors, declarations, campaigns, the monitor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.cases.workflow import Status
from onewindow.notifications.models import Message
from onewindow.offices.models import Office
from onewindow.supervision.models import Campaign, Declaration, Proposal, Qualification
from tests.factories import World
from tests.supervision.helpers import make_intern, make_trainee

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def test_a_trainee_lands_on_training_and_reaches_no_case(world: World, sign_in: SignIn) -> None:
    case = world.application(stage="submitted")
    client = sign_in(make_trainee(world).user)
    assert client.get("/dashboard/")["Location"] == "/supervision/"
    home = client.get("/supervision/")
    assert home.status_code == 200
    assert 'data-qualification="trainee"' in home.content.decode()
    assert client.get("/supervision/training/workflow/").status_code == 200
    assert client.get(f"/cases/{case.reference}/").status_code == 404
    assert client.get(f"/people/{case.person_id}/").status_code == 404


def test_an_interns_acceptance_counts_only_after_the_countersign(world: World, sign_in: SignIn) -> None:
    intern = make_intern(world)
    case = world.application(stage="submitted")
    client = sign_in(intern.user)
    # Acting alone is refused with the reason; the case does not move.
    client.post(f"/cases/{case.reference}/act/accept/", {"version": case.version})
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert 'data-action="propose"' in client.get(f"/cases/{case.reference}/").content.decode()
    response = client.post(f"/supervision/cases/{case.reference}/propose/", {"action": "accept"})
    proposal = Proposal.objects.get(application=case)
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/proposals/{proposal.pk}/"
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert "awaits countersignature" in client.get(f"/cases/{case.reference}/").content.decode()
    # The intern cannot countersign their own proposal.
    assert client.post(f"/supervision/proposals/{proposal.pk}/countersign/").status_code == 404

    mentor = sign_in(world.carol)
    page = mentor.get("/supervision/")
    assert f"/supervision/proposals/{proposal.pk}/" in page.content.decode()
    mentor.post(f"/supervision/proposals/{proposal.pk}/countersign/")
    case.refresh_from_db()
    proposal.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    assert proposal.countersigned_by == world.carol


def test_the_mentor_sends_a_proposal_back_with_a_comment(world: World, sign_in: SignIn) -> None:
    intern = make_intern(world)
    case = world.application(stage="submitted")
    sign_in(intern.user).post(f"/supervision/cases/{case.reference}/propose/", {"action": "accept"})
    proposal = Proposal.objects.get(application=case)
    mentor = sign_in(world.carol)
    mentor.post(f"/supervision/proposals/{proposal.pk}/return/", {"comment": "Check the contract first"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RETURNED
    assert "Check the contract first" in mentor.get(f"/supervision/proposals/{proposal.pk}/").content.decode()


def test_a_certified_officer_has_nothing_to_propose(world: World, sign_in: SignIn) -> None:
    case = world.application(stage="submitted")
    assert sign_in(world.carol).get(f"/supervision/cases/{case.reference}/propose/").status_code == 404


def test_a_declaration_by_case_reference(world: World, sign_in: SignIn) -> None:
    case = world.application(stage="in_review")
    client = sign_in(world.dave)
    client.post(
        "/supervision/declarations/",
        {"reference": case.reference, "party": "employer", "reason": "Former employer"},
    )
    declaration = Declaration.objects.get(user=world.dave)
    assert declaration.employer == case.employer
    client.post(f"/supervision/declarations/{declaration.pk}/withdraw/")
    declaration.refresh_from_db()
    assert declaration.withdrawn_at is not None
    # A case out of reach cannot be named.
    other = world.application("lab", stage="submitted")
    carol = sign_in(world.carol)
    assert (
        carol.post(
            "/supervision/declarations/", {"reference": other.reference, "party": "person", "reason": "x"}
        ).status_code
        == 404
    )


def test_a_supervisor_enrols_a_trainee_and_suspends_a_record(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.frank)
    page = client.get("/supervision/staff/")
    assert page.status_code == 200
    membership = world.carol.memberships.get()
    response = client.post("/supervision/staff/", {"membership": membership.pk})
    record = Qualification.objects.get(user=world.carol)
    assert response["Location"] == f"/supervision/staff/{record.pk}/"
    assert record.status == Qualification.Status.TRAINEE
    client.post(f"/supervision/staff/{record.pk}/", {"op": "suspend", "reason": "Breach"})
    record.refresh_from_db()
    assert record.status == Qualification.Status.SUSPENDED
    client.post(f"/supervision/staff/{record.pk}/", {"op": "recertify", "reason": "Re-trained"})
    record.refresh_from_db()
    assert record.status == Qualification.Status.CERTIFIED


def test_a_campaign_from_opening_to_a_closed_corrective_action(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.frank)
    today = timezone.localdate()
    response = client.post(
        "/supervision/campaigns/",
        {
            "title": "Weekly",
            "stations": [world.offices["zhaoshang"].pk],
            "period_start": today.isoformat(),
            "period_end": today.isoformat(),
            "sample_size": "1",
        },
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == f"/supervision/campaigns/{campaign.pk}/"
    page = client.get(f"/supervision/campaigns/{campaign.pk}/").content.decode()
    assert campaign.commitment in page
    assert "data-seed" not in page
    case = world.application(stage="approved")
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        client = sign_in(world.frank)  # a day later: a new session
        client.post(f"/supervision/campaigns/{campaign.pk}/draw/")
        campaign.refresh_from_db()
        assert campaign.status == Campaign.Status.DRAWN
        page = client.get(f"/supervision/campaigns/{campaign.pk}/").content.decode()
        assert campaign.seed in page
        sampled = campaign.sample.get()
        assert sampled.application == case
        client.post(
            f"/supervision/campaigns/{campaign.pk}/sample/{sampled.pk}/",
            {
                "documents_complete": "on",
                "originals_recorded": "on",
                "deadlines_met": "on",
                "decision_reasoned": "",
                "data_correct": "on",
                "finding": "minor",
                "corrective": "Write the reasons down",
                "owner": world.dave.pk,
                "due_on": (today + dt.timedelta(days=14)).isoformat(),
            },
        )
    action = sampled.review.corrective_actions.get()
    assert action.owner == world.dave
    client.post(f"/supervision/corrective/{action.pk}/close/", {"note": "Reasons added"})
    action.refresh_from_db()
    assert not action.is_open


def test_the_monitor_shows_overdue_cases_and_escalates_them_to_the_head(
    world: World, sign_in: SignIn
) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=30), tick=False):
        late = world.application(stage="submitted")
    late.refresh_from_db()
    # No action sets an office's head yet (the admin does).
    Office.objects.filter(pk=world.offices["zhaoshang"].pk).update(head=world.frank)
    client = sign_in(world.frank)
    page = client.get("/supervision/monitor/").content.decode()
    assert late.reference in page
    assert "data-overdue" in page
    client.post("/supervision/monitor/escalate/")
    message = Message.objects.get(recipient=world.frank)
    assert late.reference in message.subject
    assert Event.objects.filter(action="supervision.escalate", application=late).count() == 1
    client.post("/supervision/monitor/escalate/")  # once per case and deadline
    assert Message.objects.filter(recipient=world.frank).count() == 1


@pytest.mark.parametrize("who", ["carol", "dave", "gina", "alice", "bob"])
def test_the_supervisors_pages_are_404_to_others(world: World, sign_in: SignIn, who: str) -> None:
    client = sign_in(world.users[who])
    for url in (
        "/supervision/monitor/",
        "/supervision/campaigns/",
        "/supervision/staff/",
        "/supervision/scorecards/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_monitor_shows_load_and_the_interns_pending_proposals(world: World, sign_in: SignIn) -> None:
    from onewindow.cases.workflow import Action
    from onewindow.supervision.actions import do_propose

    world.application(stage="in_review")  # carol accepted it
    intern = make_intern(world)
    waiting = world.application(stage="submitted")
    do_propose(waiting, actor=intern.user, action=Action.ACCEPT)
    page = sign_in(world.frank).get("/supervision/monitor/").content.decode()
    assert "Carol: 1 open case" in page
    assert f"{waiting.reference} — Ivy: Accept" in page


def test_a_district_supervisor_sees_only_the_scorecards_of_their_district(
    world: World, sign_in: SignIn
) -> None:
    from onewindow.accounts.models import Role
    from tests.supervision.helpers import make_staff

    sam = make_staff(world, "sam", office="futian-commission", role=Role.SUPERVISOR)
    client = sign_in(sam)
    assert client.get(f"/supervision/scorecards/station/{world.offices['lianhua'].pk}/").status_code == 200
    assert client.get(f"/supervision/scorecards/station/{world.offices['zhaoshang'].pk}/").status_code == 404
    assert client.get(f"/supervision/scorecards/officer/{world.cora.pk}/").status_code == 200
    assert client.get(f"/supervision/scorecards/officer/{world.carol.pk}/").status_code == 404
