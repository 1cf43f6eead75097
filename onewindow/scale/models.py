"""The benchmark's floor: the cheapest write a Django view can do on this database.

``FloorRow`` exists only so that ``make bench`` can measure one INSERT through
the same server, middleware and connection settings as the real scenarios;
the floor views are mounted only with ``ONEWINDOW_BENCH=1``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FloorRow(models.Model):
    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField()
    note = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("benchmark floor row")
        verbose_name_plural = _("benchmark floor rows")

    def __str__(self) -> str:
        return f"{self.pk} {self.note}"
