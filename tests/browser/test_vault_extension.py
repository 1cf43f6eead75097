"""Browser journey: an extension that reuses the vault.

The HR user starts an extension for an employee whose first permit was issued
with their documents checked at the window: the checklist shows the passport
and the contract as already in the file (original seen), asks again for the
photo (too old now) and for a new signed form; the HR user uploads only
those two from the checklist and submits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from onewindow.accounts.models import User
from onewindow.cases.models import Application
from onewindow.cases.workflow import Kind
from onewindow.people.actions import do_upload_document
from onewindow.people.models import Document, Person
from tests import samples
from tests.factories import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def keep(world: World, person: Person, document_type: str, **dates: dt.date) -> Document:
    return do_upload_document(
        actor=world.alice,
        person=person,
        upload=SimpleUploadedFile(f"{document_type}.pdf", samples.pdf(document_type)),
        document_type=document_type,
        **dates,  # type: ignore[arg-type]
    )


def holder_due_for_extension(world: World) -> Person:
    """An employee whose permit (checked originals and all) expires in 60 days."""
    today = timezone.localdate()
    person = world.person(family_name="Lindqvist", given_names="Astrid")
    keep(
        world,
        person,
        "passport",
        issued_on=today - dt.timedelta(days=700),
        expires_on=today + dt.timedelta(days=2000),
    )
    keep(world, person, "employment_contract", issued_on=today - dt.timedelta(days=30))
    keep(world, person, "photo", issued_on=today - dt.timedelta(days=200))
    world.application(person=person, stage="completed", work_end=today + dt.timedelta(days=60))
    return person


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_it_extends_a_permit_uploading_only_what_the_vault_lacks(
    live_world: World,
    live_server: object,
    new_page: Callable[..., Page],
    login: Callable[[Page, User], Page],
    locale: str,
) -> None:
    """The same journey in English and in Chinese: the steps find their way by the page's
    structure, not its words; the English run also checks what the checklist says."""
    english = locale.startswith("en")
    person = holder_due_for_extension(live_world)
    today = timezone.localdate()
    hr = login(new_page(locale), live_world.alice)
    hr.goto(f"{live_server}/employer/")
    expect(hr.locator("html")).to_have_attribute("lang", "en" if english else "zh-hans")
    hr.locator("#staff tr", has_text="LINDQVIST").locator("a[href^='/cases/new/']").click()
    radio = hr.locator("input[name=kind][value=extension]").get_attribute("id")
    hr.locator(f"label[for={radio}]").click()
    hr.locator("main form.usa-form button[type=submit]").click()
    hr.fill("#id_annual_salary_cny", "520000")
    hr.select_option("#id_education", "bachelor")
    hr.fill("#id_related_experience_years", "4")
    hr.fill("#id_work_end", (today + dt.timedelta(days=360)).isoformat())
    hr.locator("main form.usa-form button[type=submit]").click()
    expect(hr.locator("button[data-action=submit]")).to_be_visible()
    reference = hr.locator("h1").inner_text().split()[0]

    # The vault's documents are reused, with their validity and the original seen at the window.
    passport = hr.locator("tr[data-document-type=passport]")
    expect(passport).to_have_attribute("data-state", "in_file")
    expect(passport).to_contain_text("Zhaoshang station" if english else "招商工作站")
    expect(passport.locator("a")).to_have_count(0)
    expect(hr.locator("tr[data-document-type=employment_contract]")).to_have_attribute(
        "data-state", "in_file"
    )
    photo = hr.locator("tr[data-document-type=photo]")
    expect(photo).to_have_attribute("data-state", "asked_again")
    expect(hr.locator("tr[data-document-type=application_form]")).to_have_attribute("data-state", "missing")
    expect(hr.locator("#needed-next-list li")).to_have_count(2)
    if english:
        expect(passport).to_contain_text("Already in your file")
        expect(passport).to_contain_text("original seen on")
        expect(photo).to_contain_text("It must have been issued within the last 6 months.")
        expect(hr.locator("#needed-next-list")).to_contain_text("Upload the missing documents")

    # Only the photo and the new signed form are uploaded, each from its line of the checklist.
    for document_type, name, mime, content in (
        ("photo", "photo.png", "image/png", samples.png()),
        ("application_form", "form.pdf", "application/pdf", samples.pdf("signed form")),
    ):
        hr.locator(f"tr[data-document-type={document_type}] a[href*='/documents/new/']").click()
        expect(hr.locator("#id_document_type")).to_have_value(document_type)
        hr.set_input_files("#id_file", files=[{"name": name, "mimeType": mime, "buffer": content}])
        hr.fill("#id_issued_on", today.isoformat())
        hr.locator("main form.usa-form button[type=submit]").click()
        row = hr.locator(f"tr[data-document-type={document_type}]")
        expect(row).to_have_attribute("data-state", "in_file")
        if english:
            expect(row).to_contain_text("Uploaded for this application")

    # Nothing is missing any more: only "submit" is left to do.
    expect(hr.locator("#needed-next-list li")).to_have_count(1)
    hr.locator("button[data-action=submit]").click()
    expect(hr.locator("#case-status")).to_have_attribute("class", re.compile("usa-tag"))
    expect(hr.locator("button[data-action=submit]")).to_have_count(0)

    application = Application.objects.get(reference=reference)
    assert application.kind == Kind.EXTENSION
    assert application.status == "submitted"
    # Two new documents; the passport and the contract were not uploaded again.
    assert Document.objects.filter(person=person, document_type="passport").count() == 1
    assert Document.objects.filter(person=person).count() == 5
