"""Uploading documents to a person's file, and downloading them as attachments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.people.access import access_document
from onewindow.people.actions import do_upload_document
from onewindow.people.models import Document, Person
from onewindow.people.selectors import persons_with_same_file
from onewindow.people.storage import read_content
from tests import samples
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def upload_file(data: bytes, name: str = "passport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def add_document(
    world: World, person: Person, data: bytes | None = None, *, document_type: str = "passport"
) -> Document:
    return do_upload_document(
        actor=world.alice,
        person=person,
        upload=upload_file(data or samples.pdf()),
        document_type=document_type,
        expires_on=None,
    )


def stored_files(location: Path) -> list[Path]:
    return [path for path in location.rglob("*") if path.is_file()] if location.exists() else []


# --- The action ---------------------------------------------------------------


def test_it_keeps_the_file_sealed_under_a_random_name(world: World, document_storage: Path) -> None:
    data = samples.pdf("Bob Miller passport")
    document = add_document(world, world.people["bob"], data)
    [stored] = stored_files(document_storage)
    raw = stored.read_bytes()
    assert raw.startswith(b"ow1.")
    assert b"Bob Miller" not in raw
    assert "passport" not in stored.name and "bob" not in stored.name.lower()
    assert read_content(document) == data
    assert (document.size, document.content_type, document.original_name) == (
        len(data),
        "application/pdf",
        "passport.pdf",
    )
    event = Event.objects.get(action="document.upload", object_id=str(document.pk))
    assert event.actor == world.alice
    assert event.data["sha256"] == document.sha256
    assert "passport.pdf" not in str(event.data)


def test_it_binds_the_content_to_its_document(world: World) -> None:
    first = add_document(world, world.people["bob"])
    second = add_document(world, world.people["bob"], samples.pdf("other"))
    second.file.name = first.file.name  # a stored file moved under another row does not open
    from onewindow.lib.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        read_content(second)


def test_it_refuses_a_bad_file_and_stores_nothing(world: World, document_storage: Path) -> None:
    with pytest.raises(ValidationError, match="JavaScript"):
        add_document(world, world.people["bob"], samples.pdf_with_javascript())
    assert not Document.objects.exists()
    assert stored_files(document_storage) == []


def test_it_applies_the_size_limit_of_the_document_type(world: World) -> None:
    big_photo = samples.png(size=(1600, 1600), color="white") + b"\0" * (2 * 1024 * 1024)
    with pytest.raises(ValidationError, match="at most 2 MB"):
        add_document(world, world.people["bob"], big_photo, document_type="photo")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"document_type": "business_licence"}, "document of the employer"),
        ({"document_type": "nonsense"}, "Choose a kind"),
        ({"issued_on": "2999-01-01"}, "in the future"),
        ({"issued_on": "2024-05-01", "expires_on": "2024-04-01"}, "cannot expire before"),
    ],
)
def test_it_refuses_inconsistent_details(world: World, kwargs: dict[str, str], message: str) -> None:
    import datetime as dt

    values: dict[str, object] = {"document_type": "passport"}
    for key, value in kwargs.items():
        values[key] = dt.date.fromisoformat(value) if key.endswith("_on") else value
    with pytest.raises(ValidationError, match=message):
        do_upload_document(
            actor=world.alice, person=world.people["bob"], upload=upload_file(samples.pdf()), **values
        )  # type: ignore[arg-type]


def test_it_keeps_employer_documents_too(world: World) -> None:
    employer = world.employers["robotics"]
    document = do_upload_document(
        actor=world.alice,
        employer=employer,
        upload=upload_file(samples.pdf()),
        document_type="business_licence",
    )
    assert access_document(world.alice, document.pk) == document
    assert access_document(world.carol, document.pk) == document
    for outsider in ("olga", "cora", "bob"):
        with pytest.raises(Exception, match="No such document"):
            access_document(world.users[outsider], document.pk)


def test_it_has_exactly_one_owner_in_the_database(world: World) -> None:
    document = add_document(world, world.people["bob"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(employer=world.employers["robotics"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(person=None)


def test_it_finds_the_same_file_uploaded_for_another_person(world: World) -> None:
    data = samples.pdf("one degree certificate")
    other = world.person(family_name="Other")
    first = add_document(world, world.people["bob"], data, document_type="degree")
    second = add_document(world, other, data, document_type="degree")
    add_document(world, world.people["bob"], data, document_type="degree")  # the same person twice is fine
    assert list(persons_with_same_file(first)) == [other]
    assert list(persons_with_same_file(second)) == [world.people["bob"]]
    event = Event.objects.get(action="document.upload", object_id=str(second.pk))
    assert event.data["same_file_persons"] == [world.people["bob"].pk]


# --- The pages ----------------------------------------------------------------


def test_it_lets_the_employer_upload_for_its_employee(world: World, sign_in: SignIn) -> None:
    bob = world.people["bob"]
    client = sign_in(world.alice)
    assert client.get(reverse("people:upload", args=[bob.pk])).status_code == 200
    response = client.post(
        reverse("people:upload", args=[bob.pk]),
        {
            "document_type": "degree",
            "file": upload_file(samples.jpeg(), "diploma.jpeg"),
            "issued_on": "2012-07-01",
        },
    )
    assert response["Location"] == reverse("people:detail", args=[bob.pk])
    document = Document.objects.get(person=bob)
    assert (document.document_type, document.content_type, document.original_name) == (
        "degree",
        "image/jpeg",
        "diploma.jpg",
    )


def test_it_lets_the_person_upload_their_own(world: World, sign_in: SignIn) -> None:
    bob = world.people["bob"]
    response = sign_in(world.bob).post(
        reverse("people:upload", args=[bob.pk]),
        {"document_type": "photo", "file": upload_file(samples.png(), "me.png")},
    )
    assert response.status_code == 302
    assert Document.objects.get(person=bob).uploaded_by == world.bob


@pytest.mark.parametrize("name", ["olga", "carol", "dave", "frank", "gina", "heidi"])
def test_it_refuses_uploads_by_anyone_else(world: World, sign_in: SignIn, name: str) -> None:
    bob = world.people["bob"]
    world.application(person=bob, stage="submitted")
    client = sign_in(world.users[name])
    assert client.get(reverse("people:upload", args=[bob.pk])).status_code == 404
    response = client.post(
        reverse("people:upload", args=[bob.pk]),
        {"document_type": "photo", "file": upload_file(samples.png())},
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_it_shows_the_reason_for_a_refusal_on_the_form(world: World, sign_in: SignIn) -> None:
    bob = world.people["bob"]
    response = sign_in(world.alice).post(
        reverse("people:upload", args=[bob.pk]),
        {"document_type": "passport", "file": upload_file(b"MZ\x90\x00 program", "passport.pdf")},
    )
    assert response.status_code == 200
    assert "not a PDF, JPEG or PNG" in response.content.decode()
    assert not Document.objects.exists()


def test_it_serves_a_document_only_as_an_attachment(world: World, sign_in: SignIn) -> None:
    data = samples.pdf()
    document = add_document(world, world.people["bob"], data)
    response = sign_in(world.alice).get(reverse("people:download", args=[document.pk]))
    assert response.status_code == 200
    assert response.content == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="passport.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_it_logs_every_download_with_the_page(world: World, sign_in: SignIn) -> None:
    document = add_document(world, world.people["bob"])
    url = reverse("people:download", args=[document.pk])
    sign_in(world.bob).get(url)
    event = Event.objects.get(action="document.download")
    assert (event.actor, event.object_id, event.data["page"]) == (world.bob, str(document.pk), url)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("alice", 200),
        ("bob", 200),
        ("carol", 200),
        ("dave", 200),
        ("olga", 404),
        ("cora", 404),
        ("dina", 404),
        ("gina", 404),
    ],
)
def test_it_serves_documents_to_those_who_reach_the_person(
    world: World, sign_in: SignIn, name: str, status: int
) -> None:
    bob = world.people["bob"]
    world.application(person=bob, stage="in_review")
    document = add_document(world, bob)
    assert (
        sign_in(world.users[name]).get(reverse("people:download", args=[document.pk])).status_code == status
    )


def test_it_answers_404_for_a_missing_document(world: World, sign_in: SignIn) -> None:
    assert sign_in(world.alice).get(reverse("people:download", args=[999_999])).status_code == 404


def test_it_lists_documents_on_the_person_page(
    world: World, sign_in: SignIn, django_assert_max_num_queries: object
) -> None:
    bob = world.people["bob"]
    for kind in ("passport", "degree", "photo", "health_certificate"):
        add_document(world, bob, samples.pdf(kind) if kind != "photo" else samples.png(), document_type=kind)
    client = sign_in(world.alice)
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        response = client.get(reverse("people:detail", args=[bob.pk]))
    page = response.content.decode()
    assert page.count(reverse("people:download", args=[0]).replace("/0/", "/")) >= 4
    assert reverse("people:upload", args=[bob.pk]) in page


def test_it_flags_the_same_file_to_case_staff_only(world: World, sign_in: SignIn) -> None:
    data = samples.pdf("shared certificate")
    bob = world.people["bob"]
    other = world.person(family_name="Copy")
    world.application(person=bob, stage="in_review")
    add_document(world, bob, data, document_type="no_criminal_record")
    add_document(world, other, data, document_type="no_criminal_record")
    staff_page = sign_in(world.dave).get(reverse("people:detail", args=[bob.pk])).content.decode()
    assert "The same file was also uploaded for another person" in staff_page
    hr_page = sign_in(world.alice).get(reverse("people:detail", args=[bob.pk])).content.decode()
    assert "The same file was also uploaded" not in hr_page
