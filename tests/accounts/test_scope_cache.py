"""The shared scope cache: one statement for a kept scope, and never a scope older than the tables.

Every change below is made the way the application never makes it (a bulk update, plain SQL, a
rolled-back transaction): the triggers on the tables, not the application's actions, renew the
token the cache is keyed by, so none of them may leave a grant in reach after it was taken away.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.accounts.actions import do_grant_role
from onewindow.accounts.models import ConfidentialityAgreement, Membership, Role, ScopeChange, User
from onewindow.accounts.scopes import Scope, scope_of
from onewindow.offices.models import Office
from onewindow.supervision.models import Qualification
from tests.factories import World

pytestmark = pytest.mark.django_db

WATCHED = (
    "accounts_membership",
    "accounts_confidentialityagreement",
    "supervision_qualification",
    "offices_office",
    "offices_area",
)


def fresh_scope(user: User) -> Scope:
    """The scope a new request of ``user`` sees (a new user object, as each request loads)."""
    return scope_of(User.objects.get(pk=user.pk))


def reaches(scope: Scope, path: str) -> bool:
    return scope.reaches_path(path, [Role.WINDOW_OFFICER])


def test_a_kept_scope_costs_one_statement_and_equals_the_computed_one(world: World) -> None:
    first = fresh_scope(world.carol)
    user = User.objects.get(pk=world.carol.pk)
    with CaptureQueriesContext(connection) as context:
        again = scope_of(user)
    assert len(context.captured_queries) == 1, [q["sql"] for q in context.captured_queries]
    assert "accounts_scopechange" in context.captured_queries[0]["sql"]
    assert again == first
    assert Role.WINDOW_OFFICER in again.roles and again.staff_grants()


def test_a_grant_revoked_by_a_bulk_update_is_gone_from_the_next_request(world: World) -> None:
    path = world.offices["zhaoshang"].area.path
    assert reaches(fresh_scope(world.carol), path)
    Membership.objects.filter(user=world.carol).update(revoked_at=timezone.now())
    assert fresh_scope(world.carol).grants == ()


def test_a_grant_deleted_with_plain_sql_is_gone_from_the_next_request(world: World) -> None:
    assert fresh_scope(world.carol).grants
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_membership WHERE user_id = %s", [world.carol.pk])
    assert fresh_scope(world.carol).grants == ()


def test_a_lapsed_agreement_stops_the_reach_at_the_next_request(world: World) -> None:
    path = world.offices["zhaoshang"].area.path
    assert reaches(fresh_scope(world.carol), path)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ConfidentialityAgreement.objects.filter(user=world.carol).update(valid_until=yesterday)
    scope = fresh_scope(world.carol)
    assert not reaches(scope, path)
    assert scope.grants_without_agreement


def test_a_suspension_stops_the_reach_at_the_next_request(world: World) -> None:
    path = world.offices["zhaoshang"].area.path
    assert reaches(fresh_scope(world.carol), path)
    Qualification.objects.bulk_create(
        [Qualification(user=world.carol, role=Role.WINDOW_OFFICER, status=Qualification.Status.SUSPENDED)]
    )
    assert not reaches(fresh_scope(world.carol), path)


def test_an_office_moved_to_another_area_moves_its_staffs_reach(world: World) -> None:
    station = world.offices["zhaoshang"]
    before, after = station.area.path, world.offices["lianhua"].area.path
    assert reaches(fresh_scope(world.carol), before)
    Office.objects.filter(pk=station.pk).update(area=world.offices["lianhua"].area)
    scope = fresh_scope(world.carol)
    assert reaches(scope, after)
    assert not reaches(scope, before) or before.startswith(after)


def test_a_grant_rolled_back_is_not_served_from_the_cache_afterwards(world: World) -> None:
    lianhua = world.offices["lianhua"].area.path
    assert not reaches(fresh_scope(world.carol), lianhua)
    with pytest.raises(RuntimeError), transaction.atomic():
        do_grant_role(actor=None, user=world.carol, role=Role.WINDOW_OFFICER, office=world.offices["lianhua"])
        # Seen, and kept, inside the transaction that will not commit.
        assert Role.WINDOW_OFFICER in fresh_scope(world.carol).roles
        assert len(fresh_scope(world.carol).grants) == 2
        raise RuntimeError("the change failed")
    assert len(fresh_scope(world.carol).grants) == 1
    assert not reaches(fresh_scope(world.carol), lianhua)


def test_without_a_token_on_record_every_request_computes_its_own(world: World) -> None:
    ScopeChange.objects.all().delete()
    assert fresh_scope(world.carol).grants
    Membership.objects.filter(user=world.carol).update(revoked_at=timezone.now())
    assert fresh_scope(world.carol).grants == ()


@pytest.mark.parametrize("table", WATCHED)
def test_every_table_a_scope_is_read_from_renews_the_token(table: str) -> None:
    """A migration that rebuilds one of these tables (SQLite does, to alter a column) must put its
    triggers back: this fails if it did not."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = %s AND t.tgname = %s",
                [table, f"{table}_scope_changed"],
            )
            expected = 1
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                "AND name LIKE %s",
                [table, f"{table}_scope_changed_%"],
            )
            expected = 3  # insert, update, delete
        (count,) = cursor.fetchone()
    assert count == expected


def test_a_change_committed_late_under_a_smaller_id_still_renews_the_key(world: World) -> None:
    """On PostgreSQL a transaction that took its change's id first can commit last."""
    assert fresh_scope(world.carol).grants
    Membership.objects.filter(user=world.carol).update(revoked_at=timezone.now())
    late = ScopeChange.objects.order_by("-id").first()
    assert late is not None
    ScopeChange.objects.filter(pk=late.pk).update(id=0)  # as if it had the smallest id
    assert fresh_scope(world.carol).grants == ()


def test_the_worker_replaces_the_change_rows_by_one_new_one(world: World) -> None:
    from onewindow.accounts.scopes import prune_scope_changes
    from onewindow.notifications.management.commands.worker import run_once

    Membership.objects.filter(user=world.carol).update(revoked_at=None)
    Membership.objects.filter(user=world.cora).update(revoked_at=None)
    before = set(ScopeChange.objects.values_list("token", flat=True))
    assert len(before) > 1
    kept = fresh_scope(world.carol)
    assert run_once(reminders=False)["scope_changes_pruned"] == len(before)
    tokens = list(ScopeChange.objects.values_list("token", flat=True))
    assert len(tokens) == 1 and tokens[0] not in before
    assert prune_scope_changes() == 0
    # The state did not change: the scope is recomputed once, the same.
    assert fresh_scope(world.carol) == kept
