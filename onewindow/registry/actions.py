"""Writes of the area registry: keeping the counts, rebuilding them, exports, notices.

The counts are kept by :func:`recounting`, which the permit and person
actions wrap around their change: it computes what the affected permits
contribute before and after (with the same SQL the rebuild uses) and adds
the difference, in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.scopes import scope_of
from onewindow.audit.trail import record_event
from onewindow.lib.crypto import lookup_hash
from onewindow.registry import report, sql
from onewindow.registry.access import DELIVERY_TOKEN_PURPOSE
from onewindow.registry.dimensions import Grain
from onewindow.registry.models import (
    FALLBACK_LANGUAGE,
    NOTICE_LANGUAGES,
    REQUIRED_NOTICE_LANGUAGES,
    AreaCount,
    AreaFlow,
    Delivery,
    Notice,
    NoticeText,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from onewindow.accounts.models import User
    from onewindow.offices.models import Area, Office
    from onewindow.people.models import PersonQuerySet

CountKey = tuple[int, str, str, str, str, dt.date]
FlowKey = tuple[int, str, str, dt.date]

# Rows per INSERT statement when applying changes (8 parameters each).
_BATCH = 200


def _as_date(value: Any) -> dt.date:
    # SQLite returns computed dates as text; PostgreSQL as dates.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _where(person_ids: Iterable[int], employer_ids: Iterable[int]) -> tuple[str, list[Any]]:
    people = sorted(set(person_ids))
    employers = sorted(set(employer_ids))
    conditions: list[str] = []
    params: list[Any] = []
    if people:
        conditions.append(f"p.person_id IN ({', '.join(['%s'] * len(people))})")
        params.extend(people)
    if employers:
        conditions.append(f"p.employer_id IN ({', '.join(['%s'] * len(employers))})")
        params.extend(employers)
    return (" OR ".join(conditions) or "1 = 0"), params


def contributions(
    *, person_ids: Iterable[int] = (), employer_ids: Iterable[int] = ()
) -> tuple[Counter[CountKey], Counter[FlowKey]]:
    """What the permits of these persons or employers add to the count and flow rows."""
    where, params = _where(person_ids, employer_ids)
    counts: Counter[CountKey] = Counter()
    flows: Counter[FlowKey] = Counter()
    query, query_params = sql.count_rows_sql(where=f"({where})", where_params=params)
    with connection.cursor() as cursor:
        cursor.execute(query, query_params)
        for area_id, basis, dimension, value, grain, period, change in cursor.fetchall():
            counts[(area_id, basis, dimension, value or "", grain, _as_date(period))] += change
        query, query_params = sql.flow_rows_sql(where=f"({where})", where_params=params)
        cursor.execute(query, query_params)
        for area_id, basis, flow, month, count in cursor.fetchall():
            flows[(area_id, basis, flow, _as_date(month))] += count
    return counts, flows


def _difference[K: tuple[Any, ...]](after: Counter[K], before: Counter[K]) -> list[tuple[K, int]]:
    keys = set(after) | set(before)
    changes = [(key, after.get(key, 0) - before.get(key, 0)) for key in keys]
    # Sorted, so that two transactions touching the same rows lock them in the same order.
    return sorted((item for item in changes if item[1] != 0), key=lambda item: item[0])


def _upsert(
    table: str, columns: tuple[str, ...], conflict: tuple[str, ...], add: str, rows: list[tuple]
) -> None:
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        # Table and column names come from the models; the values are parameters.
        statement = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([placeholders] * len(batch))} "  # noqa: S608
            f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {add} = {table}.{add} + EXCLUDED.{add}"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [value for row in batch for value in row])


def apply_changes(counts: list[tuple[CountKey, int]], flows: list[tuple[FlowKey, int]]) -> None:
    """Add these changes to the count and flow rows (inserting the rows that do not exist yet)."""
    if counts or flows:
        report.counts_changed()
    if counts:
        _upsert(
            AreaCount._meta.db_table,
            sql.COUNT_COLUMNS,
            ("area_id", "basis", "dimension", "value", "grain", "period"),
            "change",
            [(*key, change) for key, change in counts],
        )
    if flows:
        _upsert(
            AreaFlow._meta.db_table,
            sql.FLOW_COLUMNS,
            ("area_id", "basis", "flow", "month"),
            "count",
            [(*key, count) for key, count in flows],
        )


@contextmanager
def recounting(*, person_ids: Iterable[int] = (), employer_ids: Iterable[int] = ()) -> Iterator[None]:
    """Keep the area counts right across a change to the permits of these persons or employers.

    Wrap the change (issuing, superseding, cancelling or revoking a permit,
    moving a person, correcting a nationality): the permits' contributions
    are computed before and after it, and the difference is added to the
    counts in the same transaction, so the counts and the permits commit
    or roll back together.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("recounting() must run inside the transaction of the change")
    from onewindow.employers.models import Employer
    from onewindow.people.models import Person

    person_ids, employer_ids = sorted(set(person_ids)), sorted(set(employer_ids))
    # Two changes to the same person's (or employer's) permits are counted one after the other:
    # the second one's "before" must include the first one's result, not precede it.
    list(Person.objects.select_for_update().filter(pk__in=person_ids).order_by("pk").values_list("pk"))
    list(Employer.objects.select_for_update().filter(pk__in=employer_ids).order_by("pk").values_list("pk"))
    counts_before, flows_before = contributions(person_ids=person_ids, employer_ids=employer_ids)
    yield
    counts_after, flows_after = contributions(person_ids=person_ids, employer_ids=employer_ids)
    apply_changes(_difference(counts_after, counts_before), _difference(flows_after, flows_before))


