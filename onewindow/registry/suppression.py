"""Small-count suppression for one-way tables with a total (pure Python).

Figures shown outside the commission hide every count from 1 to
``threshold - 1`` (primary suppression). A table that publishes its total
would then give a single hidden cell away by subtraction, so whenever a table
has exactly one hidden cell, the smallest published non-zero cell is hidden
too (complementary suppression). And if the hidden cells could only be
all ones (their sum, known from the total, equals their number), one more
cell is hidden, since each hidden count is known to be at least 1.

Zeros are never hidden: they are shown as zeros (or, for open lists such as
nationalities, simply not listed), and the rules above count them as known.
A total below the threshold is hidden, and with it every non-zero cell.

The guarantee, tested with hypothesis: from the published cells and the
published total of one table, no hidden cell can be worked out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Protected:
    """A table after suppression: the true values, and which of them may be shown."""

    cells: dict[str, int]
    total: int
    hidden: frozenset[str]
    total_hidden: bool
    # The cells hidden only to protect another one (for tests and the docs; never shown as such).
    complementary: frozenset[str]

    def shown(self, key: str) -> int | None:
        return None if key in self.hidden else self.cells[key]

    @property
    def shown_total(self) -> int | None:
        return None if self.total_hidden else self.total

    @property
    def any_hidden(self) -> bool:
        return bool(self.hidden) or self.total_hidden


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def protect_count(value: int, threshold: int) -> int | None:
    """A single published figure: ``None`` (shown as "fewer than N") when it is small."""
    return None if is_small(value, threshold) else value


def protect(cells: Mapping[str, int], *, threshold: int, total: int | None = None) -> Protected:
    """Suppress the small cells of a one-way table and their complements.

    ``total`` defaults to the sum of the cells (a table listing every
    category). Pass it when the table lists only some categories of a
    known total: the unlisted remainder then counts as one published cell.
    """
    values = dict(cells)
    grand = sum(values.values()) if total is None else total
    if any(value < 0 for value in values.values()) or grand < sum(values.values()):
        raise ValueError("counts must be non-negative and add up to at most the total")
    primary = frozenset(key for key, value in values.items() if is_small(value, threshold))
    if is_small(grand, threshold):
        everything = frozenset(key for key, value in values.items() if value > 0)
        return Protected(values, grand, everything, True, frozenset())
    hidden = set(primary)
    total_hidden = False
    while hidden:
        hidden_sum = sum(values[key] for key in hidden)
        if len(hidden) >= 2 and hidden_sum > len(hidden):
            break
        candidates = sorted((value, key) for key, value in values.items() if key not in hidden and value > 0)
        if not candidates:
            # Nothing left to hide with it: hide the total instead, so there is no equation at all.
            total_hidden = True
            break
        hidden.add(candidates[0][1])
    return Protected(values, grand, frozenset(hidden), total_hidden, frozenset(hidden - primary))
