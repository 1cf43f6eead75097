"""The demo's stations offer appointments, so that `make run` users can book; seeding is idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from onewindow.offices.models import Office
from onewindow.visits import slots
from onewindow.visits.models import Appointment, SlotSettings, Visit

pytestmark = pytest.mark.django_db


def test_it_opens_every_station_for_appointments_and_books_one_visit() -> None:
    call_command("seed_demo", stdout=StringIO())
    stations = Office.objects.active().filter(kind__in=[Office.Kind.WORK_STATION, Office.Kind.CIVIC_HALL])
    assert SlotSettings.objects.count() == stations.count() > 0
    today = timezone.localdate()
    station = Office.objects.get(code="zhaoshang-station")
    assert slots.slots(station, first=today, last=today + dt.timedelta(days=10))
    appointment = Appointment.objects.get()
    assert appointment.office == station and appointment.starts_at > timezone.now()
    # Every demo permit was handed over in a visit, one per completed application.
    assert Visit.objects.filter(number__gt=1).count() == 0
    assert Visit.objects.filter(permit__isnull=False).exists()
    call_command("seed_demo", stdout=StringIO())
    assert (Appointment.objects.count(), SlotSettings.objects.count()) == (1, stations.count())
