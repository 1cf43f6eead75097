"""Permit numbers, electronic work permits, their signing keys and scans, and residence permits.

A person has one permit number for life: the database holds that invariant
(one number per person, each number once), and numbers are drawn from a
counter row that is locked only for the instant of allocation.

Each issuance is a :class:`Permit` row whose stored status says only what
an officer did (active, cancelled, revoked, superseded); expiry is derived
from the dates, never written, so no batch job has to run for an expired
permit to show as expired.
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


class CheckResult(models.TextChoices):
    """The answer a checker gets for a scanned permit (``docs/permit-qr.md``)."""

    VALID = "valid", _("Valid")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Replaced by a newer issuance")
    INVALID = "invalid", _("Invalid")


class PermitQuerySet(models.QuerySet["Permit"]):
    def current(self) -> PermitQuerySet:
        return self.filter(superseded_by__isnull=True)

    def valid_on(self, day: dt.date) -> PermitQuerySet:
        return self.filter(status=Permit.Status.ACTIVE, valid_from__lte=day, valid_until__gte=day)

    def expired_on(self, day: dt.date) -> PermitQuerySet:
        """Active issuances whose validity ended before ``day``: cancelled by law on expiry."""
        return self.filter(status=Permit.Status.ACTIVE, valid_until__lt=day)


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
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The cancellation application (kind "cancellation") that ended this permit.
    cancellation_application = models.OneToOneField(
        "cases.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancelled_permit",
        verbose_name=_("cancellation application"),
    )
    # Printed on the proof of cancellation; a new employer's application cites it.
    cancellation_reference = models.CharField(
        _("proof of cancellation reference"), max_length=14, blank=True, editable=False
    )

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
            # An issuance that ended says when; an active one has not ended.
            models.CheckConstraint(
                condition=(Q(status="active") & Q(ended_at__isnull=True))
                | (~Q(status="active") & Q(ended_at__isnull=False)),
                name="permit_end_recorded",
            ),
            # A cancelled permit has its proof's reference, and only a cancelled one.
            models.CheckConstraint(
                condition=(Q(status="cancelled") & ~Q(cancellation_reference=""))
                | (~Q(status="cancelled") & Q(cancellation_reference="")),
                name="permit_cancellation_has_reference",
            ),
            # A revocation always states its reason.
            models.CheckConstraint(
                condition=~Q(status="revoked") | ~Q(end_reason=""), name="permit_revocation_has_reason"
            ),
            models.UniqueConstraint(
                fields=["cancellation_reference"],
                condition=~Q(cancellation_reference=""),
                name="permit_cancellation_reference_unique",
            ),
        ]
        indexes = [
            # Area registry: active permits by employer, and expiry reminders by date.
            models.Index(fields=["employer", "status"], name="permit_employer_status"),
            models.Index(fields=["status", "valid_until"], name="permit_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.number.number} ({self.valid_from}–{self.valid_until})"

    def state_on(self, day: dt.date) -> CheckResult:
        """What a checker is told about this issuance on ``day`` (expiry is derived from the dates)."""
        if self.status != self.Status.ACTIVE:
            return CheckResult(str(self.status))
        if day > self.valid_until:
            return CheckResult.EXPIRED
        if day < self.valid_from:
            return CheckResult.NOT_YET_VALID
        return CheckResult.VALID

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.ACTIVE


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


class SigningKeyQuerySet(models.QuerySet["SigningKey"]):
    def verifying(self) -> SigningKeyQuerySet:
        """Keys whose signatures are accepted: the active one and the retired ones."""
        return self.exclude(state=SigningKey.State.WITHDRAWN)


class SigningKey(models.Model):
    """An Ed25519 key that signs the permits' QR tokens.

    One key is active and signs; rotation retires it, and a retired key
    still verifies the tokens it signed. A withdrawn key (compromised)
    verifies nothing any more. The private key is stored only sealed with
    the data keys (``onewindow.lib.crypto.seal``), bound to its key id.
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("Active (signs and verifies)")
        RETIRED = "retired", _("Retired (verifies only)")
        WITHDRAWN = "withdrawn", _("Withdrawn (verifies nothing)")

    kid = models.CharField(_("key id"), max_length=8, unique=True, editable=False)
    algorithm = models.CharField(_("algorithm"), max_length=10, default="Ed25519", editable=False)
    # The 32-byte raw public key, base64url without padding.
    public_key = models.CharField(_("public key"), max_length=43, editable=False)
    private_key_sealed = models.TextField(editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, editable=False)
    created_at = models.DateTimeField(_("created"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(_("activated"), editable=False)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    objects = SigningKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-activated_at"]
        constraints = [
            # Exactly one key signs: a second active key is refused by the database.
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="active"), name="signing_key_one_active"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["active", "retired", "withdrawn"]), name="signing_key_state_known"
            ),
            # An active key has never been retired; a retired or withdrawn one says when it stopped signing.
            models.CheckConstraint(
                condition=(Q(state="active") & Q(retired_at__isnull=True))
                | (~Q(state="active") & Q(retired_at__isnull=False)),
                name="signing_key_retirement_recorded",
            ),
            models.CheckConstraint(
                condition=(Q(state="withdrawn") & Q(withdrawn_at__isnull=False))
                | (~Q(state="withdrawn") & Q(withdrawn_at__isnull=True)),
                name="signing_key_withdrawal_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.get_state_display()})"


class Scan(models.Model):
    """One check of a permit's QR token, online (the public page or the API).

    Scans are public and high-volume, so they are kept here rather than in
    the hash-chained audit trail: anyone on the internet can cause one, the
    trail must not grow (nor its sealer queue) at the pace of anonymous
    traffic, and scans can be pruned after a retention period, which the
    append-only trail forbids. The client's address is kept only as a keyed
    hash, enough to notice one client scanning many permits.
    """

    class Channel(models.TextChoices):
        PAGE = "page", _("Public page")
        API = "api", _("API")

    scanned_at = models.DateTimeField(_("scanned"))
    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, null=True, blank=True, related_name="scans")
    key_id = models.CharField(_("key id"), max_length=8, blank=True)
    result = models.CharField(_("result"), max_length=14, choices=CheckResult.choices)
    channel = models.CharField(_("channel"), max_length=4, choices=Channel.choices)
    client = models.CharField(max_length=64, blank=True)
    # A signed-in checker (an officer at a window); anonymous scans have none.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("permit scan")
        verbose_name_plural = _("permit scans")
        indexes = [
            # The permit page: the latest checks of one issuance.
            models.Index(fields=["permit", "-scanned_at"], name="scan_permit_recent"),
            # Retention pruning and daily counts: scans by time.
            models.Index(fields=["scanned_at"], name="scan_time"),
        ]

    def __str__(self) -> str:
        return f"{self.scanned_at:%Y-%m-%d %H:%M} {self.result}"
