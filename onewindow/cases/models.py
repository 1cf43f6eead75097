"""Applications (cases), the two authorities' decisions, and requests to the applicant.

An application is *one* combined case: the applicant types each fact once
and the same record is reviewed by the commission (work permit) and, where
the kind needs it, by the exit-entry office (work-type residence permit).
Its ``status`` is the one status axis of ``cases.workflow``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from onewindow.cases.workflow import (
    ACTION_LABELS,
    FINAL_STATUSES,
    KIND_LABELS,
    STATUS_LABELS,
    Action,
    Kind,
    Status,
)

# Crockford's base32 without look-alikes: references are read out over the phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Submitted cases that may still move: the ones officers' worklists show.
WORKLIST_OPEN_STATUSES = sorted(s.value for s in Status if s not in FINAL_STATUSES and s != Status.DRAFT)


def new_reference() -> str:
    """A random, unguessable case reference such as ``OW-7K3M-9Q2P``."""
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"OW-{body[:4]}-{body[4:]}"


class Authority(models.TextChoices):
    WORK_PERMIT = "work_permit", _("Work permit (Science and Technology Innovation Commission)")
    RESIDENCE_PERMIT = (
        "residence_permit",
        _("Work-type residence permit (exit-entry administration)"),
    )


class Category(models.TextChoices):
    A = "A", _("A — high-end talent")
    B = "B", _("B — professional")
    C = "C", _("C — other")


class ApplicationQuerySet(models.QuerySet["Application"]):
    def open(self) -> ApplicationQuerySet:
        return self.exclude(status__in=[str(s) for s in FINAL_STATUSES])

    def within(self, path: str) -> ApplicationQuerySet:
        """Cases whose workplace street lies in the area at ``path``."""
        return self.filter(area_path__startswith=path)

    def in_status(self, *statuses: Status) -> ApplicationQuerySet:
        return self.filter(status__in=[str(s) for s in statuses])


class Application(models.Model):
    reference = models.CharField(
        _("reference"), max_length=14, unique=True, default=new_reference, editable=False
    )
    kind = models.CharField(_("kind"), max_length=30, choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=[(s.value, v) for s, v in STATUS_LABELS.items()],
        default=Status.DRAFT.value,
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="applications")
    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="applications")
    # Where the case is handled: the station covering the employer's workplace street.
    station = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("station"),
    )
    street = models.ForeignKey(
        "offices.Area",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("workplace street"),
    )
    # Copy of ``street.path``: area-scoped worklists filter on it without a join.
    area_path = models.CharField(max_length=255, editable=False)

    category = models.CharField(_("category"), max_length=1, choices=Category.choices, blank=True)
    position = models.CharField(_("position"), max_length=150)
    annual_salary_cny = models.PositiveIntegerField(_("annual salary (RMB)"), null=True, blank=True)
    work_start = models.DateField(_("work starts"), null=True, blank=True)
    work_end = models.DateField(_("work ends"), null=True, blank=True)
    # Facts that only some kinds ask for, validated by the kind's form (cases.kinds).
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Whether the exit-entry office decides a residence permit in this same case.
    needs_residence_permit = models.BooleanField(_("includes the residence permit"), default=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("earlier application"),
        help_text=_("The application whose permit this one extends, changes, cancels or re-issues."),
    )

    returned_once = models.BooleanField(default=False, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The date the current step is due, derived from the events by cases.deadlines
    # and refreshed on every transition (and for all open cases when the calendar changes).
    due_on = models.DateField(_("due"), null=True, blank=True)

    # Optimistic concurrency: bumped by every change, sent as the ETag.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A retried form or API submission carries the same token and finds this row.
    client_token = models.CharField(max_length=80, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_token"],
                condition=~Q(client_token=""),
                name="application_client_token_unique",
            ),
            models.CheckConstraint(
                condition=Q(work_end__isnull=True)
                | Q(work_start__isnull=True)
                | Q(work_end__gte=models.F("work_start")),
                name="application_work_period_ordered",
            ),
        ]
        indexes = [
            # Staff worklists: a station's cases in a status, soonest deadline first.
            models.Index(fields=["station", "status", "due_on"], name="app_station_status_due"),
            # A station's worklist page in deadline order, read from the index and stopped after one
            # page whatever the station's volume: only submitted, open cases are in it.
            models.Index(
                fields=["station", "due_on", "submitted_at", "id"],
                condition=Q(submitted_at__isnull=False, status__in=WORKLIST_OPEN_STATUSES),
                name="app_station_open_due",
            ),
            # City- and district-wide worklists: a status, soonest deadline first (area filtered on top).
            models.Index(fields=["status", "due_on"], name="app_status_due"),
            # "This area and below" (area_path LIKE '/shenzhen/nanshan/%') on PostgreSQL.
            models.Index(fields=["area_path"], name="app_area_prefix", opclasses=["varchar_pattern_ops"]),
            # An employer's and a person's own cases, newest first.
            models.Index(fields=["employer", "-created_at"], name="app_employer_recent"),
            models.Index(fields=["person", "-created_at"], name="app_person_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display()})"

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def is_final(self) -> bool:
        return self.status_enum in FINAL_STATUSES

    @cached_property
    def decisions_by_authority(self) -> dict[str, Decision]:
        return {decision.authority: decision for decision in self.decisions.all()}

    @property
    def required_authorities(self) -> frozenset[str]:
        required = {Authority.WORK_PERMIT.value}
        if self.needs_residence_permit:
            # A notification-letter holder applies for residence only after entering China.
            before_entry = self.kind == Kind.NOTIFICATION_LETTER and self.status in {
                Status.DRAFT,
                Status.SUBMITTED,
                Status.RETURNED,
                Status.IN_REVIEW,
                Status.AWAITING_SUPPLEMENT,
                Status.APPROVED,
            }
            if not before_entry:
                required.add(Authority.RESIDENCE_PERMIT.value)
        return frozenset(required)

    @property
    def pending_authorities(self) -> frozenset[str]:
        return self.required_authorities - set(self.decisions_by_authority)

    @property
    def work_permit_approved(self) -> bool | None:
        decision = self.decisions_by_authority.get(Authority.WORK_PERMIT.value)
        return None if decision is None else decision.outcome == Decision.Outcome.APPROVED

    @property
    def originals_complete(self) -> bool:
        """Every document the kind requires has its original recorded as seen (visits app)."""
        from onewindow.cases.selectors import originals_complete

        return originals_complete(self)

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class Decision(models.Model):
    """One authority's decision on one application, with its reasons."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    authority = models.CharField(_("authority"), max_length=20, choices=Authority.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    # Codes from cases.reasons; each carries its legal basis.
    reason_codes = models.JSONField(_("reasons"), default=list)
    reasoning = models.TextField(_("reasoning"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    fee_cny = models.PositiveIntegerField(_("fee (RMB)"), default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            # One decision per authority: deciding twice is impossible, not merely unlikely.
            models.UniqueConstraint(fields=["application", "authority"], name="decision_once_per_authority"),
            models.CheckConstraint(
                condition=Q(outcome="refused") | Q(valid_from__isnull=False, valid_until__isnull=False),
                name="decision_approval_has_validity",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="decision_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.get_authority_display()} {self.get_outcome_display()}"


class Correction(models.Model):
    """One item of the single list of corrections sent when a file is returned,
    or of a supplement request during review."""

    class Stage(models.TextChoices):
        PRE_REVIEW = "pre_review", _("Pre-review")
        SUPPLEMENT = "supplement", _("Supplement request")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="corrections")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    authority = models.CharField(max_length=20, choices=Authority.choices, blank=True)
    document_type = models.CharField(_("document"), max_length=40, blank=True)
    text = models.TextField(_("what is needed"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


def action_label(action: str) -> Any:
    return ACTION_LABELS.get(Action(action), action)


class TimeLimit(models.Model):
    """A time limit in working days, per city, valid over a period (data, not code).

    The statutory limits (5 working days for pre-review, 5 for a category A
    decision and 10 for others, 15 for the residence permit) and the city's
    own promises (e.g. 7 working days in all) change by city and over time.
    """

    class Step(models.TextChoices):
        PRE_REVIEW = "pre_review", _("Online pre-review")
        DECISION_A = "decision_a", _("Decision, category A")
        DECISION_OTHER = "decision_other", _("Decision, categories B and C")
        DECISION_SHORT_TERM = "decision_short_term", _("Decision, short-term work")
        RESIDENCE_DECISION = "residence_decision", _("Residence permit decision")
        PROMISED_TOTAL = "promised_total", _("Promised total, submission to decision")

    city = models.ForeignKey(
        "offices.Area",
        on_delete=models.CASCADE,
        related_name="time_limits",
        limit_choices_to={"level": "city"},
    )
    step = models.CharField(_("step"), max_length=30, choices=Step.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis or source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["city", "step", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["city", "step", "valid_from"], name="time_limit_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="time_limit_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city}: {self.get_step_display()} = {self.working_days}"
