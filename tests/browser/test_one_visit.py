"""The one visit in a real browser: booking and moving the appointment, then the visit where the
window officer checks each original beside its upload and issues both permits — in English and
in Chinese (the Chinese run checks the language and the flow; its texts are translated later)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from onewindow.accounts.models import User
from onewindow.cases.kinds import visit_documents
from onewindow.offices.actions import do_set_opening_hours, do_set_windows
from onewindow.offices.hours import parse_hours
from onewindow.people.actions import do_upload_document
from onewindow.permits.models import Permit
from onewindow.visits.models import Appointment, SlotSettings, Ticket, Visit
from tests import samples
from tests.factories import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)

LOCALES = {"en": "en-GB", "zh-hans": "zh-CN"}


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    station = world.offices["zhaoshang"]
    # Hourly slots every day from 08:00 to 20:00: whatever the hour the suite runs, the next
    # fortnight offers free slots (public holidays are skipped by the calendar).
    do_set_opening_hours(station, actor=None, periods=parse_hours("mon-sun 08:00-20:00"))
    do_set_windows(station, actor=None, count=2)
    SlotSettings.objects.create(office=station, minutes=60, per_window=1)
    return world


def expect_language(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", LOCALES)
def test_the_applicant_books_and_moves_the_visit(
    live_world: World,
    live_server: object,
    new_page: Callable[..., Page],
    login: Callable[[Page, User], Page],
    language: str,
) -> None:
    application = live_world.application(stage="approved")
    hr = login(new_page(LOCALES[language]), live_world.alice)
    hr.goto(f"{live_server}/cases/{application.reference}/")
    expect_language(hr, language)
    hr.locator("a[data-action=book]").click()
    assert hr.url.endswith(f"/visits/{application.reference}/appointment/")
    expect_language(hr, language)

    # The first free slot, chosen by its label as a person does (keyboard: focus and Space).
    first = hr.locator("input[name=slot]").first
    first_key = first.get_attribute("value")
    first.focus()
    hr.keyboard.press("Space")
    expect(first).to_be_checked()
    hr.locator("button[data-action=book]").click()
    expect(hr.locator("#current-appointment")).to_be_visible()
    expect(hr.locator("[data-testid=appointment-time] time")).to_have_attribute(
        "datetime", f"{first_key}:00+08:00"
    )
    if language == "en":
        expect(hr.get_by_role("status").first).to_contain_text("Your visit is booked for")
    appointment = Appointment.objects.get(application=application)
    assert appointment.status == Appointment.Status.BOOKED

    # Moved to the next free time: the booked one is no longer offered.
    assert hr.locator(f"input[value='{first_key}']").count() == 0
    second_key = hr.locator("input[name=slot]").nth(1).get_attribute("value")
    hr.locator(f"label[for='slot-{second_key}']").click()
    hr.locator("button[data-action=reschedule]").click()
    expect(hr.locator("[data-testid=appointment-time] time")).to_have_attribute(
        "datetime", f"{second_key}:00+08:00"
    )
    appointment.refresh_from_db()
    assert (appointment.rescheduled_count, appointment.status) == (1, Appointment.Status.BOOKED)
    if language == "en":
        expect(hr.get_by_role("status").first).to_contain_text("Your visit is moved to")

    # The case page tells the applicant when to come.
    hr.goto(f"{live_server}/cases/{application.reference}/")
    expect(hr.locator("#visit-panel")).to_contain_text(second_key.replace("T", " "))
    expect_language(hr, language)


@pytest.mark.parametrize("language", LOCALES)
def test_the_officer_checks_the_originals_and_issues_both_permits_in_one_visit(
    live_world: World,
    live_server: object,
    new_page: Callable[..., Page],
    login: Callable[[Page, User], Page],
    language: str,
) -> None:
    application = live_world.application(stage="approved")
    do_upload_document(
        actor=live_world.alice,
        person=application.person,
        upload=SimpleUploadedFile("passport.pdf", samples.pdf()),
        document_type="passport",
    )
    window = login(new_page(LOCALES[language]), live_world.carol)

    # The applicant arrives without an appointment: a ticket, called to window 1.
    window.goto(f"{live_server}/visits/queue/")
    expect_language(window, language)
    window.fill("#id_reference", application.reference)
    window.locator("button[data-action=walk-in]").click()
    expect(window.locator("#ticket-W001")).to_be_visible()
    window.locator("#ticket-W001 button[data-action=call]").click()
    window.locator("a[data-action=refresh]").click()
    expect(window.locator("#ticket-W001 a[data-action=start-visit]")).to_be_visible()
    window.locator("#ticket-W001 a[data-action=start-visit]").click()
    assert f"/visits/{application.reference}/start/" in window.url
    window.locator("button[data-action=start-visit]").click()
    visit = Visit.objects.get(application=application)
    assert window.url.endswith(f"/visits/visit/{visit.pk}/")
    expect_language(window, language)

    # Each upload beside its original: the passport's file can be opened from the row.
    expect(window.locator("#doc-passport a[href*='/people/']")).to_contain_text("passport.pdf")
    for document in visit_documents(application.kind):
        row = window.locator(f"#doc-{document}")
        row.locator("select[name=outcome]").select_option("matches")
        row.locator(f"button[data-action=record-{document}]").click()
        assert window.url.endswith(f"/visits/visit/{visit.pk}/")
    window.locator("button[data-action=verify_originals]").click()
    window.locator("a[data-action=issue_permit]").click()
    window.fill("#id_residence_permit_number", "RP20260001")
    window.locator("button[data-action=issue]").click()
    assert window.url.endswith(f"/cases/{application.reference}/")
    if language == "en":
        expect(window.locator("#case-status")).to_have_text("Completed")
    expect_language(window, language)

    application.refresh_from_db()
    visit.refresh_from_db()
    assert application.status == "completed"
    assert visit.permit == Permit.objects.get(application=application)
    assert visit.residence_permit is not None and visit.residence_permit.number == "RP20260001"
    assert visit.ended_at is not None and visit.ticket is not None
    assert Ticket.objects.get().status == Ticket.Status.FINISHED
    assert Visit.objects.filter(application=application).count() == 1
