"""HTTP tests of the case pages: filing, the case page, each step, worklists."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.cases import views as case_views
from onewindow.cases.models import Application, Decision
from onewindow.cases.workflow import KIND_LABELS, Kind, Status
from tests.factories import World, sign_agreement

pytestmark = pytest.mark.django_db

# The assessment questions of the one form: a bachelor's with four years' experience.
FACTS = {
    "annual_salary_cny": "500000",
    "education": "bachelor",
    "related_experience_years": "4",
    "months_per_year_in_china": "12",
    "hsk_level": "0",
    "continuous_years_in_china": "0",
    "local_bonus": "0",
}

SignIn = Callable[[User], Client]


def _detail(application: Application) -> str:
    return reverse("cases:detail", kwargs={"reference": application.reference})


def _act(application: Application, action: str) -> str:
    return reverse("cases:act", kwargs={"reference": application.reference, "action": action})


class TestCreate:
    def test_it_lets_hr_file_a_draft_for_their_employee(self, world: World, sign_in: SignIn) -> None:
        person = world.person()
        client = sign_in(world.alice)
        url = reverse("cases:create", kwargs={"person_id": person.pk}) + "?kind=new_in_china"
        form = client.get(url)
        token = form.context["form"].initial["client_token"]
        data = {"position": "Engineer", "client_token": token, "basis": "category_a", **FACTS}
        response = client.post(url, data)
        application = Application.objects.get(person=person)
        assert response.status_code == 302
        assert response["Location"] == _detail(application)
        assert application.status == Status.DRAFT
        assert application.station == world.offices["zhaoshang"]
        assert application.category == "B"
        assert application.details["assessment"]["route"] in {"points", "bachelor_experience"}

    def test_it_creates_one_application_when_the_form_is_posted_twice(
        self, world: World, sign_in: SignIn
    ) -> None:
        person = world.person()
        client = sign_in(world.alice)
        url = reverse("cases:create", kwargs={"person_id": person.pk}) + "?kind=new_in_china"
        data = {"position": "Engineer", "client_token": "retry-1", "basis": "category_a", **FACTS}
        client.post(url, data)
        client.post(url, data)
        assert Application.objects.filter(person=person).count() == 1

    def test_it_refuses_a_work_period_that_ends_before_it_starts(self, world: World, sign_in: SignIn) -> None:
        person = world.person()
        client = sign_in(world.alice)
        data = {
            "position": "Engineer",
            "client_token": "t",
            "basis": "category_a",
            "work_start": "2027-03-01",
            "work_end": "2027-01-01",
            **FACTS,
        }
        response = client.post(
            reverse("cases:create", kwargs={"person_id": person.pk}) + "?kind=new_in_china", data
        )
        assert response.status_code == 200
        assert "Work cannot end before it starts." in response.content.decode()
        assert not Application.objects.filter(person=person).exists()

    def test_it_refuses_short_term_work_longer_than_90_days(self, world: World, sign_in: SignIn) -> None:
        person = world.person()
        data = {
            "position": "Engineer",
            "client_token": "t",
            "situation": "technical",
            "work_start": "2027-01-01",
            "work_end": "2027-04-30",
        }
        url = reverse("cases:create", kwargs={"person_id": person.pk}) + f"?kind={Kind.SHORT_TERM.value}"
        response = sign_in(world.alice).post(url, data)
        assert "Short-term work lasts 90 days or less." in response.content.decode()

    @pytest.mark.parametrize("name", ["olga", "carol", "dave", "bob"])
    def test_it_hides_the_form_from_anyone_but_the_employers_hr(
        self, world: World, sign_in: SignIn, name: str
    ) -> None:
        person = world.person()
        response = sign_in(world.users[name]).get(reverse("cases:create", kwargs={"person_id": person.pk}))
        assert response.status_code == 404


class TestDetail:
    @pytest.mark.parametrize("name", ["alice", "carol", "dave", "erin", "frank"])
    def test_it_shows_the_case_to_everyone_in_reach(self, world: World, sign_in: SignIn, name: str) -> None:
        application = world.application(stage="submitted")
        response = sign_in(world.users[name]).get(_detail(application))
        assert response.status_code == 200
        assert application.reference in response.content.decode()

    @pytest.mark.parametrize("name", ["olga", "cora", "dina", "gina", "heidi"])
    def test_it_answers_404_outside_the_users_reach(self, world: World, sign_in: SignIn, name: str) -> None:
        application = world.application(stage="submitted")
        assert sign_in(world.users[name]).get(_detail(application)).status_code == 404

    def test_it_gives_the_same_404_for_a_reference_that_does_not_exist(
        self, world: World, sign_in: SignIn
    ) -> None:
        assert sign_in(world.carol).get("/cases/OW-0000-0000/").status_code == 404

    def test_it_shows_the_foreign_national_their_own_case(self, world: World, sign_in: SignIn) -> None:
        application = world.application(person=world.people["bob"], stage="submitted")
        assert sign_in(world.bob).get(_detail(application)).status_code == 200
        other = world.application(stage="submitted")
        assert sign_in(world.bob).get(_detail(other)).status_code == 404

    def test_it_logs_every_view_of_the_case(self, world: World, sign_in: SignIn) -> None:
        application = world.application(stage="submitted")
        sign_in(world.dave).get(_detail(application))
        view = Event.objects.get(action="application.view", object_id=str(application.pk))
        assert view.actor == world.dave
        assert view.data["page"] == _detail(application)

    def test_it_offers_each_role_only_its_own_steps(self, world: World, sign_in: SignIn) -> None:
        application = world.application(stage="submitted")
        window_page = sign_in(world.carol).get(_detail(application)).content.decode()
        assert 'data-action="accept"' in window_page
        assert 'data-action="return"' in window_page
        hr_page = sign_in(world.alice).get(_detail(application)).content.decode()
        assert 'data-action="accept"' not in hr_page
        assert 'data-action="withdraw"' in hr_page

    def test_it_reads_the_timeline_in_a_fixed_number_of_queries(
        self, world: World, sign_in: SignIn, django_assert_max_num_queries: Callable[..., object]
    ) -> None:
        application = world.application(stage="approved")
        client = sign_in(world.carol)
        with django_assert_max_num_queries(40):  # type: ignore[operator]
            assert client.get(_detail(application)).status_code == 200


class TestSteps:
    def test_it_submits_and_accepts(self, world: World, sign_in: SignIn) -> None:
        application = world.application()
        sign_in(world.alice).post(_act(application, "submit"))
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert application.due_on is not None
        sign_in(world.carol).post(_act(application, "accept"))
        application.refresh_from_db()
        assert application.status == Status.IN_REVIEW

    def test_it_refuses_a_step_the_table_does_not_allow_and_changes_nothing(
        self, world: World, sign_in: SignIn
    ) -> None:
        application = world.application(stage="in_review")
        version = application.version
        last_event = Event.objects.order_by("-id").values_list("id", flat=True).first()
        response = sign_in(world.carol).post(_act(application, "accept"), follow=True)
        application.refresh_from_db()
        assert application.status == Status.IN_REVIEW
        assert application.version == version
        assert not Event.objects.filter(id__gt=last_event, action__startswith="case.").exists()
        assert "not possible while the application is" in response.content.decode()

    def test_it_keeps_drafts_from_officials(self, world: World, sign_in: SignIn) -> None:
        application = world.application()
        for name in ("carol", "dave", "frank"):
            assert sign_in(world.users[name]).get(_detail(application)).status_code == 404
        assert sign_in(world.alice).get(_detail(application)).status_code == 200

    def test_it_refuses_a_step_of_another_role(self, world: World, sign_in: SignIn) -> None:
        application = world.application(stage="submitted")
        response = sign_in(world.alice).post(_act(application, "accept"), follow=True)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert "Your role cannot take this step." in response.content.decode()

    def test_it_refuses_a_stale_version(self, world: World, sign_in: SignIn) -> None:
        application = world.application(stage="submitted")
        response = sign_in(world.carol).post(_act(application, "accept"), {"version": "1"}, follow=True)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert "changed by someone else" in response.content.decode()

    def test_it_answers_404_to_an_unknown_step(self, world: World, sign_in: SignIn) -> None:
        application = world.application()
        assert sign_in(world.alice).post(_act(application, "teleport")).status_code == 404

    def test_it_answers_404_for_another_areas_case(self, world: World, sign_in: SignIn) -> None:
        application = world.application(stage="submitted")
        assert sign_in(world.cora).post(_act(application, "accept")).status_code == 404
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED

    def test_it_only_takes_steps_by_post(self, world: World, sign_in: SignIn) -> None:
        application = world.application()
        assert sign_in(world.alice).get(_act(application, "submit")).status_code == 405

    def test_it_returns_once_with_every_correction(self, world: World, sign_in: SignIn) -> None:
        application = world.application(stage="submitted")
        url = reverse("cases:return", kwargs={"reference": application.reference})
        client = sign_in(world.carol)
        client.post(url, {"corrections": "Upload the degree.\n\nSign the form.\n"})
        application.refresh_from_db()
        assert application.status == Status.RETURNED
        assert [c.text for c in application.corrections.all()] == ["Upload the degree.", "Sign the form."]
        sign_in(world.alice).post(_act(application, "resubmit"))
        response = sign_in(world.carol).post(url, {"corrections": "One more thing."}, follow=True)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert "already returned once" in response.content.decode()

    def test_it_refuses_an_empty_list_of_corrections(self, world: World, sign_in: SignIn) -> None:
        application = world.application(stage="submitted")
        url = reverse("cases:return", kwargs={"reference": application.reference})
        response = sign_in(world.carol).post(url, {"corrections": "  \n "})
        assert response.status_code == 200
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED

    def test_it_decides_both_permits_and_concludes(self, world: World, sign_in: SignIn) -> None:
        application = world.application(stage="in_review")
        decision = {
            "outcome": "approved",
            "reason_codes": ["criteria_met"],
            "valid_from": "2027-01-01",
            "valid_until": "2028-12-31",
        }
        sign_in(world.dave).post(
            reverse("cases:decide_work", kwargs={"reference": application.reference}), decision
        )
        application.refresh_from_db()
        assert application.status == Status.IN_REVIEW
        residence = {**decision, "reason_codes": ["residence_granted"], "fee_cny": "800"}
        sign_in(world.erin).post(
            reverse("cases:decide_residence", kwargs={"reference": application.reference}), residence
        )
        application.refresh_from_db()
        assert application.status == Status.APPROVED
        assert application.decisions.count() == 2

    def test_it_refuses_an_unreasoned_refusal(self, world: World, sign_in: SignIn) -> None:
        application = world.application(stage="in_review")
        url = reverse("cases:decide_work", kwargs={"reference": application.reference})
        response = sign_in(world.dave).post(url, {"outcome": "refused", "reason_codes": ["criteria_met"]})
        assert response.status_code == 200
        body = response.content.decode()
        assert "A refusal must state at least one reason for refusal." in body
        assert "A refusal must be reasoned." in body
        assert not Decision.objects.filter(application=application).exists()

    def test_it_concludes_a_refusal_at_once_and_prints_the_appeal_routes(
        self, world: World, sign_in: SignIn
    ) -> None:
        application = world.application(stage="in_review")
        url = reverse("cases:decide_work", kwargs={"reference": application.reference})
        sign_in(world.dave).post(
            url, {"outcome": "refused", "reason_codes": ["criteria_not_met"], "reasoning": "Salary too low."}
        )
        application.refresh_from_db()
        assert application.status == Status.REFUSED
        page = sign_in(world.alice).get(_detail(application)).content.decode()
        assert "administrative reconsideration" in page
        assert "Administrative Litigation Law" in page

    def test_it_keeps_the_reviewer_who_accepted_from_deciding(self, world: World, sign_in: SignIn) -> None:
        from onewindow.accounts.actions import do_grant_role
        from onewindow.accounts.models import Role

        application = world.application(stage="submitted")
        do_grant_role(actor=None, user=world.carol, role=Role.REVIEWER, office=world.offices["commission"])
        sign_agreement(world.carol, world.offices["commission"])
        sign_in(world.carol).post(_act(application, "accept"))
        url = reverse("cases:decide_work", kwargs={"reference": application.reference})
        response = sign_in(world.carol).post(
            url,
            {
                "outcome": "approved",
                "reason_codes": ["criteria_met"],
                "valid_from": "2027-01-01",
                "valid_until": "2027-12-31",
            },
            follow=True,
        )
        assert "cannot also decide it" in response.content.decode()
        assert not Decision.objects.filter(application=application).exists()

    def test_it_stops_the_clock_for_a_supplement_and_resumes_on_the_answer(
        self, world: World, sign_in: SignIn
    ) -> None:
        application = world.application(stage="in_review")
        sign_in(world.dave).post(
            reverse("cases:request_supplement", kwargs={"reference": application.reference}),
            {"corrections": "Proof of experience."},
        )
        application.refresh_from_db()
        assert application.status == Status.AWAITING_SUPPLEMENT
        assert application.due_on is None
        sign_in(world.alice).post(
            reverse("cases:answer", kwargs={"reference": application.reference}), {"answer": "Uploaded."}
        )
        application.refresh_from_db()
        assert application.status == Status.IN_REVIEW
        assert application.due_on is not None
        assert application.corrections.get().answer == "Uploaded."


class TestWorklist:
    def test_it_lists_the_stations_cases_soonest_first(
        self, world: World, sign_in: SignIn, django_assert_max_num_queries: Callable[..., object]
    ) -> None:
        first = world.application(stage="submitted")
        second = world.application(stage="submitted")
        world.application("lab", stage="submitted")
        client = sign_in(world.carol)
        with django_assert_max_num_queries(12):  # type: ignore[operator]
            response = client.get(reverse("cases:worklist"))
        rows = [case for case, _left, _overdue in response.context["rows"]]
        assert rows == [first, second]

    def test_it_pages_the_worklist_so_that_every_case_is_reachable(
        self, world: World, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(case_views, "WORKLIST_PAGE_SIZE", 2)
        first, second, third = (world.application(stage="submitted") for _ in range(3))
        client = sign_in(world.carol)
        page_one = client.get(reverse("cases:worklist"))
        assert [case for case, _left, _overdue in page_one.context["rows"]] == [first, second]
        assert "Page 1 of 2: 3 open cases" in page_one.content.decode()
        assert 'href="?role=window_officer&amp;page=2"' in page_one.content.decode()
        page_two = client.get(reverse("cases:worklist"), {"role": "window_officer", "page": "2"})
        assert [case for case, _left, _overdue in page_two.context["rows"]] == [third]
        # Each row names its kind in the reader's language.
        label = KIND_LABELS[Kind(first.kind)]
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            chinese_label = str(label)
        assert page_one.content.decode().count(f'<td data-label="Kind">{english}</td>') == 2
        client.cookies["django_language"] = "zh-hans"
        chinese = client.get(reverse("cases:worklist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert f">{chinese_label}</td>" in chinese and english not in chinese
        client.cookies["django_language"] = "en"
        # A page number out of range or not a number shows the nearest page, not an error.
        assert client.get(reverse("cases:worklist"), {"page": "99"}).context["page"].number == 2
        assert client.get(reverse("cases:worklist"), {"page": "x"}).context["page"].number == 1

    def test_past_the_count_cap_it_says_more_than_and_still_reaches_every_case(
        self, world: World, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(case_views, "WORKLIST_PAGE_SIZE", 1)
        monkeypatch.setattr(case_views, "WORKLIST_COUNT_CAP", 2)
        cases = [world.application(stage="submitted") for _ in range(4)]
        client = sign_in(world.carol)
        seen = []
        for number in range(1, 5):
            response = client.get(reverse("cases:worklist"), {"role": "window_officer", "page": str(number)})
            seen += [case for case, _left, _overdue in response.context["rows"]]
            body = response.content.decode()
            assert f"Page {number}: more than 2 open cases" in body
            assert ("page=" + str(number + 1)) in body if number < 4 else "page=5" not in body
        assert seen == cases
        # The count reads keys only, and stops past the cap.
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("cases:worklist"))
        [count] = [
            q["sql"]
            for q in context.captured_queries
            if "COUNT(*)" in q["sql"] and "cases_application" in q["sql"]
        ]
        assert "LIMIT 3" in count and "JOIN" not in count
        # Past the end: the last page, counted exactly.
        last = client.get(reverse("cases:worklist"), {"page": "99"})
        assert last.context["page"].number == 4
        assert [case for case, _left, _overdue in last.context["rows"]] == [cases[3]]
        assert "Page 4 of 4: 4 open cases" in last.content.decode()
        # A number no list reaches, or no number: the last page, the first.
        huge = client.get(reverse("cases:worklist"), {"page": "9" * 40})
        assert huge.status_code == 200 and huge.context["page"].number == 4
        for text in ("0", "-3", "x", ""):
            assert client.get(reverse("cases:worklist"), {"page": text}).context["page"].number == 1

    def test_it_gives_the_commission_every_case_in_review_in_the_city(
        self, world: World, sign_in: SignIn
    ) -> None:
        ours = world.application(stage="in_review")
        theirs = world.application("lab", stage="in_review")
        response = sign_in(world.dave).get(reverse("cases:worklist"))
        assert {case for case, _left, _overdue in response.context["rows"]} == {ours, theirs}

    def test_it_gives_a_district_reviewer_their_district_only(self, world: World, sign_in: SignIn) -> None:
        world.application(stage="in_review")
        theirs = world.application("lab", stage="in_review")
        response = sign_in(world.dina).get(reverse("cases:worklist"))
        assert [case for case, _left, _overdue in response.context["rows"]] == [theirs]

    def test_it_is_not_for_hr_users(self, world: World, sign_in: SignIn) -> None:
        assert sign_in(world.alice).get(reverse("cases:worklist")).status_code == 404
