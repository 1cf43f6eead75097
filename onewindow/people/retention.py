"""Which records have passed their retention period (``settings.ONEWINDOW_RETENTION_DAYS``).

- ``person``: a file is due for anonymisation once none of the person's
  applications is open, the last one ended (its final step) more than the
  period ago, and their last work or residence permit expired more than the
  period ago. A file without any application is due the period after it was
  created, unless the person is currently employed.
- ``document``: a document's content is due for removal the period after
  the document expired. Documents without an expiry date stay until their
  person's file is anonymised, which removes them all.

The audit trail itself is never shortened: it records that a file was
anonymised, not what was in it.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.db.models import DateField, DateTimeField, Exists, OuterRef, Q, Subquery

from onewindow.cases.models import Application
from onewindow.people.models import Document, DocumentQuerySet, Employment, Person, PersonQuerySet

RECORD_TYPES = ("person", "document")


def retention_days(record_type: str) -> int:
    return int(settings.ONEWINDOW_RETENTION_DAYS[record_type])


def _cutoff(today: dt.date, record_type: str) -> dt.date:
    return today - dt.timedelta(days=retention_days(record_type))


def persons_due(today: dt.date) -> PersonQuerySet:
    """Files not yet anonymised whose retention period has run out on ``today``."""
    cutoff = _cutoff(today, "person")
    start_of_cutoff = dt.datetime.combine(cutoff, dt.time.min, tzinfo=dt.UTC)
    permit_model = apps.get_model("permits", "Permit")
    residence_model = apps.get_model("permits", "ResidencePermit")
    cases = Application.objects.filter(person=OuterRef("pk"))
    last_case = cases.order_by("-updated_at").values("updated_at")[:1]
    last_permit = (
        permit_model.objects.filter(person=OuterRef("pk")).order_by("-valid_until").values("valid_until")[:1]
    )
    last_residence = (
        residence_model.objects.filter(person=OuterRef("pk"))
        .order_by("-valid_until")
        .values("valid_until")[:1]
    )
    return (
        Person.objects.filter(anonymised_at__isnull=True, created_at__lt=start_of_cutoff)
        .annotate(
            any_case=Exists(cases),
            open_case=Exists(Application.objects.open().filter(person=OuterRef("pk"))),
            employed=Exists(Employment.objects.current().filter(person=OuterRef("pk"))),
            last_case_at=Subquery(last_case, output_field=DateTimeField()),
            last_permit_until=Subquery(last_permit, output_field=DateField()),
            last_residence_until=Subquery(last_residence, output_field=DateField()),
        )
        .filter(open_case=False)
        .filter(Q(any_case=True, last_case_at__lt=start_of_cutoff) | Q(any_case=False, employed=False))
        .filter(Q(last_permit_until__isnull=True) | Q(last_permit_until__lt=cutoff))
        .filter(Q(last_residence_until__isnull=True) | Q(last_residence_until__lt=cutoff))
        .order_by("pk")
    )


def documents_due(today: dt.date) -> DocumentQuerySet:
    """Documents still stored whose expiry lies more than the retention period before ``today``."""
    return Document.objects.stored().filter(expires_on__lt=_cutoff(today, "document")).order_by("pk")
