"""Template tags for showing a permit's QR code on pages outside the permits app (the case page)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from onewindow.permits.documents import QrImage, qr_image
from onewindow.permits.models import CheckResult, Permit

register = template.Library()


@register.simple_tag
def permit_qr(permit: Permit) -> QrImage | None:
    """``{% permit_qr permit as qr %}``: the QR code, or ``None`` while no signing key is active."""
    return qr_image(permit)


@register.filter
def permit_state(permit: Permit) -> CheckResult:
    """What a checker is told about this issuance today."""
    return permit.state_on(timezone.localdate())


@register.filter
def permit_state_label(permit: Permit) -> str:
    return str(permit.state_on(timezone.localdate()).label)
