"""The token pages: personal tokens shown once, revoked; employer administrators' service accounts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from onewindow.accounts.models import Role, User
from onewindow.api.models import ApiToken, ServiceAccount
from onewindow.api.tokens import check_token, do_create_token
from tests.api.conftest import ApiClient
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def test_a_user_creates_a_token_sees_it_once_and_revokes_it(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.alice)
    response = client.post("/api-tokens/", {"name": "HR system", "scope": "write", "expires_in_days": "90"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("ow_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=world.alice)
    assert secret not in token.secret_hash and token.expires_at is not None
    assert ApiClient(secret).get("/cases").status_code == 200
    listing = client.get("/api-tokens/").content.decode()
    assert secret not in listing and token.prefix in listing
    client.post(f"/api-tokens/{token.pk}/revoke")
    assert ApiClient(secret).get("/cases").status_code == 401


def test_nobody_revokes_anothers_token(world: World, sign_in: SignIn) -> None:
    token, secret = do_create_token(actor=world.olga, owner=world.olga, name="x", scope=ApiToken.Scope.READ)
    assert sign_in(world.alice).post(f"/api-tokens/{token.pk}/revoke").status_code == 404
    assert check_token(secret) is not None


def test_the_token_form_refuses_bad_input(world: World, sign_in: SignIn) -> None:
    response = sign_in(world.alice).post("/api-tokens/", {"name": "", "scope": "admin"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "scope"}
    assert not ApiToken.objects.exists()


def test_an_employer_administrator_runs_a_service_account(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.alice)
    robotics = world.employers["robotics"]
    response = client.post("/api-tokens/service-accounts/", {"name": "Payroll", "employer": robotics.pk})
    account = ServiceAccount.objects.get()
    assert response.status_code == 302
    assert account.user.memberships.get().role == Role.EMPLOYER_HR
    assert not account.user.has_usable_password()
    page = client.post(
        f"/api-tokens/service-accounts/{account.pk}/",
        {"name": "prod", "scope": "read", "expires_in_days": ""},
    )
    secret = page.context["secret"]
    api = ApiClient(secret)
    person = world.person()
    assert person.pk in {row["id"] for row in api.get("/people").json()["items"]}
    assert api.get(f"/people/{world.person('lab').pk}").status_code == 404
    # Another employer's administrator does not see it.
    other = sign_in(world.olga)
    assert other.get(f"/api-tokens/service-accounts/{account.pk}/").status_code == 404
    token = ApiToken.objects.get(user=account.user)
    assert other.post(f"/api-tokens/{token.pk}/revoke").status_code == 404
    client = sign_in(world.alice)
    client.post(f"/api-tokens/service-accounts/{account.pk}/disable")
    assert api.get("/people").status_code == 401
    account.refresh_from_db()
    assert account.disabled_at is not None


def test_only_employer_administrators_have_service_accounts(world: World, sign_in: SignIn) -> None:
    assert sign_in(world.carol).get("/api-tokens/service-accounts/").status_code == 404
    assert sign_in(world.bob).get("/api-tokens/service-accounts/").status_code == 404
    response = sign_in(world.alice).post(
        "/api-tokens/service-accounts/", {"name": "x", "employer": world.employers["lab"].pk}
    )
    assert response.status_code == 200 and "employer" in response.context["form"].errors
    assert not ServiceAccount.objects.exists()


def test_an_office_service_account_acts_with_its_staff_role(world: World) -> None:
    from django.core.management import call_command

    call_command(
        "service_account",
        "--office",
        "exit-entry",
        "--role",
        "immigration_officer",
        "--name",
        "Exit-entry system",
    )
    account = ServiceAccount.objects.get()
    assert account.user.memberships.get().role == Role.IMMIGRATION_OFFICER
    _token, secret = do_create_token(
        actor=None, owner=account.user, name="x", scope=ApiToken.Scope.READ, kind=ApiToken.Kind.SERVICE
    )
    application = world.application(stage="in_review")
    rows = ApiClient(secret).get("/worklists/immigration_officer").json()["items"]
    assert [row["reference"] for row in rows] == [application.reference]


def test_a_browser_session_writes_only_with_its_csrf_token(world: World) -> None:
    from tests.factories import complete_sign_in

    client = complete_sign_in(Client(enforce_csrf_checks=True), world.alice)
    application = world.application()
    path = f"/api/v1/cases/{application.reference}"
    etag = client.get(path)["ETag"]
    refused = client.post(f"{path}/submit", HTTP_IF_MATCH=etag)
    assert refused.status_code == 403
    client.get("/api-tokens/")
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(f"{path}/submit", HTTP_IF_MATCH=etag, HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200, accepted.content


def test_staff_create_a_token_only_right_after_confirming_their_identity(
    world: World, sign_in: SignIn
) -> None:
    import datetime as dt

    import time_machine
    from django.utils import timezone

    client = sign_in(world.carol)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        stale = client.post("/api-tokens/", {"name": "window", "scope": "read", "expires_in_days": "30"})
        assert stale.status_code == 302 and "reauthenticate" in stale["Location"]
        assert not ApiToken.objects.exists()
    fresh = sign_in(world.carol).post(
        "/api-tokens/", {"name": "window", "scope": "read", "expires_in_days": "30"}
    )
    assert fresh.status_code == 200 and fresh.context["secret"]
