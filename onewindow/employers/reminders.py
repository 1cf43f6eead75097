"""Reminders of the employers' reporting duties (run by the notifications worker)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from onewindow.employers.models import ReportingDuty
from onewindow.employers.selectors import duty_rows
from onewindow.notifications.recipes import deliver, recipients_for


def send_duty_reminders(today: dt.date) -> int:
    """Remind an employer's HR users of each open reporting duty a few working days before it is
    due (a setting), and once more when it is overdue; return how many went out."""
    lead = int(getattr(settings, "ONEWINDOW_DUTY_REMINDER_WORKING_DAYS", 3))
    # 10 working days are at most about three weeks; older open duties had their overdue notice.
    recent = ReportingDuty.objects.filter(happened_on__gte=today - dt.timedelta(days=90))
    sent = 0
    for row in duty_rows(recent, today=today):
        if row.filing is not None:
            continue
        if row.overdue:
            stage = "overdue"
        elif row.working_days_left <= lead:
            stage = "due"
        else:
            continue
        sent += deliver(
            recipients=recipients_for(employer_ids=[row.duty.employer_id]),
            template="duty",
            context={"duty": row.duty, "due_on": row.due_on, "overdue": row.overdue},
            key=f"reminder:duty:{row.duty.pk}:{stage}",
            link=reverse("employers:detail", kwargs={"pk": row.duty.employer_id}),
        )
    return sent
