"""Permit numbers, electronic work permits and the residence permits handed over with them.

A person has one permit number for life: the database holds that invariant
(one number per person, each number once), and numbers are drawn from a
counter row that is locked only for the instant of allocation.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NumberCounter(models.Model):
    """The next serial number for permits first issued in one city in one year."""

    division_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    next_serial = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("permit number counter")
        verbose_name_plural = _("permit number counters")
        constraints = [models.UniqueConstraint(fields=["division_code", "year"], name="counter_unique")]

    def __str__(self) -> str:
        return f"{self.division_code}/{self.year}: {self.next_serial}"


class PermitNumber(models.Model):
    """A person's lifelong permit number."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="permit_number")
    number = models.CharField(_("permit number"), max_length=18, unique=True)
    allocated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("permit number")
        verbose_name_plural = _("permit numbers")

    def __str__(self) -> str:
        return self.number


class PermitQuerySet(models.QuerySet["Permit"]):
    def current(self) -> PermitQuerySet:
        return self.filter(superseded_by__isnull=True)

    def valid_on(self, day: dt.date) -> PermitQuerySet:
        return self.filter(status=Permit.Status.ACTIVE, valid_from__lte=day, valid_until__gte=day)


class Permit(models.Model):
    """One issuance of the electronic work permit (a new one on extension or change)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Replaced by a newer issuance")

    number = models.ForeignKey(PermitNumber, on_delete=models.PROTECT, related_name="permits")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="permits")
    application = models.OneToOneField("cases.Application", on_delete=models.PROTECT, related_name="permit")
    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="permits")
    category = models.CharField(_("category"), max_length=1)
    position = models.CharField(_("position"), max_length=150)
    work_location = models.CharField(_("work location"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuing_office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    ended_at = models.DateTimeField(_("cancelled or revoked"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = PermitQuerySet.as_manager()

    class Meta:
        verbose_name = _("work permit")
        verbose_name_plural = _("work permits")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="permit_validity_ordered"
            ),
            # At most one active issuance per person at any time.
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="permit_one_active_per_person"
            ),
        ]
        indexes = [
            # Area registry: active permits by employer, and expiry reminders by date.
            models.Index(fields=["employer", "status"], name="permit_employer_status"),
            models.Index(fields=["status", "valid_until"], name="permit_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.number.number} ({self.valid_from}–{self.valid_until})"

    def state_on(self, day: dt.date) -> str:
        """valid, expired, cancelled, revoked or superseded, as a checker sees it."""
        if self.status == self.Status.ACTIVE:
            return "valid" if self.valid_from <= day <= self.valid_until else "expired"
        return str(self.status)


class ResidencePermit(models.Model):
    """The work-type residence permit decided by the exit-entry office, recorded when handed over."""

    application = models.OneToOneField(
        "cases.Application", on_delete=models.PROTECT, related_name="residence_permit"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="residence_permits")
    number = models.CharField(_("residence permit number"), max_length=30, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    fee_cny = models.PositiveIntegerField(_("fee (RMB)"))
    handed_over_at = models.DateTimeField(_("handed over"))
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("residence permit")
        verbose_name_plural = _("residence permits")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="rp_validity_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} ({self.valid_from}–{self.valid_until})"
