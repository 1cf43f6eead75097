"""Local parameters of the A/B/C classification: data with effective dates, per city.

Each city publishes, once a year, the previous year's average wage (the
salary routes are 6× and 4× of it) and the province sets the local
encouragement bonus (0–10 points). A period of a city never overlaps
another of the same city, so on any date at most one row applies.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.eligibility.engine import LOCAL_BONUS_CAP, LocalRules
from onewindow.offices.models import Area


class LocalParameters(models.Model):
    city = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="eligibility_parameters",
        limit_choices_to={"level": Area.Level.CITY},
        verbose_name=_("city"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty while no later period is known.")
    )
    previous_year_average_wage_cny = models.PositiveIntegerField(
        _("average wage of the previous year (RMB)"),
        validators=[MinValueValidator(1)],
        help_text=_("As published by the city; the salary routes are 6× (A) and 4× (B) of it."),
    )
    local_bonus_max = models.PositiveSmallIntegerField(
        _("highest local bonus (points)"),
        validators=[MaxValueValidator(LOCAL_BONUS_CAP)],
        help_text=_("The local encouragement bonus the province allows, 0 to 10 points."),
    )
    note = models.CharField(
        _("note or source"),
        max_length=500,
        blank=True,
        help_text=_("Where the figures come from (the notice that published them)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("local eligibility parameters")
        verbose_name_plural = _("local eligibility parameters")
        ordering = ["city", "-valid_from"]
        constraints = [
            # Also serves parameters_for(): city = ? AND valid_from <= ? ORDER BY valid_from DESC.
            models.UniqueConstraint(fields=["city", "valid_from"], name="local_parameters_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="local_parameters_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(local_bonus_max__lte=LOCAL_BONUS_CAP), name="local_parameters_bonus_at_most_10"
            ),
            models.CheckConstraint(
                condition=Q(previous_year_average_wage_cny__gt=0), name="local_parameters_wage_positive"
            ),
        ]

    def __str__(self) -> str:
        until = self.valid_until.isoformat() if self.valid_until else "…"
        return f"{self.city}: {self.valid_from.isoformat()} – {until}"

    def clean(self) -> None:
        if self.city_id and self.city.level != Area.Level.CITY:
            raise ValidationError({"city": _("Local parameters belong to a city.")})
        if self.valid_until is not None and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The period cannot end before it starts.")})

    def as_rules(self) -> LocalRules:
        """The engine's view of this row."""
        return LocalRules(
            city=self.city.name,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            previous_year_average_wage_cny=self.previous_year_average_wage_cny,
            local_bonus_max=self.local_bonus_max,
        )
