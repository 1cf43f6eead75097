"""The one visit: originals seen at the window.

Appointments, the window queue and visits are added by the one-visit work;
this module starts with what the first walk needs: a record, per required
document, that an officer saw the original and what they found.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OriginalCheck(models.Model):
    class Outcome(models.TextChoices):
        MATCHES = "matches", _("Original seen, matches the upload")
        MISMATCH = "mismatch", _("Original differs from the upload")
        NOT_PRESENTED = "not_presented", _("Original not presented")

    application = models.ForeignKey(
        "cases.Application", on_delete=models.PROTECT, related_name="original_checks"
    )
    document_type = models.CharField(_("document"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = models.CharField(_("what was checked"), max_length=500, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("original check")
        verbose_name_plural = _("original checks")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "document_type"], name="original_checked_once_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.document_type} {self.outcome}"
