"""The public page behind the QR code: /verify/<token>."""

from __future__ import annotations

import time_machine
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from onewindow.permits import tokens
from onewindow.permits.models import Scan, SigningKey
from tests.factories import World
from tests.permits.helpers import extend, in_force, issue_permit


def test_it_shows_a_valid_permit_without_sign_in_in_both_languages(
    client: Client, world: World, signing_key: SigningKey
) -> None:
    permit = issue_permit(world)
    token = tokens.token_for(permit)
    assert tokens.verify_url(token).endswith(f"/verify/{token}")
    with time_machine.travel(in_force(permit), tick=False):
        response = client.get(f"/verify/{token}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="valid"' in html
    assert "有效" in html
    assert "Valid" in html
    assert permit.number.number in html
    assert "D** J." in html
    assert "许可证号" in html
    assert "Permit number" in html
    assert "英国" in html  # nationality in Chinese
    assert "United Kingdom" in html
    assert "Jane" not in html
    assert permit.person.passport_number not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store"
    assert Scan.objects.get().channel == "page"


def test_it_shows_the_page_in_chinese(client: Client, world: World, signing_key: SigningKey) -> None:
    permit = issue_permit(world)
    response = client.get(f"/verify/{tokens.token_for(permit)}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_it_shows_an_altered_token_as_invalid(client: Client, world: World, signing_key: SigningKey) -> None:
    token = tokens.token_for(issue_permit(world))
    altered = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    response = client.get(f"/verify/{altered}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="invalid"' in html
    assert "无效" in html
    assert "verify-permit" not in html
    assert Scan.objects.get().result == "invalid"


def test_it_shows_a_superseded_permit_with_the_current_one(
    client: Client, world: World, signing_key: SigningKey
) -> None:
    first = issue_permit(world)
    second = extend(world, first)
    with time_machine.travel(in_force(second), tick=False):
        html = client.get(f"/verify/{tokens.token_for(first)}").content.decode()
    assert 'data-status="superseded"' in html
    assert 'id="verify-current"' in html
    assert 'data-status="valid"' in html


def test_it_limits_the_rate(
    client: Client, world: World, signing_key: SigningKey, settings: Settings
) -> None:
    settings.ONEWINDOW_VERIFY_RATE_LIMIT = 2
    token = tokens.token_for(issue_permit(world))
    # Inside one fixed one-minute window, whatever the wall clock says.
    with time_machine.travel(timezone.now().replace(second=5, microsecond=0), tick=False):
        assert client.get(f"/verify/{token}").status_code == 200
        assert client.get("/api/v1/permits/verify", {"token": token}).status_code == 200  # one budget
        response = client.get(f"/verify/{token}")
    assert response.status_code == 429
    assert response["Retry-After"] == "55"
    assert Scan.objects.count() == 2


def test_it_only_answers_get(client: Client, world: World, signing_key: SigningKey) -> None:
    token = tokens.token_for(issue_permit(world))
    assert client.post(f"/verify/{token}").status_code == 405
