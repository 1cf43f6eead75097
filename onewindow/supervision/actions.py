"""Every write of the supervision app: qualifications, proposals, declarations.

The random checks' writes are in ``supervision.checks``; the escalation of
overdue cases in ``supervision.monitor``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import ConfidentialityAgreement, Role
from onewindow.accounts.scopes import forget_scope
from onewindow.audit.trail import record_event
from onewindow.cases import workflow
from onewindow.cases.models import Application
from onewindow.cases.workflow import Action, TransitionRefused
from onewindow.supervision.gate import conflict_refusal, countersigned, has_conflict
from onewindow.supervision.models import (
    Declaration,
    Finding,
    ModuleCompletion,
    Proposal,
    Qualification,
    Review,
    TrainingModule,
)

if TYPE_CHECKING:
    from onewindow.accounts.models import User
    from onewindow.employers.models import Employer
    from onewindow.offices.models import Office
    from onewindow.people.models import Person

# An intern's steps on real cases that go through a proposal.
PROPOSABLE = (
    Action.ACCEPT,
    Action.RETURN,
    Action.DECLINE,
    Action.REQUEST_SUPPLEMENT,
    Action.DECIDE_WORK_PERMIT,
    Action.DECIDE_RESIDENCE_PERMIT,
    Action.VERIFY_ORIGINALS,
    Action.ISSUE_PERMIT,
)
QUALIFIED_ROLES = frozenset({Role.WINDOW_OFFICER, Role.REVIEWER, Role.IMMIGRATION_OFFICER})


def _audit(qualification: Qualification, *, actor: User | None, action: str, data: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        action=f"supervision.{action}",
        obj=qualification,
        data={"user": qualification.user_id, "role": qualification.role, **data},
    )


# --- Qualification ------------------------------------------------------------------------------


@transaction.atomic
def do_enrol_trainee(*, actor: User | None, user: User, role: str) -> Qualification:
    """Open a qualification record: ``user`` starts in ``role`` as a trainee."""
    if role not in QUALIFIED_ROLES:
        raise ValidationError({"role": _("This role is not trained under the internship scheme.")})
    if Qualification.objects.filter(user=user, role=role).exists():
        raise ValidationError({"role": _("This staff member already has a record for this role.")})
    qualification = Qualification(user=user, role=role, status=Qualification.Status.TRAINEE)
    qualification.full_clean()
    qualification.save()
    _audit(qualification, actor=actor, action="qualification.enrol", data={"new": "trainee"})
    forget_scope(user)
    return qualification


@transaction.atomic
def do_record_certified(*, actor: User | None, user: User, role: str, reason: str) -> Qualification:
    """Put an existing member on record as certified in ``role`` (trained before the scheme, or elsewhere).

    Staff without a record already count as certified; a record is what
    lets them mentor and countersign, which the database checks.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say on what grounds the member is certified.")})
    if role not in QUALIFIED_ROLES:
        raise ValidationError({"role": _("This role is not trained under the internship scheme.")})
    if Qualification.objects.filter(user=user, role=role).exists():
        raise ValidationError({"role": _("This staff member already has a record for this role.")})
    qualification = Qualification(
        user=user,
        role=role,
        status=Qualification.Status.CERTIFIED,
        certified_at=timezone.now(),
        certified_by=actor,
    )
    qualification.full_clean()
    qualification.save()
    _audit(
        qualification,
        actor=actor,
        action="qualification.record_certified",
        data={"new": "certified", "reason": reason},
    )
    return qualification


@transaction.atomic
def do_record_module(
    qualification: Qualification, *, actor: User | None, module: TrainingModule, completed_on: dt.date
) -> ModuleCompletion:
    """Record that the staff member completed a training module on ``completed_on``."""
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("A module cannot be completed in the future.")})
    completion = ModuleCompletion(
        qualification=qualification, module=module, completed_on=completed_on, recorded_by=actor
    )
    completion.full_clean()
    completion.save()
    _audit(
        qualification,
        actor=actor,
        action="qualification.module",
        data={"module": module.code, "completed_on": completed_on.isoformat()},
    )
    return completion


