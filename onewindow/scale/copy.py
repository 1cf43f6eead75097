"""Bulk loading with PostgreSQL's COPY (psycopg 3), and blocks of ids reserved from the sequences.

Rows are written in COPY's text format by hand: it is several times faster
than adapting each value through ``write_row``, and the only escaping the
format needs is backslash, tab, newline and carriage return.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Model

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text_value(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return str(value)


def text_rows(rows: Iterable[Sequence[Any]]) -> str:
    return "".join("\t".join(map(text_value, row)) + "\n" for row in rows)


def copy_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """COPY ``rows`` (tuples in the order of ``columns``, field names) into ``model``'s table."""
    if not rows:
        return 0
    meta = model._meta
    db_columns = [str(meta.get_field(name).column) for name in columns]  # type: ignore[union-attr]
    sql = f"COPY {meta.db_table} ({', '.join(db_columns)}) FROM STDIN"
    payload = text_rows(rows)
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        # Blocks of about a megabyte keep the memory of one chunk's rows bounded.
        step = 1 << 20
        for start in range(0, len(payload), step):
            copy.write(payload[start : start + step])
    return len(rows)


def reserve_ids(model: type[Model], count: int) -> int:
    """Take ``count`` consecutive ids from the table's sequence in one statement; return the first.

    Seeding runs on a database nobody else writes to (a scratch or bench
    database), so no other insert takes an id inside the block.
    """
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(s, nextval(s) + %s - 1) - %s + 1 FROM pg_get_serial_sequence(%s, %s) AS s",
            [max(count, 1), max(count, 1), table, pk_column],
        )
        return int(cursor.fetchone()[0])


_SECONDARY_INDEXES = """
SELECT i.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY t.relname, i.relname
"""


@contextmanager
def indexes_built_after(models: Sequence[type[Model]], *, enabled: bool = True) -> Iterator[int]:
    """Drop the non-unique secondary indexes of ``models``' tables for a bulk load; build them after it.

    Building an index once over the loaded rows (a sort) is much cheaper than
    maintaining it row by row during COPY. Primary keys, unique indexes and the
    indexes behind constraints stay, so every constraint is still checked during
    the load. The indexes are built again even when the load fails. Yields how
    many indexes were deferred.
    """
    if not enabled:
        yield 0
        return
    with connection.cursor() as cursor:
        cursor.execute(_SECONDARY_INDEXES, [[model._meta.db_table for model in models]])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    try:
        yield len(indexes)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem TO '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
