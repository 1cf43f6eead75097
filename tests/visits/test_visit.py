"""The one visit: originals beside the uploads, issuance in the same visit, a reason for any other visit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.cases.kinds import visit_documents
from onewindow.cases.models import Application
from onewindow.offices.models import ServiceWindow
from onewindow.people.actions import do_upload_document
from onewindow.permits.actions import do_issue_permit
from onewindow.permits.models import Permit
from onewindow.visits.actions import do_call_ticket, do_end_visit, do_issue_ticket, do_start_visit
from onewindow.visits.models import Ticket, Visit
from tests import samples
from tests.factories import World

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]


def called_ticket(world: World, application: Application) -> Ticket:
    office = world.offices["zhaoshang"]
    ticket = do_issue_ticket(office, actor=world.carol, application=application)
    return do_call_ticket(
        ticket, actor=world.carol, window=ServiceWindow.objects.get(office=office, number=1)
    )


def test_it_holds_the_whole_visit_through_the_pages(
    stations: World, due: Application, sign_in: SignIn
) -> None:
    passport = do_upload_document(
        actor=stations.alice,
        person=due.person,
        upload=SimpleUploadedFile("passport.pdf", samples.pdf()),
        document_type="passport",
    )
    ticket = called_ticket(stations, due)
    client = sign_in(stations.carol)
    start = reverse("visits:start", kwargs={"reference": due.reference})
    response = client.post(start, {"ticket": ticket.pk})
    visit = Visit.objects.get()
    assert response.url == reverse("visits:visit", kwargs={"pk": visit.pk})
    assert (visit.number, visit.ticket, visit.officer) == (1, ticket, stations.carol)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SERVING and ticket.served_at is not None

    page = client.get(response.url).content.decode()
    # The upload beside its original, with a link to open it.
    assert reverse("people:download", kwargs={"pk": passport.pk}) in page
    assert "passport.pdf" in page
    for document in visit_documents(due.kind):
        back = client.post(
            reverse("visits:originals", kwargs={"reference": due.reference}),
            {"document_type": str(document), "outcome": "matches", "next": response.url},
        )
        assert back.url == response.url
    client.post(
        reverse("visits:verify", kwargs={"pk": visit.pk}),
        {"version": Application.objects.get(pk=due.pk).version},
    )
    page = client.get(response.url).content.decode()
    assert 'data-action="issue_permit"' in page
    client.post(
        reverse("permits:issue", kwargs={"reference": due.reference}),
        {"residence_permit_number": "RP12345678"},
    )

    visit.refresh_from_db()
    due.refresh_from_db()
    assert due.status == "completed"
    assert visit.permit == Permit.objects.get(application=due)
    assert visit.residence_permit is not None and visit.residence_permit.number == "RP12345678"
    assert visit.ended_at is not None
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.FINISHED and ticket.finished_at == visit.ended_at
    assert [e.action for e in Event.objects.filter(action__startswith="visit.").order_by("pk")][-2:] == [
        "visit.original_checked",
        "visit.end",
    ]


def test_issuing_without_an_open_visit_records_the_visit(stations: World) -> None:
    application = stations.application(stage="completed")
    visit = Visit.objects.get(application=application)
    assert (visit.number, visit.reason, visit.permit) == (1, "", Permit.objects.get(application=application))
    assert visit.ended_at is not None


def test_a_second_visit_needs_a_reason(stations: World) -> None:
    application = stations.application(stage="approved")
    first = do_start_visit(application, actor=stations.carol)
    do_end_visit(first, actor=stations.carol)
    with pytest.raises(ValidationError, match="say why another visit"):
        do_start_visit(application, actor=stations.carol)
    with pytest.raises(ValidationError, match="say why another visit"):
        do_start_visit(application, actor=stations.carol, reason="   ")
    second = do_start_visit(
        application, actor=stations.carol, reason="The degree certificate was not brought."
    )
    assert (second.number, second.reason) == (2, "The degree certificate was not brought.")


def test_issuance_after_a_visit_without_a_reason_is_refused(stations: World) -> None:
    application = stations.application(stage="verified")
    do_end_visit(do_start_visit(application, actor=stations.carol), actor=stations.carol)
    with pytest.raises(ValidationError, match="start the visit with the reason"):
        do_issue_permit(application, actor=stations.carol, residence_permit_number="RP12345678")
    assert not Permit.objects.filter(application=application).exists()


def test_the_database_refuses_a_second_visit_without_a_reason(stations: World, due: Application) -> None:
    do_start_visit(due, actor=stations.carol)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(
            application=due,
            office=due.station,
            officer=stations.carol,
            number=2,
            started_at=timezone.now(),
            ended_at=timezone.now(),
        )


def test_the_start_page_asks_for_the_reason(stations: World, due: Application, sign_in: SignIn) -> None:
    do_end_visit(do_start_visit(due, actor=stations.carol), actor=stations.carol)
    client = sign_in(stations.carol)
    start = reverse("visits:start", kwargs={"reference": due.reference})
    page = client.get(start).content.decode()
    assert 'name="reason"' in page and "already been here 1 time" in page
    response = client.post(start, {"reason": ""})
    assert response.status_code == 200
    assert "say why another visit is needed" in response.content.decode()
    assert Visit.objects.count() == 1
    response = client.post(start, {"reason": "Passport original forgotten."})
    assert Visit.objects.get(number=2).reason == "Passport original forgotten."


def test_only_the_stations_officer_holds_the_visit(stations: World, due: Application) -> None:
    for persona in ("cora", "dave", "alice"):
        with pytest.raises(ValidationError, match="window officer"):
            do_start_visit(due, actor=stations.users[persona])


def test_a_visit_needs_a_case_due_for_it(stations: World) -> None:
    with pytest.raises(ValidationError, match="not waiting for a visit"):
        do_start_visit(stations.application(stage="in_review"), actor=stations.carol)


@pytest.mark.parametrize("persona", ["cora", "alice", "bob", "frank"])
def test_it_hides_the_visit_page_from_others(
    stations: World, due: Application, sign_in: SignIn, persona: str
) -> None:
    visit = do_start_visit(due, actor=stations.carol)
    response = sign_in(stations.users[persona]).get(reverse("visits:visit", kwargs={"pk": visit.pk}))
    assert response.status_code == 404
