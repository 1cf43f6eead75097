"""Notifications: from sealed events, once, in each recipient's language; the outbox retries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.audit.chain import seal_pending
from onewindow.cases.actions import do_transition
from onewindow.cases.workflow import Action
from onewindow.notifications.actions import send_due_emails
from onewindow.notifications.management.commands.worker import run_once
from onewindow.notifications.models import Email, Message
from onewindow.notifications.recipes import on_event
from onewindow.notifications.stream import consume
from onewindow.permits.models import Permit
from tests.factories import World

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def drain() -> None:
    seal_pending()
    consume("notifications", on_event)


def test_it_tells_the_employer_and_the_person_when_a_case_moves(world: World) -> None:
    application = world.application(person=world.people["bob"])
    drain()
    Message.objects.all().delete()
    do_transition(application, actor=world.alice, action=Action.SUBMIT)
    drain()
    recipients = set(Message.objects.values_list("recipient__email", flat=True))
    assert recipients == {"alice@example.org", "bob@example.org"}
    assert Message.objects.filter(subject=f"Application {application.reference} received").count() == 2


def test_it_handles_each_event_once_however_often_it_runs(world: World) -> None:
    world.application(stage="submitted")
    drain()
    count = Message.objects.count()
    drain()
    consume("notifications", on_event)
    assert Message.objects.count() == count > 0


def test_it_sends_one_decision_notice_covering_both_permits(world: World) -> None:
    application = world.application(stage="approved")
    drain()
    notices = Message.objects.filter(
        subject=f"Decision on application {application.reference}", recipient=world.alice
    )
    assert notices.count() == 1
    body = notices.get().body
    assert "Work permit" in body
    assert "residence permit" in body
    assert "Book your visit" in body


def test_it_writes_in_the_recipients_language(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import translation

    from onewindow.notifications import recipes

    rendered: list[tuple[str, str | None, str]] = []
    real_render = recipes.render_to_string

    def spy(template_name: str, context: dict[str, object], **kwargs: object) -> str:
        # Django's own catalogue translates the month names: proof of which catalogue was active.
        rendered.append((template_name, translation.get_language(), translation.gettext("January")))
        return real_render(template_name, context, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(recipes, "render_to_string", spy)
    world.alice.language = "zh-hans"
    world.alice.save(update_fields=["language"])
    application = world.application(stage="submitted")
    drain()
    message = Message.objects.get(recipient=world.alice, subject__contains=application.reference)
    assert message.language == "zh-hans"
    assert Email.objects.get(to="alice@example.org", subject=message.subject).language == "zh-hans"
    # The person has no account: their e-mail (to the address on the file) is in their language, English.
    assert Email.objects.get(to="jane@example.org", subject__contains=application.reference).language == "en"
    subjects = [
        (language, month) for name, language, month in rendered if name.endswith("submitted_subject.txt")
    ]
    assert sorted(subjects) == [("en", "January"), ("zh-hans", "一月")]


def test_it_lists_every_correction_in_the_return_notice(world: World) -> None:
    from onewindow.cases.actions import do_return_application

    application = world.application(stage="submitted")
    do_return_application(
        application, actor=world.carol, corrections=[{"text": "Sign the form."}, {"text": "Add the degree."}]
    )
    drain()
    body = Message.objects.get(recipient=world.alice, subject__contains="corrections needed").body
    assert "- Sign the form." in body
    assert "- Add the degree." in body


def test_it_sends_the_mail_after_the_fact_and_retries_a_failure(world: World) -> None:
    world.application(stage="submitted")
    drain()
    pending = Email.objects.filter(status=Email.Status.PENDING).count()
    assert pending > 0
    unreachable = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    with override_settings(MAILERS=unreachable):
        sent, failed = send_due_emails()
    assert (sent, failed) == (0, pending)
    email = Email.objects.first()
    assert email is not None
    assert email.status == Email.Status.PENDING
    assert email.attempts == 1
    assert email.last_error
    assert send_due_emails() == (0, 0)  # not due again before the back-off
    later = email.next_attempt_at + dt.timedelta(seconds=1)
    sent, failed = send_due_emails(now=later)
    assert (sent, failed) == (pending, 0)
    assert len(mail.outbox) == pending
    assert Email.objects.filter(status=Email.Status.SENT).count() == pending


def test_it_reminds_of_a_permit_expiring_in_90_60_and_30_days_once_each(world: World) -> None:
    application = world.application(stage="completed")
    permit = Permit.objects.get(application=application)
    for lead in (95, 90, 89, 60, 45, 30, 10):
        with time_machine.travel(permit.valid_until - dt.timedelta(days=lead)):
            run_once()
    reminders = Message.objects.filter(recipient=world.alice, subject__contains="expires soon")
    assert reminders.count() == 3


def test_it_shows_the_inbox_to_its_owner_only(world: World, sign_in: SignIn) -> None:
    world.application(stage="submitted")
    drain()
    message = Message.objects.filter(recipient=world.alice).first()
    assert message is not None
    page = sign_in(world.alice).get(reverse("notifications:inbox"))
    assert message.subject in page.content.decode()
    assert (
        sign_in(world.olga).post(reverse("notifications:read", kwargs={"pk": message.pk})).status_code == 404
    )
    response = sign_in(world.alice).post(reverse("notifications:read", kwargs={"pk": message.pk}))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.read_at is not None
