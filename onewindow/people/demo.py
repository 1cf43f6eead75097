"""Demo data for the document vault and the employers' duties: bob's documents (one too old to be
reused), the employer's business licence, and a change of position to report. Idempotent."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from onewindow.accounts.models import Membership, Role
from onewindow.employers.actions import do_record_duty
from onewindow.lib import pdf
from onewindow.people.actions import do_upload_document
from onewindow.people.models import Document, Employment


def _pdf(title: str) -> bytes:
    with pdf.document(title=title, subject=title, author="OneWindow demo") as (canvas, buffer):
        pdf.draw_text(canvas, 72, 760, title, size=14)
    return buffer.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 160), "white").save(out, format="PNG")
    return out.getvalue()


def seed() -> None:
    """Add the demo foreign national's documents and an open duty of their employer, once."""
    membership = (
        Membership.objects.filter(role=Role.FOREIGN_NATIONAL, person__isnull=False)
        .select_related("person", "user")
        .order_by("pk")
        .first()
    )
    if membership is None or membership.person is None:
        return
    person = membership.person
    if Document.objects.filter(person=person).exists():
        return
    employment = Employment.objects.current().filter(person=person).select_related("employer").first()
    hr = (
        Membership.objects.filter(role=Role.EMPLOYER_HR, employer=employment.employer)
        .select_related("user")
        .first()
        if employment is not None
        else None
    )
    actor = hr.user if hr is not None else membership.user
    today = timezone.localdate()
    for document_type, content, name, issued, expires in (
        (
            "passport",
            _pdf("Passport"),
            "passport.pdf",
            today - dt.timedelta(days=800),
            today.replace(year=today.year + 7),
        ),
        ("degree", _pdf("Degree certificate"), "degree.pdf", dt.date(2011, 6, 30), None),
        (
            "employment_contract",
            _pdf("Employment contract"),
            "contract.pdf",
            today - dt.timedelta(days=20),
            None,
        ),
        # Taken more than six months ago: the next application asks for a new one.
        ("photo", _png(), "photo.png", today - dt.timedelta(days=240), None),
        (
            "health_certificate",
            _pdf("Health certificate"),
            "health.pdf",
            today - dt.timedelta(days=150),
            today + dt.timedelta(days=40),
        ),
    ):
        do_upload_document(
            actor=actor,
            person=person,
            upload=SimpleUploadedFile(name, content),
            document_type=document_type,
            issued_on=issued,
            expires_on=expires,
        )
    if employment is None or hr is None:
        return
    do_upload_document(
        actor=hr.user,
        employer=employment.employer,
        upload=SimpleUploadedFile("licence.pdf", _pdf("Business licence")),
        document_type="business_licence",
        issued_on=today - dt.timedelta(days=1000),
        expires_on=today + dt.timedelta(days=30),
    )
    do_record_duty(
        employer=employment.employer,
        person=person,
        kind="change",
        happened_on=today - dt.timedelta(days=3),
        note="New position: lead robotics engineer.",
        actor=hr.user,
    )
