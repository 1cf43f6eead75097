from django.contrib import admin

from onewindow.audit.models import Event
from onewindow.lib.admin import ReadOnlyAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "occurred_at", "action", "actor", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["object_id", "action"]
    show_full_result_count = False
