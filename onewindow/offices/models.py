"""Areas (city > district > street) and the offices that serve them.

A staff role is held at an office and reaches the office's area and
everything below it, never beyond. Areas carry a materialised path
(``/shenzhen/nanshan/zhaoshang/``) so that "this area and below" is one
indexed prefix comparison at any depth and any volume.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.lib.i18n import pick


class AreaQuerySet(models.QuerySet["Area"]):
    def within(self, path: str) -> AreaQuerySet:
        """The area at ``path`` and every area below it."""
        return self.filter(path__startswith=path)

    def streets(self) -> AreaQuerySet:
        return self.filter(level=Area.Level.STREET)


class Area(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Unique among its siblings, e.g. 'nanshan'.")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    # Administrative division code (GB/T 2260), e.g. 440300 for Shenzhen; cities need one
    # because it opens the numbers of the permits they issue.
    division_code = models.CharField(_("division code"), max_length=6, blank=True)
    # Materialised path from the root, e.g. "/shenzhen/nanshan/zhaoshang/".
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "code"], name="area_code_unique_in_parent"),
            models.CheckConstraint(
                condition=Q(level="city", parent__isnull=True)
                | Q(parent__isnull=False, level__in=["district", "street"]),
                name="area_only_cities_are_roots",
            ),
        ]
        indexes = [
            # Serves "this area and below" (path LIKE '/shenzhen/nanshan/%') on PostgreSQL.
            models.Index(fields=["path"], name="area_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.name_en, self.name_zh)

    @property
    def city_path(self) -> str:
        """The path of the city this area belongs to."""
        return "/" + self.path.strip("/").split("/")[0] + "/"

    def contains(self, other_path: str) -> bool:
        return other_path.startswith(self.path)

    def clean(self) -> None:
        expected: dict[str | None, str] = {
            None: self.Level.CITY,
            self.Level.CITY: self.Level.DISTRICT,
            self.Level.DISTRICT: self.Level.STREET,
        }
        parent_level = str(self.parent.level) if self.parent is not None else None
        if parent_level == self.Level.STREET:
            raise ValidationError({"parent": _("A street cannot contain other areas.")})
        if self.level != expected[parent_level]:
            raise ValidationError({"level": _("This level does not fit under the chosen parent.")})


class OfficeQuerySet(models.QuerySet["Office"]):
    def active(self) -> OfficeQuerySet:
        return self.filter(is_active=True)

    def within(self, path: str) -> OfficeQuerySet:
        return self.filter(area__path__startswith=path)


class Office(models.Model):
    class Kind(models.TextChoices):
        COMMISSION = "commission", _("Science and Technology Innovation Commission")
        WORK_STATION = "work_station", _("Work-permit station")
        CIVIC_HALL = "civic_hall", _("Civic Center service hall")
        EXIT_ENTRY = "exit_entry", _("Exit-entry administration office")
        STREET_OFFICE = "street_office", _("Street office")
        DISTRICT_OFFICE = "district_office", _("District office")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("area"),
        help_text=_("Staff of this office reach this area and everything below it."),
    )
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    address_zh = models.CharField(_("address (Chinese)"), max_length=300, blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    head = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of office"),
        help_text=_("Receives escalations of overdue cases."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["area__path", "kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.name_en, self.name_zh)

    @property
    def address(self) -> str:
        return pick(self.address_en, self.address_zh)

    @property
    def accepts_applications(self) -> bool:
        return self.kind in {self.Kind.WORK_STATION, self.Kind.CIVIC_HALL}


class Coverage(models.Model):
    """A street served by a work station (or the civic hall) for applications.

    Each street is covered by at most one office: routing a new application
    to "the station that covers the employer's workplace" is then a single
    indexed look-up, and a new station is a matter of adding rows here.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="coverage")
    street = models.OneToOneField(
        Area,
        on_delete=models.CASCADE,
        related_name="coverage",
        limit_choices_to={"level": Area.Level.STREET},
    )

    class Meta:
        verbose_name = _("covered street")
        verbose_name_plural = _("covered streets")

    def __str__(self) -> str:
        return f"{self.office} → {self.street}"

    def clean(self) -> None:
        if self.street_id and self.street.level != Area.Level.STREET:
            raise ValidationError({"street": _("Only streets can be covered.")})
        if self.office_id and not self.office.accepts_applications:
            raise ValidationError({"office": _("Only work stations and service halls accept applications.")})


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening period of a station or hall on a weekday (a day may have several, e.g. around lunch).

    Appointments for the one visit are offered inside these periods, on the
    city's working days (``offices.selectors.calendar_for``).
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["office", "weekday", "opens"]
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday", "opens"], name="opening_hours_unique_start"),
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="opening_hours_ordered"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ServiceWindow(models.Model):
    """A counter of a station or hall at which an officer receives visitors."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="windows")
    number = models.PositiveSmallIntegerField(_("window number"))
    is_active = models.BooleanField(_("open for appointments"), default=True)

    class Meta:
        verbose_name = _("service window")
        verbose_name_plural = _("service windows")
        ordering = ["office", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="service_window_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="service_window_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.office} #{self.number}"


class CalendarDay(models.Model):
    """A correction to the official working-day calendar, for all cities or one.

    Entered by administrators when the State Council publishes a year's
    holidays and make-up working days, or when a city closes for a typhoon.
    """

    city = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        limit_choices_to={"level": Area.Level.CITY},
        help_text=_("Leave empty for a national change."),
    )
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["city", "date"], name="calendar_day_unique_per_city"),
            models.UniqueConstraint(
                fields=["date"], condition=Q(city__isnull=True), name="calendar_day_unique_national"
            ),
        ]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date}: {kind}"
