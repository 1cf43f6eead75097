"""Reads for an employer's own pages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from onewindow.cases.models import Application
from onewindow.employers.models import Employer
from onewindow.people.models import Employment


def foreign_staff(employer: Employer) -> QuerySet[Employment]:
    """Current employments with each person's applications at this employer, newest first."""
    applications = Application.objects.filter(employer=employer).order_by("-created_at")
    return (
        Employment.objects.current()
        .filter(employer=employer)
        .select_related("person")
        .prefetch_related(
            Prefetch("person__applications", queryset=applications, to_attr="employer_applications")
        )
        .order_by("person__family_name", "person__pk")
    )


def recent_applications(employer: Employer, limit: int = 50) -> QuerySet[Application]:
    return (
        Application.objects.filter(employer=employer)
        .select_related("person", "station")
        .order_by("-created_at")[:limit]
    )
