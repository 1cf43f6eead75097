"""The signature of webhook deliveries, and its verification (as a receiver does it).

Each delivery carries ``OneWindow-Signature: t=<unix seconds>,v1=<hex>`` where
``hex = HMAC-SHA256(endpoint secret, "<t>." + raw body)``. A receiver
recomputes it over the raw body, compares in constant time, and refuses a
timestamp more than ``TOLERANCE_SECONDS`` away from its clock (a replayed
old delivery). ``OneWindow-Delivery`` (a UUID) is the same on every retry of
one delivery, so a receiver can drop duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "OneWindow-Signature"
DELIVERY_HEADER = "OneWindow-Delivery"
EVENT_HEADER = "OneWindow-Event"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    secret: str, header: str, body: bytes, *, now: float | None = None, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` at a time within ``tolerance`` of ``now``."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
