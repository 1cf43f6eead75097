"""The permit page, the holder's own page, and the permit on the case page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.permits import tokens
from onewindow.permits.models import SigningKey
from tests.factories import World
from tests.permits.helpers import cancel, extend, issue_permit

SignIn = Callable[[User], Client]


def test_it_shows_the_holder_their_permit_with_its_qr_code(
    client: Client, world: World, signing_key: SigningKey, sign_in: SignIn
) -> None:
    permit = issue_permit(world, person=world.people["bob"])
    client.get(f"/verify/{tokens.token_for(permit)}")  # someone checked it
    response = sign_in(world.bob).get("/permits/mine/")
    assert response.status_code == 200
    html = response.content.decode()
    assert permit.number.number in html
    assert 'id="permit-qr"' in html
    assert 'src="data:image/svg+xml' in html
    assert f"/permits/{permit.pk}/permit.pdf" in html
    assert 'id="scan-list"' in html
    assert 'id="revoke-permit"' not in html
    assert Event.objects.get(action="permit.view", actor=world.bob).object_id == str(permit.pk)


def test_it_shows_the_newest_issuance_and_the_history(
    world: World, signing_key: SigningKey, sign_in: SignIn
) -> None:
    first = issue_permit(world, person=world.people["bob"])
    second = extend(world, first)
    html = sign_in(world.bob).get("/permits/mine/").content.decode()
    assert f"<strong>{second.pk}</strong>" in html
    assert f'href="/permits/{first.pk}/"' in html


def test_it_links_the_holder_to_their_permit_from_their_file(world: World, sign_in: SignIn) -> None:
    assert 'id="my-permit"' in sign_in(world.bob).get("/people/me/").content.decode()
    bob_file = f"/people/{world.people['bob'].pk}/"
    assert 'id="my-permit"' not in sign_in(world.alice).get(bob_file).content.decode()


def test_it_tells_a_holder_without_a_permit_so(world: World, sign_in: SignIn) -> None:
    response = sign_in(world.bob).get("/permits/mine/")
    assert response.status_code == 200
    assert 'id="no-permit"' in response.content.decode()


@pytest.mark.parametrize("name", ["alice", "carol", "dave"])
def test_it_has_no_holder_page_for_others(name: str, world: World, sign_in: SignIn) -> None:
    assert sign_in(world.users[name]).get("/permits/mine/").status_code == 404


def test_it_offers_revocation_to_a_reviewer(world: World, signing_key: SigningKey, sign_in: SignIn) -> None:
    permit = issue_permit(world)
    assert 'id="revoke-permit"' in sign_in(world.dave).get(f"/permits/{permit.pk}/").content.decode()


def test_it_shows_the_proof_reference_of_a_cancelled_permit(
    world: World, signing_key: SigningKey, sign_in: SignIn
) -> None:
    permit = issue_permit(world)
    application = cancel(world, permit)
    html = sign_in(world.alice).get(f"/permits/{permit.pk}/").content.decode()
    assert permit.cancellation_reference in html
    assert 'id="download-proof"' in html
    case_html = sign_in(world.alice).get(f"/cases/{application.reference}/").content.decode()
    assert 'id="case-cancellation-proof"' in case_html
    assert permit.cancellation_reference in case_html


def test_it_warns_when_no_key_can_sign(world: World, sign_in: SignIn) -> None:
    permit = issue_permit(world)
    html = sign_in(world.alice).get(f"/permits/{permit.pk}/").content.decode()
    assert 'id="permit-qr"' not in html
    assert "No permit signing key is active" in html


def test_it_shows_the_qr_code_and_downloads_on_the_case_page(
    world: World, signing_key: SigningKey, sign_in: SignIn
) -> None:
    permit = issue_permit(world)
    html = sign_in(world.carol).get(f"/cases/{permit.application.reference}/").content.decode()
    assert 'id="case-permit-qr"' in html
    assert f'href="/permits/{permit.pk}/permit.pdf"' in html
    assert f'href="/permits/{permit.pk}/"' in html


def test_it_still_shows_the_case_page_without_a_key(world: World, sign_in: SignIn) -> None:
    permit = issue_permit(world)
    response = sign_in(world.carol).get(f"/cases/{permit.application.reference}/")
    assert response.status_code == 200
    assert 'id="case-permit-qr"' not in response.content.decode()


def test_it_shows_the_permit_page_in_a_bounded_number_of_queries(
    world: World, signing_key: SigningKey, sign_in: SignIn, django_assert_max_num_queries: object
) -> None:
    permit = issue_permit(world, person=world.people["bob"])
    for _ in range(3):
        permit = extend(world, permit)
    client = sign_in(world.bob)
    client.get("/permits/mine/")  # warm the session
    with django_assert_max_num_queries(11):  # type: ignore[operator]
        assert client.get(f"/permits/{permit.pk}/").status_code == 200
