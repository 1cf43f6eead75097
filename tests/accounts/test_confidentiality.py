"""No personal data for a staff member until their confidentiality agreement is on record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.actions import do_create_user, do_grant_role, do_record_agreement
from onewindow.accounts.models import ConfidentialityAgreement, Role, User
from onewindow.accounts.scopes import scope_of
from onewindow.audit.models import Event
from onewindow.cases.access import visible_applications
from onewindow.people.access import visible_persons
from tests.factories import PASSWORD, World, enrol_totp

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]


def new_officer(world: World, *, office: str = "zhaoshang", role: Role = Role.WINDOW_OFFICER) -> User:
    user = do_create_user(
        actor=None, email=f"new-{office}@example.org", full_name="New Officer", password=PASSWORD
    )
    do_grant_role(actor=None, user=user, role=role, office=world.offices[office])
    enrol_totp(user)
    return user


def yesterday() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=1)


def test_it_shows_nothing_personal_without_an_agreement(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="submitted")
    officer = new_officer(world)
    assert not visible_applications(officer).exists()
    assert not visible_persons(officer).exists()
    client = sign_in(officer)
    assert client.get(reverse("cases:detail", args=[application.reference])).status_code == 404
    assert client.get(reverse("people:detail", args=[application.person_id])).status_code == 404
    worklist = client.get(reverse("cases:worklist"))
    assert application.reference not in worklist.content.decode()
    assert reverse("accounts:confidentiality") in worklist.content.decode()


def test_it_explains_why_on_a_page_of_its_own(world: World, sign_in: SignIn) -> None:
    officer = new_officer(world)
    client = sign_in(officer)
    response = client.get(reverse("front:dashboard"))
    assert response["Location"] == reverse("accounts:confidentiality")
    page = client.get(response["Location"]).content.decode()
    assert "None on record" in page
    assert world.offices["zhaoshang"].name in page


def test_it_shows_the_cases_once_the_agreement_is_recorded(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="submitted")
    officer = new_officer(world)
    do_record_agreement(
        actor=world.heidi,
        user=officer,
        office=world.offices["zhaoshang"],
        version="2024-1",
        signed_at=yesterday(),
    )
    assert list(visible_applications(officer)) == [application]
    client = sign_in(officer)
    assert client.get(reverse("cases:detail", args=[application.reference])).status_code == 200
    assert client.get(reverse("front:dashboard"))["Location"] == reverse("cases:worklist")
    event = Event.objects.get(action="account.agreement_record", object_id=str(officer.agreements.get().pk))
    assert event.actor == world.heidi
    assert event.data["version"] == "2024-1"


def test_it_does_not_count_an_agreement_with_another_office(world: World) -> None:
    world.application(stage="submitted")
    officer = new_officer(world)
    do_grant_role(actor=None, user=officer, role=Role.WINDOW_OFFICER, office=world.offices["lianhua"])
    do_record_agreement(
        actor=None, user=officer, office=world.offices["lianhua"], version="2024-1", signed_at=yesterday()
    )
    lab_case = world.application("lab", stage="submitted")
    assert list(visible_applications(officer)) == [lab_case]
    scope = scope_of(officer)
    assert [grant.office_id for grant in scope.grants_without_agreement] == [world.offices["zhaoshang"].pk]


def test_it_stops_showing_data_when_the_agreement_lapses(world: World) -> None:
    application = world.application(stage="submitted")
    officer = new_officer(world)
    until = timezone.localdate() + dt.timedelta(days=10)
    do_record_agreement(
        actor=None,
        user=officer,
        office=world.offices["zhaoshang"],
        version="2024-1",
        signed_at=yesterday(),
        valid_until=until,
    )
    assert list(visible_applications(officer)) == [application]
    with time_machine.travel(timezone.now() + dt.timedelta(days=11)):
        fresh = User.objects.get(pk=officer.pk)
        assert not visible_applications(fresh).exists()


def test_it_reads_the_scope_in_one_query_after_the_change_token(
    world: World, django_assert_num_queries: object
) -> None:
    from django.core.cache import cache

    cache.clear()
    user = User.objects.get(pk=world.carol.pk)
    # The newest change token (the shared cache's key), then memberships, agreements and
    # qualifications in one query; a kept scope is the token alone (tests/accounts/test_scope_cache.py).
    with django_assert_num_queries(2):  # type: ignore[operator]
        scope = scope_of(user)
    assert scope.staff_grants()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"valid_until": dt.date(2000, 1, 1)}, "cannot end before"),
        ({"signed_at": timezone.now() + dt.timedelta(days=2)}, "cannot be in the future"),
        ({"office": "lianhua"}, "holds no staff role"),
    ],
)
def test_it_refuses_an_agreement_that_cannot_be(
    world: World, change: dict[str, object], message: str
) -> None:
    officer = new_officer(world)
    fields: dict[str, object] = {
        "user": officer,
        "office": world.offices["zhaoshang"],
        "version": "2024-1",
        "signed_at": yesterday(),
    }
    if change.get("office"):
        change = {"office": world.offices[str(change["office"])]}
    fields.update(change)
    with pytest.raises(ValidationError, match=message):
        do_record_agreement(actor=world.heidi, **fields)  # type: ignore[arg-type]
    assert not ConfidentialityAgreement.objects.filter(user=officer).exists()


def test_it_refuses_recording_ones_own_agreement(world: World) -> None:
    with pytest.raises(ValidationError, match="Another administrator"):
        do_record_agreement(
            actor=world.heidi,
            user=world.heidi,
            office=world.offices["commission"],
            version="v9",
            signed_at=yesterday(),
        )


def test_it_lets_an_administrator_record_an_agreement(world: World, sign_in: SignIn) -> None:
    officer = new_officer(world)
    client = sign_in(world.heidi)
    assert client.get(reverse("accounts:agreements")).status_code == 200
    response = client.post(
        reverse("accounts:agreements"),
        {
            "email": officer.email.upper(),
            "office": world.offices["zhaoshang"].pk,
            "version": "2024-1",
            "reference": "ZS-17",
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    assert response["Location"] == reverse("accounts:agreements")
    agreement = ConfidentialityAgreement.objects.get(user=officer)
    assert (agreement.reference, agreement.recorded_by) == ("ZS-17", world.heidi)


def test_it_refuses_an_unknown_staff_member(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.heidi)
    response = client.post(
        reverse("accounts:agreements"),
        {
            "email": world.alice.email,
            "office": world.offices["zhaoshang"].pk,
            "version": "2024-1",
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "holds a staff role" in response.content.decode()
    assert not ConfidentialityAgreement.objects.filter(user=world.alice).exists()


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dave", "frank"])
def test_it_lets_only_administrators_record_agreements(world: World, sign_in: SignIn, name: str) -> None:
    client = sign_in(world.users[name])
    assert client.get(reverse("accounts:agreements")).status_code == 404


def test_it_offers_only_offices_in_the_administrators_area(world: World, sign_in: SignIn) -> None:
    admin = new_officer(world, office="futian-commission", role=Role.ADMINISTRATOR)
    client = sign_in(admin)
    response = client.post(
        reverse("accounts:agreements"),
        {
            "email": world.carol.email,
            "office": world.offices["zhaoshang"].pk,
            "version": "2030-1",
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert not ConfidentialityAgreement.objects.filter(version="2030-1").exists()


def test_it_lists_agreements_read_only_in_the_admin(world: World, sign_in: SignIn) -> None:
    admin_user = do_create_user(
        actor=None, email="root@example.org", full_name="Root", password=PASSWORD, admin_site=True
    )
    enrol_totp(admin_user)
    client = sign_in(admin_user)
    response = client.get("/admin/accounts/confidentialityagreement/")
    assert response.status_code == 200
    assert world.carol.email in response.content.decode()
    assert client.get("/admin/accounts/confidentialityagreement/add/").status_code == 403
