"""`retention apply`: files past their retention period are anonymised, each as an audited event."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from onewindow.audit.models import Event
from onewindow.cases.actions import do_transition
from onewindow.cases.workflow import Action
from onewindow.people.actions import do_create_person, do_upload_document
from onewindow.people.models import Document, Person
from onewindow.people.retention import persons_due
from tests import samples
from tests.factories import World

pytestmark = pytest.mark.django_db
PERSON_DAYS = settings.ONEWINDOW_RETENTION_DAYS["person"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def later(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def withdrawn_case_person(world: World) -> Person:
    application = world.application(stage="submitted")
    do_transition(application, actor=world.alice, action=Action.WITHDRAW)
    return application.person


def test_it_anonymises_a_file_whose_cases_ended_long_ago(
    world: World, document_storage: Path, django_capture_on_commit_callbacks: Any
) -> None:
    person = withdrawn_case_person(world)
    passport = person.passport_number
    assert Person.objects.by_passport("GB", passport).filter(pk=person.pk).exists()
    do_upload_document(
        actor=world.alice,
        person=person,
        upload=SimpleUploadedFile("p.pdf", samples.pdf()),
        document_type="passport",
    )
    with time_machine.travel(later(PERSON_DAYS + 2)), django_capture_on_commit_callbacks(execute=True):
        output = run("apply")
    assert f"Anonymised person #{person.pk}" in output
    person.refresh_from_db()
    assert person.anonymised_at is not None
    assert (person.family_name, person.given_names, person.passport_number, person.date_of_birth) == (
        "ANONYMISED",
        "",
        "",
        None,
    )
    assert (person.residential_address, person.phone, person.email) == ("", "", "")
    assert person.nationality == "GB" and person.birth_year == 1990
    assert not Person.objects.by_passport("GB", passport).exists()
    document = Document.objects.get(person=person)
    assert document.purged_at is not None and not document.file
    assert [path for path in document_storage.rglob("*") if path.is_file()] == []
    event = Event.objects.get(action="person.anonymise", object_id=str(person.pk))
    assert event.actor is None and event.actor_label == "system:retention"
    assert event.data["reason"] == "retention" and event.data["documents_purged"] == 1
    assert Event.objects.filter(action="document.purge", object_id=str(document.pk)).exists()


def test_it_keeps_a_file_until_the_period_has_run(world: World) -> None:
    person = withdrawn_case_person(world)
    with time_machine.travel(later(PERSON_DAYS - 2)):
        assert "Done: 0 person file(s)" in run("apply")
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_it_keeps_a_file_with_an_open_case(world: World) -> None:
    application = world.application(stage="in_review")
    with time_machine.travel(later(PERSON_DAYS * 3)):
        run("apply")
    application.person.refresh_from_db()
    assert application.person.anonymised_at is None


def test_it_keeps_a_file_while_a_permit_is_valid_and_for_the_period_after(world: World) -> None:
    application = world.application(stage="completed")
    permit_end = application.permit.valid_until
    with time_machine.travel(later(PERSON_DAYS + 2)):
        assert not persons_due(timezone.localdate()).filter(pk=application.person_id).exists()
    after = dt.datetime.combine(permit_end, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=PERSON_DAYS + 2)
    with time_machine.travel(after):
        assert persons_due(timezone.localdate()).filter(pk=application.person_id).exists()


def test_it_keeps_an_employee_without_cases_but_not_a_stray_file(world: World) -> None:
    employee = world.person(family_name="Employed")
    stray = do_create_person(
        actor=None,
        family_name="Stray",
        sex="M",
        date_of_birth=dt.date(1985, 1, 1),
        nationality="FR",
        passport_number="FR0001111",
        passport_expiry=dt.date(2035, 1, 1),
    )
    with time_machine.travel(later(PERSON_DAYS + 2)):
        due = set(persons_due(timezone.localdate()).values_list("pk", flat=True))
    assert stray.pk in due
    assert employee.pk not in due


def test_it_changes_nothing_in_a_dry_run(world: World) -> None:
    person = withdrawn_case_person(world)
    with time_machine.travel(later(PERSON_DAYS + 2)):
        output = run("apply", "--dry-run")
    assert f"Would anonymise person #{person.pk}" in output
    person.refresh_from_db()
    assert person.anonymised_at is None
    assert not Event.objects.filter(action="person.anonymise").exists()


def test_it_does_nothing_twice(world: World) -> None:
    withdrawn_case_person(world)
    with time_machine.travel(later(PERSON_DAYS + 2)):
        run("apply")
        assert "Done: 0 person file(s), 0 document(s)." in run("apply")
    assert Event.objects.filter(action="person.anonymise").count() == 1


def test_it_removes_documents_long_expired(world: World) -> None:
    person = world.people["bob"]
    old = do_upload_document(
        actor=world.alice,
        person=person,
        upload=SimpleUploadedFile("old.pdf", samples.pdf("old")),
        document_type="passport",
        issued_on=dt.date(2010, 1, 1),
        expires_on=dt.date(2015, 1, 1),
    )
    current = do_upload_document(
        actor=world.alice,
        person=person,
        upload=SimpleUploadedFile("new.pdf", samples.pdf("new")),
        document_type="passport",
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )
    output = run("apply")
    assert f"Removed the content of document #{old.pk}" in output
    old.refresh_from_db()
    current.refresh_from_db()
    assert old.purged_at is not None and current.purged_at is None
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_it_stores_nothing_readable_after_anonymisation(world: World) -> None:
    person = withdrawn_case_person(world)
    with time_machine.travel(later(PERSON_DAYS + 2)):
        run("apply")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT passport_number, date_of_birth, phone FROM people_person WHERE id = %s", [person.pk]
        )
        assert cursor.fetchone() in {("", None, ""), ("", "", "")}


def test_it_prints_the_policy() -> None:
    output = run("policy")
    assert f"person: {PERSON_DAYS} days" in output
