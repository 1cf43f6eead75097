from django.contrib import admin

from onewindow.accounts.models import ConfidentialityAgreement, Membership, User
from onewindow.lib.admin import AuditedAdmin, ReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = [
        "role",
        "office",
        "employer",
        "person",
        "is_employer_admin",
        "granted_at",
        "revoked_at",
    ]
    raw_id_fields = ["employer", "person"]


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fields = [
        "email",
        "full_name",
        "language",
        "is_active",
        "is_staff",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [MembershipInline]


@admin.register(ConfidentialityAgreement)
class ConfidentialityAgreementAdmin(ReadOnlyAdmin):
    """Agreements are recorded on OneWindow's own page (audited); the admin lists them."""

    list_display = ["user", "office", "version", "signed_at", "valid_until", "recorded_by"]
    list_filter = ["office", "version"]
    search_fields = ["user__email", "user__full_name", "reference"]
    list_select_related = ["user", "office", "recorded_by"]
