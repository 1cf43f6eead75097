"""Users and their roles.

A role is data: a :class:`Membership` row says that a user holds a role at
an office (staff), for an employer (HR users) or as a person (a foreign
national looking at their own file). Access checks read memberships only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EMPLOYER_HR = "employer_hr", _("Employer HR user")
    FOREIGN_NATIONAL = "foreign_national", _("Foreign national")
    WINDOW_OFFICER = "window_officer", _("Window officer")
    REVIEWER = "reviewer", _("Reviewer")
    IMMIGRATION_OFFICER = "immigration_officer", _("Immigration officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    COMMUNITY_OFFICER = "community_officer", _("Community officer")
    ADMINISTRATOR = "administrator", _("Administrator")

    @classmethod
    def staff_roles(cls) -> frozenset[Role]:
        return frozenset(set(cls) - {cls.EMPLOYER_HR, cls.FOREIGN_NATIONAL})


STAFF_ROLES: frozenset[str] = frozenset(str(role) for role in Role.staff_roles())


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_superuser", False)
        fields.setdefault("is_staff", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_superuser=True, is_staff=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff, HR user or foreign national.

    ``is_staff`` only means "may open the Django admin" (administrators);
    whether someone is a civil servant is read from their memberships.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("en", "English"), ("zh-hans", "简体中文")],
        default="en",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(revoked_at__isnull=True)

    def staff(self) -> MembershipQuerySet:
        return self.filter(role__in=STAFF_ROLES)


class Membership(models.Model):
    """A user holding one role at one office, employer or person file."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    # An employer's administrator may invite and remove the employer's other HR users.
    is_employer_admin = models.BooleanField(_("employer administrator"), default=False)
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # Each role is anchored to exactly the kind of thing it scopes to.
            models.CheckConstraint(
                condition=(
                    Q(
                        role="employer_hr",
                        employer__isnull=False,
                        office__isnull=True,
                        person__isnull=True,
                    )
                    | Q(
                        role="foreign_national",
                        person__isnull=False,
                        office__isnull=True,
                        employer__isnull=True,
                    )
                    | (
                        Q(office__isnull=False, employer__isnull=True, person__isnull=True)
                        & ~Q(role__in=["employer_hr", "foreign_national"])
                    )
                ),
                name="membership_scope_fits_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "office"],
                condition=Q(revoked_at__isnull=True, office__isnull=False),
                name="membership_unique_staff_role",
            ),
            models.UniqueConstraint(
                fields=["user", "employer"],
                condition=Q(revoked_at__isnull=True, employer__isnull=False),
                name="membership_unique_employer",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True, person__isnull=False),
                name="membership_one_account_per_person",
            ),
        ]

    def __str__(self) -> str:
        scope = self.office or self.employer or self.person
        return f"{self.user} — {self.get_role_display()} — {scope}"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


class AgreementQuerySet(models.QuerySet["ConfidentialityAgreement"]):
    def in_force(self, day: dt.date | None = None) -> AgreementQuerySet:
        """Agreements signed and not yet lapsed on ``day`` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(signed_at__date__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class ConfidentialityAgreement(models.Model):
    """A staff member's signed confidentiality agreement with one office.

    The station agreement of the reform fixes "responsibilities, work
    mechanisms and confidentiality requirements"; OneWindow shows no personal
    data to a staff grant at an office until an agreement with that office is
    on record (``onewindow.accounts.scopes``). The signed paper itself is kept
    by the office; ``version`` names the text that was signed and
    ``reference`` the office's filing number for the paper.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="agreements")
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="agreements")
    version = models.CharField(_("version of the text"), max_length=40)
    reference = models.CharField(_("filing reference"), max_length=80, blank=True)
    signed_at = models.DateTimeField(_("signed"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("confidentiality agreement")
        verbose_name_plural = _("confidentiality agreements")
        constraints = [
            # One record per signature: the same text signed twice at one office is a typing error.
            models.UniqueConstraint(fields=["user", "office", "version"], name="agreement_unique_version"),
        ]
        indexes = [
            # scope_of(): "has this user an agreement in force with this office?", once per request.
            models.Index(fields=["user", "office", "valid_until"], name="agreement_user_office"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.office} — {self.version}"


class ScopeChange(models.Model):
    """One row per change to what decides a user's reach: memberships, confidentiality
    agreements, qualifications, offices, areas.

    Written by database triggers (migration ``0004``), never by the application, so every
    change counts — a form, the admin, a bulk update, a raw statement, a restore. The newest
    row's ``token`` names the current state in the keys of the shared scope cache
    (``accounts.scopes``): a change, even one later rolled back, gives new keys, and no scope
    computed before it is read again. The worker keeps only the newest rows.
    """

    token = models.CharField(max_length=64)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("scope change")
        verbose_name_plural = _("scope changes")

    def __str__(self) -> str:
        return f"{self.pk}: {self.token}"
