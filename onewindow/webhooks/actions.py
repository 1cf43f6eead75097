"""Registering endpoints, turning the audit stream into deliveries, and sending them.

The worker (``manage.py worker``) consumes the sealed audit trail as the
"webhooks" stream: each event of an application becomes one delivery to
every active endpoint of the application's employer. Deliveries wait in the
outbox (``Delivery`` rows) and are sent, signed, by ``send_due_deliveries``;
a failure is retried after 30 s, 1 min, 2 min … (doubling, at most 6 hours
apart) until ``MAX_ATTEMPTS`` tries have failed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import secrets
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.models import Event
from onewindow.audit.trail import record_event
from onewindow.webhooks import signing
from onewindow.webhooks.models import Attempt, Delivery, Endpoint

if TYPE_CHECKING:
    from onewindow.accounts.models import User
    from onewindow.employers.models import Employer

STREAM = "webhooks"
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=6)
TIMEOUT_SECONDS = 5
# While one worker sends a delivery, others leave it alone for this long.
LEASE = dt.timedelta(seconds=60)
# Access-log entries (who viewed or downloaded what) are not case events.
_NOT_EVENTS = (".view", ".download")


def local_http_allowed() -> bool:
    """Plain http to 127.0.0.1 is accepted only in development and tests."""
    return getattr(settings, "ONEWINDOW_ENV", "production") in {"development", "test"}


def validate_url(url: str) -> str:
    """An absolute https URL of a public host (or http://127.0.0.1 in development and tests)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError({"url": _("Enter a valid address.")}) from None
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password or parts.fragment:
        raise ValidationError({"url": _("Enter a full address without user name, password or fragment.")})
    if parts.scheme == "http" and host == "127.0.0.1" and local_http_allowed():
        return url
    if parts.scheme != "https":
        raise ValidationError({"url": _("The address must start with https://.")})
    if port is not None and port == 0:
        raise ValidationError({"url": _("Enter a valid address.")})
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")) or "." not in host:
            raise ValidationError({"url": _("The address must be a public host name.")}) from None
    else:
        if not address.is_global:
            raise ValidationError({"url": _("The address must be a public host name.")})
    return url


@transaction.atomic
def do_create_endpoint(
    *, actor: User, employer: Employer, url: str, description: str = ""
) -> tuple[Endpoint, str]:
    """Register ``url`` for ``employer``'s case events; return it with its signing secret (shown once)."""
    url = validate_url(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = Endpoint(
        employer=employer, url=url, description=description.strip(), secret=secret, created_by=actor
    )
    endpoint.full_clean(exclude=["secret"])
    endpoint.save()
    record_event(
        actor=actor,
        action="webhook.create",
        obj=endpoint,
        data={"employer": employer.pk, "url": url},
    )
    return endpoint, secret


@transaction.atomic
def do_disable_endpoint(endpoint: Endpoint, *, actor: User) -> Endpoint:
    if endpoint.disabled_at is None:
        endpoint.disabled_at = timezone.now()
        endpoint.save(update_fields=["disabled_at"])
        endpoint.deliveries.filter(state=Delivery.State.PENDING).update(
            state=Delivery.State.FAILED, last_error="endpoint disabled"
        )
        record_event(actor=actor, action="webhook.disable", obj=endpoint, data={"url": endpoint.url})
    return endpoint


def payload_for(event: Event) -> dict[str, Any]:
    """What an endpoint learns of an event: the case's reference and status, never personal data."""
    application = event.application
    if application is None:
        raise ValueError("Only an application's events are delivered")
    return {
        "type": event.action,
        "occurred_at": event.occurred_at.isoformat(),
        "case": {
            "reference": application.reference,
            "kind": application.kind,
            "from_status": event.from_status or None,
            "status": event.to_status or application.status,
            "url": f"/api/v1/cases/{application.reference}",
        },
    }


def on_event(event: Event, seq: int) -> None:
    """The stream handler: queue a delivery of a case event to each active endpoint of its employer."""
    application = event.application
    if application is None or event.action.endswith(_NOT_EVENTS):
        return
    # An endpoint gets the events from its registration on, never the history before it.
    endpoints = Endpoint.objects.filter(
        employer_id=application.employer_id, disabled_at__isnull=True, created_at__lte=event.occurred_at
    )
    for endpoint in endpoints:
        delivery = Delivery(endpoint=endpoint, event_id=event.pk, event_type=event.action, payload={})
        delivery.payload = {"id": str(delivery.uuid), **payload_for(event)}
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:
            continue  # already queued (the stream handed the event over again)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, 4 min … at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer like any other non-2xx: not followed


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def _post(endpoint: Endpoint, delivery: Delivery) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme was checked when the URL was registered
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "OneWindow-Webhooks/1",
            signing.SIGNATURE_HEADER: signing.sign(endpoint.secret, body, int(time.time())),
            signing.DELIVERY_HEADER: str(delivery.uuid),
            signing.EVENT_HEADER: delivery.event_type,
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, str(reason)[:300]


def _claim(limit: int, now: dt.datetime) -> list[Delivery]:
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
            .select_related("endpoint")
            .order_by("next_attempt_at", "pk")[:limit]
        )
        Delivery.objects.filter(pk__in=[d.pk for d in due]).update(next_attempt_at=now + LEASE)
    return due


def send_due_deliveries(*, limit: int = 50) -> tuple[int, int]:
    """Send the deliveries that are due; return (delivered, failed this round)."""
    delivered = failed = 0
    for delivery in _claim(limit, timezone.now()):
        started = time.monotonic()
        status, error = _post(delivery.endpoint, delivery)
        now = timezone.now()
        Attempt.objects.create(
            delivery=delivery,
            attempted_at=now,
            status_code=status,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        delivery.attempts += 1
        delivery.last_status_code = status
        delivery.last_error = error
        if status is not None and 200 <= status < 300:
            delivery.state = Delivery.State.DELIVERED
            delivery.delivered_at = now
            delivered += 1
        else:
            failed += 1
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = Delivery.State.FAILED
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(
            update_fields=[
                "attempts",
                "last_status_code",
                "last_error",
                "state",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    return delivered, failed
