"""HTTP tests of a foreign national's file."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.people.models import Employment, Person
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]

VALID = {
    "family_name": "Nakamura",
    "given_names": "Yui",
    "sex": "F",
    "date_of_birth": "1992-04-03",
    "nationality": "JP",
    "passport_number": "tz 123 4567",
    "passport_expiry": "2031-01-01",
    "residential_address": "Room 5, 2 Shekou Road",
    "phone": "+86 138 1234 5678",
    "email": "yui@example.org",
    "language": "en",
    "position": "Designer",
}


def _create_url(world: World, employer: str = "robotics") -> str:
    return reverse("people:create", kwargs={"employer_id": world.employers[employer].pk})


def test_it_creates_a_file_and_the_employment(world: World, sign_in: SignIn) -> None:
    response = sign_in(world.alice).post(_create_url(world), VALID)
    person = Person.objects.get(family_name="Nakamura")
    assert response.status_code == 302
    assert person.passport_number == "TZ1234567"
    assert person.birth_year == 1992
    assert Employment.objects.current().get(person=person).employer == world.employers["robotics"]


def test_it_stores_personal_data_encrypted(world: World, sign_in: SignIn) -> None:
    from django.db import connection

    sign_in(world.alice).post(_create_url(world), VALID)
    person = Person.objects.get(family_name="Nakamura")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT passport_number, date_of_birth, phone, residential_address FROM people_person WHERE id = %s",
            [person.pk],
        )
        raw = cursor.fetchone()
    assert all(value.startswith("ow1.") for value in raw)
    assert "TZ1234567" not in "".join(raw)
    assert Person.objects.by_passport("JP", "TZ1234567").get() == person


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("passport_number", "AB-12", "5 to 20 letters and digits"),
        ("date_of_birth", "2099-01-01", "must be in the past"),
        ("date_of_birth", "2015-01-01", "under 16"),
        ("passport_expiry", "2020-01-01", "has expired"),
        ("nationality", "XX", "Select a valid choice"),
        ("phone", "call me", "digits only"),
        ("family_name", "", "This field is required"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(
    world: World, sign_in: SignIn, field: str, value: str, message: str
) -> None:
    response = sign_in(world.alice).post(_create_url(world), {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.filter(family_name="Nakamura").exists()


def test_it_refuses_a_passport_already_on_file(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.alice)
    client.post(_create_url(world), VALID)
    response = client.post(_create_url(world), {**VALID, "family_name": "Other"})
    assert "A file with this passport already exists." in response.content.decode()
    assert (
        Person.objects.filter(passport_hash=Person.objects.get(family_name="Nakamura").passport_hash).count()
        == 1
    )


@pytest.mark.parametrize("name", ["olga", "carol", "dave", "bob"])
def test_it_lets_only_the_employers_hr_add_employees(world: World, sign_in: SignIn, name: str) -> None:
    assert sign_in(world.users[name]).post(_create_url(world), VALID).status_code == 404
    assert not Person.objects.filter(family_name="Nakamura").exists()


def test_it_shows_the_file_to_its_employer_and_logs_the_view(world: World, sign_in: SignIn) -> None:
    person = world.person()
    response = sign_in(world.alice).get(reverse("people:detail", kwargs={"pk": person.pk}))
    assert response.status_code == 200
    assert person.passport_number in response.content.decode()
    view = Event.objects.get(action="person.view", object_id=str(person.pk))
    assert view.actor == world.alice


@pytest.mark.parametrize("name", ["olga", "cora", "gina", "heidi", "bob"])
def test_it_hides_the_file_from_everyone_else(world: World, sign_in: SignIn, name: str) -> None:
    person = world.person()
    assert (
        sign_in(world.users[name]).get(reverse("people:detail", kwargs={"pk": person.pk})).status_code == 404
    )


def test_it_shows_case_staff_the_persons_of_their_cases_only(world: World, sign_in: SignIn) -> None:
    person = world.person()
    url = reverse("people:detail", kwargs={"pk": person.pk})
    assert sign_in(world.dave).get(url).status_code == 404
    world.application(person=person, stage="submitted")
    assert sign_in(world.dave).get(url).status_code == 200


def test_it_shows_a_foreign_national_their_own_file(world: World, sign_in: SignIn) -> None:
    response = sign_in(world.bob).get(reverse("people:mine"))
    assert response.status_code == 200
    assert "MILLER" in response.content.decode()