def missing_modules(qualification: Qualification) -> list[TrainingModule]:
    done = set(qualification.completions.values_list("module_id", flat=True))
    return [
        m for m in TrainingModule.objects.all() if m.required_for(qualification.role) and m.pk not in done
    ]


def is_certified_on_record(user: Any, role: str) -> bool:
    """Certified by a record (what a mentor and a countersigner need; not merely unrecorded)."""
    return Qualification.objects.filter(user=user, role=role, status=Qualification.Status.CERTIFIED).exists()


@transaction.atomic
def do_start_internship(
    qualification: Qualification,
    *,
    actor: User | None,
    mentor: User,
    office: Office,
    start: dt.date,
    end: dt.date | None,
    agreement: ConfidentialityAgreement,
) -> Qualification:
    """A trainee who completed the required modules and signed the agreement becomes an intern."""
    locked = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if locked.status != Qualification.Status.TRAINEE:
        raise ValidationError(_("Only a trainee starts an internship."))
    missing = missing_modules(locked)
    if missing:
        raise ValidationError(
            _("Training modules still to complete: %(modules)s.")
            % {"modules": ", ".join(m.title for m in missing)}
        )
    if (
        agreement.user_id != locked.user_id
        or not ConfidentialityAgreement.objects.in_force().filter(pk=agreement.pk).exists()
    ):
        raise ValidationError({"agreement": _("Choose the intern's own confidentiality agreement in force.")})
    if mentor.pk == locked.user_id or not is_certified_on_record(mentor, locked.role):
        raise ValidationError(
            {"mentor": _("The mentor must be another staff member certified in this role.")}
        )
    locked.status = Qualification.Status.INTERN
    locked.mentor = mentor
    locked.internship_office = office
    locked.internship_start = start
    locked.internship_end = end
    locked.agreement = agreement
    locked.full_clean()
    locked.save(
        update_fields=[
            "status",
            "mentor",
            "internship_office",
            "internship_start",
            "internship_end",
            "agreement",
        ]
    )
    _audit(
        locked,
        actor=actor,
        action="qualification.internship",
        data={
            "old": "trainee",
            "new": "intern",
            "mentor": mentor.pk,
            "office": office.code,
            "start": start.isoformat(),
            "end": end.isoformat() if end else "",
            "agreement": agreement.pk,
        },
    )
    forget_scope(locked.user)
    return locked


def clean_countersigned_cases(qualification: Qualification) -> int:
    """Cases the intern took through countersigned proposals in the role, none with a major finding."""
    cases = set(
        Proposal.objects.filter(
            proposer_id=qualification.user_id, role=qualification.role, status=Proposal.Status.APPLIED
        ).values_list("application_id", flat=True)
    )
    flawed = set(
        Review.objects.filter(application_id__in=cases, finding=Finding.MAJOR).values_list(
            "application_id", flat=True
        )
    )
    return len(cases - flawed)


@transaction.atomic
def do_certify(qualification: Qualification, *, actor: User) -> Qualification:
    """The mentor signs the intern off; certified once enough clean countersigned cases are in."""
    locked = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if locked.status != Qualification.Status.INTERN:
        raise ValidationError(_("Only an intern can be certified."))
    if locked.mentor_id != actor.pk:
        raise ValidationError(_("Only the intern's mentor signs the certification."))
    needed = settings.ONEWINDOW_CERTIFICATION_CASES
    clean = clean_countersigned_cases(locked)
    if clean < needed:
        raise ValidationError(
            _("%(clean)s of the %(needed)s countersigned cases without a major finding are done.")
            % {"clean": clean, "needed": needed}
        )
    locked.status = Qualification.Status.CERTIFIED
    locked.certified_at = timezone.now()
    locked.certified_by = actor
    locked.full_clean()
    locked.save(update_fields=["status", "certified_at", "certified_by"])
    _audit(
        locked,
        actor=actor,
        action="qualification.certify",
        data={"old": "intern", "new": "certified", "cases": clean},
    )
    forget_scope(locked.user)
    return locked


