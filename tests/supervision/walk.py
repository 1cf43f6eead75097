"""Supervision objects for the access walk (tests/test_access_walk.py), one set per area.

own (Zhaoshang): ivy, intern window officer mentored by carol, with a pending proposal on the
area's case; dave's declaration; a drawn campaign of the city commission with a reviewed case
and a corrective action; carol and the Zhaoshang station for the scorecards.
other (Lianhua): the same with iris mentored by cora, dina's declaration, a campaign of the
Futian desk, cora and the Lianhua station.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from onewindow.cases.workflow import Action
from onewindow.supervision.actions import do_declare_conflict, do_propose
from onewindow.supervision.checks import do_draw_sample, do_open_campaign, do_record_review
from onewindow.supervision.models import CHECKLIST, Finding
from tests.factories import World
from tests.supervision.helpers import make_intern


def add_supervision_objects(world: World, objects: dict[str, dict[str, Any]]) -> None:
    areas = (
        ("own", "ivy", "carol", "zhaoshang", "dave", "robotics", "commission"),
        ("other", "iris", "cora", "lianhua", "dina", "lab", "futian-commission"),
    )
    for area, intern, mentor, station, declarer, employer, office in areas:
        record = make_intern(world, name=intern, mentor=mentor, office=station)
        objects[area]["intern"] = record
        objects[area]["proposal"] = do_propose(objects[area]["case"], actor=record.user, action=Action.ACCEPT)
        objects[area]["declaration"] = do_declare_conflict(
            actor=world.users[declarer], employer=world.employers[employer], reason="Walk"
        )
        today = timezone.localdate()
        campaign = do_open_campaign(
            actor=world.frank,
            office=world.offices[office],
            title=f"Check {area}",
            stations=[world.offices[station]],
            period_start=today,
            period_end=today,
            sample_rate=1,  # type: ignore[arg-type]
        )
        with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
            campaign = do_draw_sample(campaign, actor=world.frank)
            sampled = campaign.sample.order_by("pk").first()
            review = do_record_review(
                sampled,  # type: ignore[arg-type]
                actor=world.frank,
                checks={name: True for name, _label in CHECKLIST},
                finding=Finding.MINOR,
                corrective=[{"description": "Walk", "owner": world.users[mentor], "due_on": today}],
            )
        objects[area]["campaign"] = campaign
        objects[area]["sampled"] = sampled
        objects[area]["corrective"] = review.corrective_actions.get()
        objects[area]["station"] = world.offices[station]
        objects[area]["officer"] = world.users[mentor]
