from django.contrib import admin

from onewindow.lib.admin import AuditedAdmin
from onewindow.offices.models import Area, CalendarDay, Coverage, Office


class CoverageInline(admin.TabularInline):
    model = Coverage
    extra = 1
    autocomplete_fields = ["street"]


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["path", "name_en", "name_zh", "level", "division_code"]
    list_filter = ["level"]
    search_fields = ["path", "name_en", "name_zh"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        obj.path = (obj.parent.path if obj.parent_id else "/") + obj.code + "/"
        super().save_model(request, obj, form, change)


@admin.register(Office)
class OfficeAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_zh", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_en", "name_zh"]
    autocomplete_fields = ["area"]
    inlines = [CoverageInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["date", "is_working_day", "city", "note"]
    list_filter = ["is_working_day", "city"]
    date_hierarchy = "date"
