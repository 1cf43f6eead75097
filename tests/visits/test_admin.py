"""The admin lists the one visit's records; slot settings are configuration, edited and audited there."""

from __future__ import annotations

from django.contrib import admin

from onewindow.lib.admin import AuditedAdmin, ReadOnlyAdmin
from onewindow.visits.models import Appointment, OriginalCheck, SlotSettings, Ticket, Visit


def test_it_registers_every_model_of_the_one_visit() -> None:
    assert isinstance(admin.site._registry[SlotSettings], AuditedAdmin)
    for model in (Appointment, Ticket, Visit, OriginalCheck):
        assert isinstance(admin.site._registry[model], ReadOnlyAdmin), model
