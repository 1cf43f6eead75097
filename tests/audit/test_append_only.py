"""The log refuses UPDATE and DELETE: in the database on PostgreSQL, in the models everywhere."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from onewindow.audit.models import AppendOnlyError, Event, Seal


def test_it_refuses_to_update_an_event_through_the_model(chain: list[Event]) -> None:
    event = chain[0]
    event.action = "test.forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(action="test.forged")
    assert Event.objects.get(pk=event.pk).action == "test.step"


def test_it_refuses_to_delete_an_event_through_the_model(chain: list[Event]) -> None:
    with pytest.raises(AppendOnlyError):
        chain[0].delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=chain[0].pk).delete()
    assert Event.objects.count() == 10


def test_it_refuses_to_change_or_delete_a_seal_through_the_model(chain: list[Event]) -> None:
    seal = Seal.objects.get(seq=1)
    seal.hash = "0" * 64
    with pytest.raises(AppendOnlyError):
        seal.save()
    with pytest.raises(AppendOnlyError):
        Seal.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Seal.objects.update(prev_hash="x")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET action = 'test.forged' WHERE id = %s",
        "DELETE FROM audit_event WHERE id = %s",
        "UPDATE audit_seal SET hash = md5(hash) || md5(hash) WHERE event_id = %s",
        "DELETE FROM audit_seal WHERE event_id = %s",
    ],
)
def test_it_refuses_update_and_delete_in_postgresql(chain: list[Event], sql: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [chain[0].pk])
    assert Event.objects.filter(pk=chain[0].pk, action="test.step").exists()
