"""The first walk through the whole permit path, in a real browser, as each persona."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from onewindow.accounts.models import User
from onewindow.cases.models import Application
from onewindow.cases.workflow import Status
from onewindow.permits.numbers import is_valid_number
from tests.factories import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def choose(page: Page, label: str) -> None:
    """Tick a radio button or checkbox the way a person does: by its (styled) label."""
    page.locator("label", has_text=label).first.click()


def case_page(page: Page, live_server: object, reference: str) -> None:
    page.goto(f"{live_server}/cases/{reference}/")


def test_it_walks_an_application_from_the_employer_to_the_issued_permit(
    live_world: World,
    live_server: object,
    new_page: Callable[..., Page],
    login: Callable[[Page, User], Page],
) -> None:
    # The employer's HR user enters a foreign employee and files an application.
    hr = login(new_page(), live_world.alice)
    hr.goto(f"{live_server}/employer/")
    hr.get_by_role("link", name="Add a foreign employee").click()
    hr.fill("#id_family_name", "Okafor")
    hr.fill("#id_given_names", "Chidi")
    hr.select_option("#id_sex", "M")
    hr.fill("#id_date_of_birth", "1989-02-14")
    hr.select_option("#id_nationality", "NG")
    hr.fill("#id_passport_number", "A12345678")
    hr.fill("#id_passport_expiry", "2031-06-30")
    hr.fill("#id_position", "Hardware engineer")
    hr.get_by_role("button", name="Create the file").click()
    expect(hr.get_by_role("heading", level=1)).to_contain_text("OKAFOR")
    hr.get_by_role("link", name="New application").click()
    choose(hr, "New work permit (applicant in China)")
    hr.get_by_role("button", name="Continue").click()
    hr.select_option("#id_basis", "intra_group")
    hr.fill("#id_annual_salary_cny", "520000")
    hr.select_option("#id_education", "bachelor")
    hr.fill("#id_related_experience_years", "4")
    hr.fill("#id_work_start", "2027-01-04")
    hr.fill("#id_work_end", "2028-12-31")
    hr.get_by_role("button", name="Create the draft").click()
    expect(hr.locator("#case-status")).to_have_text("Draft")
    reference = hr.locator("h1").inner_text().split()[0]
    hr.locator("button[data-action=submit]").click()
    expect(hr.locator("#case-status")).to_have_text("Submitted, awaiting pre-review")
    expect(hr.locator("#predicted-decision")).to_be_visible()

    # The window officer of the station covering the employer accepts it for both authorities.
    window = login(new_page(), live_world.carol)
    window.goto(f"{live_server}/cases/work/")
    window.get_by_role("link", name=reference).click()
    window.locator("button[data-action=accept]").click()
    expect(window.locator("#case-status")).to_have_text("Under review")

    # The commission's reviewer approves the work permit, with reasons and validity.
    reviewer = login(new_page(), live_world.dave)
    case_page(reviewer, live_server, reference)
    reviewer.locator("a[data-action=decide_work_permit]").click()
    choose(reviewer, "Approved")
    choose(reviewer, "The applicant meets the criteria of the category applied for")
    reviewer.fill("#id_valid_from", "2027-01-04")
    reviewer.fill("#id_valid_until", "2028-12-31")
    reviewer.get_by_role("button", name="Decide the work permit").click()
    expect(reviewer.locator("#case-status")).to_have_text("Under review")

    # The exit-entry office decides the residence permit in the same case.
    immigration = login(new_page(), live_world.erin)
    case_page(immigration, live_server, reference)
    immigration.locator("a[data-action=decide_residence_permit]").click()
    choose(immigration, "Approved")
    choose(immigration, "Holds a work permit; the work-type residence permit is granted")
    immigration.fill("#id_valid_from", "2027-01-04")
    immigration.fill("#id_valid_until", "2028-12-31")
    immigration.fill("#id_fee_cny", "800")
    immigration.get_by_role("button", name="Decide the residence permit").click()
    expect(immigration.locator("#case-status")).to_have_text("Approved, awaiting your visit")

    # The one visit: every original checked against the upload, then both permits handed over.
    case_page(window, live_server, reference)
    window.locator("a[data-action=originals]").click()
    for row in window.locator("tbody tr").all():
        row.get_by_role("button", name="Record").click()
    window.locator("button[data-action=verify_originals]").click()
    expect(window.locator("#case-status")).to_have_text("Originals verified")
    window.locator("a[data-action=issue_permit]").click()
    window.fill("#id_residence_permit_number", "RP44030012345")
    window.locator("button[data-action=issue]").click()
    expect(window.locator("#case-status")).to_have_text("Completed")

    # The employer sees every step, and the permit number.
    case_page(hr, live_server, reference)
    expect(hr.locator("#case-status")).to_have_text("Completed")
    number = hr.locator("#permit-number").inner_text()
    assert is_valid_number(number)
    timeline = hr.locator("#timeline").inner_text()
    for step in [
        "Submit",
        "Accept",
        "Decide the work permit",
        "Decide the residence permit",
        "Issue the work permit",
    ]:
        assert step in timeline
    assert Application.objects.get(reference=reference).status == Status.COMPLETED
