"""The foreign staff API: files, employments, documents, changes and departures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onewindow.cases.models import Application
from onewindow.cases.workflow import Kind
from onewindow.people.models import Document, Employment, Person
from tests import samples
from tests.api.conftest import ApiClient
from tests.factories import World

pytestmark = pytest.mark.django_db
ApiAs = Callable[..., ApiClient]


def new_person(employer_id: int, **overrides: Any) -> dict[str, Any]:
    body = {
        "employer_id": employer_id,
        "position": "Engineer",
        "family_name": "Smith",
        "given_names": "Ann",
        "sex": "F",
        "date_of_birth": "1991-02-03",
        "nationality": "GB",
        "passport_number": "p 555 111",
        "passport_expiry": str(timezone.localdate().replace(year=timezone.localdate().year + 4)),
        "residential_address": "1 Example Road",
        "phone": "+86 138 0000 1111",
    }
    return body | overrides


class TestPeople:
    def test_it_lists_and_reads_only_the_employers_staff(self, world: World, api_as: ApiAs) -> None:
        ours, theirs = world.person(), world.person("lab")
        api = api_as(world.alice)
        listed = [row["id"] for row in api.get("/people?limit=200").json()["items"]]
        assert ours.pk in listed and theirs.pk not in listed
        response = api.get(f"/people/{ours.pk}")
        assert response.status_code == 200
        assert response.json()["passport_number"] == ours.passport_number
        assert response["ETag"]
        assert api.get(f"/people/{theirs.pk}").status_code == 404

    def test_it_filters_by_employer_and_pages(self, world: World, api_as: ApiAs) -> None:
        people = [world.person() for _ in range(3)]
        api = api_as(world.alice)
        employer = world.employers["robotics"].pk
        first = api.get(f"/people?employer_id={employer}&limit=2").json()
        second = api.get(f"/people?employer_id={employer}&limit=2&cursor={first['next_cursor']}").json()
        seen = {row["id"] for row in first["items"] + second["items"]}
        assert {p.pk for p in people} <= seen
        assert second["next_cursor"] is None

    def test_a_supervisor_must_say_why_they_open_a_file(self, world: World, api_as: ApiAs) -> None:
        person = world.application(stage="submitted").person
        api = api_as(world.frank)
        refused = api.get(f"/people/{person.pk}")
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "reason_required"
        assert api.get(f"/people/{person.pk}?reason=random check 2026-Q4 no. 12").status_code == 200

    def test_it_creates_a_file_with_its_employment_once_per_idempotency_key(
        self, world: World, api_as: ApiAs
    ) -> None:
        api = api_as(world.alice)
        body = new_person(world.employers["robotics"].pk)
        first = api.post("/people", body, HTTP_IDEMPOTENCY_KEY="p-1")
        again = api.post("/people", body, HTTP_IDEMPOTENCY_KEY="p-1")
        assert first.status_code == again.status_code == 201, first.json()
        assert first.json() == again.json()
        person = Person.objects.get(pk=first.json()["id"])
        assert person.passport_number == "P555111"
        assert Employment.objects.get(person=person).employer == world.employers["robotics"]
        duplicate = api.post("/people", body)
        assert duplicate.status_code == 422
        assert "passport_number" in duplicate.json()["error"]["fields"]

    @pytest.mark.parametrize(
        ("change", "field"),
        [({"sex": "Q"}, "sex"), ({"nationality": "gb"}, "nationality"), ({"family_name": ""}, "family_name")],
    )
    def test_it_refuses_bad_input(
        self, world: World, api_as: ApiAs, change: dict[str, Any], field: str
    ) -> None:
        response = api_as(world.alice).post("/people", new_person(world.employers["robotics"].pk, **change))
        assert response.status_code == 422
        assert field in response.json()["error"]["fields"]

    def test_it_refuses_to_create_for_another_employer_or_as_another_role(
        self, world: World, api_as: ApiAs
    ) -> None:
        assert api_as(world.alice).post("/people", new_person(world.employers["lab"].pk)).status_code == 404
        assert (
            api_as(world.carol).post("/people", new_person(world.employers["robotics"].pk)).status_code == 404
        )

    def test_it_corrects_a_file_only_with_a_current_etag(self, world: World, api_as: ApiAs) -> None:
        person = world.person()
        api = api_as(world.alice)
        etag = api.get(f"/people/{person.pk}")["ETag"]
        assert api.patch(f"/people/{person.pk}", {"phone": "+86 1"}).status_code == 428
        updated = api.patch(f"/people/{person.pk}", {"phone": "+86 139 1"}, HTTP_IF_MATCH=etag)
        assert updated.status_code == 200
        assert updated.json()["phone"] == "+86 139 1"
        stale = api.patch(f"/people/{person.pk}", {"phone": "+86 139 2"}, HTTP_IF_MATCH=etag)
        assert stale.status_code == 412
        person.refresh_from_db()
        assert person.phone == "+86 139 1"
        # A name or passport changes only through a change report, checked at the window.
        renamed = api.patch(f"/people/{person.pk}", {"family_name": "X"}, HTTP_IF_MATCH="*")
        assert renamed.status_code == 422
        assert "family_name" in renamed.json()["error"]["fields"]
        # Officials read the file but do not correct it.
        other = world.application(stage="submitted").person
        assert (
            api_as(world.carol).patch(f"/people/{other.pk}", {"phone": "1234"}, HTTP_IF_MATCH="*").status_code
            == 404
        )

    def test_it_starts_an_employment(self, world: World, api_as: ApiAs) -> None:
        person = world.person()
        employment = person.employments.get()
        employment.ended_on = timezone.localdate()
        employment.save()
        api = api_as(world.alice)
        body = {"employer_id": world.employers["robotics"].pk, "position": "Lead"}
        response = api.post(f"/people/{person.pk}/employments", body)
        assert response.status_code == 201
        assert person.employments.current().get().position == "Lead"
        assert api.post(f"/people/{world.person('lab').pk}/employments", body).status_code == 404


class TestDocuments:
    def test_it_uploads_lists_and_downloads_a_document(self, world: World, api_as: ApiAs) -> None:
        person = world.person()
        api = api_as(world.alice)
        response = api.upload(
            f"/people/{person.pk}/documents",
            {"document_type": "passport", "file": SimpleUploadedFile("passport.pdf", samples.pdf())},
            HTTP_IDEMPOTENCY_KEY="d-1",
        )
        assert response.status_code == 201, response.json()
        document = response.json()
        assert document["content_type"] == "application/pdf"
        listed = api.get(f"/people/{person.pk}/documents").json()
        assert [d["id"] for d in listed] == [document["id"]]
        download = api.get(document["download_url"].removeprefix("/api/v1"))
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
        assert download.content.startswith(b"%PDF")
        assert api_as(world.olga).get(f"/documents/{document['id']}/content").status_code == 404

    def test_a_retried_upload_keeps_one_document(self, world: World, api_as: ApiAs) -> None:
        person = world.person()
        api = api_as(world.alice)
        content = samples.png()
        answers = [
            api.upload(
                f"/people/{person.pk}/documents",
                {"document_type": "photo", "file": SimpleUploadedFile("me.png", content)},
                HTTP_IDEMPOTENCY_KEY="upload-1",
            )
            for _ in range(2)
        ]
        assert [a.status_code for a in answers] == [201, 201]
        assert answers[0].json() == answers[1].json()
        assert answers[1]["Idempotent-Replayed"] == "true"
        assert Document.objects.filter(person=person).count() == 1

    def test_it_refuses_a_file_the_pages_would_refuse(self, world: World, api_as: ApiAs) -> None:
        person = world.person()
        response = api_as(world.alice).upload(
            f"/people/{person.pk}/documents",
            {"document_type": "passport", "file": SimpleUploadedFile("x.pdf", samples.pdf_with_javascript())},
        )
        assert response.status_code == 422
        assert "file" in response.json()["error"]["fields"]
        bad_type = api_as(world.alice).upload(
            f"/people/{person.pk}/documents",
            {"document_type": "tourism", "file": SimpleUploadedFile("x.pdf", samples.pdf())},
        )
        assert bad_type.status_code == 422
        assert not Document.objects.filter(person=person).exists()

    def test_it_hides_another_employers_person_from_uploads(self, world: World, api_as: ApiAs) -> None:
        person = world.person("lab")
        response = api_as(world.alice).upload(
            f"/people/{person.pk}/documents",
            {"document_type": "passport", "file": SimpleUploadedFile("p.pdf", samples.pdf())},
        )
        assert response.status_code == 404

    def test_it_uploads_an_employer_document(self, world: World, api_as: ApiAs) -> None:
        employer = world.employers["robotics"].pk
        api = api_as(world.alice)
        response = api.upload(
            f"/employers/{employer}/documents",
            {"document_type": "business_licence", "file": SimpleUploadedFile("l.png", samples.png())},
        )
        assert response.status_code == 201, response.json()
        assert len(api.get(f"/employers/{employer}/documents").json()) == 1
        assert api.get(f"/employers/{world.employers['lab'].pk}/documents").status_code == 404


class TestEmployers:
    def test_it_lists_the_current_foreign_staff(self, world: World, api_as: ApiAs) -> None:
        person = world.person()
        employer = world.employers["robotics"].pk
        api = api_as(world.alice)
        assert api.get(f"/employers/{employer}").json()["can_file_applications"] is True
        staff = api.get(f"/employers/{employer}/staff").json()
        assert person.pk in {row["person_id"] for row in staff}
        assert api.get(f"/employers/{world.employers['lab'].pk}/staff").status_code == 404


class TestReports:
    def test_it_reports_a_departure_as_a_submitted_cancellation(self, world: World, api_as: ApiAs) -> None:
        holder = world.application(stage="completed").person
        body = {"employment_end_date": str(timezone.localdate()), "reason": "contract_ended"}
        response = api_as(world.alice).post(f"/people/{holder.pk}/departures", body, HTTP_IDEMPOTENCY_KEY="x")
        assert response.status_code == 201, response.json()
        application = Application.objects.get(reference=response.json()["reference"])
        assert application.kind == Kind.CANCELLATION
        assert application.submitted_at is not None

    def test_it_reports_a_change_and_checks_the_rules(self, world: World, api_as: ApiAs) -> None:
        holder = world.application(stage="completed").person
        api = api_as(world.alice)
        body = {"items": ["position"], "change_date": str(timezone.localdate()), "position": "Lead"}
        response = api.post(f"/people/{holder.pk}/changes", body)
        assert response.status_code == 201, response.json()
        assert response.json()["kind"] == "change"
        without_permit = world.person()
        refused = api.post(f"/people/{without_permit.pk}/changes", body)
        assert refused.status_code == 422
        assert not Application.objects.filter(person=without_permit).exists()
        assert api_as(world.olga).post(f"/people/{holder.pk}/changes", body).status_code == 404


def test_a_report_dated_centuries_ago_is_refused_at_once(world: World, api_as: ApiAs) -> None:
    """Found by the fuzzing: counting working days back to year 1 took seconds per request."""
    import time

    holder = world.application(stage="completed").person
    started = time.monotonic()
    response = api_as(world.alice).post(
        f"/people/{holder.pk}/departures", {"employment_end_date": "0001-01-01", "reason": "resigned"}
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 422
    assert "employment_end_date" in response.json()["error"]["fields"]
