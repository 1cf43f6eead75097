"""Supervision in a real browser: a check campaign from its commitment to a recorded review, the
scorecard's charts under the strict CSP, and an intern's acceptance countersigned by the mentor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page

from onewindow.accounts.models import User
from onewindow.cases.models import Application
from onewindow.cases.workflow import Status
from onewindow.supervision.models import Campaign, Proposal
from tests.factories import World, build_world
from tests.supervision.conftest import ensure_training_modules
from tests.supervision.helpers import make_intern

pytestmark = pytest.mark.django_db(transaction=True)


def tick(page: Page, selector: str) -> None:
    """Tick a (styled) checkbox or radio button the way a person does: by its label."""
    page.click(f"label[for={page.get_attribute(selector, 'id')}]")


@pytest.fixture
def live_world(transactional_db: None) -> World:
    ensure_training_modules()
    return build_world()


def test_a_campaign_from_its_commitment_to_a_recorded_review(
    live_world: World,
    live_server: object,
    new_page: Callable[..., Page],
    login: Callable[[Page, User], Page],
) -> None:
    decided = live_world.application(stage="approved")
    today = timezone.localdate().isoformat()
    page = login(new_page(), live_world.frank)
    page.goto(f"{live_server}/supervision/campaigns/")
    page.fill("input[name=title]", "Weekly check")
    tick(page, f"input[name=stations][value='{live_world.offices['zhaoshang'].pk}']")
    page.fill("input[name=period_start]", today)
    page.fill("input[name=period_end]", today)
    page.fill("input[name=sample_size]", "1")
    page.click("form.usa-form button[type=submit]")
    page.wait_for_selector("[data-commitment]")
    campaign = Campaign.objects.get()
    assert page.inner_text("[data-commitment]") == campaign.commitment
    assert page.locator("[data-seed]").count() == 0

    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        page = login(new_page(), live_world.frank)  # a day later: a new session
        page.goto(f"{live_server}/supervision/campaigns/{campaign.pk}/")
        page.click("text=Close: reveal the seed and draw the sample")
        page.wait_for_selector("[data-seed]")
        campaign.refresh_from_db()
        assert page.inner_text("[data-seed]") == campaign.seed
        page.click(f"[data-sampled='{decided.reference}']")
        for name in (
            "documents_complete",
            "originals_recorded",
            "deadlines_met",
            "decision_reasoned",
            "data_correct",
        ):
            tick(page, f"input[name={name}]")
        tick(page, "input[name=finding][value=none]")
        page.click("form.usa-form button[type=submit]")
        page.wait_for_selector("[data-testid=sample]")
        assert "No finding" in page.inner_text("[data-testid=sample]")


def test_the_scorecard_draws_its_charts_under_the_content_security_policy(
    live_world: World,
    live_server: object,
    new_page: Callable[..., Page],
    login: Callable[[Page, User], Page],
) -> None:
    live_world.application(stage="approved")
    page = login(new_page(), live_world.frank)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server}/supervision/scorecards/station/{live_world.offices['zhaoshang'].pk}/")
    page.wait_for_selector(".ow-chart[data-chart-ready] canvas")
    assert page.locator(".ow-chart[data-chart-ready]").count() == 2
    assert not [text for text in problems if "favicon" not in text], problems


def test_an_interns_acceptance_takes_effect_when_the_mentor_countersigns(
    live_world: World,
    live_server: object,
    new_page: Callable[..., Page],
    login: Callable[[Page, User], Page],
) -> None:
    intern = make_intern(live_world).user
    case = live_world.application(stage="submitted")
    page = login(new_page(), intern)
    page.goto(f"{live_server}/cases/{case.reference}/")
    page.click("[data-action=propose]")
    page.select_option("select[name=action]", "accept")
    page.click("form.usa-form button[type=submit]")
    page.wait_for_selector("[data-proposal-status=pending]")
    assert Application.objects.get(pk=case.pk).status == Status.SUBMITTED

    mentor = login(new_page(), live_world.carol)
    mentor.goto(f"{live_server}/supervision/")
    mentor.click(f"[data-testid=to-countersign] >> text={case.reference}")
    mentor.click("button:has-text('Countersign')")
    mentor.wait_for_selector("[data-proposal-status=applied]")
    assert Proposal.objects.get(application=case).countersigned_by == live_world.carol
    mentor.goto(f"{live_server}/cases/{case.reference}/")
    assert "under review" in mentor.inner_text("#case-status").lower()
