"""The document vault: reuse of valid documents by later applications, "original seen", expiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.cases.models import Application
from onewindow.cases.selectors import checklist, next_for_applicant
from onewindow.cases.workflow import Kind
from onewindow.notifications.models import Message
from onewindow.people.actions import do_upload_document
from onewindow.people.models import Document, Person
from onewindow.people.reminders import send_document_reminders
from onewindow.people.vault import VaultItem, expiring, match
from onewindow.permits.models import Permit
from onewindow.visits.actions import do_record_original_check
from onewindow.visits.models import OriginalCheck
from tests import samples
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def put(
    world: World,
    person: Person,
    document_type: str,
    *,
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    marker: str = "",
) -> Document:
    return do_upload_document(
        actor=world.alice,
        person=person,
        upload=SimpleUploadedFile(f"{document_type}.pdf", samples.pdf(marker or document_type)),
        document_type=document_type,
        issued_on=issued_on,
        expires_on=expires_on,
    )


def by_type(items: list[VaultItem]) -> dict[str, VaultItem]:
    return {item.document_type: item for item in items}


def file_for_extension(world: World) -> tuple[Person, dict[str, Document], Permit]:
    """A person whose first permit was issued with their documents checked at the window."""
    today = timezone.localdate()
    person = world.person()
    kept = {
        "passport": put(
            world,
            person,
            "passport",
            issued_on=today - dt.timedelta(days=400),
            expires_on=today.replace(year=today.year + 6),
        ),
        "photo": put(world, person, "photo", issued_on=today - dt.timedelta(days=10)),
        "employment_contract": put(
            world, person, "employment_contract", issued_on=today - dt.timedelta(days=5)
        ),
    }
    first = world.application(person=person, stage="completed")
    kept["application_form"] = put(world, person, "application_form")
    return person, kept, Permit.objects.get(application=first)


def test_it_reuses_every_document_still_valid_and_asks_again_for_the_others(world: World) -> None:
    person, kept, permit = file_for_extension(world)
    with time_machine.travel(permit.valid_until - dt.timedelta(days=60)):
        extension = world.application(
            person=person, kind=Kind.EXTENSION, work_end=permit.valid_until + dt.timedelta(days=365)
        )
        items = by_type(checklist(extension))
        steps = next_for_applicant(extension, list(items.values()))
    assert items["passport"].state == "in_file"
    assert items["passport"].document == kept["passport"]
    assert items["passport"].reused
    assert items["employment_contract"].document == kept["employment_contract"]
    # The photo was recent for the first application; almost two years later it is not.
    assert items["photo"].state == "asked_again"
    assert items["photo"].refused == kept["photo"]
    assert items["photo"].reasons == ["It must have been issued within the last 6 months."]
    # A form signed for the first application is never reused by the next one.
    assert items["application_form"].state == "missing"
    assert "Recent photo on a white background" in steps[0]
    assert "Passport" not in steps[0]


def test_it_asks_again_for_an_expired_document_with_the_reason(world: World) -> None:
    today = timezone.localdate()
    person = world.person()
    put(
        world,
        person,
        "passport",
        issued_on=today - dt.timedelta(days=3000),
        expires_on=today - dt.timedelta(days=1),
    )
    application = world.application(person=person)
    item = by_type(checklist(application))["passport"]
    assert item.state == "asked_again"
    assert "It has expired." in item.reasons
    assert "It must remain valid for at least 6 more months." in item.reasons


def test_it_prefers_the_newest_valid_document_of_a_type(world: World) -> None:
    today = timezone.localdate()
    person = world.person()
    old = put(world, person, "degree", issued_on=today - dt.timedelta(days=4000), marker="old")
    new = put(world, person, "degree", issued_on=today - dt.timedelta(days=4000), marker="new")
    expired = put(world, person, "health_certificate", issued_on=today - dt.timedelta(days=300))
    items = by_type(
        match(person=person, employer_id=None, required=["degree", "health_certificate"], on=today)
    )
    assert items["degree"].document == new != old
    assert items["health_certificate"].refused == expired


def test_it_records_the_original_seen_on_the_document_the_application_used(world: World) -> None:
    _person, kept, _permit = file_for_extension(world)
    passport = Document.objects.get(pk=kept["passport"].pk)
    assert passport.original_seen_by == world.carol
    assert passport.original_seen_office == world.offices["zhaoshang"]
    assert passport.original_seen_at is not None
    event = Event.objects.get(action="document.original_seen", object_id=str(passport.pk))
    assert event.data["document_type"] == "passport"


def test_it_records_nothing_on_the_document_when_the_original_differs(world: World) -> None:
    person = world.person()
    passport = put(world, person, "passport", expires_on=timezone.localdate().replace(year=2040))
    application = world.application(person=person, stage="approved")
    do_record_original_check(
        application,
        actor=world.carol,
        document_type="passport",
        outcome=OriginalCheck.Outcome.MISMATCH,
        notes="Different photo page.",
    )
    passport.refresh_from_db()
    assert passport.original_seen_at is None
    assert not Event.objects.filter(action="document.original_seen").exists()


def test_it_shows_the_case_checklist_with_reused_documents_and_uploads_only_what_is_missing(
    world: World, sign_in: SignIn
) -> None:
    person, kept, permit = file_for_extension(world)
    with time_machine.travel(permit.valid_until - dt.timedelta(days=60)):
        extension = world.application(
            person=person, kind=Kind.EXTENSION, work_end=permit.valid_until + dt.timedelta(days=365)
        )
        client = sign_in(world.alice)
        page = client.get(reverse("cases:detail", kwargs={"reference": extension.reference})).content.decode()
        seen_on = timezone.localdate(Document.objects.get(pk=kept["passport"].pk).original_seen_at)
        assert 'data-document-type="passport" data-state="in_file"' in page
        assert "Already in your file" in page
        assert f"original seen on {seen_on:%Y-%m-%d} at Zhaoshang station" in page
        assert 'data-document-type="photo" data-state="asked_again"' in page
        assert "It must have been issued within the last 6 months." in page
        assert "What is needed next" in page
        upload = reverse("people:upload", kwargs={"pk": person.pk})
        assert f"{upload}?document_type=photo&amp;next=/cases/{extension.reference}/" in page
        assert f"{upload}?document_type=passport" not in page
        form = client.get(f"{upload}?document_type=photo&next=/cases/{extension.reference}/").content.decode()
        assert '<option value="photo" selected>' in form
        response = client.post(
            upload,
            {
                "document_type": "photo",
                "file": SimpleUploadedFile("photo.png", samples.png()),
                "issued_on": timezone.localdate().isoformat(),
                "next": f"/cases/{extension.reference}/",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == f"/cases/{extension.reference}/"
        item = by_type(checklist(Application.objects.get(pk=extension.pk)))["photo"]
        assert item.state == "in_file"
        assert not item.reused


def test_it_returns_only_to_a_case_page_after_an_upload(world: World, sign_in: SignIn) -> None:
    person = world.person()
    client = sign_in(world.alice)
    response = client.post(
        reverse("people:upload", kwargs={"pk": person.pk}),
        {
            "document_type": "degree",
            "file": SimpleUploadedFile("degree.pdf", samples.pdf()),
            "next": "https://elsewhere.example/cases/",
        },
    )
    assert response["Location"] == reverse("people:detail", kwargs={"pk": person.pk})


def test_it_hides_the_upload_buttons_from_staff_and_after_submission(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="submitted")
    page = sign_in(world.carol).get(reverse("cases:detail", kwargs={"reference": application.reference}))
    assert b'data-state="missing"' in page.content
    assert b"?document_type=" not in page.content
    assert b"What is needed next" not in page.content


def test_it_flags_documents_expiring_soon_unless_replaced(world: World) -> None:
    today = timezone.localdate()
    person = world.person()
    soon = put(
        world,
        person,
        "passport",
        issued_on=today.replace(year=today.year - 9),
        expires_on=today + dt.timedelta(days=20),
    )
    later = put(
        world, person, "health_certificate", issued_on=today, expires_on=today + dt.timedelta(days=200)
    )
    assert expiring(Document.objects.filter(person=person), today=today, within_days=30) == [soon]
    assert later not in expiring(Document.objects.filter(person=person), today=today, within_days=30)
    put(
        world,
        person,
        "passport",
        issued_on=today,
        expires_on=today.replace(year=today.year + 10),
        marker="new",
    )
    assert expiring(Document.objects.filter(person=person), today=today, within_days=30) == []


def test_it_tells_the_owner_once_when_a_document_is_about_to_expire(world: World, settings: object) -> None:
    settings.ONEWINDOW_DOCUMENT_EXPIRY_DAYS = 30  # type: ignore[attr-defined]
    today = timezone.localdate()
    bob = world.people["bob"]
    passport = put(
        world,
        bob,
        "passport",
        issued_on=today.replace(year=today.year - 9),
        expires_on=today + dt.timedelta(days=45),
    )
    assert send_document_reminders(today) == 0  # not yet within 30 days
    with time_machine.travel(today + dt.timedelta(days=16)):
        send_document_reminders(timezone.localdate())
        send_document_reminders(timezone.localdate())
    subjects = {
        user: list(Message.objects.filter(recipient=user).values_list("subject", flat=True))
        for user in (world.alice, world.bob)
    }
    assert subjects == {
        world.alice: ["Passport (information page) expires soon"],
        world.bob: ["Passport (information page) expires soon"],
    }
    body = Message.objects.filter(recipient=world.bob).get().body
    assert f"expires on {passport.expires_on:%Y-%m-%d}" in body
    passport.refresh_from_db()
    assert passport.expiry_reminded_at is not None


def test_it_tells_the_employer_of_its_own_expiring_document(world: World) -> None:
    today = timezone.localdate()
    do_upload_document(
        actor=world.alice,
        employer=world.employers["robotics"],
        upload=SimpleUploadedFile("licence.pdf", samples.pdf("licence")),
        document_type="business_licence",
        issued_on=today - dt.timedelta(days=700),
        expires_on=today + dt.timedelta(days=10),
    )
    send_document_reminders(today)
    assert Message.objects.filter(recipient=world.alice, subject="Business licence expires soon").count() == 1
    assert not Message.objects.filter(recipient=world.olga).exists()


def test_it_shows_expiring_documents_and_originals_seen_on_the_persons_page(
    world: World, sign_in: SignIn
) -> None:
    person, kept, _permit = file_for_extension(world)
    today = timezone.localdate()
    put(world, person, "health_certificate", issued_on=today, expires_on=today + dt.timedelta(days=20))
    page = sign_in(world.alice).get(reverse("people:detail", kwargs={"pk": person.pk})).content.decode()
    assert "Expiring soon" in page
    assert "Health certificate — valid until" in page
    seen = timezone.localdate(Document.objects.get(pk=kept["passport"].pk).original_seen_at)
    assert f"seen on {seen:%Y-%m-%d} at Zhaoshang station by Carol" in page
