"""Key rotation: old keys keep decrypting; `reencrypt` moves everything to the new key."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from onewindow.audit.models import Event
from onewindow.employers.models import Employer
from onewindow.lib.crypto import DecryptionError
from onewindow.people.actions import do_upload_document
from onewindow.people.models import Document, Person
from onewindow.people.storage import read_content
from tests import samples
from tests.factories import World, build_world

pytestmark = pytest.mark.django_db


def new_key(kid: str) -> str:
    return f"{kid}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (fixed names)
        return str(cursor.fetchone()[0])


def run(**options: Any) -> str:
    out = io.StringIO()
    call_command("reencrypt", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def rotated(settings: Any, db: None) -> tuple[World, str, str]:
    """A world sealed under the key ``old``, then the key list rotated to ``new,old``."""
    old, new = new_key("old"), new_key("new")
    settings.ONEWINDOW_DATA_KEYS = old
    world = build_world()
    person = world.person(family_name="Rotated", passport_number="R1234567")
    do_upload_document(
        actor=world.alice,
        person=person,
        upload=SimpleUploadedFile("p.pdf", samples.pdf()),
        document_type="passport",
    )
    settings.ONEWINDOW_DATA_KEYS = f"{new},{old}"
    return world, old, new


def test_it_still_reads_values_sealed_with_an_older_key(rotated: tuple[World, str, str]) -> None:
    person = Person.objects.get(family_name="Rotated")
    assert person.passport_number == "R1234567"
    assert raw_column("people_person", "passport_number", person.pk).startswith("ow1.old.")
    assert read_content(Document.objects.get(person=person)).startswith(b"%PDF-")


def test_it_seals_new_values_with_the_first_key(rotated: tuple[World, str, str]) -> None:
    world, _, _ = rotated
    person = world.person(family_name="Fresh")
    assert raw_column("people_person", "passport_number", person.pk).startswith("ow1.new.")


def test_it_reseals_every_column_and_file(
    rotated: tuple[World, str, str], document_storage: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        output = run(batch_size=3)
    for person in Person.objects.all():
        for column in ("passport_number", "date_of_birth", "residential_address", "phone"):
            assert raw_column("people_person", column, person.pk).startswith("ow1.new."), column
    for employer in Employer.objects.all():
        assert raw_column("employers_employer", "contact_phone", employer.pk).startswith("ow1.new.")
    document = Document.objects.get(person__family_name="Rotated")
    assert document.key_id == "new"
    files = [path for path in document_storage.rglob("*") if path.is_file()]
    assert len(files) == 1  # the old file is gone once the new one is in place
    assert files[0].read_bytes().startswith(b"ow1.new.")
    assert "people.Person.passport_number" in output
    assert "Values per data key" in output


def test_it_lets_the_old_key_go_after_the_run(rotated: tuple[World, str, str], settings: Any) -> None:
    _, _, new = rotated
    run()
    settings.ONEWINDOW_DATA_KEYS = new
    person = Person.objects.get(family_name="Rotated")
    assert person.passport_number == "R1234567"
    assert read_content(Document.objects.get(person=person)).startswith(b"%PDF-")


def test_it_cannot_read_old_values_once_the_old_key_is_dropped_too_early(
    rotated: tuple[World, str, str], settings: Any
) -> None:
    _, _, new = rotated
    settings.ONEWINDOW_DATA_KEYS = new
    with pytest.raises(DecryptionError, match="unknown data key 'old'"):
        Person.objects.get(family_name="Rotated")
    with pytest.raises(CommandError, match="Put the key that sealed it back"):
        run()


def test_it_does_nothing_the_second_time(rotated: tuple[World, str, str]) -> None:
    run()
    second = run()
    assert "Rows and files to re-seal: 0." in second
    events = Event.objects.filter(action="data.reencrypt").order_by("id")
    assert [event.data["files"] for event in events] == [1, 0]
    assert all(value == 0 for value in events.last().data["rows"].values())  # type: ignore[union-attr]


def test_it_reports_counts_per_key(rotated: tuple[World, str, str]) -> None:
    event_before = Person.objects.count()
    run()
    event = Event.objects.get(action="data.reencrypt")
    assert event.data["before"]["people.Person"]["passport_number"] == {"old": event_before}
    assert event.data["files_before"] == {"old": 1}
    assert event.data["rows"]["people.Person"] == event_before
