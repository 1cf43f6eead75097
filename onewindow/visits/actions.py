"""Recording what the window officer saw at the visit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.trail import record_event
from onewindow.cases.access import roles_on
from onewindow.cases.kinds import visit_documents
from onewindow.cases.models import Application
from onewindow.cases.workflow import Status
from onewindow.people.actions import do_note_original_seen
from onewindow.visits.models import OriginalCheck

if TYPE_CHECKING:
    from onewindow.accounts.models import User

# Originals are checked while the applicant is at the window, before issuance.
CHECKABLE_STATUSES = {Status.APPROVED.value, Status.ENTERED.value}


@transaction.atomic
def do_record_original_check(
    application: Application,
    *,
    actor: User,
    document_type: str,
    outcome: OriginalCheck.Outcome,
    notes: str = "",
    request: HttpRequest | None = None,
) -> OriginalCheck:
    """Record, for one required document, that its original was (or was not) seen and matched.

    A later check of the same document (the applicant brings the missing
    original) replaces the earlier outcome; both stay in the audit trail.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in CHECKABLE_STATUSES:
        raise ValidationError(
            _("Originals can only be recorded for an approved application awaiting its visit.")
        )
    if "window_officer" not in roles_on(actor, locked):
        raise ValidationError(_("Only a window officer of the case's station can record originals."))
    if document_type not in {str(doc) for doc in visit_documents(locked.kind)}:
        raise ValidationError(_("This document is not on the application's checklist."))
    if outcome != OriginalCheck.Outcome.MATCHES and not notes.strip():
        raise ValidationError(_("Say what was wrong with the original."))
    check = OriginalCheck.objects.filter(application=locked, document_type=document_type).first()
    previous = check.outcome if check is not None else ""
    now = timezone.now()
    if check is None:
        check = OriginalCheck(
            application=locked,
            document_type=document_type,
            office=locked.station,
            checked_by=actor,
            checked_at=now,
            outcome=outcome,
            notes=notes.strip(),
        )
        check.full_clean(exclude=["application"])
        check.save()
    else:
        check.outcome, check.notes, check.checked_by, check.checked_at = (
            outcome,
            notes.strip(),
            actor,
            now,
        )
        check.full_clean(exclude=["application"])
        check.save(update_fields=["outcome", "notes", "checked_by", "checked_at"])
    record_event(
        actor=actor,
        action="visit.original_checked",
        obj=check,
        application=locked,
        office=locked.station,
        data={
            "document_type": document_type,
            "old": previous,
            "new": str(outcome),
            "notes": notes.strip(),
        },
        request=request,
    )
    # The vault document the application used now carries "original seen" for later reuse.
    do_note_original_seen(check, actor=actor)
    return check
