"""Random checks: campaigns, their frame and sample, reviews, findings and corrective actions."""

from __future__ import annotations

import datetime as dt
import secrets
import statistics
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.models import Event
from onewindow.audit.trail import record_event
from onewindow.cases.models import Application
from onewindow.lib.crypto import seal, unseal
from onewindow.offices.models import Office
from onewindow.offices.selectors import calendar_for
from onewindow.supervision import sampling
from onewindow.supervision.models import (
    CHECKLIST,
    Campaign,
    CorrectiveAction,
    Finding,
    FrameEntry,
    Review,
    SampledCase,
)

if TYPE_CHECKING:
    from onewindow.accounts.models import User

STRATA = ("station", "category", "kind")
SEED_CONTEXT = "supervision.campaign-seed"
# Officers whose reviewed cases had findings at least this often (over at least MIN_REVIEWS) are checked more.
HIGH_FINDING_RATE = Decimal("0.5")
MIN_REVIEWS = 2
CASES_PER_RISKY_OFFICER = 2
# Case steps that make an officer answerable for a case.
OFFICER_STEPS = (
    "case.accept",
    "case.decide_work_permit",
    "case.decide_residence_permit",
    "case.verify_originals",
)


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


@transaction.atomic
def do_open_campaign(
    *,
    actor: User,
    office: Office,
    title: str,
    stations: list[Office],
    period_start: dt.date,
    period_end: dt.date,
    sample_rate: Decimal | None = None,
    sample_size: int | None = None,
    strata: list[str] | None = None,
    request: HttpRequest | None = None,
) -> Campaign:
    """Open a campaign and publish the commitment to its seed (the seed stays sealed until the draw).

    The period must not have closed yet: the commitment is published before
    the cases it will choose from are all known.
    """
    strata = sorted(set(strata or []))
    if set(strata) - set(STRATA):
        raise ValidationError({"strata": _("Strata are station, category or kind.")})
    if period_end < timezone.localdate():
        raise ValidationError({"period_end": _("Open a campaign before its period ends.")})
    if not stations:
        raise ValidationError({"stations": _("Choose at least one office to check.")})
    for station in stations:
        if not station.area.path.startswith(office.area.path):
            raise ValidationError({"stations": _("Choose offices within your own area.")})
    seed = secrets.token_hex(32)
    campaign = Campaign(
        title=title.strip(),
        office=office,
        area_path=office.area.path,
        period_start=period_start,
        period_end=period_end,
        sample_rate=sample_rate,
        sample_size=sample_size,
        strata=strata,
        commitment=sampling.commitment(seed),
        sealed_seed=seal(seed.encode(), context=SEED_CONTEXT),
        opened_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    campaign.stations.set(stations)
    record_event(
        actor=actor,
        action="supervision.campaign_open",
        obj=campaign,
        office=office,
        data={
            "commitment": campaign.commitment,
            "period": [period_start.isoformat(), period_end.isoformat()],
            "stations": sorted(s.code for s in stations),
            "rate": str(sample_rate or ""),
            "size": sample_size,
            "strata": strata,
        },
        request=request,
    )
    return campaign


def stratum_of(application: Application, strata: list[str]) -> str:
    values = {
        "station": application.station.code,
        "category": application.category or "-",
        "kind": application.kind,
    }
    return "|".join(f"{name}={values[name]}" for name in strata)


def frame_queryset(campaign: Campaign) -> Any:
    """The cases decided or completed in the period at the campaign's offices."""
    start, end = _day_bounds(campaign.period_start, campaign.period_end)
    return Application.objects.filter(station__in=campaign.stations.all()).filter(
        Q(decided_at__gte=start, decided_at__lt=end) | Q(completed_at__gte=start, completed_at__lt=end)
    )


def published_frame(campaign: Campaign) -> list[sampling.FrameCase]:
    return [sampling.FrameCase(e.reference, e.stratum) for e in campaign.frame.all()]


def redraw(campaign: Campaign) -> list[str]:
    """Recompute the random sample from the revealed seed and the published frame."""
    if not campaign.seed:
        raise ValidationError(_("The seed is revealed when the sample is drawn."))
    if sampling.commitment(campaign.seed) != campaign.commitment:
        raise ValidationError(_("The revealed seed does not match the published commitment."))
    frame = published_frame(campaign)
    if sampling.frame_hash(frame) != campaign.frame_hash:
        raise ValidationError(_("The published frame does not match its hash."))
    return sampling.draw(campaign.seed, frame, rate=campaign.sample_rate, size=campaign.sample_size)


@transaction.atomic
def do_draw_sample(campaign: Campaign, *, actor: User | None, request: HttpRequest | None = None) -> Campaign:
    """After the period: fix and publish the frame, reveal the seed, draw the sample, add risk cases."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != Campaign.Status.OPEN:
        raise ValidationError(_("The sample of this campaign was already drawn."))
    if timezone.localdate() <= locked.period_end:
        raise ValidationError(_("The sample is drawn after the period ends."))
    cases = list(frame_queryset(locked).select_related("station"))
    frame = sampling.canonical(sampling.FrameCase(c.reference, stratum_of(c, locked.strata)) for c in cases)
    by_reference = {c.reference: c for c in cases}
    FrameEntry.objects.bulk_create(
        FrameEntry(
            campaign=locked,
            application=by_reference[entry.reference],
            reference=entry.reference,
            stratum=entry.stratum,
            position=position,
        )
        for position, entry in enumerate(frame, start=1)
    )
    seed = unseal(locked.sealed_seed, context=SEED_CONTEXT).decode()
    chosen = sampling.draw(seed, frame, rate=locked.sample_rate, size=locked.sample_size)
    SampledCase.objects.bulk_create(
        SampledCase(campaign=locked, application=by_reference[ref], basis=SampledCase.Basis.RANDOM)
        for ref in chosen
    )
    additions = risk_additions([by_reference[e.reference] for e in frame], exclude=set(chosen), seed=seed)
    SampledCase.objects.bulk_create(
        SampledCase(
            campaign=locked, application=by_reference[ref], basis=SampledCase.Basis.RISK, reason=reason
        )
        for ref, reason in sorted(additions.items())
    )
    locked.seed = seed
    locked.frame_hash = sampling.frame_hash(frame)
    locked.status = Campaign.Status.DRAWN
    locked.drawn_at = timezone.now()
    locked.save(update_fields=["seed", "frame_hash", "status", "drawn_at"])
    record_event(
        actor=actor,
        action="supervision.campaign_draw",
        obj=locked,
        office=locked.office,
        data={
            "seed": seed,
            "frame_hash": locked.frame_hash,
            "frame_size": len(frame),
            "sample": chosen,
            "risk": sorted(additions),
        },
        request=request,
    )
    return locked


# --- Risk-based additions -------------------------------------------------------------------------


def risk_additions(cases: list[Application], *, exclude: set[str], seed: str) -> dict[str, str]:
    """Cases of the frame added next to the random sample, each with the reason in words."""
    reasons: dict[str, list[str]] = defaultdict(list)
    for reference, reason in _shared_documents(cases):
        reasons[reference].append(reason)
    for reference, reason in _fast_decisions(cases):
        reasons[reference].append(reason)
    for reference, reason in _risky_officers([c for c in cases if c.reference not in exclude], seed=seed):
        reasons[reference].append(reason)
    return {ref: " ".join(dict.fromkeys(found)) for ref, found in reasons.items() if ref not in exclude}


def _shared_documents(cases: list[Application]) -> list[tuple[str, str]]:
    from onewindow.people.models import Document

    person_ids = {c.person_id for c in cases}
    hashes = dict(Document.objects.filter(person_id__in=person_ids).values_list("sha256", "person_id"))
    shared = set(
        Document.objects.filter(sha256__in=hashes)
        .exclude(person_id__isnull=True)
        .values_list("sha256", "person_id")
    )
    persons_per_hash: dict[str, set[int]] = defaultdict(set)
    for sha, person_id in shared:
        persons_per_hash[sha].add(person_id)
    flagged = {
        pid for sha, pids in persons_per_hash.items() if len(pids) > 1 for pid in pids if pid in person_ids
    }
    return [
        (c.reference, _("The same document file was uploaded for this person and for another person."))
        for c in cases
        if c.person_id in flagged
    ]


def _decision_days(application: Application) -> int | None:
    if application.accepted_at is None or application.decided_at is None:
        return None
    calendar = calendar_for(application.street.city_path)
    return calendar.working_days_between(
        timezone.localdate(application.accepted_at), timezone.localdate(application.decided_at)
    )


def _fast_decisions(cases: list[Application]) -> list[tuple[str, str]]:
    """Decisions in under a quarter of the frame's median working days from acceptance."""
    days = {c.reference: _decision_days(c) for c in cases}
    known = [d for d in days.values() if d is not None]
    if not known:
        return []
    median = statistics.median(known)
    return [
        (
            ref,
            _("Decided %(days)s working days after acceptance; the median of the period is %(median)s.")
            % {"days": d, "median": median},
        )
        for ref, d in days.items()
        if d is not None and d * 4 < median
    ]


def officer_finding_rates(officer_ids: set[int]) -> dict[int, tuple[int, int]]:
    """(cases reviewed, cases with a finding) per officer, over every review so far."""
    reviews = dict(Review.objects.values_list("application_id", "finding"))
    result: dict[int, tuple[int, int]] = {}
    rows = set(
        Event.objects.filter(actor_id__in=officer_ids, action__in=OFFICER_STEPS, application_id__in=reviews)
        .values_list("actor_id", "application_id")
        .distinct()
    )
    per_officer: dict[int, set[int]] = defaultdict(set)
    for actor_id, application_id in rows:
        per_officer[actor_id].add(application_id)
    for officer, apps in per_officer.items():
        result[officer] = (len(apps), sum(1 for a in apps if reviews[a] != Finding.NONE))
    return result


def _risky_officers(cases: list[Application], *, seed: str) -> list[tuple[str, str]]:
    by_id = {c.pk: c for c in cases}
    acted: dict[int, set[int]] = defaultdict(set)
    for actor_id, application_id in Event.objects.filter(
        application_id__in=by_id, action__in=OFFICER_STEPS, actor_id__isnull=False
    ).values_list("actor_id", "application_id"):
        acted[actor_id].add(application_id)
    found = []
    for officer, (reviewed, with_findings) in sorted(officer_finding_rates(set(acted)).items()):
        if reviewed < MIN_REVIEWS or Decimal(with_findings) / reviewed < HIGH_FINDING_RATE:
            continue
        theirs = sorted((by_id[a] for a in acted[officer]), key=lambda c: sampling.score(seed, c.reference))
        for case in theirs[:CASES_PER_RISKY_OFFICER]:
            found.append(
                (
                    case.reference,
                    _("Handled by an officer with findings in %(found)s of %(reviewed)s reviewed cases.")
                    % {"found": with_findings, "reviewed": reviewed},
                )
            )
    return found


# --- Reviews and corrective actions --------------------------------------------------------------


@transaction.atomic
def do_record_review(
    sampled: SampledCase,
    *,
    actor: User,
    checks: dict[str, bool],
    finding: Finding,
    notes: str = "",
    corrective: list[dict[str, Any]] | None = None,
    request: HttpRequest | None = None,
) -> Review:
    """Record the checklist review of a sampled case; a finding needs at least one corrective action."""
    if hasattr(sampled, "review"):
        raise ValidationError(_("This case was already reviewed."))
    if Event.objects.filter(
        application_id=sampled.application_id, actor=actor, action__startswith="case."
    ).exists():
        raise ValidationError(_("You worked on this case, so someone else reviews it."))
    corrective = corrective or []
    if finding != Finding.NONE and not corrective:
        raise ValidationError(
            {"corrective": _("A finding needs a corrective action with an owner and a deadline.")}
        )
    if finding == Finding.NONE and corrective:
        raise ValidationError({"corrective": _("Without a finding there is nothing to correct.")})
    review = Review(
        sampled=sampled,
        application_id=sampled.application_id,
        finding=finding,
        notes=notes.strip(),
        reviewer=actor,
        **{name: bool(checks.get(name)) for name, _label in CHECKLIST},
    )
    review.full_clean()
    review.save()
    actions = []
    for item in corrective:
        action = CorrectiveAction(
            review=review,
            description=str(item["description"]).strip(),
            owner=item["owner"],
            due_on=item["due_on"],
        )
        action.full_clean()
        action.save()
        actions.append(action)
    record_event(
        actor=actor,
        action="supervision.review",
        obj=review,
        application=sampled.application,
        data={
            "campaign": sampled.campaign_id,
            "finding": finding,
            "checks": {name: getattr(review, name) for name, _label in CHECKLIST},
            "corrective": [{"owner": a.owner_id, "due_on": a.due_on.isoformat()} for a in actions],
        },
        request=request,
    )
    return review


@transaction.atomic
def do_close_corrective_action(
    action: CorrectiveAction, *, actor: User, note: str, request: HttpRequest | None = None
) -> CorrectiveAction:
    """Close a corrective action with what was done."""
    locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if locked.closed_at is not None:
        raise ValidationError(_("This corrective action is already closed."))
    if not note.strip():
        raise ValidationError({"note": _("Say how it was put right.")})
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.closing_note = note.strip()
    locked.full_clean()
    locked.save(update_fields=["closed_at", "closed_by", "closing_note"])
    record_event(
        actor=actor,
        action="supervision.corrective_close",
        obj=locked,
        application=locked.review.application,
        data={"late": timezone.localdate() > locked.due_on},
        request=request,
    )
    return locked
