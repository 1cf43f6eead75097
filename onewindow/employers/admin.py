from django.contrib import admin

from onewindow.employers.models import Employer
from onewindow.lib.admin import AuditedAdmin


@admin.register(Employer)
class EmployerAdmin(AuditedAdmin):
    list_display = ["name_zh", "name_en", "credit_code", "status", "industry", "workplace_street"]
    list_filter = ["status", "industry", "size_band"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    exclude = ["contact_phone"]
    readonly_fields = ["verified_at", "verified_by"]
