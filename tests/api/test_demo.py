"""The demo's service account: created once, through the real action."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from onewindow.accounts.models import Role
from onewindow.api.demo import NAME
from onewindow.api.models import ServiceAccount

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_robotics_hr_system_once() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    account = ServiceAccount.objects.get()
    assert account.user.full_name == NAME
    assert account.user.memberships.get().role == Role.EMPLOYER_HR
