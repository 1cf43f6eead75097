"""What to tell whom when something happens to a case.

A recipe turns one sealed event into messages for the people concerned by
the case: the employer's HR users and the foreign national, each in their
own language, in the inbox and by e-mail. The two authorities' decisions
reach the applicant as *one* decision notice, sent when the case is
concluded, not one per authority.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from onewindow.accounts.models import Membership, Role, User
from onewindow.audit.models import Event
from onewindow.cases.models import Application
from onewindow.notifications.actions import do_queue_email, do_queue_message
from onewindow.people.models import Person

# Case events the applicant hears about, and the template that says it.
CASE_TEMPLATES: dict[str, str] = {
    "case.submit": "submitted",
    "case.resubmit": "submitted",
    "case.return": "returned",
    "case.decline": "declined",
    "case.accept": "accepted",
    "case.request_supplement": "supplement",
    "case.answer_supplement": "resumed",
    "case.conclude_approved": "decided",
    "case.conclude_refused": "decided",
    "case.record_entry": "entered",
    "case.verify_originals": "verified",
    "case.issue_permit": "issued",
    "case.complete": "completed",
    "case.withdraw": "withdrawn",
    # The one visit (onewindow.visits): booking, moving and cancelling the appointment.
    "visit.book": "appointment",
    "visit.reschedule": "appointment",
    "visit.cancel": "appointment",
}


@dataclass(frozen=True)
class Recipient:
    user: User | None
    email: str
    language: str


def case_recipients(application: Application) -> list[Recipient]:
    """The employer's HR users and the person (their account, else the e-mail on their file)."""
    return recipients_for(employer_ids=[application.employer_id], person=application.person)


def recipients_for(*, employer_ids: list[int], person: Person | None = None) -> list[Recipient]:
    """The HR users of ``employer_ids`` and ``person`` (their account, else the e-mail on their file)."""
    condition = Q(role=Role.EMPLOYER_HR, employer_id__in=employer_ids)
    if person is not None:
        condition |= Q(role=Role.FOREIGN_NATIONAL, person_id=person.pk)
    memberships = list(Membership.objects.active().filter(condition).select_related("user"))
    seen: set[int] = set()
    recipients: list[Recipient] = []
    for membership in memberships:
        user = membership.user
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        recipients.append(Recipient(user=user, email=user.email, language=user.language))
    if person is None:
        return recipients
    has_account = any(m.role == Role.FOREIGN_NATIONAL for m in memberships)
    if not has_account and person.email and person.anonymised_at is None:
        recipients.append(Recipient(user=None, email=person.email, language=_supported(person.language)))
    return recipients


def _supported(language: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else "en"


def render(template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """Subject and body of ``template`` in ``language``."""
    with translation.override(language):
        subject = render_to_string(f"notifications/{template}_subject.txt", context, using="text").strip()
        body = render_to_string(f"notifications/{template}_body.txt", context, using="text").strip()
    return " ".join(subject.split()), body


def deliver(
    *, recipients: list[Recipient], template: str, context: dict[str, Any], key: str, link: str
) -> int:
    """Write one inbox message and one e-mail per recipient, each once (``key`` de-duplicates)."""
    count = 0
    for recipient in recipients:
        subject, body = render(template, context, recipient.language)
        who = f"user:{recipient.user.pk}" if recipient.user is not None else f"email:{recipient.email}"
        if recipient.user is not None:
            do_queue_message(
                recipient=recipient.user,
                subject=subject,
                body=body,
                link=link,
                language=recipient.language,
                dedupe_key=f"{key}:{who}",
            )
        if recipient.email:
            full_link = settings.ONEWINDOW_PUBLIC_URL + link if link else ""
            do_queue_email(
                to=recipient.email,
                subject=subject,
                body=body + (f"\n\n{full_link}" if full_link else ""),
                language=recipient.language,
                dedupe_key=f"{key}:{who}:email"[:120],
            )
        count += 1
    return count


def on_event(event: Event, seq: int) -> None:
    """The notification consumer: react to the case events applicants hear about."""
    template = CASE_TEMPLATES.get(event.action)
    if template is None or event.application_id is None:
        return
    application = (
        Application.objects.select_related("person", "employer", "station")
        .prefetch_related("decisions", "corrections")
        .get(pk=event.application_id)
    )
    link = reverse("cases:detail", kwargs={"reference": application.reference})
    deliver(
        recipients=case_recipients(application),
        template=template,
        context=case_context(application, event),
        key=f"event:{event.pk}",
        link=link,
    )


def case_context(application: Application, event: Event | None = None) -> dict[str, Any]:
    """What the case messages (and the decision notice) say about ``application``."""
    from onewindow.cases import deadlines, reasons

    clock = deadlines.clock(application)
    decisions = [
        (decision, [reasons.describe(code) for code in decision.reason_codes])
        for decision in application.decisions.all()
    ]
    refused = next((d for d, _r in decisions if d.outcome == "refused"), None)
    return {
        "application": application,
        "event": event,
        "data": event.data if event is not None else {},
        "predicted": clock.predicted_decision_on,
        "decisions": decisions,
        "appeal": reasons.appeal_routes(timezone.localdate(refused.decided_at))
        if refused is not None
        else None,
    }
