"""Foreign nationals, their employment, and the documents of persons and employers.

Passport numbers, dates of birth, addresses and phone numbers are encrypted
at rest (``onewindow.lib.crypto``). The passport number is also kept as a
keyed hash so that "is this passport already known?" is an indexed look-up.
The birth year is kept in clear: area statistics by age band need it at
national scale, and a year alone does not identify anyone.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from onewindow.lib.crypto import EncryptedDateField, EncryptedTextField, lookup_hash
from onewindow.people.documents import RULES

PASSPORT_HASH_PURPOSE = "passport"


def passport_hash(nationality: str, number: str) -> str:
    return lookup_hash(f"{nationality}:{number}", purpose=PASSPORT_HASH_PURPOSE)


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNSPECIFIED = "X", _("Unspecified")


class PersonQuerySet(models.QuerySet["Person"]):
    def by_passport(self, nationality: str, number: str) -> PersonQuerySet:
        return self.filter(passport_hash=passport_hash(nationality, number))


class Person(models.Model):
    family_name = models.CharField(_("family name (as in passport)"), max_length=100)
    given_names = models.CharField(_("given names (as in passport)"), max_length=150, blank=True)
    chinese_name = models.CharField(_("Chinese name"), max_length=60, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = EncryptedDateField(_("date of birth"))
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    nationality = CountryField(_("nationality"))
    passport_number = EncryptedTextField(_("passport number"))
    passport_hash = models.CharField(max_length=64, unique=True, editable=False)
    passport_expiry = models.DateField(_("passport valid until"))
    residential_address = EncryptedTextField(_("residential address in China"))
    residential_street = models.ForeignKey(
        "offices.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("street of residence"),
        limit_choices_to={"level": "street"},
    )
    phone = EncryptedTextField(_("phone"))
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language for notices"),
        max_length=10,
        default="en",
        help_text=_("Notices from officers and the street office are sent in this language."),
    )
    notices_opt_out = models.BooleanField(
        _("no optional community notices"),
        default=False,
        help_text=_("Mandatory notices (about your permit or public health) are still sent."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("foreign national")
        verbose_name_plural = _("foreign nationals")
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900, birth_year__lte=2100),
                name="person_birth_year_sane",
            ),
        ]
        indexes = [
            # Area registry: persons by street of residence and nationality.
            models.Index(fields=["residential_street", "nationality"], name="person_street_nationality"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_names}".rstrip(", ")

    @property
    def masked_name(self) -> str:
        """The name as shown to a member of the public checking a permit: initials only."""
        given = " ".join(f"{part[0]}." for part in self.given_names.split() if part)
        family = self.family_name[:1] + "*" * max(len(self.family_name) - 1, 0)
        return f"{family} {given}".strip()

    def age_on(self, day: dt.date) -> int | None:
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class EmploymentQuerySet(models.QuerySet["Employment"]):
    def current(self) -> EmploymentQuerySet:
        return self.filter(ended_on__isnull=True)


class Employment(models.Model):
    """A foreign national working (or about to work) for an employer.

    This is what lets an employer's HR users see the person's file: an HR
    user reaches exactly the persons their employer has an employment for.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="employments")
    position = models.CharField(_("position"), max_length=150)
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "employer"],
                condition=Q(ended_on__isnull=True),
                name="employment_one_current_per_employer",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="employment_ends_after_start",
            ),
        ]
        indexes = [
            # HR access checks and "our foreign staff": current employments of an employer.
            models.Index(fields=["employer", "ended_on"], name="employment_employer_current"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.employer}"


def _document_path(instance: Document, filename: str) -> str:
    """A random name under ``documents/``: nothing about the person or the file shows in it."""
    token = secrets.token_hex(16)
    return f"documents/{token[:2]}/{token}.sealed"


class DocumentQuerySet(models.QuerySet["Document"]):
    def stored(self) -> DocumentQuerySet:
        """Documents whose content is still kept (not purged under the retention rules)."""
        return self.filter(purged_at__isnull=True)

    def expiring(self, *, today: dt.date, within_days: int) -> DocumentQuerySet:
        """Stored documents that expire from ``today`` to ``within_days`` days later."""
        return self.stored().filter(
            expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=within_days)
        )


class Document(models.Model):
    """One uploaded document of a person or of an employer (the vault keeps them for reuse).

    The content is sealed with the current data key (``onewindow.lib.crypto``)
    and kept in Django's storage under a random name outside the web root;
    only ``people.views.download`` serves it, to a user who reaches the
    owner. ``sha256`` is the hash of the file as uploaded, so the same file
    uploaded for two different persons can be flagged.
    """

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    document_type = models.CharField(
        _("document"),
        max_length=40,
        choices=[(str(kind), rule.label) for kind, rule in RULES.items()],
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    issued_abroad = models.BooleanField(_("issued abroad"), default=False)
    authenticated = models.BooleanField(_("authenticated or apostilled"), default=False)
    sha256 = models.CharField(_("SHA-256 of the file as uploaded"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("format"), max_length=20, choices=ContentType.choices)
    original_name = models.CharField(_("file name"), max_length=120)
    file = models.FileField(upload_to=_document_path, max_length=200, blank=True)
    # The data key that sealed the stored content (``reencrypt`` moves files to the current key).
    key_id = models.CharField(max_length=40, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    purged_at = models.DateTimeField(_("content removed"), null=True, blank=True)
    # "Original seen": the last time a window officer compared the original with this upload
    # and found it matching (copied from visits.OriginalCheck by people.actions.do_note_original_seen).
    original_seen_at = models.DateTimeField(_("original seen"), null=True, blank=True)
    original_seen_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("original seen by"),
    )
    original_seen_office = models.ForeignKey(
        "offices.Office",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("original seen at"),
    )

    # When its owner was told that it expires soon (once per document: see notifications.reminders).
    expiry_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, employer__isnull=True)
                | Q(person__isnull=True, employer__isnull=False),
                name="document_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="document_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=(Q(purged_at__isnull=True) & ~Q(file="")) | Q(purged_at__isnull=False, file=""),
                name="document_content_kept_or_purged",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
            models.CheckConstraint(
                condition=Q(original_seen_at__isnull=True) | Q(original_seen_office__isnull=False),
                name="document_original_seen_somewhere",
            ),
        ]
        indexes = [
            # A person's documents by type, newest first (the person page, the vault).
            models.Index(fields=["person", "document_type", "-uploaded_at"], name="document_person_type"),
            # An employer's documents by type, newest first.
            models.Index(fields=["employer", "document_type", "-uploaded_at"], name="document_employer_type"),
            # "The same file was uploaded for another person": look-up by content hash.
            models.Index(fields=["sha256"], name="document_sha256"),
            # Expiry reminders: stored documents not yet reminded of, by expiry date.
            models.Index(
                fields=["expires_on"],
                condition=Q(purged_at__isnull=True, expiry_reminded_at__isnull=True),
                name="document_expiry_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} ({self.original_name})"

    @property
    def seal_context(self) -> str:
        """Authenticated with the sealed content: a file moved to another document's row fails to open."""
        return f"people.document:{self.uuid}"