@transaction.atomic
def do_suspend(qualification: Qualification, *, actor: User | None, reason: str) -> Qualification:
    """Suspend a certified member or an intern: they take no step on a case until re-certified."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the qualification is suspended.")})
    locked = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if locked.status == Qualification.Status.SUSPENDED:
        raise ValidationError(_("The qualification is already suspended."))
    old = locked.status
    locked.status = Qualification.Status.SUSPENDED
    locked.suspended_at = timezone.now()
    locked.suspension_reason = reason
    locked.save(update_fields=["status", "suspended_at", "suspension_reason"])
    _audit(
        locked,
        actor=actor,
        action="qualification.suspend",
        data={"old": old, "new": "suspended", "reason": reason},
    )
    forget_scope(locked.user)
    return locked


@transaction.atomic
def do_recertify(qualification: Qualification, *, actor: User | None, reason: str) -> Qualification:
    """Lift a suspension after re-training: the member is certified again."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say on what grounds the member is certified again.")})
    locked = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if locked.status != Qualification.Status.SUSPENDED:
        raise ValidationError(_("Only a suspended qualification is certified again."))
    locked.status = Qualification.Status.CERTIFIED
    locked.certified_at = timezone.now()
    locked.certified_by = actor
    locked.suspended_at = None
    locked.save(update_fields=["status", "certified_at", "certified_by", "suspended_at"])
    _audit(
        locked,
        actor=actor,
        action="qualification.recertify",
        data={"old": "suspended", "new": "certified", "reason": reason},
    )
    forget_scope(locked.user)
    return locked


# --- Proposals (four eyes) ----------------------------------------------------------------------


def _intern_role(actor: User, application: Application, action: Action) -> str:
    """The role through which the intern would take ``action`` on this case, or refuse."""
    from onewindow.cases.actions import actor_roles

    transition = workflow.find(application.status, action, application.kind)
    for role in sorted(actor_roles(actor, application)):
        if (
            role in transition.actors
            and Qualification.objects.filter(
                user=actor, role=role.value, status=Qualification.Status.INTERN
            ).exists()
        ):
            workflow.check(application, application.status, action, role)
            return role.value
    raise TransitionRefused(_("Only an intern proposes steps; take the step directly."), code="forbidden")


def _clean_payload(action: Action, payload: dict[str, Any]) -> dict[str, Any]:
    if action in {Action.RETURN, Action.REQUEST_SUPPLEMENT}:
        items = [
            {"text": str(item.get("text", "")).strip(), "document_type": str(item.get("document_type", ""))}
            for item in payload.get("items", [])
        ]
        if not items or not all(item["text"] for item in items):
            raise ValidationError({"items": _("List every item; none may be empty.")})
        return {"items": items}
    if action == Action.DECLINE:
        reason = str(payload.get("reason", "")).strip()
        if not reason:
            raise ValidationError({"reason": _("Say why the application is not accepted.")})
        return {"reason": reason}
    if action in {Action.DECIDE_WORK_PERMIT, Action.DECIDE_RESIDENCE_PERMIT}:
        outcome = payload.get("outcome")
        if outcome not in {"approved", "refused"} or not payload.get("reason_codes"):
            raise ValidationError({"outcome": _("Give the outcome and its reasons.")})
        return {
            "outcome": outcome,
            "reason_codes": list(payload["reason_codes"]),
            "reasoning": str(payload.get("reasoning", "")),
            "valid_from": str(payload.get("valid_from") or ""),
            "valid_until": str(payload.get("valid_until") or ""),
            "fee_cny": int(payload.get("fee_cny") or 0),
        }
    if action == Action.ISSUE_PERMIT:
        return {"residence_permit_number": str(payload.get("residence_permit_number", "")).strip()}
    return {}


