"""The one decision notice of an application, as a printable PDF in the reader's language.

It says what the decision message said (the same template), so the notice
downloaded from the case page and the one received by e-mail never differ.
"""

from __future__ import annotations

from django.utils import timezone

from onewindow.cases.models import Application
from onewindow.lib import pdf
from onewindow.lib.pdf import mm


def decision_notice_pdf(application: Application, *, language: str) -> bytes:
    """The decision notice covering both authorities' decisions, written in ``language``."""
    from onewindow.notifications.recipes import case_context, render

    subject, body = render("decided", case_context(application), language)
    width, height = pdf.PAGE_SIZE
    left, right = 20 * mm, width - 20 * mm
    with pdf.document(title=subject, subject=application.reference, author="OneWindow") as (canvas, buffer):
        y = height - 25 * mm
        y = pdf.draw_paragraph(canvas, left, y, subject, size=16, max_width=right - left)
        y -= 2 * mm
        decided = timezone.localtime(application.decided_at) if application.decided_at else None
        stamp = f"{application.reference} · {application.station.name}"
        if decided is not None:
            stamp += f" · {decided:%Y-%m-%d}"
        y = pdf.draw_paragraph(canvas, left, y, stamp, size=9, max_width=right - left)
        y -= 6 * mm
        for paragraph in body.split("\n"):
            if not paragraph.strip():
                y -= 3 * mm
                continue
            if y < 25 * mm:
                canvas.showPage()
                y = height - 25 * mm
            y = pdf.draw_paragraph(canvas, left, y, paragraph, size=10.5, max_width=right - left)
    return buffer.getvalue()
