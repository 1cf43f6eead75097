"""The area registry's maintained counts, and notices from street offices to foreign nationals.

``AreaCount`` is a running count kept as changes, not as daily snapshots:
each row says by how much the number of valid permits in one area and one
cell (basis, dimension, value) changed during one period. The same history
is kept at three resolutions, each complete on its own: years, months and
days. The count on a day D is then the sum of the year rows before D's year,
the month rows of D's year before D's month, and the day rows of D's month up
to D — at most about 50 rows per cell however long the history, so any date
is answered from an index without a daily snapshot table.

Every change is counted in the street and again in its district and its
city (the district and city rows are the sums of their streets' rows, by
construction), so that a city's dashboard reads as few rows as a street's
instead of adding up every street of the city.

The rows are written by the actions that issue, supersede, cancel or revoke
permits (and that move a person), in the same transaction, and can be
recomputed from the permits with ``manage.py registry rebuild``; ``registry
check`` compares the two. See ``docs/architecture.md``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.lib.i18n import is_chinese
from onewindow.registry.dimensions import Basis, Dimension, Flow, Grain


class AreaCount(models.Model):
    """The change in the number of valid permits of one area's cell during one period."""

    # A street, or the district or city that sums its streets.
    area = models.ForeignKey("offices.Area", on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=4, choices=Basis.choices)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    # A country code, category, industry section, age band, kind, size band or employer id.
    value = models.CharField(max_length=40, blank=True)
    grain = models.CharField(max_length=5, choices=Grain.choices)
    # The first day of the period: 1 January for a year row, the 1st for a month row, the day itself.
    period = models.DateField()
    change = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("area count")
        verbose_name_plural = _("area counts")
        constraints = [
            # The upsert's conflict target: one row per cell and period.
            models.UniqueConstraint(
                fields=["area", "basis", "dimension", "value", "grain", "period"],
                name="area_count_cell_period_unique",
            ),
            models.CheckConstraint(condition=Q(basis__in=Basis.values), name="area_count_basis_known"),
            models.CheckConstraint(condition=Q(grain__in=Grain.values), name="area_count_grain_known"),
            models.CheckConstraint(
                condition=Q(dimension__in=Dimension.values), name="area_count_dimension_known"
            ),
        ]
        indexes = [
            # The dashboard's queries: an area's (or its parts') dimensions on a day, i.e. for each
            # grain a range of periods; with the values and changes included, PostgreSQL answers
            # from the index alone.
            models.Index(
                fields=["area", "dimension", "grain", "period", "basis"],
                include=["value", "change"],
                name="area_count_read",
            ),
        ]

    def __str__(self) -> str:
        cell = f"{self.area_id} {self.basis} {self.dimension}={self.value}"
        return f"{cell} {self.grain} {self.period}: {self.change:+d}"


class AreaFlow(models.Model):
    """How many permits were issued (new, extended, changed), cancelled or revoked in an area in a month."""

    area = models.ForeignKey("offices.Area", on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=4, choices=Basis.choices)
    flow = models.CharField(max_length=10, choices=Flow.choices)
    month = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("area flow")
        verbose_name_plural = _("area flows")
        constraints = [
            # Also serves the dashboard's monthly chart: an area and a basis over a range of months.
            models.UniqueConstraint(
                fields=["area", "basis", "flow", "month"], name="area_flow_area_month_unique"
            ),
            models.CheckConstraint(condition=Q(basis__in=Basis.values), name="area_flow_basis_known"),
            models.CheckConstraint(condition=Q(flow__in=Flow.values), name="area_flow_known"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.basis} {self.flow} {self.month}: {self.count}"


# Languages a notice can be written in. English and Simplified Chinese are required;
# a recipient whose language the notice lacks reads the English text.
NOTICE_LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("pt", "Português"),
    ("ar", "العربية"),
]
REQUIRED_NOTICE_LANGUAGES = ("en", "zh-hans")
FALLBACK_LANGUAGE = "en"


