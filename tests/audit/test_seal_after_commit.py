"""Sealing after a commit: at once when the process is quiet, throttled under load, nothing lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import override_settings

from onewindow.audit import trail
from onewindow.audit.chain import seal_pending, verify
from onewindow.audit.models import PendingSeal, Seal
from onewindow.audit.trail import record_event

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def quiet_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process that has not sealed yet (the throttle is per process)."""
    monkeypatch.setattr(trail, "_last_sealed", [float("-inf")])
    yield


def committed_event(capture: Capture, action: str) -> int:
    with capture(execute=True):
        event = record_event(actor=None, action=action)
    return event.pk


@pytest.mark.usefixtures("quiet_process")
def test_every_commit_seals_at_once_without_an_interval(
    db: None, django_capture_on_commit_callbacks: Capture
) -> None:
    with override_settings(ONEWINDOW_AUDIT_SEAL_INTERVAL_MS=0):
        for n in range(3):
            committed_event(django_capture_on_commit_callbacks, f"test.step{n}")
    assert Seal.objects.count() == 3
    assert not PendingSeal.objects.exists()


@pytest.mark.usefixtures("quiet_process")
def test_within_the_interval_events_wait_for_the_next_pass_and_are_sealed_in_order(
    db: None, django_capture_on_commit_callbacks: Capture
) -> None:
    with override_settings(ONEWINDOW_AUDIT_SEAL_INTERVAL_MS=60_000):
        first = committed_event(django_capture_on_commit_callbacks, "test.first")
        second = committed_event(django_capture_on_commit_callbacks, "test.second")
        third = committed_event(django_capture_on_commit_callbacks, "test.third")
    # The quiet process sealed the first event at once; the next two commits came within the interval.
    assert list(Seal.objects.values_list("event_id", flat=True)) == [first]
    assert list(PendingSeal.objects.order_by("event_id").values_list("event_id", flat=True)) == [
        second,
        third,
    ]
    assert verify().pending == 2

    # The worker's pass (or any later one) chains what waited, after what was sealed before.
    assert seal_pending() == 2
    assert list(Seal.objects.order_by("seq").values_list("event_id", flat=True)) == [first, second, third]
    result = verify()
    assert result.ok and result.count == 3 and result.pending == 0


@pytest.mark.usefixtures("quiet_process")
def test_once_the_interval_has_passed_the_next_commit_seals_everything_waiting(
    db: None, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    with override_settings(ONEWINDOW_AUDIT_SEAL_INTERVAL_MS=1000):
        committed_event(django_capture_on_commit_callbacks, "test.first")
        committed_event(django_capture_on_commit_callbacks, "test.second")
        assert PendingSeal.objects.count() == 1
        # A second and a half later, by this process's clock.
        monkeypatch.setattr(trail, "_last_sealed", [trail._last_sealed[0] - 1.5])
        committed_event(django_capture_on_commit_callbacks, "test.third")
    assert Seal.objects.count() == 3
    assert not PendingSeal.objects.exists()
    assert verify().ok


@pytest.mark.usefixtures("quiet_process")
def test_a_rolled_back_event_is_neither_kept_nor_sealed(
    db: None, django_capture_on_commit_callbacks: Capture
) -> None:
    from django.db import transaction

    with (
        override_settings(ONEWINDOW_AUDIT_SEAL_INTERVAL_MS=0),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        record_event(actor=None, action="test.undone")
        raise RuntimeError("the change failed")
    assert not Seal.objects.exists()
    assert not PendingSeal.objects.exists()
