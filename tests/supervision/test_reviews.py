from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onewindow.cases.actions import do_record_decision, do_transition
from onewindow.cases.models import Authority, Decision
from onewindow.cases.workflow import Action
from onewindow.people.actions import do_upload_document
from onewindow.supervision.actions import do_certify, do_countersign_proposal, do_propose
from onewindow.supervision.checks import (
    do_close_corrective_action,
    do_draw_sample,
    do_record_review,
    risk_additions,
)
from onewindow.supervision.models import CHECKLIST, Finding, SampledCase
from tests import samples
from tests.factories import World
from tests.supervision.helpers import make_intern
from tests.supervision.test_campaigns import after_period, open_campaign

pytestmark = pytest.mark.django_db

ALL_GOOD = {name: True for name, _label in CHECKLIST}


def test_it_adds_a_case_whose_document_was_uploaded_for_another_person(world: World) -> None:
    campaign = open_campaign(world, sample_size=1, strata=[])
    cases = [world.application(stage="approved") for _n in range(3)]
    same = samples.pdf()
    for case in cases[:2]:
        do_upload_document(
            actor=world.alice,
            person=case.person,
            upload=SimpleUploadedFile("diploma.pdf", same),
            document_type="degree",
        )
    with after_period():
        campaign = do_draw_sample(campaign, actor=world.frank)
    random_refs = set(campaign.sample.filter(basis="random").values_list("application__reference", flat=True))
    risk = {s.application.reference: s.reason for s in campaign.sample.filter(basis="risk")}
    expected = {c.reference for c in cases[:2]} - random_refs
    assert set(risk) == expected
    assert all("another person" in reason for reason in risk.values())


def _decide_after(world: World, case: Any, days: int) -> None:
    with time_machine.travel(timezone.now() + dt.timedelta(days=days), tick=False):
        do_record_decision(
            case,
            actor=world.dave,
            authority=Authority.WORK_PERMIT,
            outcome=Decision.Outcome.REFUSED,
            reason_codes=["criteria_not_met"],
        )


def test_it_adds_a_decision_made_unusually_fast(world: World) -> None:
    # Accepted on a Monday; decided 8 or 9 working days later, one the same day.
    monday = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(monday, tick=False):
        campaign = open_campaign(
            world, period_start=dt.date(2026, 3, 2), period_end=dt.date(2026, 3, 31), sample_size=1, strata=[]
        )
        slow = [world.application(stage="in_review") for _n in range(4)]
        fast = world.application(stage="in_review")
        _decide_after(world, fast, 0)
        for n, case in enumerate(slow):
            _decide_after(world, case, 12 + n % 2)
    cases = [fast, *slow]
    for case in cases:
        case.refresh_from_db()
    reasons = risk_additions(cases, exclude=set(), seed="00" * 32)
    assert set(reasons) == {fast.reference}
    assert reasons[fast.reference].startswith(
        "Decided 0 working days after acceptance; the median of the period is"
    )
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        campaign = do_draw_sample(campaign, actor=world.frank)
    # Drawn at random or added for its speed, the fast decision is checked.
    assert campaign.sample.filter(application=fast).exists()


def _review(world: World, sampled: SampledCase, finding: Finding) -> Any:
    corrective = (
        []
        if finding == Finding.NONE
        else [{"description": "Re-train", "owner": world.carol, "due_on": timezone.localdate()}]
    )
    return do_record_review(
        sampled,
        actor=world.frank,
        checks={**ALL_GOOD, "data_correct": False},
        finding=finding,
        corrective=corrective,
    )


def test_it_adds_cases_of_an_officer_with_a_high_finding_rate(world: World) -> None:
    first = open_campaign(world, sample_rate=1, sample_size=None, strata=[])
    for _n in range(2):
        world.application(stage="approved")
    with after_period():
        first = do_draw_sample(first, actor=world.frank)
        for sampled in first.sample.all():
            _review(world, sampled, Finding.MINOR)
    with after_period():
        second = open_campaign(world, sample_size=1, strata=[])
        for _n in range(3):
            world.application(stage="approved")
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        second = do_draw_sample(second, actor=world.frank)
    risk = list(second.sample.filter(basis="risk").values_list("reason", flat=True))
    assert len(risk) == 2
    assert all("findings in 2 of 2 reviewed cases" in reason for reason in risk)


def test_it_needs_a_corrective_action_for_a_finding_and_tracks_it_to_closure(world: World) -> None:
    campaign = open_campaign(world, sample_size=1)
    world.application(stage="approved")
    with after_period():
        campaign = do_draw_sample(campaign, actor=world.frank)
    sampled = campaign.sample.get()
    with pytest.raises(ValidationError):
        do_record_review(sampled, actor=world.frank, checks=ALL_GOOD, finding=Finding.MAJOR)
    review = _review(world, sampled, Finding.MAJOR)
    action = review.corrective_actions.get()
    assert action.is_open
    with pytest.raises(ValidationError):
        do_close_corrective_action(action, actor=world.frank, note=" ")
    closed = do_close_corrective_action(action, actor=world.frank, note="Carol re-trained on 3 Nov")
    assert not closed.is_open
    with pytest.raises(ValidationError):
        _review(world, sampled, Finding.NONE)


def test_it_refuses_a_reviewer_who_worked_on_the_case(world: World) -> None:
    from onewindow.accounts.actions import do_grant_role
    from onewindow.accounts.models import Role

    do_grant_role(actor=None, user=world.dave, role=Role.SUPERVISOR, office=world.offices["commission"])
    campaign = open_campaign(world, sample_size=1)
    world.application(stage="approved")  # dave decided it
    with after_period():
        campaign = do_draw_sample(campaign, actor=world.frank)
    with pytest.raises(ValidationError, match="someone else"):
        do_record_review(campaign.sample.get(), actor=world.dave, checks=ALL_GOOD, finding=Finding.NONE)


def test_a_major_finding_keeps_a_case_from_counting_towards_certification(
    world: World, settings: Any
) -> None:
    settings.ONEWINDOW_CERTIFICATION_CASES = 1
    intern = make_intern(world)
    campaign = open_campaign(world, sample_size=1, stations=[world.offices["zhaoshang"]])
    case = world.application(stage="submitted")
    do_countersign_proposal(do_propose(case, actor=intern.user, action=Action.ACCEPT), actor=world.carol)
    from tests.factories import approve

    approve(world, case)
    with after_period():
        campaign = do_draw_sample(campaign, actor=world.frank)
        _review(world, campaign.sample.get(), Finding.MAJOR)
    with pytest.raises(ValidationError):
        do_certify(intern, actor=world.carol)
    assert do_transition  # the gate itself is tested in test_proposals
