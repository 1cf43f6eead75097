from django.contrib import admin

from onewindow.cases.models import Application, TimeLimit
from onewindow.lib.admin import AuditedAdmin, ReadOnlyAdmin


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "status", "station", "due_on", "created_at"]
    list_filter = ["kind", "status", "station"]
    search_fields = ["reference"]
    fields = [
        "reference",
        "kind",
        "status",
        "station",
        "category",
        "due_on",
        "submitted_at",
        "accepted_at",
        "decided_at",
    ]


@admin.register(TimeLimit)
class TimeLimitAdmin(AuditedAdmin):
    list_display = ["city", "step", "working_days", "valid_from", "valid_until"]
    list_filter = ["city", "step"]