class NoticeQuerySet(models.QuerySet["Notice"]):
    def within(self, path: str) -> NoticeQuerySet:
        return self.filter(area_path__startswith=path)


class Notice(models.Model):
    """A notice from a street office to the foreign nationals of its area, in several languages."""

    class Kind(models.TextChoices):
        INTEGRATION = "integration", _("Community integration")
        CULTURAL = "cultural", _("Cultural event")
        PUBLIC_HEALTH = "public_health", _("Public health (mandatory)")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Reach(models.TextChoices):
        LIVE_OR_WORK = "live_or_work", _("Everyone who lives or works in the area")
        LIVE = "live", _("Those who live in the area")
        WORK = "work", _("Those who work in the area")

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="notices", verbose_name=_("from")
    )
    area = models.ForeignKey(
        "offices.Area", on_delete=models.PROTECT, related_name="notices", verbose_name=_("area")
    )
    # Copy of ``area.path``: an officer's list of notices in reach is one prefix range.
    area_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reach = models.CharField(
        _("recipients"), max_length=20, choices=Reach.choices, default=Reach.LIVE_OR_WORK
    )
    # Empty lists mean "everyone": no filter on nationality or language.
    nationalities = models.JSONField(_("nationalities"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The people chosen when it was published (opted-out and unreachable ones included).
    audience = models.PositiveIntegerField(_("audience"), default=0)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="draft") & Q(published_at__isnull=True))
                | (Q(status="published") & Q(published_at__isnull=False)),
                name="notice_publication_recorded",
            ),
        ]
        indexes = [
            # An officer's notices: those of the areas in reach (path prefix), newest first.
            models.Index(
                fields=["area_path", "-created_at"],
                name="notice_area_recent",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_mandatory(self) -> bool:
        """Public-health notices reach everyone, including those who opted out of notices."""
        return self.kind == self.Kind.PUBLIC_HEALTH

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def text_in(self, language: str) -> NoticeText | None:
        """The text in ``language``, else English (prefetch ``texts`` to avoid a query)."""
        texts = {text.language: text for text in self.texts.all()}
        return texts.get(language) or texts.get(FALLBACK_LANGUAGE)

    @property
    def title(self) -> str:
        text = self.text_in("zh-hans" if is_chinese() else "en")
        return text.title if text is not None else ""


class NoticeText(models.Model):
    """A notice's title and body in one language."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10, choices=NOTICE_LANGUAGES)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("notice text")
        verbose_name_plural = _("notice texts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "language"], name="notice_text_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.title}"


class Delivery(models.Model):
    """One recipient of a published notice: how it reached them, and whether they read it."""

    class Channel(models.TextChoices):
        INBOX = "inbox", _("In-app")
        EMAIL = "email", _("E-mail")
        NONE = "none", _("Not sent")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the outbox")
        QUEUED = "queued", _("In the outbox")
        OPTED_OUT = "opted_out", _("Opted out of optional notices")
        UNREACHABLE = "unreachable", _("No account and no e-mail address")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="notice_deliveries")
    # The person's account at publication, if any: the notice goes to its inbox.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=10)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=Status.choices)
    message = models.OneToOneField(
        "notifications.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.OneToOneField(
        "notifications.Email", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Keyed hash of the secret in the e-mail's link; opening the link is the e-mail's read receipt.
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notice", "person"], name="delivery_once_per_person"),
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="delivery_token_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="queued") | Q(queued_at__isnull=False), name="delivery_queue_recorded"
            ),
        ]
        indexes = [
            # The worker's queue: pending deliveries, oldest notice first.
            models.Index(fields=["notice"], condition=Q(status="pending"), name="delivery_pending"),
            # The notice page's figures: deliveries of a notice by status and channel.
            models.Index(fields=["notice", "status", "channel"], name="delivery_figures"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.person_id} ({self.status})"