@dataclass(frozen=True)
class RebuildResult:
    since: dt.date | None
    count_rows: int
    flow_rows: int


def _lock_counts() -> None:
    """Hold off the actions' updates while the rows are replaced (readers are not blocked)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {AreaCount._meta.db_table}, {AreaFlow._meta.db_table} IN EXCLUSIVE MODE"
            )


@transaction.atomic
def do_rebuild_counts(*, actor: User | None, since: dt.date | None = None) -> RebuildResult:
    """Recompute the area counts from the permits with set-based SQL (all, or from ``since`` on).

    Each grain's rows are a complete history on their own, so an
    incremental rebuild replaces, per grain, the periods from the one that
    contains ``since``: the year rows from its 1 January, the month rows from
    its 1st, the day rows from the day itself.
    """
    _lock_counts()
    counts = AreaCount.objects.all()
    flows = AreaFlow.objects.all()
    if since is not None:
        for grain in Grain:
            counts.filter(grain=grain, period__gte=sql.period_start(grain, since)).delete()
        flows.filter(month__gte=sql.period_start(Grain.MONTH, since)).delete()
    else:
        counts.delete()
        flows.delete()
    report.counts_changed()
    count_sql, count_params = sql.count_rows_sql(since=since)
    flow_sql, flow_params = sql.flow_rows_sql(since=since)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AreaCount._meta.db_table} ({', '.join(sql.COUNT_COLUMNS)}) {count_sql}",
            count_params,
        )
        count_rows = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {AreaFlow._meta.db_table} ({', '.join(sql.FLOW_COLUMNS)}) {flow_sql}",
            flow_params,
        )
        flow_rows = cursor.rowcount
    record_event(
        actor=actor,
        action="registry.rebuild",
        data={"since": str(since or ""), "count_rows": count_rows, "flow_rows": flow_rows},
    )
    return RebuildResult(since=since, count_rows=count_rows, flow_rows=flow_rows)


@transaction.atomic
def do_record_export(
    *,
    actor: User,
    area: Area,
    day: dt.date,
    basis: str,
    file_format: str,
    tables: list[str],
    suppressed: bool,
    request: HttpRequest | None = None,
) -> None:
    """Log an export of area statistics in the audit trail: who, which area, date, tables and format."""
    record_event(
        actor=actor,
        action="registry.export",
        obj=area,
        data={
            "area": area.path,
            "date": day.isoformat(),
            "basis": basis,
            "format": file_format,
            "tables": tables,
            "suppressed": suppressed,
        },
        request=request,
    )


# --- Notices ---------------------------------------------------------------------------------


def _check_may_write(actor: User, office: Office, area: Area) -> None:
    from onewindow.registry.access import NOTICE_ROLES

    scope = scope_of(actor)
    if office.pk not in scope.office_ids(NOTICE_ROLES):
        raise PermissionDenied("Only the office's community officers write its notices.")
    if not area.path.startswith(office.area.path):
        raise ValidationError({"area": _("Choose an area your office serves.")})


@transaction.atomic
def do_create_notice(
    *,
    actor: User,
    office: Office,
    area: Area,
    kind: Notice.Kind | str,
    texts: dict[str, tuple[str, str]],
    reach: Notice.Reach | str = Notice.Reach.LIVE_OR_WORK,
    nationalities: list[str] | None = None,
    languages: list[str] | None = None,
    request: HttpRequest | None = None,
) -> Notice:
    """Write a draft notice of ``office`` to the foreign nationals of ``area`` (a community officer).

    ``texts`` maps a language code to (title, text); English and Simplified
    Chinese are required, other languages optional.
    """
    _check_may_write(actor, office, area)
    missing = [
        code
        for code in REQUIRED_NOTICE_LANGUAGES
        if not all(part.strip() for part in texts.get(code, ("", "")))
    ]
    if missing:
        raise ValidationError(_("Write the notice at least in English and in Simplified Chinese."))
    known = {code for code, _name in NOTICE_LANGUAGES}
    if set(texts) - known:
        raise ValidationError(_("A notice can only be written in the listed languages."))
    notice = Notice(
        office=office,
        area=area,
        area_path=area.path,
        kind=str(kind),
        reach=str(reach),
        nationalities=sorted(set(nationalities or [])),
        languages=sorted(set(languages or [])),
        created_by=actor,
    )
    notice.full_clean()
    notice.save()
    for code, (title, body) in sorted(texts.items()):
        text = NoticeText(notice=notice, language=code, title=title.strip(), body=body.strip())
        text.full_clean()
        text.save()
    record_event(
        actor=actor,
        action="notice.create",
        obj=notice,
        office=office,
        data={
            "area": area.path,
            "kind": notice.kind,
            "reach": notice.reach,
            "nationalities": notice.nationalities,
            "languages": sorted(texts),
            "for_languages": notice.languages,
        },
        request=request,
    )
    return notice


def audience(notice: Notice, *, day: dt.date) -> PersonQuerySet:
    """The foreign nationals a notice is for: holders of a permit valid on ``day`` who live or
    work in its area (as the notice says), of its nationalities and languages if it names any."""
    from onewindow.people.models import Person
    from onewindow.permits.models import Permit

    valid = Permit.objects.valid_on(day).filter(person=OuterRef("pk"))
    lives = Q(residential_street__path__startswith=notice.area_path)
    works = Q(Exists(valid.filter(employer__workplace_street__path__startswith=notice.area_path)))
    where = {
        Notice.Reach.LIVE: lives,
        Notice.Reach.WORK: works,
        Notice.Reach.LIVE_OR_WORK: lives | works,
    }[Notice.Reach(notice.reach)]
    people = Person.objects.filter(where, Exists(valid), anonymised_at__isnull=True)
    if notice.nationalities:
        people = people.filter(nationality__in=notice.nationalities)
    if notice.languages:
        people = people.filter(language__in=notice.languages)
    return people


@transaction.atomic
def do_publish_notice(notice: Notice, *, actor: User, request: HttpRequest | None = None) -> Notice:
    """Publish a draft: choose its recipients now (one set-based insert) for the outbox to deliver.

    Each recipient gets it in their own language (English if the notice
    lacks it): in their inbox if they have an account, else by e-mail to the
    address on their file. Those who opted out of optional notices are
    recorded but not sent to, unless the notice is about public health.
    """
    from onewindow.accounts.models import Membership, Role

    locked = Notice.objects.select_for_update().select_related("office__area", "area").get(pk=notice.pk)
    _check_may_write(actor, locked.office, locked.area)
    if locked.status != Notice.Status.DRAFT:
        raise ValidationError(_("This notice has already been published."))
    now = timezone.now()
    written = list(locked.texts.values_list("language", flat=True))
    account = Membership.objects.active().filter(
        role=Role.FOREIGN_NATIONAL, person_id=OuterRef("pk"), user__is_active=True
    )
    has_account = Q(Exists(account))
    has_email = ~Q(email="")
    opted_out = Q(notices_opt_out=True) if not locked.is_mandatory else Q(pk__in=[])
    # Every selected column is an annotation, in the order of the INSERT's column list.
    rows = (
        audience(locked, day=timezone.localdate(now))
        .annotate(
            d_notice=Value(locked.pk, output_field=BigIntegerField()),
            d_person=F("pk"),
            d_user=Subquery(account.values("user_id")[:1]),
            d_language=Case(
                When(language__in=written, then=F("language")),
                default=Value(FALLBACK_LANGUAGE),
                output_field=CharField(),
            ),
            d_channel=Case(
                When(has_account, then=Value(Delivery.Channel.INBOX.value)),
                When(has_email, then=Value(Delivery.Channel.EMAIL.value)),
                default=Value(Delivery.Channel.NONE.value),
                output_field=CharField(),
            ),
            d_status=Case(
                When(opted_out, then=Value(Delivery.Status.OPTED_OUT.value)),
                When(has_account | has_email, then=Value(Delivery.Status.PENDING.value)),
                default=Value(Delivery.Status.UNREACHABLE.value),
                output_field=CharField(),
            ),
            d_token=Value("", output_field=CharField()),
        )
        .values_list("d_notice", "d_person", "d_user", "d_language", "d_channel", "d_status", "d_token")
        .order_by()
    )
    select, params = rows.query.sql_with_params()
    columns = "notice_id, person_id, user_id, language, channel, status, token_hash"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {Delivery._meta.db_table} ({columns}) {select}", params)
    figures = dict(
        Delivery.objects.filter(notice=locked)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    locked.status = Notice.Status.PUBLISHED
    locked.published_at = now
    locked.published_by = actor
    locked.audience = sum(figures.values())
    locked.full_clean()
    locked.save(update_fields=["status", "published_at", "published_by", "audience"])
    record_event(
        actor=actor,
        action="notice.publish",
        obj=locked,
        office=locked.office,
        data={"area": locked.area_path, "audience": locked.audience, "by_status": figures},
        request=request,
    )
    notice.__dict__.update(
        {field: getattr(locked, field) for field in ("status", "published_at", "published_by_id", "audience")}
    )
    return locked


def _deliver(delivery: Delivery) -> None:
    """Write one delivery's inbox message or e-mail (in the recipient's language) into the outbox."""
    from django.conf import settings

    from onewindow.notifications.actions import do_queue_email, do_queue_message
    from onewindow.notifications.recipes import render

    notice = delivery.notice
    text = notice.text_in(delivery.language)
    key = f"notice:{notice.pk}:person:{delivery.person_id}"
    context = {"notice": notice, "text": text, "office": notice.office}
    if delivery.channel == Delivery.Channel.INBOX and delivery.user is not None:
        link = reverse("registry:my_notice", kwargs={"pk": notice.pk})
        subject, body = render("notice", context, delivery.language)
        delivery.message = do_queue_message(
            recipient=delivery.user,
            subject=subject,
            body=body,
            link=link,
            dedupe_key=key,
            mandatory=notice.is_mandatory,
        )
    else:
        token = secrets.token_hex(20)
        link = settings.ONEWINDOW_PUBLIC_URL + reverse("registry:read_by_link", kwargs={"token": token})
        subject, body = render("notice", {**context, "link": link}, delivery.language)
        delivery.email = do_queue_email(
            to=delivery.person.email,
            subject=subject,
            body=body,
            language=delivery.language,
            dedupe_key=f"{key}:email",
        )
        delivery.token_hash = lookup_hash(token, purpose=DELIVERY_TOKEN_PURPOSE)
    delivery.status = Delivery.Status.QUEUED
    delivery.queued_at = timezone.now()
    delivery.save(update_fields=["message", "email", "token_hash", "status", "queued_at"])


def deliver_pending_notices(*, limit: int = 500, batch_size: int = 100) -> int:
    """The worker's duty: move up to ``limit`` pending deliveries into the outbox; return how many.

    Each batch is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` (on
    PostgreSQL), so several workers share the queue without sending twice,
    and a crash in a batch rolls it back whole (its deliveries stay pending).
    """
    done = 0
    while done < limit:
        with transaction.atomic():
            batch = list(
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=Delivery.Status.PENDING)
                .select_related("notice__office", "person", "user")
                .prefetch_related("notice__texts")
                .order_by("pk")[: min(batch_size, limit - done)]
            )
            if not batch:
                return done
            for delivery in batch:
                _deliver(delivery)
            done += len(batch)
    return done


def do_mark_delivery_read(delivery: Delivery) -> Delivery:
    """Record that the recipient opened the notice (its page, from the inbox or the e-mail's link).

    A read receipt is delivery bookkeeping, like reading a message in the
    inbox: it is not an event of the audit trail.
    """
    if delivery.read_at is None:
        now = timezone.now()
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=now)
        delivery.read_at = now
        if delivery.message_id is not None:
            from onewindow.notifications.models import Message

            Message.objects.filter(pk=delivery.message_id, read_at__isnull=True).update(read_at=now)
    return delivery
