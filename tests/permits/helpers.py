"""Permits made through the real workflow, for the permit tests."""

from __future__ import annotations

import datetime as dt

import time_machine

from onewindow.cases.models import Application
from onewindow.cases.workflow import Kind
from onewindow.permits.models import Permit
from tests.factories import World

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def issue_permit(world: World, *, employer: str = "robotics", **kw: object) -> Permit:
    """A permit issued through the whole workflow (valid from 30 days after today)."""
    application: Application = world.application(employer, stage="completed", **kw)  # type: ignore[arg-type]
    return Permit.objects.select_related("number", "person", "employer", "application").get(
        application=application
    )


def extend(world: World, permit: Permit) -> Permit:
    """A second issuance of the same permit number (an extension), superseding ``permit``.

    Filed 60 days before ``permit`` expires (the law's window is 30 to 90 days),
    for another year.
    """
    with time_machine.travel(permit.valid_until - dt.timedelta(days=60)):
        return issue_permit(
            world,
            kind=Kind.EXTENSION,
            person=permit.person,
            work_end=permit.valid_until + dt.timedelta(days=365),
        )


def in_force(permit: Permit) -> dt.datetime:
    """Noon in Shenzhen on a day inside the permit's validity."""
    day = permit.valid_from + dt.timedelta(days=10)
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI)


def cancel(world: World, permit: Permit) -> Application:
    """The employer's cancellation application, approved by the commission: the permit is cancelled."""
    employer = "robotics" if permit.employer == world.employers["robotics"] else "lab"
    application: Application = world.application(
        employer, kind=Kind.CANCELLATION, stage="approved", person=permit.person
    )
    permit.refresh_from_db()
    return application
