"""Reminders computed from dates: permits expiring in 90, 60 and 30 days; tomorrow's appointments.

Run by the worker every few minutes; each reminder has a de-duplication key
(permit and lead time), so running it again, or after a missed day, sends
each reminder exactly once.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from onewindow.notifications.recipes import case_recipients, deliver
from onewindow.permits.models import Permit

# Extensions are filed 30 to 90 days before expiry (cases.rules); remind at both ends and between.
LEADS_DAYS = (90, 60, 30)


def send_expiry_reminders(today: dt.date) -> int:
    """Remind employers and holders of permits expiring within each lead time; return how many went out."""
    sent = 0
    for index, lead in enumerate(LEADS_DAYS):
        later = LEADS_DAYS[index + 1] if index + 1 < len(LEADS_DAYS) else 0
        expiring = (
            Permit.objects.filter(
                status=Permit.Status.ACTIVE,
                valid_until__lte=today + dt.timedelta(days=lead),
                valid_until__gt=today + dt.timedelta(days=later),
            )
            .select_related("application__person", "application__employer", "number")
            .order_by("valid_until", "pk")
        )
        for permit in expiring.iterator(chunk_size=500):
            application = permit.application
            days_left = (permit.valid_until - today).days
            sent += deliver(
                recipients=case_recipients(application),
                template="expiry",
                context={"permit": permit, "application": application, "days_left": days_left, "lead": lead},
                key=f"reminder:expiry:{permit.pk}:{lead}",
                link=reverse("cases:detail", kwargs={"reference": application.reference}),
            )
    return sent


def send_appointment_reminders(today: dt.date) -> int:
    """Remind the applicants of the visits booked for the day after ``today``, once each.

    The key carries the start time, so a rescheduled appointment is reminded
    again for its new time and a cancelled one is not reminded at all.
    """
    from onewindow.visits.models import Appointment

    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    sent = 0
    tomorrow = (
        Appointment.objects.booked()
        .filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
        .select_related("application__person", "application__employer", "office")
        .order_by("starts_at", "pk")
    )
    for appointment in tomorrow.iterator(chunk_size=500):
        application = appointment.application
        local = timezone.localtime(appointment.starts_at)
        sent += deliver(
            recipients=case_recipients(application),
            template="appointment_reminder",
            context={
                "appointment": appointment,
                "application": application,
                "when": f"{local:%Y-%m-%d %H:%M}",
            },
            key=f"reminder:appointment:{appointment.pk}:{local:%Y%m%d%H%M}",
            link=reverse("visits:appointment", kwargs={"reference": application.reference}),
        )
    return sent
