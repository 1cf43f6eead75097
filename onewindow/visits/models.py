"""The one visit: appointments, the window queue, visits, and originals seen at the window.

An applicant books a slot at the case's station; on arrival a ticket is
issued (walk-in or appointment check-in) and called to a window; the
officer then holds the visit, checks each original against its upload and
issues both permits. Double booking and a second visit without a reason are
excluded by database constraints, not only by the actions.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SlotSettings(models.Model):
    """How a station's opening hours are cut into bookable slots (edited in the admin).

    A station without a row uses the defaults below; the capacity of a slot
    is the number of its open service windows times ``per_window``.
    """

    DEFAULT_MINUTES = 30
    DEFAULT_PER_WINDOW = 1
    DEFAULT_HORIZON_DAYS = 30

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="slot_settings", verbose_name=_("station")
    )
    minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=DEFAULT_MINUTES)
    per_window = models.PositiveSmallIntegerField(
        _("appointments per window and slot"), default=DEFAULT_PER_WINDOW
    )
    horizon_days = models.PositiveSmallIntegerField(_("bookable days ahead"), default=DEFAULT_HORIZON_DAYS)

    class Meta:
        verbose_name = _("appointment slots")
        verbose_name_plural = _("appointment slots")
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=5, minutes__lte=240), name="slot_minutes_range"),
            models.CheckConstraint(
                condition=Q(per_window__gte=1, per_window__lte=20), name="slot_per_window_range"
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1, horizon_days__lte=180), name="slot_horizon_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.minutes} min × {self.per_window}"


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def booked(self) -> AppointmentQuerySet:
        return self.filter(status=Appointment.Status.BOOKED)

    def holding_a_seat(self) -> AppointmentQuerySet:
        return self.filter(status__in=Appointment.SEAT_HOLDING)


class Appointment(models.Model):
    """One booked seat of one slot at a station, for one case.

    ``seat`` numbers the places of a slot from 1 to its capacity: the partial
    unique constraint on (station, start, seat) makes a double booking
    impossible even when two bookings race, and the one on the case keeps a
    single booked appointment per case.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Arrived")
        CANCELLED = "cancelled", _("Cancelled")

    SEAT_HOLDING = ("booked", "checked_in")

    application = models.ForeignKey(
        "cases.Application", on_delete=models.PROTECT, related_name="appointments"
    )
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("station")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    seat = models.PositiveSmallIntegerField(_("place in the slot"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(_("booked"))
    rescheduled_count = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Optimistic concurrency for the API (ETag / If-Match): bumped by every change.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "starts_at", "seat"],
                condition=Q(status__in=["booked", "checked_in"]),
                name="appointment_one_per_seat",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="booked"),
                name="appointment_one_booked_per_case",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ordered"
            ),
            models.CheckConstraint(condition=Q(seat__gte=1), name="appointment_seat_positive"),
        ]
        indexes = [
            # Free places: the seats taken at a station between two times (slot list, booking).
            models.Index(fields=["office", "starts_at", "status"], name="appointment_office_start"),
            # Tomorrow's reminders: booked appointments by start time.
            models.Index(fields=["status", "starts_at"], name="appointment_status_start"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.starts_at:%Y-%m-%d %H:%M} #{self.seat}"

    @property
    def etag(self) -> str:
        return f'"appointment-{self.pk}-{self.version}"'


class TicketCounter(models.Model):
    """The last ticket number handed out at a station on a day (locked while numbering)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="ticket_counter_unique")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day}: {self.last}"


class Ticket(models.Model):
    """A queue ticket: issued on arrival, called to a window, served, finished.

    The times make the waiting time (issued → called) and the service time
    (called → finished) measurable per station.
    """

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        APPOINTMENT = "appointment", _("Appointment")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called to a window")
        SERVING = "serving", _("Being served")
        FINISHED = "finished", _("Finished")
        NO_SHOW = "no_show", _("Did not come to the window")

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("station")
    )
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WAITING)
    application = models.ForeignKey(
        "cases.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="ticket"
    )
    window = models.ForeignKey(
        "offices.ServiceWindow", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"))
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    served_at = models.DateTimeField(_("service started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "number"], name="ticket_number_unique_per_day"),
            models.CheckConstraint(
                condition=Q(source="walk_in") | Q(appointment__isnull=False), name="ticket_appointment_source"
            ),
        ]
        indexes = [
            # The queue page: a station's tickets of the day in number order.
            models.Index(fields=["office", "day", "status", "number"], name="ticket_queue"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        prefix = "A" if self.source == self.Source.APPOINTMENT else "W"
        return f"{prefix}{self.number:03d}"

    @property
    def waiting_time(self) -> dt.timedelta | None:
        return self.called_at - self.issued_at if self.called_at else None

    @property
    def service_time(self) -> dt.timedelta | None:
        return self.finished_at - self.called_at if self.finished_at and self.called_at else None


class Visit(models.Model):
    """The applicant at the window for one case: originals checked, permits handed over.

    The target is one visit per application; every further visit of the same
    application states why (a database constraint, not only a form rule).
    """

    application = models.ForeignKey("cases.Application", on_delete=models.PROTECT, related_name="visits")
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="visits", verbose_name=_("station")
    )
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("visit number"))
    reason = models.CharField(_("reason for another visit"), max_length=500, blank=True)
    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="visit"
    )
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    permit = models.OneToOneField(
        "permits.Permit", on_delete=models.PROTECT, null=True, blank=True, related_name="visit"
    )
    residence_permit = models.OneToOneField(
        "permits.ResidencePermit", on_delete=models.PROTECT, null=True, blank=True, related_name="visit"
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="visit_number_unique"),
            models.UniqueConstraint(
                fields=["application"], condition=Q(ended_at__isnull=True), name="visit_one_open_per_case"
            ),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="visit_again_needs_reason"),
            models.CheckConstraint(condition=Q(number__gte=1), name="visit_number_positive"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="visit_ordered",
            ),
        ]
        indexes = [
            # Visits per completed application: a station's visits by application.
            models.Index(fields=["office", "started_at"], name="visit_office_started"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} visit {self.number}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


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
