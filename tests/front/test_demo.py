"""The demo data: created through the real actions, and idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from onewindow.audit.chain import verify
from onewindow.cases.models import Application
from onewindow.permits.models import Permit

pytestmark = pytest.mark.django_db


def test_it_seeds_once_and_prints_the_logins() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Application.objects.count(), Permit.objects.count())
    call_command("seed_demo", stdout=out)
    assert (Application.objects.count(), Permit.objects.count()) == counts
    text = out.getvalue()
    assert "Demo data created." in text
    assert "Demo data already present." in text
    assert "carol@onewindow.example" in text


def test_it_gives_the_demo_cases_in_many_states_and_an_intact_chain() -> None:
    call_command("seed_demo", stdout=StringIO())
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {
        "draft",
        "submitted",
        "returned",
        "in_review",
        "awaiting_supplement",
        "approved",
        "completed",
        "refused",
    } <= statuses
    assert verify().ok
