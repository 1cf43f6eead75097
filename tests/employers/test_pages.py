"""The employer's dashboard: foreign staff with their permits and open cases, the employer's vault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.people.models import Document
from onewindow.permits.models import Permit
from tests import samples
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def test_it_lists_each_employee_with_their_permit_and_open_cases(
    world: World, sign_in: SignIn, django_assert_max_num_queries: Callable[[int], object]
) -> None:
    completed = world.application(person=world.people["bob"], stage="completed")
    permit = Permit.objects.get(application=completed)
    open_case = world.application(stage="submitted")
    client = sign_in(world.alice)
    url = reverse("employers:detail", kwargs={"pk": world.employers["robotics"].pk})
    client.get(url)
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        page = client.get(url).content.decode()
    assert permit.number.number in page
    assert f"valid until {permit.valid_until:%Y-%m-%d}" in page
    assert open_case.reference in page
    assert "Lab" not in page
    assert "Extension due" not in page  # the permit runs for two more years


def test_it_flags_a_permit_due_for_extension(world: World, sign_in: SignIn) -> None:
    today = timezone.localdate()
    world.application(person=world.people["bob"], stage="completed", work_end=today + dt.timedelta(days=80))
    page = sign_in(world.alice).get(
        reverse("employers:detail", kwargs={"pk": world.employers["robotics"].pk})
    )
    assert b"data-extension-due" in page.content


def test_it_keeps_the_employers_documents_in_its_own_vault(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.alice)
    employer = world.employers["robotics"]
    url = reverse("employers:upload", kwargs={"pk": employer.pk})
    form = client.get(url).content.decode()
    assert 'value="business_licence"' in form
    assert 'value="passport"' not in form
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "document_type": "business_licence",
            "file": SimpleUploadedFile("licence.pdf", samples.pdf("licence")),
            "issued_on": (today - dt.timedelta(days=300)).isoformat(),
            "expires_on": (today + dt.timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(employer=employer)
    assert document.person is None
    page = client.get(reverse("employers:detail", kwargs={"pk": employer.pk})).content.decode()
    assert reverse("people:download", kwargs={"pk": document.pk}) in page
    assert "Documents expiring soon" in page
    assert f"Robotics Ltd.: Business licence — valid until {document.expires_on:%Y-%m-%d}" in page
    assert client.get(reverse("people:download", kwargs={"pk": document.pk})).status_code == 200
    assert sign_in(world.olga).get(reverse("people:download", kwargs={"pk": document.pk})).status_code == 404


def test_it_refuses_a_persons_document_in_the_employers_vault(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.alice)
    url = reverse("employers:upload", kwargs={"pk": world.employers["robotics"].pk})
    response = client.post(
        url, {"document_type": "passport", "file": SimpleUploadedFile("p.pdf", samples.pdf())}
    )
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_it_keeps_the_employer_pages_to_its_hr_users(world: World, sign_in: SignIn) -> None:
    employer = world.employers["robotics"]
    for name in ("olga", "bob", "carol", "frank"):
        client = sign_in(world.users[name])
        assert client.get(reverse("employers:upload", kwargs={"pk": employer.pk})).status_code == 404
        assert client.get(reverse("employers:detail", kwargs={"pk": employer.pk})).status_code == 404
