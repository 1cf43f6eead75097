"""Downloading the printable permit and the proof of cancellation: who may, what they contain."""

from __future__ import annotations

import io
from collections.abc import Callable

import pypdf
import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.permits.models import Permit, SigningKey
from tests.factories import World
from tests.permits.helpers import cancel, issue_permit

SignIn = Callable[[User], Client]
ALLOWED = ["alice", "bob", "carol", "dave", "erin", "frank"]
REFUSED = ["olga", "cora", "dina", "gina", "heidi"]


def pdf_text(content: bytes) -> str:
    """The document's text without whitespace (extraction breaks lines where the font changes)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def contains(text: str, expected: str) -> bool:
    return "".join(expected.split()) in text


@pytest.fixture
def bobs_permit(world: World, signing_key: SigningKey) -> Permit:
    return issue_permit(world, person=world.people["bob"])


@pytest.mark.parametrize("name", ALLOWED)
def test_it_lets_the_employer_the_holder_and_area_staff_download_the_permit(
    name: str, world: World, bobs_permit: Permit, sign_in: SignIn
) -> None:
    user = world.users[name]
    response = sign_in(user).get(f"/permits/{bobs_permit.pk}/permit.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert bobs_permit.number.number in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    event = Event.objects.get(action="permit.download", actor=user)
    assert event.object_id == str(bobs_permit.pk)
    assert event.application_id == bobs_permit.application_id


@pytest.mark.parametrize("name", REFUSED)
def test_it_hides_the_permit_from_other_areas_and_roles(
    name: str, world: World, bobs_permit: Permit, sign_in: SignIn
) -> None:
    client = sign_in(world.users[name])
    assert client.get(f"/permits/{bobs_permit.pk}/permit.pdf").status_code == 404
    assert client.get(f"/permits/{bobs_permit.pk}/").status_code == 404
    assert not Event.objects.filter(action__startswith="permit.", actor=world.users[name]).exists()


def test_it_sends_anonymous_users_to_sign_in(client: Client, bobs_permit: Permit) -> None:
    response = client.get(f"/permits/{bobs_permit.pk}/permit.pdf")
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_it_answers_404_for_a_missing_permit(world: World, sign_in: SignIn, db: None) -> None:
    assert sign_in(world.alice).get("/permits/999999/permit.pdf").status_code == 404


def test_it_prints_the_permit_in_chinese_and_english(
    world: World, bobs_permit: Permit, sign_in: SignIn
) -> None:
    text = pdf_text(sign_in(world.bob).get(f"/permits/{bobs_permit.pk}/permit.pdf").content)
    for expected in [
        "外国人工作许可",
        "Foreigner's Work Permit",
        "许可证号",
        "Permit number",
        bobs_permit.number.number,
        "许可类别",
        "外国专业人才（B类）",
        "Category B: professional",
        "姓名",
        "MILLER, Bob",
        "性别",
        "女",
        "Female",
        "国籍",
        "英国",
        "United Kingdom",
        "出生日期",
        "1990-05-17",
        "工作单位",
        "Robotics有限公司",
        "Robotics Ltd.",
        "职位",
        "Engineer",
        "工作地点",
        "1 Robotics Road",
        "有效期限",
        f"{bobs_permit.valid_from:%Y-%m-%d} 至 {bobs_permit.valid_until:%Y-%m-%d}",
        f"{bobs_permit.valid_from:%Y-%m-%d} to {bobs_permit.valid_until:%Y-%m-%d}",
        "发证日期",
        "发证机关",
        "科创委",
        "Commission",
        "照片",
        "Photo not yet uploaded",
        "扫码核验",
        "Scan to verify",
        "尚未生效",
    ]:
        assert contains(text, expected), expected
    assert bobs_permit.person.passport_number not in text


def test_it_marks_a_cancelled_permit_on_its_printout(
    world: World, bobs_permit: Permit, sign_in: SignIn
) -> None:
    cancel(world, bobs_permit)
    text = pdf_text(sign_in(world.alice).get(f"/permits/{bobs_permit.pk}/permit.pdf").content)
    assert contains(text, "已注销 CANCELLED")


def test_it_refuses_the_download_while_no_key_signs(world: World, sign_in: SignIn) -> None:
    permit = issue_permit(world)
    response = sign_in(world.alice).get(f"/permits/{permit.pk}/permit.pdf")
    assert response.status_code == 302
    assert response["Location"] == f"/permits/{permit.pk}/"


def test_it_has_no_proof_before_cancellation(world: World, bobs_permit: Permit, sign_in: SignIn) -> None:
    assert sign_in(world.alice).get(f"/permits/{bobs_permit.pk}/cancellation-proof.pdf").status_code == 404


@pytest.mark.parametrize("name", ALLOWED)
def test_it_lets_the_same_people_download_the_proof_of_cancellation(
    name: str, world: World, bobs_permit: Permit, sign_in: SignIn
) -> None:
    cancel(world, bobs_permit)
    user = world.users[name]
    response = sign_in(user).get(f"/permits/{bobs_permit.pk}/cancellation-proof.pdf")
    assert response.status_code == 200
    assert bobs_permit.cancellation_reference in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in [
        "外国人工作许可注销证明",
        "Proof of Cancellation of a Foreigner's Work Permit",
        "证明编号",
        bobs_permit.cancellation_reference,
        bobs_permit.number.number,
        "原工作单位",
        "Former employer",
        "注销日期",
        "Date of cancellation",
        bobs_permit.cancellation_application.reference,  # type: ignore[union-attr]
        "新用人单位",
        "cites this reference",
    ]:
        assert contains(text, expected), expected
    event = Event.objects.get(action="permit.download_cancellation_proof", actor=user)
    assert event.application_id == bobs_permit.cancellation_application_id


@pytest.mark.parametrize("name", REFUSED)
def test_it_hides_the_proof_from_other_areas(
    name: str, world: World, bobs_permit: Permit, sign_in: SignIn
) -> None:
    cancel(world, bobs_permit)
    assert (
        sign_in(world.users[name]).get(f"/permits/{bobs_permit.pk}/cancellation-proof.pdf").status_code == 404
    )


def test_it_produces_the_same_bytes_for_the_same_permit(
    world: World, bobs_permit: Permit, sign_in: SignIn
) -> None:
    client = sign_in(world.alice)
    first = client.get(f"/permits/{bobs_permit.pk}/permit.pdf").content
    assert client.get(f"/permits/{bobs_permit.pk}/permit.pdf").content == first
