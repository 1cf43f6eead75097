"""The application workflow as a table.

``TRANSITIONS[(status, action)]`` says where an action leads, who may take
it and for which kinds of application. Nothing here touches the database,
so the whole table is tested exhaustively; ``cases.actions.do_transition``
is the one place that applies it.

One status axis per application. The two authorities' decisions in a
combined application are *records* (``Decision`` rows), not a second state:
the case stays ``in_review`` while either is outstanding and is concluded,
approved or refused, by the system in the same transaction as the last one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    NOT_ACCEPTED = "not_accepted"
    IN_REVIEW = "in_review"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    APPROVED = "approved"
    ENTERED = "entered"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    ORIGINALS_VERIFIED = "originals_verified"
    ISSUED = "issued"
    COMPLETED = "completed"


STATUS_LABELS: dict[Status, Promise] = {
    Status.DRAFT: _("Draft"),
    Status.SUBMITTED: _("Submitted, awaiting pre-review"),
    Status.RETURNED: _("Returned for corrections"),
    Status.NOT_ACCEPTED: _("Not accepted"),
    Status.IN_REVIEW: _("Under review"),
    Status.AWAITING_SUPPLEMENT: _("Waiting for supplementary material"),
    Status.APPROVED: _("Approved, awaiting your visit"),
    Status.ENTERED: _("Entered China: residence permit under review, visit due"),
    Status.REFUSED: _("Refused"),
    Status.WITHDRAWN: _("Withdrawn"),
    Status.ORIGINALS_VERIFIED: _("Originals verified"),
    Status.ISSUED: _("Work permit issued"),
    Status.COMPLETED: _("Completed"),
}

# A case in one of these states will not move again.
FINAL_STATUSES = frozenset({Status.NOT_ACCEPTED, Status.REFUSED, Status.WITHDRAWN, Status.COMPLETED})
# The statutory clock is stopped while the applicant has the next move.
CLOCK_STOPPED_STATUSES = frozenset({Status.RETURNED, Status.AWAITING_SUPPLEMENT})


class Kind(StrEnum):
    SHORT_TERM = "short_term"
    NOTIFICATION_LETTER = "notification_letter"
    NEW_IN_CHINA = "new_in_china"
    EXTENSION = "extension"
    CHANGE = "change"
    CANCELLATION = "cancellation"
    REISSUE = "reissue"


KIND_LABELS: dict[Kind, Promise] = {
    Kind.SHORT_TERM: _("Short-term work (90 days or less)"),
    Kind.NOTIFICATION_LETTER: _("Notification letter (applicant outside China)"),
    Kind.NEW_IN_CHINA: _("New work permit (applicant in China)"),
    Kind.EXTENSION: _("Extension"),
    Kind.CHANGE: _("Change of items"),
    Kind.CANCELLATION: _("Cancellation"),
    Kind.REISSUE: _("Re-issue of the electronic permit"),
}

ALL_KINDS = frozenset(Kind)
# Kinds ending with the holder at a window: originals seen, permit handed over.
VISIT_KINDS = frozenset(
    {Kind.SHORT_TERM, Kind.NOTIFICATION_LETTER, Kind.NEW_IN_CHINA, Kind.EXTENSION, Kind.CHANGE}
)
# Kinds that end once decided, without a visit (a proof or a new electronic permit is issued online).
ONLINE_KINDS = ALL_KINDS - VISIT_KINDS


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RETURN = "return"
    RESUBMIT = "resubmit"
    DECLINE = "decline"
    ACCEPT = "accept"
    REQUEST_SUPPLEMENT = "request_supplement"
    ANSWER_SUPPLEMENT = "answer_supplement"
    DECIDE_WORK_PERMIT = "decide_work_permit"
    DECIDE_RESIDENCE_PERMIT = "decide_residence_permit"
    CONCLUDE_APPROVED = "conclude_approved"
    CONCLUDE_REFUSED = "conclude_refused"
    RECORD_ENTRY = "record_entry"
    VERIFY_ORIGINALS = "verify_originals"
    ISSUE_PERMIT = "issue_permit"
    COMPLETE = "complete"


ACTION_LABELS: dict[Action, Promise] = {
    Action.SUBMIT: _("Submit"),
    Action.WITHDRAW: _("Withdraw"),
    Action.RETURN: _("Return for corrections"),
    Action.RESUBMIT: _("Resubmit with corrections"),
    Action.DECLINE: _("Decline to accept"),
    Action.ACCEPT: _("Accept"),
    Action.REQUEST_SUPPLEMENT: _("Request supplementary material"),
    Action.ANSWER_SUPPLEMENT: _("Send supplementary material"),
    Action.DECIDE_WORK_PERMIT: _("Decide the work permit"),
    Action.DECIDE_RESIDENCE_PERMIT: _("Decide the residence permit"),
    Action.CONCLUDE_APPROVED: _("Conclude: approved"),
    Action.CONCLUDE_REFUSED: _("Conclude: refused"),
    Action.RECORD_ENTRY: _("Record entry to China"),
    Action.VERIFY_ORIGINALS: _("Record originals verified"),
    Action.ISSUE_PERMIT: _("Issue the work permit"),
    Action.COMPLETE: _("Complete"),
}


class Actor(StrEnum):
    """Who may take an action: a role, or the system itself."""

    EMPLOYER_HR = "employer_hr"
    FOREIGN_NATIONAL = "foreign_national"
    WINDOW_OFFICER = "window_officer"
    REVIEWER = "reviewer"
    IMMIGRATION_OFFICER = "immigration_officer"
    SYSTEM = "system"


class Facts(Protocol):
    """What a guard may know about a case (an Application satisfies this)."""

    kind: str
    returned_once: bool

    @property
    def pending_authorities(self) -> frozenset[str]: ...

    @property
    def work_permit_approved(self) -> bool | None: ...

    @property
    def originals_complete(self) -> bool: ...


@dataclass(frozen=True)
class Guard:
    """A condition on the case, with the message shown when it fails."""

    check: Callable[[Facts], bool]
    message: Promise


def _not_returned_before(case: Facts) -> bool:
    return not case.returned_once


def _all_decided(case: Facts) -> bool:
    return not case.pending_authorities


def _work_permit_approved(case: Facts) -> bool:
    return case.work_permit_approved is True


def _work_permit_refused(case: Facts) -> bool:
    return case.work_permit_approved is False


def _originals_complete(case: Facts) -> bool:
    return case.originals_complete


def _needs_work_decision(case: Facts) -> bool:
    return "work_permit" in case.pending_authorities


def _needs_residence_decision(case: Facts) -> bool:
    return "residence_permit" in case.pending_authorities


# Pre-review may send a file back once, with every correction listed
# (Administrative Licensing Law, art. 32): a second return is refused.
RETURNED_ONCE = Guard(
    _not_returned_before, _("This application was already returned once; accept it or decline it.")
)
ALL_DECIDED = Guard(_all_decided, _("Both authorities must decide before the case is concluded."))
WP_APPROVED = Guard(_work_permit_approved, _("The work permit was not approved."))
WP_REFUSED = Guard(_work_permit_refused, _("The work permit was not refused."))
ORIGINALS_COMPLETE = Guard(_originals_complete, _("Record every required original as seen before this step."))
WP_PENDING = Guard(_needs_work_decision, _("The work permit has already been decided."))
RP_PENDING = Guard(
    _needs_residence_decision, _("There is no residence-permit decision to make in this case.")
)


@dataclass(frozen=True)
class Transition:
    to: Status
    actors: frozenset[Actor]
    kinds: frozenset[Kind] = ALL_KINDS
    guards: tuple[Guard, ...] = field(default=())
    # Steps that may only be taken right after signing in again (decisions, issuance).
    reauthenticate: bool = False


_HR = frozenset({Actor.EMPLOYER_HR})
_APPLICANT = frozenset({Actor.EMPLOYER_HR, Actor.FOREIGN_NATIONAL})
_WINDOW = frozenset({Actor.WINDOW_OFFICER})
_REVIEWERS = frozenset({Actor.REVIEWER, Actor.IMMIGRATION_OFFICER})
_SYSTEM = frozenset({Actor.SYSTEM})

S, A = Status, Action

TRANSITIONS: dict[tuple[Status, Action], Transition] = {
    (S.DRAFT, A.SUBMIT): Transition(S.SUBMITTED, _HR),
    (S.DRAFT, A.WITHDRAW): Transition(S.WITHDRAWN, _APPLICANT),
    # Pre-review at the window: return once with every correction, accept, or decline.
    (S.SUBMITTED, A.RETURN): Transition(S.RETURNED, _WINDOW, guards=(RETURNED_ONCE,)),
    (S.SUBMITTED, A.ACCEPT): Transition(S.IN_REVIEW, _WINDOW),
    (S.SUBMITTED, A.DECLINE): Transition(S.NOT_ACCEPTED, _WINDOW),
    (S.SUBMITTED, A.WITHDRAW): Transition(S.WITHDRAWN, _APPLICANT),
    (S.RETURNED, A.RESUBMIT): Transition(S.SUBMITTED, _HR),
    (S.RETURNED, A.WITHDRAW): Transition(S.WITHDRAWN, _APPLICANT),
    # Review: both authorities in parallel; a supplement request stops the clock.
    (S.IN_REVIEW, A.REQUEST_SUPPLEMENT): Transition(S.AWAITING_SUPPLEMENT, _REVIEWERS),
    (S.IN_REVIEW, A.DECIDE_WORK_PERMIT): Transition(
        S.IN_REVIEW, frozenset({Actor.REVIEWER}), guards=(WP_PENDING,), reauthenticate=True
    ),
    (S.IN_REVIEW, A.DECIDE_RESIDENCE_PERMIT): Transition(
        S.IN_REVIEW,
        frozenset({Actor.IMMIGRATION_OFFICER}),
        guards=(RP_PENDING,),
        reauthenticate=True,
    ),
    (S.IN_REVIEW, A.CONCLUDE_APPROVED): Transition(S.APPROVED, _SYSTEM, guards=(ALL_DECIDED, WP_APPROVED)),
    (S.IN_REVIEW, A.CONCLUDE_REFUSED): Transition(S.REFUSED, _SYSTEM, guards=(ALL_DECIDED, WP_REFUSED)),
    (S.IN_REVIEW, A.WITHDRAW): Transition(S.WITHDRAWN, _APPLICANT),
    (S.AWAITING_SUPPLEMENT, A.ANSWER_SUPPLEMENT): Transition(S.IN_REVIEW, _APPLICANT),
    (S.AWAITING_SUPPLEMENT, A.WITHDRAW): Transition(S.WITHDRAWN, _APPLICANT),
    # A notification letter is issued on approval; the holder then enters China
    # on a Z visa and comes to the window (within 30 days of entry).
    (S.APPROVED, A.RECORD_ENTRY): Transition(
        S.ENTERED, _APPLICANT | _WINDOW, kinds=frozenset({Kind.NOTIFICATION_LETTER})
    ),
    (S.ENTERED, A.DECIDE_RESIDENCE_PERMIT): Transition(
        S.ENTERED,
        frozenset({Actor.IMMIGRATION_OFFICER}),
        kinds=frozenset({Kind.NOTIFICATION_LETTER}),
        guards=(RP_PENDING,),
        reauthenticate=True,
    ),
    (S.ENTERED, A.VERIFY_ORIGINALS): Transition(
        S.ORIGINALS_VERIFIED,
        _WINDOW,
        kinds=frozenset({Kind.NOTIFICATION_LETTER}),
        guards=(ALL_DECIDED, ORIGINALS_COMPLETE),
    ),
    # The one visit: originals against uploads, then both permits handed over.
    (S.APPROVED, A.VERIFY_ORIGINALS): Transition(
        S.ORIGINALS_VERIFIED,
        _WINDOW,
        kinds=VISIT_KINDS - {Kind.NOTIFICATION_LETTER},
        guards=(ORIGINALS_COMPLETE,),
    ),
    (S.ORIGINALS_VERIFIED, A.ISSUE_PERMIT): Transition(
        S.ISSUED, _WINDOW, kinds=VISIT_KINDS, reauthenticate=True
    ),
    (S.ISSUED, A.COMPLETE): Transition(S.COMPLETED, _WINDOW | _SYSTEM, kinds=VISIT_KINDS),
    # Online kinds end when decided: a proof of cancellation or a re-issued e-permit.
    (S.APPROVED, A.COMPLETE): Transition(S.COMPLETED, _SYSTEM, kinds=ONLINE_KINDS),
}


class TransitionRefused(Exception):
    """The table does not allow this action now; nothing was changed."""

    def __init__(self, message: str | Promise, *, code: str = "not_allowed") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def find(status: str, action: str, kind: str) -> Transition:
    """The transition for ``action`` from ``status``, or :class:`TransitionRefused`."""
    try:
        transition = TRANSITIONS[(Status(status), Action(action))]
    except (KeyError, ValueError) as exc:
        raise TransitionRefused(
            _("“%(action)s” is not possible while the application is “%(status)s”.")
            % {
                "action": _label(ACTION_LABELS, Action, action),
                "status": _label(STATUS_LABELS, Status, status),
            }
        ) from exc
    if Kind(kind) not in transition.kinds:
        raise TransitionRefused(
            _("“%(action)s” does not apply to an application of this kind.")
            % {"action": ACTION_LABELS[Action(action)]}
        )
    return transition


def check(case: Facts, status: str, action: str, actor: Actor) -> Transition:
    """Everything the table says about taking ``action`` now, as ``actor``."""
    transition = find(status, action, case.kind)
    if actor not in transition.actors:
        raise TransitionRefused(_("Your role cannot take this step."), code="forbidden")
    for guard in transition.guards:
        if not guard.check(case):
            raise TransitionRefused(guard.message, code="precondition")
    return transition


def actors_for(action: str) -> frozenset[Actor]:
    """Everyone who may take ``action`` in some status (for showing or hiding its form)."""
    return frozenset().union(*(t.actors for (_s, a), t in TRANSITIONS.items() if a == action))


def available(case: Facts, status: str, actors: set[Actor]) -> list[Action]:
    """The actions ``actors`` could take now (for the buttons on the case page)."""
    result = []
    for (from_status, action), transition in TRANSITIONS.items():
        if from_status != status or Kind(case.kind) not in transition.kinds:
            continue
        if not (transition.actors & actors) or Actor.SYSTEM in (transition.actors & actors):
            continue
        if all(guard.check(case) for guard in transition.guards):
            result.append(action)
    return result


def _label(labels: dict, enum: type[StrEnum], value: str) -> str:
    try:
        return str(labels[enum(value)])
    except ValueError:
        return value
