"""Re-sealing encrypted columns with the current data key (key rotation).

Every model field that is an :class:`~onewindow.lib.crypto.EncryptedTextField`
(or a subclass) is found by introspection, so a new encrypted column in any
app is covered without being listed here. Rows are found by their stored
(sealed) text, whose key id is readable without decrypting, so a run only
touches rows that still need it and can be interrupted and resumed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from onewindow.lib.crypto import PREFIX, EncryptedTextField, current_key_id, keyring

_RAW = "_sealed_{}"


@dataclass(frozen=True)
class EncryptedColumns:
    model: type[models.Model]
    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label


def encrypted_columns() -> Iterator[EncryptedColumns]:
    """Each concrete model with encrypted fields, and those fields' attribute names."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = tuple(
            field.attname for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)
        )
        if fields:
            yield EncryptedColumns(model, fields)


def _with_raw(columns: EncryptedColumns) -> models.QuerySet[models.Model]:
    # Cast to a plain text column, so the value comes back sealed instead of decrypted.
    return columns.model._base_manager.annotate(
        **{_RAW.format(name): Cast(name, output_field=TextField()) for name in columns.fields}
    )


def _sealed_with(name: str, kid: str) -> Q:
    return Q(**{f"{_RAW.format(name)}__startswith": f"{PREFIX}.{kid}."})


def _has_value(name: str) -> Q:
    return Q(**{f"{_RAW.format(name)}__isnull": False}) & ~Q(**{_RAW.format(name): ""})


def stale_filter(columns: EncryptedColumns, kid: str) -> Q:
    """Rows where at least one encrypted value is not sealed with ``kid``."""
    condition = Q(pk__in=[])
    for name in columns.fields:
        condition |= _has_value(name) & ~_sealed_with(name, kid)
    return condition


def count_by_key(columns: EncryptedColumns) -> dict[str, Counter[str]]:
    """For each field, how many stored values each key id sealed (``?`` for an unknown key)."""
    _, keys = keyring()
    queryset = _with_raw(columns)
    counts: dict[str, Counter[str]] = {}
    for name in columns.fields:
        counter: Counter[str] = Counter()
        total = queryset.filter(_has_value(name)).count()
        for kid in keys:
            found = queryset.filter(_sealed_with(name, kid)).count()
            if found:
                counter[kid] = found
        if total - sum(counter.values()):
            counter["?"] = total - sum(counter.values())
        counts[name] = counter
    return counts


def count_stale(columns: EncryptedColumns) -> int:
    return _with_raw(columns).filter(stale_filter(columns, current_key_id())).count()


def reseal(columns: EncryptedColumns, *, batch_size: int, advance: Callable[[int], None]) -> int:
    """Re-seal every row of ``columns.model`` that has a value not sealed with the current key.

    Each batch is one transaction: its rows are locked, read (decrypted with
    whichever listed key sealed them) and written back, which seals them with
    the current key. Returns the number of rows re-sealed.
    """
    kid = current_key_id()
    done = 0
    last_pk: object = None
    while True:
        candidates = _with_raw(columns).filter(stale_filter(columns, kid))
        if last_pk is not None:
            candidates = candidates.filter(pk__gt=last_pk)
        with transaction.atomic():
            pks = list(candidates.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not pks:
                return done
            rows = list(
                columns.model._base_manager.select_for_update()
                .filter(pk__in=pks)
                .only("pk", *columns.fields)
                .order_by("pk")
            )
            columns.model._base_manager.bulk_update(rows, list(columns.fields))
        done += len(rows)
        last_pk = pks[-1]
        advance(len(rows))
