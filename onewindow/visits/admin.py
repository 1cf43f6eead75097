from django.contrib import admin

from onewindow.lib.admin import AuditedAdmin, ReadOnlyAdmin
from onewindow.visits.models import Appointment, OriginalCheck, SlotSettings, Ticket, Visit


@admin.register(SlotSettings)
class SlotSettingsAdmin(AuditedAdmin):
    """Slot length, places per window and horizon of a station's appointments (configuration)."""

    list_display = ["office", "minutes", "per_window", "horizon_days"]
    autocomplete_fields = ["office"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "office", "starts_at", "seat", "status", "rescheduled_count"]
    list_filter = ["status", "office"]
    date_hierarchy = "starts_at"


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["label", "office", "day", "source", "status", "issued_at", "called_at", "finished_at"]
    list_filter = ["status", "source", "office"]
    date_hierarchy = "day"


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["application", "office", "number", "officer", "started_at", "ended_at", "reason"]
    list_filter = ["office"]
    date_hierarchy = "started_at"


@admin.register(OriginalCheck)
class OriginalCheckAdmin(ReadOnlyAdmin):
    list_display = ["application", "document_type", "outcome", "checked_by", "checked_at"]
    list_filter = ["outcome"]
