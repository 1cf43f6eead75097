"""Decisions and issuance need the password and a code entered within the last few minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.cases.models import Decision
from tests.factories import PASSWORD, World, totp_code

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]


def stale() -> dt.datetime:
    """Past the re-authentication window, within the idle limit."""
    return timezone.now() + dt.timedelta(seconds=settings.ONEWINDOW_REAUTH_SECONDS + 60)


def approval(application: object) -> dict[str, object]:
    return {
        "outcome": Decision.Outcome.APPROVED,
        "reason_codes": ["criteria_met"],
        "valid_from": application.work_start.isoformat(),  # type: ignore[attr-defined]
        "valid_until": application.work_end.isoformat(),  # type: ignore[attr-defined]
        "version": application.version,  # type: ignore[attr-defined]
    }


def test_it_lets_a_freshly_signed_in_reviewer_decide(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="in_review")
    client = sign_in(world.dave)
    url = reverse("cases:decide_work", args=[application.reference])
    assert client.get(url).status_code == 200
    response = client.post(url, approval(application))
    assert response["Location"] == reverse("cases:detail", args=[application.reference])
    assert application.decisions.filter(authority="work_permit").exists()


def test_it_sends_a_stale_reviewer_to_confirm_and_then_back(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="in_review")
    client = sign_in(world.dave)
    url = reverse("cases:decide_work", args=[application.reference])
    with time_machine.travel(stale(), tick=False):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:reauthenticate"))
        # Posting the decision itself is refused too, and nothing is decided.
        assert client.post(url, approval(application))["Location"].startswith(
            reverse("accounts:reauthenticate")
        )
        assert not application.decisions.exists()

        confirm = client.post(
            response["Location"], {"password": PASSWORD, "code": totp_code(world.dave), "next": url}
        )
        assert confirm["Location"] == url
        assert client.get(url).status_code == 200
        client.post(url, approval(application))
    assert application.decisions.filter(authority="work_permit").exists()
    assert Event.objects.filter(actor=world.dave, action="auth.reauthenticate").exists()


def test_it_refuses_a_wrong_password_or_code(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.dave)
    with time_machine.travel(stale(), tick=False):
        url = reverse("accounts:reauthenticate")
        wrong_password = client.post(url, {"password": "not my password", "code": totp_code(world.dave)})
        assert wrong_password.status_code == 200
        wrong_code = client.post(url, {"password": PASSWORD, "code": "000000"})
        assert wrong_code.status_code == 200
        application = world.application(stage="in_review")
        decide = client.get(reverse("cases:decide_work", args=[application.reference]))
        assert decide["Location"].startswith(url)
    assert Event.objects.filter(actor=world.dave, action="auth.reauthenticate_failed").count() == 2


def test_it_does_not_follow_a_next_address_off_the_site(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.dave)
    response = client.post(
        reverse("accounts:reauthenticate"),
        {"password": PASSWORD, "code": totp_code(world.dave), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("front:dashboard")


def test_it_sends_a_stale_window_officer_to_confirm_before_issuing(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="verified")
    client = sign_in(world.carol)
    url = reverse("permits:issue", args=[application.reference])
    assert client.get(url).status_code == 200
    with time_machine.travel(stale(), tick=False):
        response = client.post(url, {"residence_permit_number": "RP87654321"})
        assert response["Location"].startswith(reverse("accounts:reauthenticate"))
        application.refresh_from_db()
        assert application.status == "originals_verified"
        client.post(
            reverse("accounts:reauthenticate"),
            {"password": PASSWORD, "code": totp_code(world.carol), "next": url},
        )
        response = client.post(url, {"residence_permit_number": "RP87654321"})
    assert response["Location"] == reverse("cases:detail", args=[application.reference])
    application.refresh_from_db()
    assert application.status == "completed"


def test_it_does_not_send_applicants_to_confirm(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="in_review")
    client = sign_in(world.alice)
    with time_machine.travel(stale(), tick=False):
        response = client.get(reverse("cases:decide_work", args=[application.reference]))
    assert response.status_code != 302


def test_it_refuses_in_the_action_without_fresh_authentication(world: World) -> None:
    from onewindow.cases.actions import do_record_decision
    from onewindow.cases.models import Authority
    from onewindow.cases.workflow import TransitionRefused

    application = world.application(stage="in_review")
    with pytest.raises(TransitionRefused) as refused:
        do_record_decision(
            application,
            actor=world.dave,
            authority=Authority.WORK_PERMIT,
            outcome=Decision.Outcome.APPROVED,
            reason_codes=["criteria_met"],
            valid_from=application.work_start,
            valid_until=application.work_end,
            fresh_authentication=False,
        )
    assert refused.value.code == "reauthenticate"


def _api_decision(client: Client, application: object) -> object:
    reference = application.reference  # type: ignore[attr-defined]
    return client.post(
        f"/api/v1/cases/{reference}/decisions",
        {
            "authority": "work_permit",
            "outcome": "approved",
            "reason_codes": ["criteria_met"],
            "valid_from": application.work_start.isoformat(),  # type: ignore[attr-defined]
            "valid_until": application.work_end.isoformat(),  # type: ignore[attr-defined]
        },
        content_type="application/json",
        headers={"If-Match": "*"},
    )


def test_it_lets_a_fresh_browser_session_decide_through_the_api(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="in_review")
    response = _api_decision(sign_in(world.dave), application)
    assert response.status_code == 200  # type: ignore[attr-defined]


def test_it_refuses_a_stale_browser_session_through_the_api(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="in_review")
    client = sign_in(world.dave)
    with time_machine.travel(stale(), tick=False):
        response = _api_decision(client, application)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert response.json()["error"]["code"] == "reauthenticate"  # type: ignore[attr-defined]
    assert not application.decisions.exists()
