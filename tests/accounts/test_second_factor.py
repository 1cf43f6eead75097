"""Staff sign in with a password and a second factor; the gate holds on every page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.accounts.actions import do_create_user, do_grant_role
from onewindow.accounts.authn import code_at, current_step
from onewindow.accounts.models import Role
from onewindow.audit.models import Event
from tests.factories import PASSWORD, World, sign_agreement, totp_code

pytestmark = pytest.mark.django_db


def password_step(client: Client, email: str, next_url: str = "") -> object:
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def test_it_asks_staff_for_a_code_after_the_password(client: Client, world: World) -> None:
    response = password_step(client, world.dave.email)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert client.get(reverse("cases:worklist")).status_code == 302


def test_it_lets_staff_in_with_a_current_code(client: Client, world: World) -> None:
    password_step(client, world.dave.email, next_url=reverse("cases:worklist"))
    response = client.post(
        reverse("accounts:second_factor"), {"code": totp_code(world.dave), "next": reverse("cases:worklist")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:worklist")
    assert client.get(reverse("cases:worklist")).status_code == 200
    assert Event.objects.filter(actor=world.dave, action="auth.second_factor").exists()


def test_it_refuses_a_wrong_code_and_logs_it(client: Client, world: World) -> None:
    password_step(client, world.dave.email)
    device = TOTPDevice.objects.get(user=world.dave)
    wrong = code_at(device, current_step(device) + 5)
    response = client.post(reverse("accounts:second_factor"), {"code": wrong})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert client.get(reverse("cases:worklist")).status_code == 302
    assert Event.objects.filter(actor=world.dave, action="auth.second_factor_failed").exists()


def test_it_refuses_a_code_used_once_already(client: Client, world: World) -> None:
    code = totp_code(world.dave)
    password_step(client, world.dave.email)
    assert client.post(reverse("accounts:second_factor"), {"code": code}).status_code == 302
    other = Client()
    password_step(other, world.dave.email)
    assert other.post(reverse("accounts:second_factor"), {"code": code}).status_code == 200
    assert other.get(reverse("cases:worklist")).status_code == 302


def test_it_lets_the_password_alone_reach_only_the_allowed_pages(client: Client, world: World) -> None:
    password_step(client, world.carol.email)
    bob = world.people["bob"]
    for url in [
        reverse("cases:worklist"),
        reverse("people:detail", args=[bob.pk]),
        reverse("front:dashboard"),
        reverse("accounts:security"),
        reverse("accounts:reauthenticate"),
        "/admin/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:second_factor")), url
    for url in [reverse("front:home"), reverse("front:privacy"), reverse("accounts:second_factor")]:
        assert client.get(url).status_code == 200, url
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_it_gates_the_admin_site_for_administrators(client: Client, world: World) -> None:
    heidi = world.heidi
    heidi.is_staff = True
    heidi.is_superuser = True
    heidi.save(update_fields=["is_staff", "is_superuser"])
    password_step(client, heidi.email)
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    client.post(reverse("accounts:second_factor"), {"code": totp_code(heidi)})
    assert client.get("/admin/").status_code == 200


def test_it_answers_the_api_with_the_error_shape(client: Client, world: World) -> None:
    password_step(client, world.dave.email)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"


def test_it_lets_hr_users_without_a_device_in_with_the_password(client: Client, world: World) -> None:
    response = password_step(client, world.alice.email)
    assert response["Location"] == reverse("front:dashboard")
    assert client.get(reverse("employers:dashboard")).status_code == 302
    assert client.get(reverse("employers:detail", args=[world.employers["robotics"].pk])).status_code == 200


def test_it_makes_a_new_officer_enrol_before_anything_else(client: Client, world: World) -> None:
    newbie = do_create_user(actor=None, email="newbie@example.org", full_name="Newbie", password=PASSWORD)
    do_grant_role(actor=None, user=newbie, role=Role.WINDOW_OFFICER, office=world.offices["zhaoshang"])
    sign_agreement(newbie, world.offices["zhaoshang"])
    password_step(client, newbie.email)
    response = client.get(reverse("cases:worklist"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:enrol"))
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code class="ow-secret">([A-Z2-7 ]+)</code>', page)
    assert secret is not None

    device = TOTPDevice.objects.get(user=newbie, confirmed=False)
    wrong = client.post(reverse("accounts:enrol"), {"code": "000000"})
    assert wrong.status_code == 200
    response = client.post(
        reverse("accounts:enrol"),
        {"code": code_at(device, current_step(device)), "next": reverse("cases:worklist")},
    )
    assert response["Location"].startswith(reverse("accounts:recovery_codes"))
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=newbie).values_list("token", flat=True))
    # Shown once only.
    assert client.get(reverse("accounts:recovery_codes"))["Location"] == reverse("accounts:security")
    assert client.get(reverse("cases:worklist")).status_code == 200
    assert Event.objects.filter(actor=newbie, action="auth.mfa_enrol").exists()


def test_it_refuses_to_replace_a_device_with_the_password_alone(client: Client, world: World) -> None:
    password_step(client, world.dave.email)
    response = client.get(reverse("accounts:enrol"))
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert not TOTPDevice.objects.filter(user=world.dave, confirmed=False).exists()


def test_it_accepts_each_recovery_code_once(client: Client, world: World) -> None:
    newbie = do_create_user(actor=None, email="newbie@example.org", full_name="Newbie", password=PASSWORD)
    do_grant_role(actor=None, user=newbie, role=Role.REVIEWER, office=world.offices["commission"])
    password_step(client, newbie.email)
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=newbie, confirmed=False)
    client.post(reverse("accounts:enrol"), {"code": code_at(device, current_step(device))})
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    client.post(reverse("accounts:logout"))

    password_step(client, newbie.email)
    response = client.post(reverse("accounts:second_factor"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert StaticDevice.objects.get(user=newbie).token_set.count() == 9
    client.post(reverse("accounts:logout"))
    password_step(client, newbie.email)
    assert client.post(reverse("accounts:second_factor"), {"code": codes[0]}).status_code == 200


def test_it_regenerates_recovery_codes_for_a_verified_user(world: World, sign_in: object) -> None:
    client = sign_in(world.dave)  # type: ignore[operator]
    response = client.post(reverse("accounts:regenerate_recovery_codes"))
    assert response["Location"] == reverse("accounts:recovery_codes")
    assert StaticToken.objects.filter(device__user=world.dave).count() == 10
    assert Event.objects.filter(actor=world.dave, action="auth.recovery_codes_regenerate").exists()


def test_it_throttles_code_guessing(client: Client, world: World) -> None:
    password_step(client, world.dave.email)
    device = TOTPDevice.objects.get(user=world.dave)
    for _ in range(3):
        client.post(reverse("accounts:second_factor"), {"code": "111111"})
    device.refresh_from_db()
    # The first failure throttles the device (1 s, doubling): the next two were not even tried.
    assert device.throttling_failure_count == 1
    # Even the right code is refused while the device is throttled.
    response = client.post(reverse("accounts:second_factor"), {"code": totp_code(world.dave)})
    assert response.status_code == 200
