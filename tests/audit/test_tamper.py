"""Each way of tampering with the stored log is caught by the verifier.

The mutations are made below the application: with plain SQL on SQLite, and
on PostgreSQL as the superuser with triggers switched off for the
transaction (``session_replication_role = replica``), which is what an
attacker with the database owner's password could do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from onewindow.audit.chain import Anchor, current_anchor, link_hash, verify
from onewindow.audit.models import Event, Seal

Mutation = Callable[[Any, list[Event]], None]


@contextmanager
def below_the_application() -> Iterator[Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = origin")


def set_data_sql() -> str:
    if connection.vendor == "postgresql":
        return "UPDATE audit_event SET data = %s::jsonb WHERE id = %s"
    return "UPDATE audit_event SET data = %s WHERE id = %s"


INSERT_EVENT = (
    "INSERT INTO audit_event (occurred_at, actor_label, action, object_type, object_id, from_status, "
    "to_status, data) VALUES (%s, 'system', 'test.forged', '', '', '', '', {data})"
)


def insert_event_sql() -> str:
    return INSERT_EVENT.format(data="%s::jsonb" if connection.vendor == "postgresql" else "%s")


def change_an_event(cursor: Any, chain: list[Event]) -> None:
    cursor.execute("UPDATE audit_event SET action = 'test.forged' WHERE id = %s", [chain[3].pk])


def change_an_events_data(cursor: Any, chain: list[Event]) -> None:
    cursor.execute(set_data_sql(), ['{"n": 99}', chain[3].pk])


def delete_an_entry(cursor: Any, chain: list[Event]) -> None:
    cursor.execute("DELETE FROM audit_seal WHERE event_id = %s", [chain[3].pk])
    cursor.execute("DELETE FROM audit_event WHERE id = %s", [chain[3].pk])


def insert_an_unsealed_event(cursor: Any, chain: list[Event]) -> None:
    cursor.execute(insert_event_sql(), [chain[3].occurred_at, "{}"])


def insert_an_entry_with_a_valid_link(cursor: Any, chain: list[Event]) -> None:
    """An attacker who knows the algorithm inserts a well-formed entry at position 4."""
    insert_an_unsealed_event(cursor, chain)
    forged = Event.objects.get(action="test.forged")
    cursor.execute("UPDATE audit_seal SET seq = -seq WHERE seq >= 4")
    cursor.execute("UPDATE audit_seal SET seq = -seq + 1 WHERE seq < 0")
    prev = Seal.objects.get(seq=3).hash
    cursor.execute(
        "INSERT INTO audit_seal (seq, event_id, prev_hash, hash, sealed_at) VALUES (4, %s, %s, %s, %s)",
        [forged.pk, prev, link_hash(prev, forged, 4), forged.occurred_at],
    )


def reorder_two_entries(cursor: Any, chain: list[Event]) -> None:
    cursor.execute("UPDATE audit_seal SET seq = -1 WHERE seq = 4")
    cursor.execute("UPDATE audit_seal SET seq = 4 WHERE seq = 6")
    cursor.execute("UPDATE audit_seal SET seq = 6 WHERE seq = -1")


def reorder_two_events(cursor: Any, chain: list[Event]) -> None:
    """Swap the contents of two events, leaving the chain rows alone."""
    first, second = chain[3], chain[5]
    for target, source in ((first, second), (second, first)):
        cursor.execute(set_data_sql(), [json.dumps(source.data), target.pk])


CAUGHT_WITHOUT_ANCHOR: list[tuple[str, Mutation, str, int | None]] = [
    ("changed", change_an_event, "content does not match its hash", 4),
    ("changed data", change_an_events_data, "content does not match its hash", 4),
    ("deleted", delete_an_entry, "entry 4 is missing", 4),
    ("inserted without a seal", insert_an_unsealed_event, "neither sealed nor awaiting", None),
    ("inserted with a valid link", insert_an_entry_with_a_valid_link, "link does not follow", 5),
    ("reordered entries", reorder_two_entries, "link does not follow", 4),
    ("reordered events", reorder_two_events, "content does not match its hash", 4),
]


def check_caught(chain: list[Event], mutation: Mutation, problem: str, bad_seq: int | None) -> None:
    assert verify().ok
    with below_the_application() as cursor:
        mutation(cursor, chain)
    result = verify()
    assert not result.ok
    assert problem in result.problem
    assert result.bad_seq == bad_seq


def truncate_the_tail(chain: list[Event]) -> Anchor:
    anchor = current_anchor()
    with below_the_application() as cursor:
        for event in chain[-2:]:
            cursor.execute("DELETE FROM audit_seal WHERE event_id = %s", [event.pk])
            cursor.execute("DELETE FROM audit_event WHERE id = %s", [event.pk])
    return anchor


def rebuild_from(chain: list[Event], position: int) -> Anchor:
    """Change an event and recompute every later link, as a careful attacker would."""
    anchor = current_anchor()
    with below_the_application() as cursor:
        change_an_event(cursor, chain)
        prev = Seal.objects.get(seq=position - 1).hash
        for seal in Seal.objects.select_related("event").filter(seq__gte=position).order_by("seq"):
            new = link_hash(prev, seal.event, seal.seq)
            cursor.execute(
                "UPDATE audit_seal SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, seal.seq]
            )
            prev = new
    return anchor


def check_tail_caught(chain: list[Event]) -> None:
    anchor = truncate_the_tail(chain)
    # Without the anchor a shorter chain looks whole; the anchor kept outside says otherwise.
    assert verify().ok
    result = verify(anchor)
    assert not result.ok
    assert "chain has 8 entries but the anchor recorded 10" in result.problem


def check_rebuild_caught(chain: list[Event]) -> None:
    anchor = rebuild_from(chain, 4)
    assert verify().ok
    result = verify(anchor)
    assert not result.ok
    assert "differs from the anchor" in result.problem
    assert result.bad_seq == 10


def only(vendor: str) -> None:
    if connection.vendor != vendor:
        pytest.skip(f"runs on {vendor}")


@pytest.mark.parametrize(("name", "mutation", "problem", "bad_seq"), CAUGHT_WITHOUT_ANCHOR)
def test_it_catches_tampering_on_sqlite(
    chain: list[Event], name: str, mutation: Mutation, problem: str, bad_seq: int | None
) -> None:
    only("sqlite")
    check_caught(chain, mutation, problem, bad_seq)


def test_it_catches_a_truncated_tail_with_the_anchor_on_sqlite(chain: list[Event]) -> None:
    only("sqlite")
    check_tail_caught(chain)


def test_it_catches_a_rebuilt_chain_with_the_anchor_on_sqlite(chain: list[Event]) -> None:
    only("sqlite")
    check_rebuild_caught(chain)


@pytest.mark.postgres
@pytest.mark.parametrize(("name", "mutation", "problem", "bad_seq"), CAUGHT_WITHOUT_ANCHOR)
def test_it_catches_tampering_on_postgresql(
    chain: list[Event], name: str, mutation: Mutation, problem: str, bad_seq: int | None
) -> None:
    only("postgresql")
    check_caught(chain, mutation, problem, bad_seq)


@pytest.mark.postgres
def test_it_catches_a_truncated_tail_with_the_anchor_on_postgresql(chain: list[Event]) -> None:
    only("postgresql")
    check_tail_caught(chain)


@pytest.mark.postgres
def test_it_catches_a_rebuilt_chain_with_the_anchor_on_postgresql(chain: list[Event]) -> None:
    only("postgresql")
    check_rebuild_caught(chain)
