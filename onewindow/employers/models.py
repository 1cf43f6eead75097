"""Employers that hire foreign nationals, identified by their unified social credit code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import ValidationError as StdnumValidationError

from onewindow.lib.crypto import EncryptedTextField
from onewindow.lib.i18n import pick


def validate_credit_code(value: str) -> None:
    """Check an 18-character unified social credit code, including its check character (GB 32100-2015)."""
    try:
        uscc.validate(value)
    except StdnumValidationError as exc:
        if isinstance(exc, InvalidLength):
            reason = _("it must have exactly 18 characters")
        elif isinstance(exc, InvalidChecksum):
            reason = _("the check character does not match the other 17")
        elif isinstance(exc, InvalidFormat | InvalidComponent):
            reason = _("it contains characters or parts that are not allowed")
        else:
            reason = _("it is malformed")
        raise ValidationError(
            _("“%(code)s” is not a valid unified social credit code: %(reason)s."),
            params={"code": value, "reason": reason},
            code="invalid_credit_code",
        ) from exc


class Industry(models.TextChoices):
    """Sections of China's industrial classification (GB/T 4754-2017)."""

    AGRICULTURE = "A", _("Agriculture, forestry, animal husbandry and fishery")
    MINING = "B", _("Mining")
    MANUFACTURING = "C", _("Manufacturing")
    UTILITIES = "D", _("Electricity, heat, gas and water")
    CONSTRUCTION = "E", _("Construction")
    TRADE = "F", _("Wholesale and retail trade")
    TRANSPORT = "G", _("Transport, storage and post")
    HOSPITALITY = "H", _("Accommodation and catering")
    INFORMATION = "I", _("Information transmission, software and IT services")
    FINANCE = "J", _("Finance")
    REAL_ESTATE = "K", _("Real estate")
    BUSINESS_SERVICES = "L", _("Leasing and business services")
    RESEARCH = "M", _("Scientific research and technical services")
    ENVIRONMENT = "N", _("Water conservancy, environment and public facilities")
    RESIDENT_SERVICES = "O", _("Resident, repair and other services")
    EDUCATION = "P", _("Education")
    HEALTH = "Q", _("Health and social work")
    CULTURE = "R", _("Culture, sports and entertainment")
    PUBLIC_ADMINISTRATION = "S", _("Public administration and social organisations")
    INTERNATIONAL = "T", _("International organisations")


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Fewer than 10 employees")
    SMALL = "small", _("10–99 employees")
    MEDIUM = "medium", _("100–999 employees")
    LARGE = "large", _("1,000 employees or more")


class EmployerQuerySet(models.QuerySet["Employer"]):
    def verified(self) -> EmployerQuerySet:
        return self.filter(status=Employer.Status.VERIFIED)


class Employer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices)
    registered_address = models.CharField(_("registered address"), max_length=300)
    registered_street = models.ForeignKey(
        "offices.Area",
        on_delete=models.PROTECT,
        related_name="registered_employers",
        verbose_name=_("street of the registered address"),
        limit_choices_to={"level": "street"},
    )
    workplace_address = models.CharField(_("workplace address"), max_length=300)
    workplace_street = models.ForeignKey(
        "offices.Area",
        on_delete=models.PROTECT,
        related_name="workplace_employers",
        verbose_name=_("street of the workplace"),
        limit_choices_to={"level": "street"},
        help_text=_("Applications are routed to the station that covers this street."),
    )
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = EncryptedTextField(_("contact phone"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name_zh"]
        indexes = [
            # Area statistics and station worklists: employers by workplace street.
            models.Index(fields=["workplace_street", "status"], name="employer_street_status"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.name_en, self.name_zh)

    @property
    def can_file_applications(self) -> bool:
        return self.status == self.Status.VERIFIED


def _filings() -> Any:
    """The applications that discharge the outer duty: of its kind, for its person, by its
    employer, submitted on or after the event, and neither withdrawn nor declined."""
    from django.db.models import OuterRef

    from onewindow.cases.models import Application

    return (
        Application.objects.filter(
            employer_id=OuterRef("employer_id"),
            person_id=OuterRef("person_id"),
            kind=OuterRef("application_kind"),
            submitted_at__isnull=False,
            submitted_at__date__gte=OuterRef("happened_on"),
        )
        .exclude(status__in=["withdrawn", "not_accepted"])
        .order_by("submitted_at", "pk")
    )


class ReportingDutyQuerySet(models.QuerySet["ReportingDuty"]):
    def with_filing(self) -> ReportingDutyQuerySet:
        """Each duty with ``filing_id``: the first application that discharged it, or ``None``."""
        from django.db.models import Subquery

        return self.annotate(filing_id=Subquery(_filings().values("pk")[:1]))

    def open(self) -> ReportingDutyQuerySet:
        """Duties not yet discharged by a filing."""
        from django.db.models import Exists

        return self.filter(~Exists(_filings()))


class ReportingDuty(models.Model):
    """An employer's duty to report a change of items or a departure within 10 working days.

    Recorded by the employer's HR user when the event happens (an employee's
    passport or position changed, an employment ended). The duty is
    discharged by *filing* the matching application (a change of items, or a
    cancellation) for the person: that is read from the applications
    (``with_filing``), never stored twice. The due date is derived from the
    event's date with the city's working-day calendar
    (``employers.selectors.due_on``), so a calendar correction moves it.
    """

    class Kind(models.TextChoices):
        CHANGE = "change", _("Change of items")
        DEPARTURE = "departure", _("Departure (the permit must be cancelled)")

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="duties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="reporting_duties")
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    # The application kind that discharges the duty (cases.workflow.Kind): change or cancellation.
    application_kind = models.CharField(max_length=30, editable=False)
    happened_on = models.DateField(_("date of the event"))
    note = models.CharField(_("what changed, or why the employment ended"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ReportingDutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting duty")
        verbose_name_plural = _("reporting duties")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "person", "kind", "happened_on"], name="duty_once_per_event"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="change", application_kind="change")
                | models.Q(kind="departure", application_kind="cancellation"),
                name="duty_discharged_by_its_kind",
            ),
        ]
        indexes = [
            # The employer's dashboard: its duties, most recent event first.
            models.Index(fields=["employer", "-happened_on"], name="duty_employer_recent"),
            # The reminder worker: duties by event date (open ones are the recent ones).
            models.Index(fields=["happened_on"], name="duty_happened"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person_id} @ {self.employer_id} on {self.happened_on}"
