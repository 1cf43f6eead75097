"""Training modules are data edited here (audited); the records are changed only by the app's actions."""

from django.contrib import admin

from onewindow.lib.admin import AuditedAdmin, ReadOnlyAdmin
from onewindow.supervision.models import (
    Campaign,
    CorrectiveAction,
    Declaration,
    Proposal,
    Qualification,
    Review,
    TrainingModule,
)


@admin.register(TrainingModule)
class TrainingModuleAdmin(AuditedAdmin):
    list_display = ["position", "code", "title"]
    ordering = ["position", "code"]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "status", "mentor", "internship_start", "certified_at"]
    list_filter = ["role", "status"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["application", "proposer", "action", "status", "countersigned_by", "proposed_at"]
    list_filter = ["status", "action"]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["user", "employer", "person", "declared_at", "withdrawn_at"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "office", "period_start", "period_end", "status", "commitment"]
    exclude = ["sealed_seed"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["application", "finding", "reviewer", "reviewed_at"]
    list_filter = ["finding"]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyAdmin):
    list_display = ["review", "owner", "due_on", "closed_at"]
