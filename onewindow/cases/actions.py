"""Every change to an application goes through these functions.

``do_transition`` is the one place that moves a case along the workflow
table: it locks the row, checks the table, saves, recomputes the deadline
and appends the event, all in one transaction. The other actions record
what a step needs (the list of corrections, a decision) and then call it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.trail import record_event
from onewindow.cases import assessment, deadlines, rules, selectors, workflow
from onewindow.cases.access import roles_on
from onewindow.cases.kinds import spec
from onewindow.cases.models import Application, Authority, Correction, Decision, TimeLimit
from onewindow.cases.workflow import Action, Actor, Kind, Status, TransitionRefused
from onewindow.offices.selectors import calendar_for, station_for_street
from onewindow.supervision.gate import check_may_act

if TYPE_CHECKING:
    from onewindow.accounts.models import User
    from onewindow.employers.models import Employer
    from onewindow.offices.models import Area, Office
    from onewindow.people.models import Person


class StaleApplication(TransitionRefused):
    """The caller acted on an older version of the case than the one stored."""

    def __init__(self) -> None:
        super().__init__(
            _("This application was changed by someone else in the meantime. Reload it and try again."),
            code="conflict",
        )


# Which step stamps which time on the application. A resubmission restarts the
# pre-review clock; answering a supplement request does not restart the review.
_TIMESTAMP_ON: dict[Action, str] = {
    Action.SUBMIT: "submitted_at",
    Action.RESUBMIT: "submitted_at",
    Action.ACCEPT: "accepted_at",
    Action.CONCLUDE_APPROVED: "decided_at",
    Action.CONCLUDE_REFUSED: "decided_at",
    Action.COMPLETE: "completed_at",
}


def _acting_as(actor: User | None, application: Application, transition: workflow.Transition) -> Actor:
    if actor is None:
        return Actor.SYSTEM
    for actor_role in sorted(actor_roles(actor, application)):
        if actor_role in transition.actors:
            return actor_role
    raise TransitionRefused(_("Your role cannot take this step."), code="forbidden")


def _check_separation_of_duties(actor: User | None, application: Application, action: Action) -> None:
    """The officer who accepted or verified a case may not also decide it (four-eyes by design)."""
    if actor is None or action not in {Action.DECIDE_WORK_PERMIT, Action.DECIDE_RESIDENCE_PERMIT}:
        return
    if application.events.filter(actor=actor, action__in=["case.accept", "case.verify_originals"]).exists():
        raise TransitionRefused(
            _("You accepted or verified this application, so you cannot also decide it."),
            code="forbidden",
        )


@transaction.atomic
def do_transition(
    application: Application,
    *,
    actor: User | None,
    action: Action,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    expected_version: int | None = None,
    fresh_authentication: bool = True,
) -> Application:
    """Take ``action`` on ``application`` as ``actor`` (``None`` = the system).

    Raises :class:`TransitionRefused` and changes nothing if the table does
    not allow it now, for this actor, for this kind. The row is locked for
    the rest of the transaction, so of two officers acting at once one
    wins and the other is refused with the case's new state.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleApplication()
    transition = workflow.find(locked.status, action, locked.kind)
    as_actor = _acting_as(actor, locked, transition)
    workflow.check(locked, locked.status, action, as_actor)
    if transition.reauthenticate and not fresh_authentication:
        raise TransitionRefused(
            _("Please confirm your identity again before this step."), code="reauthenticate"
        )
    _check_separation_of_duties(actor, locked, action)
    # Qualification (trainees, interns' countersigned proposals) and declared conflicts of interest.
    check_may_act(actor, locked, action, as_actor)

    previous = locked.status
    now = timezone.now()
    locked.status = transition.to.value
    fields = ["status", "version", "due_on", "updated_at"]
    stamp = _TIMESTAMP_ON.get(action)
    if stamp:
        setattr(locked, stamp, now)
        fields.append(stamp)
    if action == Action.RETURN:
        locked.returned_once = True
        fields.append("returned_once")
    locked.version += 1
    record_event(
        actor=actor,
        action=f"case.{action.value}",
        obj=locked,
        application=locked,
        office=locked.station,
        from_status=previous,
        to_status=locked.status,
        data=data or {},
        request=request,
    )
    locked.due_on = deadlines.due_on(locked, now=now)
    locked.save(update_fields=fields)
    application.__dict__.update({field: getattr(locked, field) for field in [*fields, "returned_once"]})
    return locked


