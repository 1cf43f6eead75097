"""Every status change and document request reaches the applicant; nothing is sent for a change
that did not commit."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.template.loader import get_template

from onewindow.audit.chain import seal_pending
from onewindow.cases.actions import do_answer_supplement, do_request_supplement, do_transition
from onewindow.cases.workflow import TRANSITIONS, Action
from onewindow.notifications.models import Email, Message
from onewindow.notifications.recipes import CASE_TEMPLATES, on_event
from onewindow.notifications.stream import consume
from tests.factories import World

pytestmark = pytest.mark.django_db

# Steps that leave the status as it is: the two authorities' decisions are recorded within the
# review and reach the applicant as the one decision notice (case.conclude_*).
SILENT = {Action.DECIDE_WORK_PERMIT, Action.DECIDE_RESIDENCE_PERMIT}


def drain() -> None:
    seal_pending()
    consume("notifications", on_event)


def test_it_has_a_message_for_every_status_change_of_the_workflow() -> None:
    changes = {action for (status, action), step in TRANSITIONS.items() if step.to != status}
    assert not changes & SILENT
    for action in changes:
        template = CASE_TEMPLATES.get(f"case.{action.value}")
        assert template is not None, f"no message for {action}"
        get_template(f"notifications/{template}_subject.txt", using="text")
        get_template(f"notifications/{template}_body.txt", using="text")
    assert {action for (status, action), step in TRANSITIONS.items() if step.to == status} == SILENT


def test_it_tells_the_applicant_of_each_step_from_submission_to_completion(world: World) -> None:
    application = world.application(person=world.people["bob"], stage="completed")
    drain()
    ref = application.reference
    subjects = set(Message.objects.filter(recipient=world.alice).values_list("subject", flat=True))
    assert {
        f"Application {ref} received",
        f"Application {ref} accepted for review",
        f"Decision on application {ref}",
        f"Application {ref}: originals verified",
        f"Application {ref}: work permit issued",
        f"Application {ref} completed",
    } <= subjects
    assert set(Message.objects.filter(recipient=world.bob).values_list("subject", flat=True)) == subjects
    # Each message also went to the outbox, once per recipient.
    assert Email.objects.filter(to="alice@example.org").count() == len(subjects)


def test_it_tells_the_applicant_of_a_document_request_and_of_the_resumed_review(world: World) -> None:
    application = world.application(stage="in_review")
    application = do_request_supplement(
        application, actor=world.dave, items=[{"text": "The degree, apostilled.", "document_type": "degree"}]
    )
    do_answer_supplement(application, actor=world.alice, answer="Uploaded the apostilled degree.")
    drain()
    ref = application.reference
    request = Message.objects.get(recipient=world.alice, subject=f"Application {ref}: more material needed")
    assert "- The degree, apostilled." in request.body
    assert Message.objects.filter(
        recipient=world.alice, subject=f"Application {ref}: answer received, review resumed"
    ).exists()


def test_it_sends_nothing_for_a_change_that_was_rolled_back(world: World) -> None:
    application = world.application()
    drain()
    before = (Message.objects.count(), Email.objects.count())
    with pytest.raises(RuntimeError), transaction.atomic():
        do_transition(application, actor=world.alice, action=Action.SUBMIT)
        raise RuntimeError("the request failed after the change")
    drain()
    assert (Message.objects.count(), Email.objects.count()) == before
