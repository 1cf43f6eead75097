"""The booking page and the case page's visit panel, through HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.cases.models import Application
from onewindow.visits.actions import do_book_appointment
from onewindow.visits.models import Appointment
from tests.factories import World
from tests.visits.conftest import at

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]


def url(application: Application) -> str:
    return reverse("visits:appointment", kwargs={"reference": application.reference})


def test_it_lists_free_slots_by_day(stations: World, due: Application, sign_in: SignIn) -> None:
    response = sign_in(stations.alice).get(url(due))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2026-12-31T09:00"' in html
    assert 'value="2027-01-01T09:00"' not in html  # New Year's Day
    assert 'value="2026-12-30T09:30"' not in html  # already past
    assert 'for="slot-2026-12-31T09:00"' in html  # every radio button has its label


def test_it_books_through_the_page(stations: World, due: Application, sign_in: SignIn) -> None:
    client = sign_in(stations.alice)
    response = client.post(url(due), {"slot": "2026-12-31T09:30"}, follow=True)
    assert "Your visit is booked for 2026-12-31 09:30." in response.content.decode()
    assert Appointment.objects.get(application=due).starts_at == at("2026-12-31", "09:30")


def test_it_reschedules_through_the_page(stations: World, due: Application, sign_in: SignIn) -> None:
    appointment = do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:30"))
    client = sign_in(stations.alice)
    page = client.get(url(due)).content.decode()
    assert 'value="2026-12-31T09:30"' not in page  # the current time is not offered again
    response = client.post(url(due), {"slot": "2027-01-04T15:00", "version": 1}, follow=True)
    assert "Your visit is moved to 2027-01-04 15:00." in response.content.decode()
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.rescheduled_count) == (at("2027-01-04", "15:00"), 1)


def test_it_refuses_a_slot_not_offered(stations: World, due: Application, sign_in: SignIn) -> None:
    response = sign_in(stations.alice).post(url(due), {"slot": "2027-01-01T09:00"}, follow=True)
    assert "no longer free" in response.content.decode()
    assert not Appointment.objects.exists()


def test_it_cancels_through_the_page(stations: World, due: Application, sign_in: SignIn) -> None:
    do_book_appointment(due, actor=stations.alice, starts_at=at("2026-12-31", "09:30"))
    client = sign_in(stations.alice)
    cancel = reverse("visits:cancel_appointment", kwargs={"reference": due.reference})
    response = client.post(cancel, {"version": 1}, follow=True)
    assert "Your appointment is cancelled." in response.content.decode()
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED


def test_it_says_when_the_visit_is_not_due(stations: World, sign_in: SignIn) -> None:
    application = stations.application(stage="in_review")
    response = sign_in(stations.alice).get(url(application))
    assert "once both decisions are in" in response.content.decode()


@pytest.mark.parametrize("persona", ["carol", "dave", "olga"])
def test_it_hides_the_booking_page_from_others(
    stations: World, due: Application, sign_in: SignIn, persona: str
) -> None:
    assert sign_in(stations.users[persona]).get(url(due)).status_code == 404


def test_the_case_page_offers_booking_to_the_applicant(
    stations: World, due: Application, sign_in: SignIn
) -> None:
    page = sign_in(stations.alice).get(reverse("cases:detail", kwargs={"reference": due.reference}))
    assert 'data-action="book"' in page.content.decode()


def test_the_case_page_offers_the_visit_to_the_officer(
    stations: World, due: Application, sign_in: SignIn
) -> None:
    page = sign_in(stations.carol).get(reverse("cases:detail", kwargs={"reference": due.reference}))
    html = page.content.decode()
    assert 'data-action="start-visit"' in html
    assert 'data-action="book"' not in html
