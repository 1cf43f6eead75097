"""`manage.py audit verify | anchor | seal`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from onewindow.audit.chain import current_anchor
from onewindow.audit.models import Event, PendingSeal, Seal
from onewindow.audit.trail import record_event


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def test_it_verifies_an_intact_chain_and_prints_the_count(chain: list[Event]) -> None:
    assert "intact: 10 entries" in run("verify")


def test_it_verifies_against_the_anchor(chain: list[Event]) -> None:
    anchor = run("anchor").strip()
    assert anchor == str(current_anchor())
    assert anchor.endswith(":10")
    assert "matching the anchor at entry 10" in run("verify", "--anchor", anchor)


def test_it_accepts_an_older_anchor_of_a_grown_chain(chain: list[Event]) -> None:
    anchor = run("anchor").strip()
    record_event(actor=None, action="test.later")
    run("seal")
    assert "intact: 11 entries" in run("verify", "--anchor", anchor)


def test_it_seals_pending_events(chain: list[Event]) -> None:
    record_event(actor=None, action="test.later")
    record_event(actor=None, action="test.later")
    assert PendingSeal.objects.count() == 2
    assert "2 event(s) await their seal" in run("verify")
    assert "Sealed 2 event(s)" in run("seal")
    assert Seal.objects.count() == 12
    assert not PendingSeal.objects.exists()


def test_it_exits_1_naming_the_first_bad_entry(chain: list[Event]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("changes the log with plain SQL, which PostgreSQL's trigger refuses")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET action = 'test.forged' WHERE id = %s", [chain[3].pk])
    with pytest.raises(CommandError) as failed:
        run("verify")
    assert failed.value.returncode == 1
    assert f"entry 4, event #{chain[3].pk}" in str(failed.value)
    assert "content does not match its hash" in str(failed.value)


@pytest.mark.parametrize("anchor", ["nonsense", "abc:10", "0" * 64 + ":ten"])
def test_it_refuses_a_malformed_anchor(chain: list[Event], anchor: str) -> None:
    with pytest.raises(CommandError, match="Bad anchor"):
        run("verify", "--anchor", anchor)


def test_it_verifies_an_empty_trail(db: None) -> None:
    assert "intact: 0 entries" in run("verify")