@transaction.atomic
def do_create_application(
    *,
    actor: User,
    employer: Employer,
    person: Person,
    kind: Kind,
    position: str,
    category: str = "",
    annual_salary_cny: int | None = None,
    work_start: dt.date | None = None,
    work_end: dt.date | None = None,
    details: dict[str, Any] | None = None,
    assessment_facts: dict[str, Any] | None = None,
    client_token: str = "",
    request: HttpRequest | None = None,
) -> Application:
    """Open a draft application of ``person`` at ``employer``, routed to the covering station.

    For the kinds that need it, the A/B/C category is assessed from
    ``assessment_facts`` by the eligibility engine under the city's
    parameters of the day, and stored with the facts.

    The kind's own rules (``cases.rules``) are checked first; a refusal
    raises ``ValidationError`` with a message per field and creates nothing.
    With a ``client_token`` a retried submission returns the application the
    first attempt created instead of creating a second one.
    """
    if client_token:
        existing = Application.objects.filter(created_by=actor, client_token=client_token).first()
        if existing is not None:
            return existing
    if not employer.can_file_applications:
        raise ValidationError(
            _("The employer must be verified by its station before it can file applications.")
        )
    station = station_for_street(employer.workplace_street)
    if station is None:
        raise ValidationError(
            _("No station or service hall accepts applications from this employer's street yet.")
        )
    kind_spec = spec(kind)
    details = {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in (details or {}).items()
    }
    permit, previous_facts = selectors.current_permit_facts(person.pk)
    verdict = rules.check(
        rules.Facts(
            kind=kind,
            today=timezone.localdate(),
            calendar=calendar_for(employer.workplace_street.city_path),
            work_start=work_start,
            work_end=work_end,
            birth_date=person.date_of_birth,
            previous=previous_facts if kind_spec.needs_previous_permit else None,
            details=details,
        )
    )
    if not verdict.ok:
        raise ValidationError(
            {NON_FIELD_ERRORS if key == "__all__" else key: msgs for key, msgs in verdict.errors.items()}
        )
    details.update(verdict.flags)
    if verdict.warnings:
        details["warnings"] = verdict.warnings
    if kind_spec.assessed and assessment_facts is None:
        raise ValidationError(
            {"assessment": _("Answer the category questions: this kind is assessed A, B or C.")}
        )
    if kind_spec.assessed and assessment_facts is not None:
        today = timezone.localdate()
        result = assessment.classify(
            city_path=employer.workplace_street.city_path,
            on_date=today,
            salary=annual_salary_cny,
            age=person.age_on(work_start or today),
            facts=assessment_facts,
        )
        details["assessment"] = assessment.summary(result, assessment_facts, today)
        category = str(result.category)
    needs_residence = kind_spec.residence_permit or (
        kind == Kind.CHANGE and rules.ChangeItem.PASSPORT in (details.get("items") or [])
    )
    if kind == Kind.EXTENSION and permit is not None and work_start is None:
        work_start = permit.valid_until + dt.timedelta(days=1)
    application = Application(
        kind=kind.value,
        person=person,
        employer=employer,
        station=station,
        street=employer.workplace_street,
        area_path=employer.workplace_street.path,
        position=position,
        category=category,
        annual_salary_cny=annual_salary_cny,
        work_start=work_start,
        work_end=work_end,
        details=details,
        needs_residence_permit=needs_residence,
        previous=permit.application if (permit is not None and kind_spec.needs_previous_permit) else None,
        created_by=actor,
        client_token=client_token,
    )
    # The client token's uniqueness is the database's to enforce: a racing retry is caught below.
    # The related rows were all just read (or are the caller's own), and the foreign keys hold
    # them in the database too: checking that each exists would be six more queries per case.
    application.full_clean(
        exclude=["client_token", "person", "employer", "station", "street", "previous", "created_by"]
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Two retries of the same submission raced; the other one created it.
        if client_token:
            return Application.objects.get(created_by=actor, client_token=client_token)
        raise
    record_event(
        actor=actor,
        action="case.create",
        obj=application,
        application=application,
        office=station,
        to_status=application.status,
        data={
            "kind": application.kind,
            "employer": employer.pk,
            "person": person.pk,
            "warnings": verdict.warnings,
        },
        request=request,
    )
    return application


# Who may move a case to another station: its current station's window officers, and supervisors.
TRANSFER_ROLES = frozenset({"window_officer", "supervisor"})


@transaction.atomic
def do_transfer_application(
    application: Application,
    *,
    actor: User,
    to_station: Office,
    reason: str,
    request: HttpRequest | None = None,
    expected_version: int | None = None,
) -> Application:
    """Hand a case over to another station or hall of the same city, with the reason.

    Allowed to the window officers of the case's current station and to
    supervisors who reach it. The case keeps its status, its events and its
    deadline: the clock counts from the same steps on the same city
    calendar, so a transfer neither restarts nor stops it.
    """
    locked = (
        Application.objects.select_for_update().select_related("station", "street").get(pk=application.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleApplication()
    if not roles_on(actor, locked) & TRANSFER_ROLES:
        raise TransitionRefused(_("Your role cannot take this step."), code="forbidden")
    if locked.is_final:
        raise TransitionRefused(_("A closed application cannot be transferred."), code="conflict")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the application is transferred.")})
    if not to_station.accepts_applications or not to_station.is_active:
        raise ValidationError({"to_station": _("Choose an open work station or service hall.")})
    if to_station.pk == locked.station_id:
        raise ValidationError({"to_station": _("The application is already at this station.")})
    if not to_station.area.path.startswith(locked.street.city_path):
        raise ValidationError({"to_station": _("Choose a station of the same city.")})
    previous = locked.station
    locked.station = to_station
    locked.version += 1
    locked.save(update_fields=["station", "version", "updated_at"])
    record_event(
        actor=actor,
        action="case.transfer",
        obj=locked,
        application=locked,
        office=to_station,
        from_status=locked.status,
        to_status=locked.status,
        data={"from_station": previous.code, "to_station": to_station.code, "reason": reason},
        request=request,
    )
    # The caller's copy follows the move (it is not saved: the locked row was).
    application.station, application.version = to_station, locked.version
    return locked


# What an applicant may still change, and in which statuses.
EDITABLE_FIELDS = ("position", "category", "annual_salary_cny", "work_start", "work_end", "details")
EDITABLE_STATUSES = frozenset({Status.DRAFT.value, Status.RETURNED.value})


@transaction.atomic
def do_update_application(
    application: Application,
    *,
    actor: User,
    changes: dict[str, Any],
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """Edit a draft, or a file returned for corrections; the kind's rules are checked again."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleApplication()
    if locked.status not in EDITABLE_STATUSES:
        raise TransitionRefused(_("Only a draft or a returned application can be edited."), code="conflict")
    if "employer_hr" not in roles_on(actor, locked):
        raise TransitionRefused(_("Your role cannot take this step."), code="forbidden")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: _("This field cannot be changed.") for field in sorted(unknown)})
    old = {field: getattr(locked, field) for field in changes}
    for field, value in changes.items():
        if field == "details":
            value = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in (value or {}).items()}
        setattr(locked, field, value)
    _permit, previous_facts = selectors.current_permit_facts(locked.person_id)
    verdict = rules.check(
        rules.Facts(
            kind=Kind(locked.kind),
            today=timezone.localdate(),
            calendar=calendar_for(locked.street.city_path),
            work_start=locked.work_start,
            work_end=locked.work_end,
            birth_date=locked.person.date_of_birth,
            previous=previous_facts if spec(locked.kind).needs_previous_permit else None,
            details=locked.details,
        )
    )
    if not verdict.ok:
        raise ValidationError(
            {NON_FIELD_ERRORS if key == "__all__" else key: msgs for key, msgs in verdict.errors.items()}
        )
    locked.details = {**locked.details, **verdict.flags}
    locked.version += 1
    locked.full_clean()
    locked.save(update_fields=[*changes, "details", "version", "updated_at"])
    record_event(
        actor=actor,
        action="case.update",
        obj=locked,
        application=locked,
        office=locked.station,
        data={
            "old": {k: str(v) for k, v in old.items()},
            "new": {k: str(getattr(locked, k)) for k in changes},
        },
        request=request,
    )
    return locked


@transaction.atomic
def do_return_application(
    application: Application,
    *,
    actor: User,
    corrections: list[dict[str, str]],
    request: HttpRequest | None = None,
    expected_version: int | None = None,
) -> Application:
    """Send a submitted file back once, with the complete list of corrections (ALL art. 32)."""
    if not corrections or not all(item.get("text", "").strip() for item in corrections):
        raise ValidationError(_("List every correction the applicant must make; none may be empty."))
    now = timezone.now()
    application = do_transition(
        application,
        actor=actor,
        action=Action.RETURN,
        data={"corrections": corrections},
        request=request,
        expected_version=expected_version,
    )
    Correction.objects.bulk_create(
        Correction(
            application=application,
            stage=Correction.Stage.PRE_REVIEW,
            document_type=item.get("document_type", ""),
            text=item["text"].strip(),
            requested_by=actor,
            requested_at=now,
        )
        for item in corrections
    )
    return application


@transaction.atomic
def do_record_decision(
    application: Application,
    *,
    actor: User,
    authority: Authority,
    outcome: Decision.Outcome,
    reason_codes: list[str],
    reasoning: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    fee_cny: int = 0,
    request: HttpRequest | None = None,
    expected_version: int | None = None,
    fresh_authentication: bool = True,
) -> Application:
    """Record one authority's decision; conclude the case when it was the last one needed.

    A refused work permit concludes the case at once: without a work permit
    there is no work-type residence permit to grant.
    """
    action = (
        Action.DECIDE_WORK_PERMIT if authority == Authority.WORK_PERMIT else Action.DECIDE_RESIDENCE_PERMIT
    )
    decision = Decision(
        application=application,
        authority=authority.value,
        outcome=outcome.value,
        reason_codes=reason_codes,
        reasoning=reasoning,
        valid_from=valid_from if outcome == Decision.Outcome.APPROVED else None,
        valid_until=valid_until if outcome == Decision.Outcome.APPROVED else None,
        fee_cny=fee_cny,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    decision.full_clean(exclude=["application"])
    application = do_transition(
        application,
        actor=actor,
        action=action,
        data={
            "authority": authority.value,
            "outcome": outcome.value,
            "reasons": reason_codes,
            "valid_from": str(valid_from or ""),
            "valid_until": str(valid_until or ""),
        },
        request=request,
        expected_version=expected_version,
        fresh_authentication=fresh_authentication,
    )
    decision.application = application
    decision.save()
    application.__dict__.pop("decisions_by_authority", None)
    if application.status == Status.IN_REVIEW:
        if application.work_permit_approved is False:
            _refuse_remaining(application, actor=actor)
        if not application.pending_authorities:
            conclude = (
                Action.CONCLUDE_APPROVED if application.work_permit_approved else Action.CONCLUDE_REFUSED
            )
            application = do_transition(application, actor=None, action=conclude)
            if application.status == Status.APPROVED and not spec(application.kind).ends_with_visit:
                # permits builds on cases, so it is imported here, at the one call.
                from onewindow.permits.actions import do_conclude_online

                do_conclude_online(application, actor=actor, request=request)
                application = do_transition(application, actor=None, action=Action.COMPLETE)
    return application


@transaction.atomic
def do_request_supplement(
    application: Application,
    *,
    actor: User,
    items: list[dict[str, str]],
    request: HttpRequest | None = None,
    expected_version: int | None = None,
) -> Application:
    """Ask the applicant for more material; the statutory clock stops until they answer.

    A request from either authority reaches the applicant as one list.
    """
    if not items or not all(item.get("text", "").strip() for item in items):
        raise ValidationError(_("List what the applicant must supply; no item may be empty."))
    roles = roles_on(actor, application)
    authority = (
        Authority.RESIDENCE_PERMIT
        if "immigration_officer" in roles and "reviewer" not in roles
        else Authority.WORK_PERMIT
    )
    application = do_transition(
        application,
        actor=actor,
        action=Action.REQUEST_SUPPLEMENT,
        data={"items": items, "authority": authority.value},
        request=request,
        expected_version=expected_version,
    )
    now = timezone.now()
    Correction.objects.bulk_create(
        Correction(
            application=application,
            stage=Correction.Stage.SUPPLEMENT,
            authority=authority.value,
            document_type=item.get("document_type", ""),
            text=item["text"].strip(),
            requested_by=actor,
            requested_at=now,
        )
        for item in items
    )
    return application


@transaction.atomic
def do_answer_supplement(
    application: Application,
    *,
    actor: User,
    answer: str,
    request: HttpRequest | None = None,
    expected_version: int | None = None,
) -> Application:
    """The applicant answers the open requests; the clock runs again."""
    if not answer.strip():
        raise ValidationError(_("Write an answer, or upload the documents asked for and say so here."))
    application = do_transition(
        application,
        actor=actor,
        action=Action.ANSWER_SUPPLEMENT,
        data={"answer": answer.strip()},
        request=request,
        expected_version=expected_version,
    )
    application.corrections.filter(answered_at__isnull=True).update(
        answered_at=timezone.now(), answer=answer.strip()
    )
    return application


@transaction.atomic
def do_record_entry(
    application: Application,
    *,
    actor: User,
    entry_date: dt.date,
    request: HttpRequest | None = None,
) -> Application:
    """A notification-letter holder entered China: the 30-day window for the visit starts."""
    decided = application.decided_at
    if decided is not None:
        errors = rules.entry_errors(
            decided_on=timezone.localdate(decided), entry_date=entry_date, today=timezone.localdate()
        )
        if errors:
            raise ValidationError({"entry_date": errors})
    locked = Application.objects.select_for_update().get(pk=application.pk)
    locked.details = {**locked.details, "entry_date": entry_date.isoformat()}
    locked.save(update_fields=["details"])
    return do_transition(
        locked,
        actor=actor,
        action=Action.RECORD_ENTRY,
        data={"entry_date": entry_date.isoformat()},
        request=request,
    )


def _refuse_remaining(application: Application, *, actor: User) -> None:
    """Close the residence part of a case whose work permit was refused."""
    for authority in application.pending_authorities:
        Decision.objects.create(
            application=application,
            authority=authority,
            outcome=Decision.Outcome.REFUSED,
            reason_codes=["no_work_permit"],
            reasoning=_("The work permit was refused, so no work-type residence permit can be granted."),
            decided_by=actor,
            decided_at=timezone.now(),
        )
    application.__dict__.pop("decisions_by_authority", None)


def actor_roles(actor: User, application: Application) -> set[Actor]:
    """The workflow actors ``actor`` can act as on this application."""
    known = {member.value for member in Actor}
    return {Actor(role) for role in roles_on(actor, application) if role in known}


# The statutory limits apply from the 2017 unification of the work permit.
STATUTORY_SINCE = dt.date(2017, 4, 1)


@transaction.atomic
def do_seed_statutory_limits(*, city: Area, actor: User | None) -> list[TimeLimit]:
    """Give a new city the limits in law as its starting data (editable afterwards)."""
    created = []
    for step, (days, basis) in deadlines.STATUTORY_LIMITS.items():
        limit, was_created = TimeLimit.objects.get_or_create(
            city=city,
            step=step,
            valid_from=STATUTORY_SINCE,
            defaults={"working_days": days, "legal_basis": basis},
        )
        if was_created:
            created.append(limit)
            record_event(
                actor=actor,
                action="config.time_limit",
                obj=limit,
                data={
                    "city": city.path,
                    "step": str(step),
                    "new": days,
                    "valid_from": str(STATUTORY_SINCE),
                },
            )
    return created


@transaction.atomic
def do_set_time_limit(
    *,
    actor: User | None,
    city: Area,
    step: TimeLimit.Step,
    working_days: int,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    legal_basis: str = "",
) -> TimeLimit:
    """Add a dated time limit (a new promise, a changed law); open deadlines are recomputed."""
    limit = TimeLimit(
        city=city,
        step=step,
        working_days=working_days,
        valid_from=valid_from,
        valid_until=valid_until,
        legal_basis=legal_basis,
    )
    limit.full_clean()
    limit.save()
    record_event(
        actor=actor,
        action="config.time_limit",
        obj=limit,
        data={
            "city": city.path,
            "step": str(step),
            "new": working_days,
            "valid_from": str(valid_from),
        },
    )
    transaction.on_commit(lambda: do_refresh_deadlines(city_path=city.path))
    return limit


def do_refresh_deadlines(*, city_path: str | None = None, batch_size: int = 500) -> int:
    """Recompute the cached deadline of every open case after a calendar or limit correction."""
    queryset = Application.objects.open()
    if city_path:
        queryset = queryset.within(city_path)
    changed = 0
    last_id = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            return changed
        with transaction.atomic():
            for application in batch:
                new_due = deadlines.due_on(application)
                if new_due != application.due_on:
                    application.due_on = new_due
                    application.save(update_fields=["due_on"])
                    changed += 1
        last_id = batch[-1].pk
