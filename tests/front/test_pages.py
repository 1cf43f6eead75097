"""Public pages, the health check and the language switch."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from onewindow.accounts.models import User
from tests.factories import World

SignIn = Callable[[User], Client]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/privacy/", "/accessibility/", "/accounts/login/"])
def test_it_serves_the_public_pages_without_signing_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert "nonce-" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_it_switches_the_language_to_chinese(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.django_db
def test_it_reports_healthy_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_it_reports_503_when_the_database_is_down(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.utils import OperationalError

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    # The database driver fails as it does when the server is down; the view's logic is untouched.
    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("alice", "/employer/"),
        ("bob", "/people/me/"),
        ("carol", "/cases/work/"),
        ("dave", "/cases/work/"),
        ("erin", "/cases/work/"),
        ("frank", "/cases/work/"),
    ],
)
def test_it_sends_each_role_to_its_work(world: World, sign_in: SignIn, name: str, target: str) -> None:
    response = sign_in(world.users[name]).get(reverse("front:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.django_db
def test_it_asks_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get(reverse("front:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_it_signs_in_with_email_and_password(world: World, client: Client) -> None:
    from tests.factories import PASSWORD

    response = client.post(reverse("accounts:login"), {"username": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302
    bad = Client().post(reverse("accounts:login"), {"username": "alice@example.org", "password": "wrong"})
    assert bad.status_code == 200
    assert "_auth_user_id" not in bad.wsgi_request.session
