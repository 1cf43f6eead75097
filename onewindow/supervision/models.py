"""Staff qualification, four-eyes proposals, conflicts of interest, random checks.

* ``Qualification``: one per staff member and role — trainee, intern, certified,
  suspended — with the training modules completed, the internship (mentor,
  hall, dates) and the confidentiality agreement it rests on.
* ``Proposal``: what an intern does on a real case; it takes effect only when a
  certified mentor countersigns. The database refuses an applied proposal
  without a countersigner other than the proposer (a check constraint) and, on
  PostgreSQL, one whose countersigner is not certified in the role (a trigger,
  see the migration).
* ``Declaration``: a conflict of interest with an employer or a person.
* ``Campaign`` → ``FrameEntry`` (the published frame) → ``SampledCase`` →
  ``Review`` → ``CorrectiveAction``: the random checks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import Role

STAFF_ROLE_CHOICES = [
    (role.value, role.label) for role in Role if role.value in {r.value for r in Role.staff_roles()}
]


class TrainingModule(models.Model):
    """A unit of training material (data, not code); trainees may read these and nothing else."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("material"))
    # Roles that must complete it before their internship; empty = every staff role.
    roles = models.JSONField(_("required for roles"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.title

    def required_for(self, role: str) -> bool:
        return not self.roles or role in self.roles


class QualificationQuerySet(models.QuerySet["Qualification"]):
    def restricted(self) -> QualificationQuerySet:
        """Records that keep their holder from working alone in the role."""
        return self.exclude(status=Qualification.Status.CERTIFIED)


class Qualification(models.Model):
    """Where one staff member stands in one role.

    A staff member without a record for a role counts as certified in it:
    the record is what the commission keeps for everyone trained under this
    scheme, and existing staff keep working until they are given one.
    """

    class Status(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        INTERN = "intern", _("Intern")
        CERTIFIED = "certified", _("Certified")
        SUSPENDED = "suspended", _("Suspended")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qualifications"
    )
    role = models.CharField(_("role"), max_length=30, choices=STAFF_ROLE_CHOICES)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.TRAINEE)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentees",
        verbose_name=_("mentor"),
    )
    internship_office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("internship hall or office"),
    )
    internship_start = models.DateField(_("internship starts"), null=True, blank=True)
    internship_end = models.DateField(_("internship ends"), null=True, blank=True)
    agreement = models.ForeignKey(
        "accounts.ConfidentialityAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confidentiality agreement"),
    )
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    suspension_reason = models.TextField(_("reason for the suspension"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = QualificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="qualification_one_per_role"),
            # An intern always has a mentor and an internship, and never mentors themselves.
            models.CheckConstraint(
                condition=~Q(status="intern")
                | Q(mentor__isnull=False, internship_office__isnull=False, internship_start__isnull=False),
                name="qualification_intern_has_mentor",
            ),
            models.CheckConstraint(condition=~Q(mentor=F("user")), name="qualification_not_own_mentor"),
            models.CheckConstraint(
                condition=Q(internship_end__isnull=True) | Q(internship_end__gte=F("internship_start")),
                name="qualification_internship_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.get_status_display()}"


class ModuleCompletion(models.Model):
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField(_("completed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("completed module")
        verbose_name_plural = _("completed modules")
        ordering = ["completed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["qualification", "module"], name="completion_once")]

    def __str__(self) -> str:
        return f"{self.module} ({self.completed_on})"


class Proposal(models.Model):
    """An intern's step on a real case, waiting for a certified mentor's countersignature."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting countersignature")
        RETURNED = "returned", _("Sent back by the mentor")
        APPLIED = "applied", _("Countersigned and applied")

    application = models.ForeignKey("cases.Application", on_delete=models.PROTECT, related_name="proposals")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals")
    role = models.CharField(_("role"), max_length=30, choices=STAFF_ROLE_CHOICES)
    action = models.CharField(_("step"), max_length=40)
    # What the step needs (corrections, a decision's outcome and reasons, …), as the form gave it.
    payload = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    mentor_comment = models.TextField(_("mentor's comment"), blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countersigned",
        verbose_name=_("countersigned by"),
    )
    countersigned_at = models.DateTimeField(_("countersigned"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            # Four eyes: an applied proposal names a countersigner who is not the proposer.
            models.CheckConstraint(
                condition=~Q(status="applied")
                | (
                    Q(countersigned_by__isnull=False, countersigned_at__isnull=False)
                    & ~Q(countersigned_by=F("proposer"))
                ),
                name="proposal_applied_is_countersigned",
            ),
            # One step at a time per case: a second pending proposal would race the first.
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="pending"), name="proposal_one_pending_per_case"
            ),
        ]
        indexes = [
            # The mentor's queue and the monitor: pending proposals, oldest first.
            models.Index(fields=["status", "proposed_at"], name="proposal_status_time"),
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.action} — {self.get_status_display()}"

    @property
    def action_label(self) -> str:
        from onewindow.cases.workflow import ACTION_LABELS, Action

        try:
            return str(ACTION_LABELS[Action(self.action)])
        except ValueError:
            return self.action


class DeclarationQuerySet(models.QuerySet["Declaration"]):
    def active(self) -> DeclarationQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Declaration(models.Model):
    """A staff member's declared conflict of interest with an employer or a person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("nature of the conflict"))
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [
            models.CheckConstraint(
                condition=Q(employer__isnull=False, person__isnull=True)
                | Q(employer__isnull=True, person__isnull=False),
                name="declaration_one_party",
            ),
        ]
        indexes = [
            # The gate: "has this user an active declaration on this employer or person?"
            models.Index(fields=["user", "withdrawn_at"], name="declaration_user_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.employer or self.person}"


class Campaign(models.Model):
    """A random check of the stations' work over a period, with a committed seed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open: seed committed")
        DRAWN = "drawn", _("Closed: seed revealed, sample drawn")

    title = models.CharField(_("title"), max_length=200)
    # The supervisor's office that runs the campaign; its area bounds who sees the campaign.
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, editable=False)
    stations = models.ManyToManyField("offices.Office", related_name="+", verbose_name=_("offices checked"))
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    sample_rate = models.DecimalField(
        _("sample rate"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("e.g. 0.1 for 10%"),
    )
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    # Any of "station", "category", "kind": the frame is split by these and each part sampled.
    strata = models.JSONField(_("strata"), default=list, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    # SHA-256 of the seed, published at opening; the seed itself stays sealed until the draw.
    commitment = models.CharField(_("commitment (SHA-256 of the seed)"), max_length=64)
    sealed_seed = models.TextField(editable=False)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    frame_hash = models.CharField(_("SHA-256 of the frame"), max_length=64, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("check campaign")
        verbose_name_plural = _("check campaigns")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_rate__isnull=False, sample_size__isnull=True)
                | Q(sample_rate__isnull=True, sample_size__isnull=False),
                name="campaign_rate_or_size",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="campaign_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status="open", seed="") | (Q(status="drawn") & ~Q(seed="")),
                name="campaign_seed_revealed_when_drawn",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FrameEntry(models.Model):
    """One case of a campaign's published frame, in canonical order (by reference)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="frame")
    application = models.ForeignKey("cases.Application", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=14)
    stratum = models.CharField(max_length=120, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "application"], name="frame_case_once"),
            models.UniqueConstraint(fields=["campaign", "position"], name="frame_position_once"),
        ]

    def __str__(self) -> str:
        return self.reference


class SampledCase(models.Model):
    class Basis(models.TextChoices):
        RANDOM = "random", _("Random sample")
        RISK = "risk", _("Risk-based addition")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sample")
    application = models.ForeignKey("cases.Application", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("sampled case")
        verbose_name_plural = _("sampled cases")
        ordering = ["basis", "application__reference"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "application"], name="sample_case_once"),
            models.CheckConstraint(
                condition=Q(basis="random") | ~Q(reason=""), name="sample_risk_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.application}"


class Finding(models.TextChoices):
    NONE = "none", _("No finding")
    MINOR = "minor", _("Minor finding")
    MAJOR = "major", _("Major finding")


CHECKLIST = (
    ("documents_complete", _("Documents complete")),
    ("originals_recorded", _("Originals recorded")),
    ("deadlines_met", _("Deadlines met")),
    ("decision_reasoned", _("Decision reasoned")),
    ("data_correct", _("Data correct")),
)


class Review(models.Model):
    """The checklist review of one sampled case and its finding."""

    sampled = models.OneToOneField(SampledCase, on_delete=models.PROTECT, related_name="review")
    # Copied from the sampled case: scorecards count findings per case without the campaign join.
    application = models.ForeignKey("cases.Application", on_delete=models.PROTECT, related_name="+")
    documents_complete = models.BooleanField(_("documents complete"))
    originals_recorded = models.BooleanField(_("originals recorded"))
    deadlines_met = models.BooleanField(_("deadlines met"))
    decision_reasoned = models.BooleanField(_("decision reasoned"))
    data_correct = models.BooleanField(_("data correct"))
    finding = models.CharField(_("finding"), max_length=6, choices=Finding.choices)
    notes = models.TextField(_("notes"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            # Scorecards and certification: the findings on a set of cases.
            models.Index(fields=["application", "finding"], name="review_case_finding"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_finding_display()}"


class CorrectiveAction(models.Model):
    """What must be put right after a finding, by whom and by when, until it is closed."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="corrective_actions")
    description = models.TextField(_("corrective action"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_note = models.TextField(_("how it was put right"), blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | (Q(closed_by__isnull=False) & ~Q(closing_note="")),
                name="corrective_closed_with_note",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