@transaction.atomic
def do_propose(
    application: Application,
    *,
    actor: User,
    action: Action,
    payload: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Proposal:
    """An intern proposes a step on a real case; nothing happens to the case until countersigned."""
    if action not in PROPOSABLE:
        raise TransitionRefused(_("This step cannot be proposed."), code="not_allowed")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    role = _intern_role(actor, locked, action)

    if has_conflict(actor, locked):
        raise conflict_refusal()
    if locked.proposals.filter(status=Proposal.Status.PENDING).exists():
        raise TransitionRefused(
            _("A proposal on this case already awaits countersignature."), code="conflict"
        )
    proposal = Proposal(
        application=locked,
        proposer=actor,
        role=role,
        action=action.value,
        payload=_clean_payload(action, payload or {}),
    )
    proposal.full_clean()
    proposal.save()
    record_event(
        actor=actor,
        action="supervision.propose",
        obj=proposal,
        application=locked,
        office=locked.station,
        data={"step": action.value, "role": role, "payload": proposal.payload},
        request=request,
    )
    return proposal


def _mentor_of(proposal: Proposal) -> int | None:
    return (
        Qualification.objects.filter(user_id=proposal.proposer_id, role=proposal.role)
        .values_list("mentor_id", flat=True)
        .first()
    )


@transaction.atomic
def do_return_proposal(
    proposal: Proposal, *, actor: User, comment: str, request: HttpRequest | None = None
) -> Proposal:
    """The mentor sends a proposal back to the intern with a comment; the case is unchanged."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Tell the intern what to reconsider.")})
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != Proposal.Status.PENDING:
        raise TransitionRefused(_("This proposal was already dealt with."), code="conflict")
    if _mentor_of(locked) != actor.pk:
        raise TransitionRefused(_("Only the intern's mentor deals with this proposal."), code="forbidden")
    locked.status = Proposal.Status.RETURNED
    locked.mentor_comment = comment
    locked.returned_at = timezone.now()
    locked.save(update_fields=["status", "mentor_comment", "returned_at"])
    record_event(
        actor=actor,
        action="supervision.proposal_return",
        obj=locked,
        application=locked.application,
        data={"step": locked.action, "comment": comment},
        request=request,
    )
    return locked


def _apply(proposal: Proposal, *, request: HttpRequest | None, fresh_authentication: bool) -> None:
    # cases and permits build on this app's gate, so they are imported at the call.
    from onewindow.cases.actions import do_record_decision, do_return_application, do_transition
    from onewindow.cases.models import Authority, Decision

    application = proposal.application
    intern = proposal.proposer
    payload = proposal.payload
    action = Action(proposal.action)
    trace = {"proposal": proposal.pk, "countersigned_by": proposal.countersigned_by_id}
    if action == Action.RETURN:
        do_return_application(application, actor=intern, corrections=payload["items"], request=request)
    elif action == Action.REQUEST_SUPPLEMENT:
        from onewindow.cases.actions import do_request_supplement

        do_request_supplement(application, actor=intern, items=payload["items"], request=request)
    elif action == Action.DECLINE:
        do_transition(
            application,
            actor=intern,
            action=action,
            data={"reason": payload["reason"], **trace},
            request=request,
        )
    elif action in {Action.DECIDE_WORK_PERMIT, Action.DECIDE_RESIDENCE_PERMIT}:
        do_record_decision(
            application,
            actor=intern,
            authority=Authority.WORK_PERMIT
            if action == Action.DECIDE_WORK_PERMIT
            else Authority.RESIDENCE_PERMIT,
            outcome=Decision.Outcome(payload["outcome"]),
            reason_codes=payload["reason_codes"],
            reasoning=payload["reasoning"],
            valid_from=dt.date.fromisoformat(payload["valid_from"]) if payload["valid_from"] else None,
            valid_until=dt.date.fromisoformat(payload["valid_until"]) if payload["valid_until"] else None,
            fee_cny=payload["fee_cny"],
            request=request,
            fresh_authentication=fresh_authentication,
        )
    elif action == Action.ISSUE_PERMIT:
        from onewindow.permits.actions import do_issue_permit

        do_issue_permit(
            application,
            actor=intern,
            residence_permit_number=payload["residence_permit_number"],
            request=request,
            fresh_authentication=fresh_authentication,
        )
    else:
        do_transition(application, actor=intern, action=action, data=trace, request=request)


@transaction.atomic
def do_countersign_proposal(
    proposal: Proposal,
    *,
    actor: User,
    request: HttpRequest | None = None,
    fresh_authentication: bool = True,
) -> Proposal:
    """The mentor countersigns: the proposal is marked applied and the intern's step takes effect.

    Both in one transaction: if the step is refused now (the case moved on,
    a guard fails), the proposal stays pending. The database refuses the
    applied row without a countersigner other than the proposer (and, on
    PostgreSQL, one not certified in the role); the checks below say why
    before it has to.
    """
    locked = (
        Proposal.objects.select_for_update().select_related("application", "proposer").get(pk=proposal.pk)
    )
    if locked.status != Proposal.Status.PENDING:
        raise TransitionRefused(_("This proposal was already dealt with."), code="conflict")
    if actor.pk == locked.proposer_id:
        raise TransitionRefused(_("Nobody countersigns their own proposal."), code="forbidden")
    if _mentor_of(locked) != actor.pk:
        raise TransitionRefused(_("Only the intern's mentor countersigns this proposal."), code="forbidden")
    if not is_certified_on_record(actor, locked.role):
        raise TransitionRefused(_("Only a mentor certified in this role countersigns."), code="forbidden")
    locked.status = Proposal.Status.APPLIED
    locked.countersigned_by = actor
    locked.countersigned_at = timezone.now()
    locked.save(update_fields=["status", "countersigned_by", "countersigned_at"])
    record_event(
        actor=actor,
        action="supervision.countersign",
        obj=locked,
        application=locked.application,
        data={"step": locked.action, "proposer": locked.proposer_id},
        request=request,
    )
    with countersigned(
        application_id=locked.application_id, action=locked.action, proposer_id=locked.proposer_id
    ):
        _apply(locked, request=request, fresh_authentication=fresh_authentication)
    return locked


# --- Conflicts of interest ----------------------------------------------------------------------


@transaction.atomic
def do_declare_conflict(
    *,
    actor: User,
    employer: Employer | None = None,
    person: Person | None = None,
    reason: str,
    request: HttpRequest | None = None,
) -> Declaration:
    """The staff member declares a conflict with an employer or a person; the gate refuses their steps."""
    declaration = Declaration(user=actor, employer=employer, person=person, reason=reason.strip())
    declaration.full_clean()
    declaration.save()
    record_event(
        actor=actor,
        action="supervision.declare_conflict",
        obj=declaration,
        data={"employer": employer.pk if employer else None, "person": person.pk if person else None},
        request=request,
    )
    return declaration


@transaction.atomic
def do_withdraw_declaration(declaration: Declaration, *, actor: User) -> Declaration:
    """The declarer withdraws a declaration that no longer applies (audited)."""
    if declaration.user_id != actor.pk:
        raise ValidationError(_("Only the declarer withdraws a declaration."))
    if declaration.withdrawn_at is None:
        declaration.withdrawn_at = timezone.now()
        declaration.save(update_fields=["withdrawn_at"])
        record_event(actor=actor, action="supervision.withdraw_conflict", obj=declaration)
    return declaration
