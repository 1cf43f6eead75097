"""The portal: a foreign national's and an HR user's view of a case and of the file."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.people.actions import do_upload_document
from onewindow.permits.models import Permit
from tests import samples
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def test_it_shows_the_foreign_national_their_own_cases_and_documents(world: World, sign_in: SignIn) -> None:
    bob = world.people["bob"]
    application = world.application(person=bob, stage="submitted")
    other = world.application(stage="submitted")
    do_upload_document(
        actor=world.bob,
        person=bob,
        upload=SimpleUploadedFile("degree.pdf", samples.pdf()),
        document_type="degree",
    )
    page = sign_in(world.bob).get(reverse("people:mine")).content.decode()
    assert application.reference in page
    assert other.reference not in page
    assert "Highest degree certificate" in page


def test_it_tells_the_applicant_what_is_needed_next_on_a_draft(world: World, sign_in: SignIn) -> None:
    bob = world.people["bob"]
    application = world.application(person=bob)
    page = sign_in(world.bob).get(reverse("cases:detail", kwargs={"reference": application.reference}))
    text = page.content.decode()
    assert "What is needed next" in text
    assert "Upload the missing documents: Application form" in text
    assert "Submit the application when every document is in the file." in text
    # The person uploads to their own file from the checklist.
    assert f"{reverse('people:upload', kwargs={'pk': bob.pk})}?document_type=passport" in text


def test_it_shows_the_expected_decision_at_the_end_of_the_timeline(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="in_review")
    page = sign_in(world.alice).get(reverse("cases:detail", kwargs={"reference": application.reference}))
    text = page.content.decode()
    assert 'id="timeline-expected"' in text
    # It is the authorities' move: nothing is asked of the applicant.
    assert "What is needed next" not in text


def test_it_lets_the_applicant_download_the_one_decision_notice(world: World, sign_in: SignIn) -> None:
    application = world.application(person=world.people["bob"], stage="approved")
    client = sign_in(world.bob)
    page = client.get(reverse("cases:detail", kwargs={"reference": application.reference})).content.decode()
    url = reverse("cases:decision_pdf", kwargs={"reference": application.reference})
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(response.content)).pages)
    assert f"Decision on application {application.reference}" in text
    assert "residence permit" in text
    download = Event.objects.get(action="application.download", actor=world.bob)
    assert download.data["page"] == url


def test_it_has_no_decision_notice_before_the_decision(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="in_review")
    url = reverse("cases:decision_pdf", kwargs={"reference": application.reference})
    assert sign_in(world.alice).get(url).status_code == 404


def test_it_shows_what_the_next_extension_will_need_months_ahead(world: World, sign_in: SignIn) -> None:
    bob = world.people["bob"]
    today = timezone.localdate()
    do_upload_document(
        actor=world.bob,
        person=bob,
        upload=SimpleUploadedFile("passport.pdf", samples.pdf()),
        document_type="passport",
        issued_on=today - dt.timedelta(days=100),
        expires_on=today.replace(year=today.year + 8),
    )
    permit = Permit.objects.get(application=world.application(person=bob, stage="completed"))
    client = sign_in(world.bob)
    assert b"The next extension" not in client.get(reverse("people:mine")).content
    with time_machine.travel(permit.valid_until - dt.timedelta(days=100)):
        page = sign_in(world.bob).get(reverse("people:mine")).content.decode()
    assert "The next extension" in page
    opens = permit.valid_until - dt.timedelta(days=90)
    assert f"can be filed from {opens:%Y-%m-%d}" in page
    assert 'data-document-type="passport" data-state="in_file"' in page
    assert 'data-document-type="photo" data-state="missing"' in page
