"""Scorecard figures against a hand-computed fixture (March 2026 has no public holiday).

    case  kind          submitted  accepted  decided   completed   wd to decision  statutory (from acceptance)
    one   new in China  Mon 2 Mar  Mon 2 Mar Mon 9 Mar Wed 11 Mar  5               5 ≤ 10  on time
    two   new in China  Mon 2 Mar  Tue 3 Mar Thu 19 Mar —          13              12 > 10 late
    three short-term    Mon 2 Mar  Mon 2 Mar Wed 4 Mar —           2               2 ≤ 5   on time

Working days to decision [5, 13, 2]: median 5, 90th percentile (nearest rank ⌈2.7⌉ = 3rd) 13.
Promise of 4 working days from submission: only three (2) keeps it → 33.3 %. Statutory: 2 of 3 → 66.7 %.
To completion: one, (2 Mar, 11 Mar] = 7. Reviews: one none, two major → 2 reviewed, major 50 %, minor 0 %;
one corrective action open (owner carol). Visits: one was completed after one visit (carol issued at the
window) → 1 visit per completion.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from onewindow.audit.models import Event
from onewindow.cases.actions import do_set_time_limit, do_transition
from onewindow.cases.kinds import visit_documents
from onewindow.cases.models import TimeLimit
from onewindow.cases.workflow import Action, Kind
from onewindow.supervision.checks import do_draw_sample, do_open_campaign, do_record_review
from onewindow.supervision.models import CHECKLIST, Finding
from onewindow.supervision.scorecards import officer_scorecard, percentile, station_scorecard
from onewindow.visits.actions import do_record_original_check
from onewindow.visits.models import OriginalCheck
from tests.factories import World, approve

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, month: int = 3) -> time_machine.travel:
    return time_machine.travel(dt.datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI), tick=False)


def fixture(world: World) -> dict[str, object]:
    do_set_time_limit(
        actor=None,
        city=world.areas["shenzhen"],
        step=TimeLimit.Step.PROMISED_TOTAL,
        working_days=4,
        valid_from=dt.date(2026, 1, 1),
    )
    with at(2):
        campaign = do_open_campaign(
            actor=world.frank,
            office=world.offices["commission"],
            title="March",
            stations=[world.offices["zhaoshang"]],
            period_start=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 3, 31),
            sample_rate=1,  # type: ignore[arg-type]
        )
        one = world.application(stage="in_review")
        two = world.application(stage="submitted")
        three = world.application(kind=Kind.SHORT_TERM, stage="in_review")
    with at(3):
        do_transition(two, actor=world.carol, action=Action.ACCEPT)
    with at(4):
        approve(world, three)
    with at(9):
        approve(world, one)
    with at(11):
        for document in visit_documents(one.kind):
            do_record_original_check(
                one, actor=world.carol, document_type=str(document), outcome=OriginalCheck.Outcome.MATCHES
            )
        do_transition(one, actor=world.carol, action=Action.VERIFY_ORIGINALS)
        from onewindow.permits.actions import do_issue_permit

        do_issue_permit(one, actor=world.carol, residence_permit_number="RP12345678")
    with at(19):
        approve(world, two)
    with at(1, 4):
        campaign = do_draw_sample(campaign, actor=world.frank)
        checks = {name: True for name, _label in CHECKLIST}
        do_record_review(
            campaign.sample.get(application=one), actor=world.frank, checks=checks, finding=Finding.NONE
        )
        do_record_review(
            campaign.sample.get(application=two),
            actor=world.frank,
            checks={**checks, "deadlines_met": False},
            finding=Finding.MAJOR,
            corrective=[
                {"description": "Explain the delay", "owner": world.carol, "due_on": dt.date(2026, 4, 30)}
            ],
        )
    return {"one": one, "two": two, "three": three}


def test_percentile_is_nearest_rank() -> None:
    assert percentile([5, 13, 2], 0.9) == 13
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([], 0.9) is None


def test_the_station_scorecard_matches_the_hand_computed_figures(world: World) -> None:
    fixture(world)
    card = station_scorecard(world.offices["zhaoshang"], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert [(code, n) for code, _label, n in card.volume] == [("short_term", 1), ("new_in_china", 2)]
    assert sorted(card.decision_days) == [2, 5, 13]
    assert card.decision_median == 5
    assert card.decision_p90 == 13
    assert card.completion_days == [7]
    assert card.completion_median == 7
    assert card.completion_p90 == 7
    assert (card.statutory.met, card.statutory.total, card.statutory.percent) == (2, 3, 66.7)
    assert (card.promised.met, card.promised.total, card.promised.percent) == (1, 3, 33.3)
    assert card.reviewed == 2
    assert card.finding_rate(Finding.MAJOR) == 50.0
    assert card.finding_rate(Finding.MINOR) == 0.0
    assert card.corrective_open == 1
    assert (card.completed_with_visit, card.visits, card.visits_per_completion) == (1, 1, 1.0)
    # Another station and another period are empty.
    assert (
        station_scorecard(
            world.offices["lianhua"], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
        ).decided
        == 0
    )
    assert (
        station_scorecard(
            world.offices["zhaoshang"], start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28)
        ).decided
        == 0
    )


def test_the_officer_scorecard_counts_the_cases_they_handled(world: World) -> None:
    fixture(world)
    carol = officer_scorecard(world.carol, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert carol.decided == 3
    assert carol.corrective_open == 1
    assert (carol.completed_with_visit, carol.visits) == (1, 1)
    cora = officer_scorecard(world.cora, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert cora.decided == 0
    assert (cora.completed_with_visit, cora.visits_per_completion) == (0, None)


def test_the_page_and_the_logged_csv(world: World, sign_in: object, client: Client) -> None:
    fixture(world)
    sign_in(world.frank)  # type: ignore[operator]
    station = world.offices["zhaoshang"]
    url = f"/supervision/scorecards/station/{station.pk}/?start=2026-03-01&end=2026-03-31"
    page = client.get(url)
    assert page.status_code == 200
    assert "66.7" in page.content.decode()
    assert 'data-chart="scorecard-volume-data"' in page.content.decode()
    response = client.post(
        f"/supervision/scorecards/station/{station.pk}/export/", {"start": "2026-03-01", "end": "2026-03-31"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert '"Working days to decision, 90th percentile",13' in body
    event = Event.objects.get(action="supervision.scorecard_export")
    assert event.actor == world.frank
    assert event.data["station"] == station.code


@pytest.mark.parametrize("who", ["carol", "dave", "dina", "gina", "heidi", "alice"])
def test_nobody_but_the_commissions_supervisors_sees_a_scorecard(
    world: World, sign_in: object, client: Client, who: str
) -> None:
    sign_in(world.users[who])  # type: ignore[operator]
    station = world.offices["zhaoshang"]
    assert client.get(f"/supervision/scorecards/station/{station.pk}/").status_code == 404
    assert client.post(f"/supervision/scorecards/station/{station.pk}/export/").status_code == 404


def test_a_second_visit_shows_in_the_station_and_officer_scorecards(world: World) -> None:
    from onewindow.visits.models import Visit

    cases = fixture(world)
    one = cases["one"]
    first = Visit.objects.get(application=one)
    Visit.objects.create(
        application=one,
        office=first.office,
        officer=world.carol,
        number=2,
        reason="The passport's original was at the embassy",
        started_at=first.started_at - dt.timedelta(days=1),
        ended_at=first.started_at - dt.timedelta(hours=23),
    )
    card = station_scorecard(world.offices["zhaoshang"], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert (card.completed_with_visit, card.visits, card.visits_per_completion) == (1, 2, 2.0)
    assert ("Visits per completed application (target 1)", "2.0") in card.rows()
    carol = officer_scorecard(world.carol, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert carol.visits_per_completion == 2.0
