from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from onewindow.audit.models import Event
from onewindow.supervision import sampling
from onewindow.supervision.checks import do_draw_sample, do_open_campaign, redraw
from onewindow.supervision.models import Campaign, FrameEntry, SampledCase
from tests.factories import World

pytestmark = pytest.mark.django_db


def open_campaign(world: World, **overrides: object) -> Campaign:
    today = timezone.localdate()
    fields: dict[str, object] = {
        "actor": world.frank,
        "office": world.offices["commission"],
        "title": "Autumn check",
        "stations": [world.offices["zhaoshang"], world.offices["lianhua"]],
        "period_start": today,
        "period_end": today,
        "sample_size": 3,
        "strata": ["station"],
    }
    fields.update(overrides)
    return do_open_campaign(**fields)  # type: ignore[arg-type]


def after_period() -> time_machine.travel:
    return time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False)


def test_it_publishes_a_commitment_and_keeps_the_seed_sealed(world: World) -> None:
    campaign = open_campaign(world)
    assert len(campaign.commitment) == 64
    assert campaign.seed == ""
    assert campaign.commitment not in campaign.sealed_seed
    event = Event.objects.get(action="supervision.campaign_open")
    assert event.data["commitment"] == campaign.commitment


def test_it_refuses_to_open_after_the_period(world: World) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        open_campaign(world, period_start=yesterday, period_end=yesterday)


def test_it_refuses_offices_outside_the_area(world: World) -> None:
    with pytest.raises(ValidationError):
        open_campaign(world, office=world.offices["futian-commission"], stations=[world.offices["zhaoshang"]])


def test_it_draws_only_after_the_period(world: World) -> None:
    campaign = open_campaign(world)
    with pytest.raises(ValidationError):
        do_draw_sample(campaign, actor=world.frank)


def test_it_draws_a_sample_anyone_can_recompute(world: World) -> None:
    campaign = open_campaign(world, sample_size=3)
    decided = [world.application("robotics" if n % 2 else "lab", stage="approved") for n in range(5)]
    world.application(stage="in_review")  # not decided: not in the frame
    with after_period():
        campaign = do_draw_sample(campaign, actor=world.frank)
    assert sampling.commitment(campaign.seed) == campaign.commitment
    frame = list(FrameEntry.objects.filter(campaign=campaign).values_list("reference", flat=True))
    assert frame == sorted(c.reference for c in decided)
    random_sample = sorted(
        campaign.sample.filter(basis=SampledCase.Basis.RANDOM).values_list(
            "application__reference", flat=True
        )
    )
    assert len(random_sample) == 3
    assert redraw(campaign) == random_sample

    out = io.StringIO()
    call_command("supervision", "redraw", str(campaign.pk), stdout=out)
    printed = [line for line in out.getvalue().splitlines() if not line.startswith("#")]
    assert printed == random_sample
    assert campaign.seed in out.getvalue()


def test_it_draws_the_same_whatever_order_the_cases_were_recorded_in(world: World) -> None:
    campaign = open_campaign(world, sample_size=2, strata=[])
    for _n in range(6):
        world.application(stage="approved")
    with after_period():
        campaign = do_draw_sample(campaign, actor=world.frank)
    published = [sampling.FrameCase(e.reference, e.stratum) for e in campaign.frame.all()]
    reversed_frame = list(reversed(published))
    assert sampling.draw(campaign.seed, reversed_frame, size=2) == redraw(campaign)


def test_it_detects_a_frame_changed_after_the_draw(world: World) -> None:
    campaign = open_campaign(world, sample_rate=Decimal("0.5"), sample_size=None)
    for _n in range(3):
        world.application(stage="approved")
    with after_period():
        campaign = do_draw_sample(campaign, actor=world.frank)
    campaign.frame.order_by("position").first().delete()  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="frame"):
        redraw(campaign)
    with pytest.raises(CommandError):
        call_command("supervision", "redraw", str(campaign.pk), stdout=io.StringIO())


def test_it_refuses_a_second_draw(world: World) -> None:
    campaign = open_campaign(world)
    with after_period():
        campaign = do_draw_sample(campaign, actor=world.frank)
        with pytest.raises(ValidationError):
            do_draw_sample(campaign, actor=world.frank)
