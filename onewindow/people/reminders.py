"""Reminders of kept documents that expire soon (run by the notifications worker)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from onewindow.notifications.recipes import deliver, recipients_for
from onewindow.people.models import Document, Employment
from onewindow.people.vault import expiring


def send_document_reminders(today: dt.date) -> int:
    """Tell the owner of each kept document that expires within the warning period (a setting),
    once per document, unless a replacement is already in the file; return how many went out.

    A person's document goes to the person and their current employers' HR
    users; an employer's document to its HR users.
    """
    sent = 0
    due = Document.objects.filter(expiry_reminded_at__isnull=True)
    for document in expiring(due, today=today):
        if document.person is not None:
            employer_ids = list(
                Employment.objects.current()
                .filter(person=document.person)
                .values_list("employer_id", flat=True)
            )
            recipients = recipients_for(employer_ids=employer_ids, person=document.person)
            link = reverse("people:detail", kwargs={"pk": document.person_id})
        elif document.employer_id is not None:
            recipients = recipients_for(employer_ids=[document.employer_id])
            link = reverse("employers:detail", kwargs={"pk": document.employer_id})
        else:
            continue
        with transaction.atomic():
            sent += deliver(
                recipients=recipients,
                template="document_expiry",
                context={"document": document},
                key=f"reminder:document:{document.pk}",
                link=link,
            )
            Document.objects.filter(pk=document.pk).update(expiry_reminded_at=timezone.now())
    return sent
