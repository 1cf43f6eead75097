from __future__ import annotations

import pytest

from onewindow.audit.chain import seal_pending
from onewindow.audit.models import Event
from onewindow.audit.trail import record_event


@pytest.fixture
def chain(db: None) -> list[Event]:
    """Ten sealed events, in order."""
    events = [
        record_event(actor=None, action="test.step", data={"n": n, "text": f"step {n} — 第{n}步"})
        for n in range(1, 11)
    ]
    seal_pending()
    return events
