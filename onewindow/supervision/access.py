"""The only way to load supervision objects for a user; missing and forbidden give the same 404.

* Campaigns, their samples and corrective actions, the live monitor and the
  staff qualification records: supervisors, for their office's area.
* Scorecards: supervisors of a commission office, for stations and officers
  within its area ("the commission's supervisors, nobody outside their area").
* A proposal: its proposer and the proposer's mentor.
* A declaration: its declarer.
* Training material: every staff member, trainees included.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from onewindow.accounts.models import Membership, Role, User
from onewindow.accounts.scopes import scope_of
from onewindow.offices.models import Office
from onewindow.supervision.models import (
    Campaign,
    CorrectiveAction,
    Declaration,
    Proposal,
    Qualification,
    SampledCase,
    TrainingModule,
)

SUPERVISORS = frozenset({Role.SUPERVISOR})
STATION_KINDS = (Office.Kind.WORK_STATION, Office.Kind.CIVIC_HALL)


def is_supervisor(user: Any) -> bool:
    return bool(scope_of(user).staff_grants(SUPERVISORS))


def _commission_paths(user: Any) -> list[str]:
    grants = scope_of(user).staff_grants(SUPERVISORS)
    return sorted({g.area_path for g in grants if g.office_kind == Office.Kind.COMMISSION})


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.filter(scope_of(user).area_q("area_path", SUPERVISORS))


def access_campaign(user: Any, pk: int) -> Campaign:
    """A campaign of the supervisor's area, or 404."""
    try:
        return visible_campaigns(user).select_related("office").get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign") from None


def access_sampled_case(user: Any, campaign_pk: int, pk: int) -> SampledCase:
    campaign = access_campaign(user, campaign_pk)
    try:
        return campaign.sample.select_related("application", "campaign").get(pk=pk)
    except SampledCase.DoesNotExist:
        raise Http404("No such sampled case") from None


def access_corrective_action(user: Any, pk: int) -> CorrectiveAction:
    try:
        return (
            CorrectiveAction.objects.filter(review__sampled__campaign__in=visible_campaigns(user))
            .select_related("review__application", "owner")
            .get(pk=pk)
        )
    except CorrectiveAction.DoesNotExist:
        raise Http404("No such corrective action") from None


def monitored_stations(user: Any) -> QuerySet[Office]:
    """Stations and halls in the supervisor's area."""
    return Office.objects.filter(kind__in=STATION_KINDS).filter(
        scope_of(user).area_q("area__path", SUPERVISORS)
    )


def scorecard_stations(user: Any) -> QuerySet[Office]:
    """Stations whose scorecard the user sees: within a commission supervisor's area."""
    paths = _commission_paths(user)
    if not paths:
        return Office.objects.none()
    area = Q(pk__in=[])
    for path in paths:
        area |= Q(area__path__startswith=path)
    return Office.objects.filter(kind__in=STATION_KINDS).filter(area).order_by("area__path", "code")


def access_station_scorecard(user: Any, office_id: int) -> Office:
    try:
        return scorecard_stations(user).select_related("area").get(pk=office_id)
    except Office.DoesNotExist:
        raise Http404("No such station") from None


def scorecard_officers(user: Any) -> QuerySet[User]:
    """Case officers holding a role at a station or office within a commission supervisor's area."""
    paths = _commission_paths(user)
    area = Q(pk__in=[])
    for path in paths:
        area |= Q(office__area__path__startswith=path)
    memberships = Membership.objects.active().filter(
        area,
        user_id=OuterRef("pk"),
        role__in=[Role.WINDOW_OFFICER, Role.REVIEWER, Role.IMMIGRATION_OFFICER],
    )
    return User.objects.filter(Exists(memberships)).order_by("full_name", "pk")


def access_officer_scorecard(user: Any, officer_id: int) -> User:
    try:
        return scorecard_officers(user).get(pk=officer_id)
    except User.DoesNotExist:
        raise Http404("No such officer") from None


def managed_qualifications(user: Any) -> QuerySet[Qualification]:
    """Qualification records of staff holding a role at an office in the supervisor's area."""
    area = Q(pk__in=[])
    for path in scope_of(user).area_paths(SUPERVISORS):
        area |= Q(office__area__path__startswith=path)
    memberships = Membership.objects.active().filter(area, user_id=OuterRef("user_id"))
    return Qualification.objects.filter(Exists(memberships)).select_related("user", "mentor")


def access_qualification(user: Any, pk: int) -> Qualification:
    try:
        return managed_qualifications(user).get(pk=pk)
    except Qualification.DoesNotExist:
        raise Http404("No such record") from None


def access_mentee(user: Any, pk: int) -> Qualification:
    """An intern's record, for their mentor only."""
    try:
        return Qualification.objects.select_related("user").get(
            pk=pk, mentor=user, status=Qualification.Status.INTERN
        )
    except Qualification.DoesNotExist:
        raise Http404("No such intern") from None


def access_proposal(user: Any, pk: int, *, as_mentor: bool = False) -> Proposal:
    """A proposal for its proposer or the proposer's mentor (only the mentor with ``as_mentor``)."""
    try:
        proposal = Proposal.objects.select_related("application", "proposer").get(pk=pk)
    except Proposal.DoesNotExist:
        raise Http404("No such proposal") from None
    mentor_id = (
        Qualification.objects.filter(user_id=proposal.proposer_id, role=proposal.role)
        .values_list("mentor_id", flat=True)
        .first()
    )
    is_mentor = mentor_id is not None and mentor_id == user.pk
    if is_mentor or (not as_mentor and proposal.proposer_id == user.pk):
        return proposal
    raise Http404("No such proposal")


def access_declaration(user: Any, pk: int) -> Declaration:
    try:
        return Declaration.objects.get(pk=pk, user=user)
    except Declaration.DoesNotExist:
        raise Http404("No such declaration") from None


def access_training_module(user: Any, code: str) -> TrainingModule:
    """Training material is for staff (every status, trainees first of all)."""
    if not scope_of(user).is_staff:
        raise Http404("No such module")
    try:
        return TrainingModule.objects.get(code=code)
    except TrainingModule.DoesNotExist:
        raise Http404("No such module") from None
