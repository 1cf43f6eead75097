"""Small-count suppression: primary, complementary, and nothing recoverable from a table's total."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.registry.suppression import protect, protect_count

THRESHOLD = 5

tables = st.dictionaries(
    keys=st.sampled_from([f"k{i}" for i in range(12)]),
    values=st.one_of(st.integers(0, 6), st.integers(0, 60)),
    min_size=1,
    max_size=12,
)


def determined_cells(cells: dict[str, int], hidden: set[str], total: int | None) -> set[str]:
    """The hidden cells an attacker can compute from the published cells and total, by linear algebra.

    The published facts are each shown cell's value and, if shown, the total
    (one equation over every cell). A hidden cell is determined when its unit
    vector lies in the row space of the equations restricted to hidden cells.
    """
    unknowns = sorted(hidden)
    rows: list[list[Fraction]] = []
    if total is not None and unknowns:
        rows.append([Fraction(1)] * len(unknowns))
    found = set()
    for index, key in enumerate(unknowns):
        target = [Fraction(int(i == index)) for i in range(len(unknowns))]
        if _in_span(target, rows):
            found.add(key)
    return found


def _in_span(vector: list[Fraction], rows: list[list[Fraction]]) -> bool:
    matrix = [row[:] for row in rows]
    rank_before = _rank(matrix)
    return _rank([*matrix, vector]) == rank_before


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    rank = 0
    columns = len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


@settings(max_examples=400)
@given(tables)
def test_it_hides_every_small_count_and_shows_no_small_count(cells: dict[str, int]) -> None:
    result = protect(cells, threshold=THRESHOLD)
    for key, value in cells.items():
        if 0 < value < THRESHOLD:
            assert key in result.hidden
        if key not in result.hidden:
            assert result.shown(key) == value
            assert value == 0 or value >= THRESHOLD
    assert result.cells == cells  # suppression hides, it never alters a figure


@settings(max_examples=400)
@given(tables)
def test_it_leaves_no_hidden_cell_recoverable_from_the_published_total(cells: dict[str, int]) -> None:
    result = protect(cells, threshold=THRESHOLD)
    assert determined_cells(cells, set(result.hidden), result.shown_total) == set()
    if result.shown_total is not None:
        assert len(result.hidden) != 1


@settings(max_examples=400)
@given(tables)
def test_it_never_leaves_the_hidden_cells_all_at_their_lowest_value(cells: dict[str, int]) -> None:
    # Each hidden count is known to be at least 1: if they summed to their number, all would be 1.
    result = protect(cells, threshold=THRESHOLD)
    if result.hidden and result.shown_total is not None:
        hidden_sum = result.shown_total - sum(v for k, v in cells.items() if k not in result.hidden)
        assert hidden_sum > len(result.hidden)


@settings(max_examples=400)
@given(tables)
def test_it_hides_at_most_one_cell_besides_the_small_ones(cells: dict[str, int]) -> None:
    result = protect(cells, threshold=THRESHOLD)
    assert len(result.complementary) <= 1
    assert all(cells[key] >= THRESHOLD for key in result.complementary)


def test_it_hides_the_smallest_other_cell_to_protect_a_single_small_one() -> None:
    result = protect({"US": 40, "GB": 12, "FR": 7, "JP": 3}, threshold=5)
    assert result.hidden == {"JP", "FR"}
    assert result.complementary == {"FR"}
    assert result.shown_total == 62
    assert (result.shown("US"), result.shown("GB"), result.shown("FR")) == (40, 12, None)


def test_it_needs_no_complement_when_two_small_cells_protect_each_other() -> None:
    result = protect({"US": 40, "JP": 3, "KR": 2}, threshold=5)
    assert result.hidden == {"JP", "KR"}
    assert result.complementary == frozenset()


def test_it_adds_a_complement_when_the_hidden_cells_could_only_be_ones() -> None:
    result = protect({"US": 40, "JP": 1, "KR": 1}, threshold=5)
    assert result.hidden == {"JP", "KR", "US"}
    assert result.complementary == {"US"}


def test_it_hides_a_small_total_and_every_cell_behind_it() -> None:
    result = protect({"A": 3, "B": 0, "C": 1}, threshold=5)
    assert result.total_hidden
    assert result.hidden == {"A", "C"}
    assert result.shown("B") == 0


def test_it_shows_everything_with_a_threshold_of_one() -> None:
    result = protect({"A": 1, "B": 2}, threshold=1)
    assert not result.any_hidden


def test_it_protects_single_figures() -> None:
    assert protect_count(4, 5) is None
    assert protect_count(5, 5) == 5
    assert protect_count(0, 5) == 0
