"""Pages of a long, ordered list whose count stops costing more as the list grows.

Django's ``Paginator`` counts every row to know the number of pages: for the
worklist of a busy station that is a walk over all its open cases on every
request, growing with the station. ``page_of`` counts at most ``cap`` + 1
rows; past the cap the page says "more than 1,000" and keeps a next link
(it reads one row beyond the page to know there is one), so every row is
still on some page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    number: int
    per_page: int
    # Every row when ``capped`` is false; else ``cap`` (there are more).
    count: int
    capped: bool
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def pages(self) -> int | None:
        """The number of pages, when the count is exact."""
        return None if self.capped else max(math.ceil(self.count / self.per_page), 1)


# No list here has this many rows: a larger page number is past the end (and would overflow the
# database's OFFSET), so it is read as this one and gets the last page.
_LAST_POSSIBLE_ROW = 10**9


def _number(text: str | None, per_page: int) -> int:
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return min(max(number, 1), _LAST_POSSIBLE_ROW // per_page)


def page_of(queryset: QuerySet[Any], number_text: str | None, *, per_page: int, cap: int) -> Page:
    """Page ``number_text`` (1 if missing or not a number; the last if beyond the end) of ``queryset``."""
    # Counted on the keys alone, in no order: no joins or annotations for each counted row, and
    # the database may stop at the cap whichever way it walks the rows.
    keys = queryset.order_by().values("pk")
    counted = keys[: cap + 1].count()
    capped = counted > cap
    number = _number(number_text, per_page)
    if not capped:
        number = min(number, max(math.ceil(counted / per_page), 1))
    rows = list(queryset[(number - 1) * per_page : number * per_page + 1])
    if capped and not rows and number > 1:
        # Past the end of a long list (a number typed in, or the list shrank): its last page.
        counted, capped = keys.count(), False
        number = max(math.ceil(counted / per_page), 1)
        rows = list(queryset[(number - 1) * per_page : number * per_page + 1])
    return Page(
        rows=rows[:per_page],
        number=number,
        per_page=per_page,
        count=cap if capped else counted,
        capped=capped,
        has_next=len(rows) > per_page,
    )
