"""The counts kept by the actions equal a recomputation from the permits, whatever happens to them."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from onewindow.audit.models import Event
from onewindow.cases.workflow import Kind
from onewindow.people.actions import do_update_person
from onewindow.permits.actions import do_revoke_permit
from onewindow.permits.models import Permit
from onewindow.registry.actions import do_rebuild_counts
from onewindow.registry.models import AreaCount, AreaFlow
from onewindow.registry.selectors import check_counts, stock
from tests.factories import World
from tests.permits.helpers import cancel, extend
from tests.registry.helpers import first_day, permit_for

pytestmark = pytest.mark.django_db

STREETS = ("zhaoshang", "lianhua")
NATIONALITIES = ("US", "GB", "FR", "JP", "IN")


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def rows() -> set[tuple]:
    counts = AreaCount.objects.exclude(change=0).values_list(
        "area_id", "basis", "dimension", "value", "grain", "period", "change"
    )
    flows = AreaFlow.objects.exclude(count=0).values_list("area_id", "basis", "flow", "month", "count")
    return set(counts) | set(flows)


def _active(rng: random.Random) -> Permit | None:
    permits = list(Permit.objects.filter(status=Permit.Status.ACTIVE).order_by("pk"))
    return rng.choice(permits) if permits else None


def _step(world: World, rng: random.Random) -> str:
    """One random change to the permits or their holders, through the real actions."""
    operation = rng.choice(["issue", "issue", "extend", "change", "cancel", "revoke", "move", "nationality"])
    permit = _active(rng)
    if operation == "issue" or permit is None:
        permit_for(
            world,
            employer=rng.choice(["robotics", "lab"]),
            nationality=rng.choice(NATIONALITIES),
            born=rng.randint(1955, 2004),
            lives=rng.choice(STREETS),
            category=rng.choice("AB"),
        )
        return "issue"
    employer = "robotics" if permit.employer_id == world.employers["robotics"].pk else "lab"
    some_day = noon(first_day() + dt.timedelta(days=rng.randint(-20, 400)))
    if operation == "extend":
        extend(world, permit)
    elif operation == "change":
        world.application(employer, kind=Kind.CHANGE, stage="completed", person=permit.person)
    elif operation == "cancel":
        with time_machine.travel(some_day):
            cancel(world, permit)
    elif operation == "revoke":
        with time_machine.travel(some_day):
            do_revoke_permit(permit, actor=world.dave, reason="Documents found to be forged")
    elif operation == "move":
        street = world.areas[rng.choice(STREETS)]
        do_update_person(permit.person, actor=world.alice, residential_street=street)
    else:
        do_update_person(permit.person, actor=world.alice, nationality=rng.choice(NATIONALITIES))
    return operation


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_keeps_the_counts_equal_to_a_recomputation_after_any_sequence_of_changes(
    world: World, seed: int
) -> None:
    rng = random.Random(seed)
    done = []
    for _ in range(14):
        done.append(_step(world, rng))
        differing, sample = check_counts(limit=5)
        assert differing == 0, f"after {done}: {sample}"
    assert AreaCount.objects.exists()
    # An incremental rebuild from any day changes nothing either.
    kept = rows()
    since = first_day() + dt.timedelta(days=rng.randint(-60, 500))
    do_rebuild_counts(actor=None, since=since)
    assert rows() == kept
    do_rebuild_counts(actor=None)
    assert rows() == kept


def test_it_counts_a_person_who_moves_where_they_live_now(world: World) -> None:
    permit = permit_for(world, lives="zhaoshang")
    do_update_person(permit.person, actor=world.alice, residential_street=world.areas["lianhua"])
    # The count follows the person's current street (the registry keeps no history of moves).
    assert stock(world.areas["lianhua"], first_day()).total("home") == 1
    assert stock(world.areas["zhaoshang"], first_day()).total("home") == 0
    assert stock(world.areas["zhaoshang"], first_day()).total("work") == 1


def test_it_leaves_the_counts_alone_when_a_person_changes_only_their_notice_settings(world: World) -> None:
    permit = permit_for(world)
    before = rows()
    do_update_person(permit.person, actor=None, language="fr", notices_opt_out=True)
    assert rows() == before


def test_the_check_command_finds_drift_and_the_rebuild_command_repairs_it(world: World) -> None:
    permit_for(world)
    out = StringIO()
    call_command("registry", "check", stdout=out)
    assert "equal a recomputation" in out.getvalue()
    row = AreaCount.objects.filter(dimension="nationality", grain="month").first()
    assert row is not None
    AreaCount.objects.filter(pk=row.pk).update(change=row.change + 3)
    out = StringIO()
    with pytest.raises(CommandError, match="1 cells differ"):
        call_command("registry", "check", stdout=out)
    assert "maintained - recomputed = +3" in out.getvalue()
    call_command("registry", "rebuild", "--from", str(row.period), stdout=StringIO())
    call_command("registry", "check", stdout=StringIO())
    rebuilds = Event.objects.filter(action="registry.rebuild")
    assert rebuilds.count() == 1
    assert rebuilds.get().data["since"] == str(row.period)


def test_the_rebuild_command_refuses_a_malformed_date() -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command("registry", "rebuild", "--from", "yesterday")
