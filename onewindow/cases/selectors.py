"""Reads about applications that span relations: worklists, timelines, checklists."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from onewindow.audit.models import Event
from onewindow.cases import rules
from onewindow.cases.access import visible_applications
from onewindow.cases.kinds import spec, visit_documents
from onewindow.cases.models import Application, ApplicationQuerySet, Correction
from onewindow.cases.workflow import Status
from onewindow.employers.models import Employer
from onewindow.lib.crypto import sealed_fields
from onewindow.people.models import Person
from onewindow.people.vault import VaultItem, match


def originals_complete(application: Application) -> bool:
    """Every original the kind requires was recorded as seen and matching."""
    from onewindow.visits.models import OriginalCheck

    required = {str(doc) for doc in visit_documents(application.kind)}
    if not required:
        return True
    seen = set(
        OriginalCheck.objects.filter(
            application=application,
            outcome=OriginalCheck.Outcome.MATCHES,
            document_type__in=required,
        ).values_list("document_type", flat=True)
    )
    return required <= seen


def checklist(application: Application) -> list[VaultItem]:
    """The kind's documents and, for each, the vault document that serves it (reused or new),
    or why the kept one cannot serve and must be uploaded again.

    Judged on the day of submission once submitted (what the window pre-reviews),
    before that on today.
    """
    kind_spec = spec(application.kind)
    on = timezone.localdate(application.submitted_at) if application.submitted_at else timezone.localdate()
    return match(
        person=application.person,
        employer_id=application.employer_id,
        required=[str(doc) for doc in kind_spec.documents],
        optional=[str(doc) for doc in kind_spec.optional_documents],
        on=on,
        started_at=application.created_at,
    )


def current_permit_facts(person_id: int) -> tuple[Any, rules.PreviousPermit | None]:
    """The person's active work permit (or ``None``) and what the kind rules need to know of it."""
    from onewindow.permits.models import Permit

    permit = (
        Permit.objects.filter(person_id=person_id, status=Permit.Status.ACTIVE)
        .select_related("number")
        .first()
    )
    if permit is None:
        return None, None
    held_since = (
        Permit.objects.filter(number_id=permit.number_id)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    facts = rules.PreviousPermit(
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        active=True,
        held_since=held_since or permit.valid_from,
    )
    return permit, facts


def timeline(application: Application) -> QuerySet[Event]:
    """The case's events, oldest first, with their actors."""
    return (
        Event.objects.for_application(application.pk)
        .filter(action__startswith="case.")
        .select_related("actor")
    )


def open_corrections(application: Application) -> QuerySet[Correction]:
    return application.corrections.filter(answered_at__isnull=True)


# Which statuses each staff role works on, in its worklist.
WORKLIST_STATUSES: dict[str, tuple[Status, ...]] = {
    "window_officer": (
        Status.SUBMITTED,
        Status.APPROVED,
        Status.ENTERED,
        Status.ORIGINALS_VERIFIED,
        Status.ISSUED,
    ),
    "reviewer": (Status.IN_REVIEW, Status.AWAITING_SUPPLEMENT),
    "immigration_officer": (Status.IN_REVIEW, Status.AWAITING_SUPPLEMENT, Status.ENTERED),
    "supervisor": (
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.AWAITING_SUPPLEMENT,
        Status.APPROVED,
        Status.ENTERED,
    ),
}


def worklist(user: Any, role: str, *, statuses: tuple[Status, ...] | None = None) -> ApplicationQuerySet:
    """Open cases for ``role`` within the user's reach, soonest deadline first."""
    wanted = statuses or WORKLIST_STATUSES.get(role, ())
    queryset = visible_applications(user, [role]).in_status(*wanted)
    if role == "immigration_officer":
        queryset = queryset.filter(needs_residence_permit=True)
    # Cases of an employer or person the user declared a conflict with are marked (supervision).
    from onewindow.supervision.selectors import conflict_declared

    queryset = queryset.annotate(conflict_declared=conflict_declared(user))
    # A worklist row shows names, not the sealed fields: nothing is decrypted for a whole page.
    return (
        queryset.select_related("person", "employer", "station")
        .defer(*sealed_fields(Person, "person__"), *sealed_fields(Employer, "employer__"))
        .order_by(F("due_on").asc(nulls_last=True), "submitted_at", "pk")
    )


def transfer_targets(application: Application) -> list[Any]:
    """The open stations and halls of the case's city other than its own, by area."""
    from onewindow.offices.models import Office

    return list(
        Office.objects.active()
        .filter(
            kind__in=[Office.Kind.WORK_STATION, Office.Kind.CIVIC_HALL],
            area__path__startswith=application.street.city_path,
        )
        .exclude(pk=application.station_id)
        .select_related("area")
        .order_by("area__path", "code")
    )


# Statuses in which the applicant (employer or person) has the next move on the file.
APPLICANT_MOVES = {Status.DRAFT, Status.RETURNED, Status.AWAITING_SUPPLEMENT}


def next_for_applicant(application: Application, items: list[VaultItem]) -> list[str]:
    """What the applicant has to do next, in plain words (empty when it is the authorities' move)."""
    from django.utils.translation import gettext as _

    status = application.status_enum
    needed = [item for item in items if item.needed]
    steps: list[str] = []
    if status in APPLICANT_MOVES and needed:
        steps.append(
            _("Upload the missing documents: %(list)s.") % {"list": ", ".join(item.label for item in needed)}
        )
    if status == Status.RETURNED:
        steps.append(_("Make the corrections listed below, then resubmit."))
    if status == Status.AWAITING_SUPPLEMENT:
        steps.append(_("Answer the request below; the time limit is paused until you do."))
    if status == Status.DRAFT:
        steps.append(_("Submit the application when every document is in the file."))
    if status in {Status.APPROVED, Status.ENTERED} and visit_documents(application.kind):
        originals = ", ".join(item.label for item in items if not item.optional)
        steps.append(
            _("Come to %(station)s once, with the originals of: %(list)s.")
            % {"station": application.station.name, "list": originals}
        )
    return steps
