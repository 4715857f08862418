"""The public edition's suppression, on tables of every shape the report publishes.

No hidden count may be worked out from what a reader sees: the published cells, the totals every table states
(`Table.relations`), and the fact that a count is never negative. The check is independent of
reports.disclosure: for each hidden cell it builds another table the reader could not tell from the real one
(the same published cells, every total still the sum of its parts, no negative count) with a different value in
that cell.
"""

import copy
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import protect
from reports.tables import Row, Table, counts_table, with_previous

Cell = tuple[int, int]

# derandomize: the same examples on every run, so that a red test is red for everyone; database=None: the
# examples hypothesis would keep for replay do not belong in the working tree.
FEW, SOME, MANY = (settings(max_examples=n, deadline=None, database=None, derandomize=True) for n in (25, 50, 80))

COUNTS = st.one_of(st.just(0), st.integers(0, 12), st.integers(1, 12), st.integers(13, 400))
MIN_CELLS = st.sampled_from([3, 5, 10])
GROUPS = [(1, 2, 3), (4, 5), (6, 7, 8)]


def any_part(left: int) -> st.SearchStrategy[int]:
    return st.one_of(st.just(0), st.integers(0, min(left, 12)), st.integers(0, left))


def columns(width: int) -> list[str]:
    return [f"c{c}" for c in range(width)]


# Shapes of the report's tables. Each takes `values` (a free count) and `part` (a count of at most `left`, for
# the breakdowns that must add up to a total drawn before them).


@st.composite
def one_row(draw, values=COUNTS, part=any_part) -> Table:
    parts = draw(st.lists(values, min_size=2, max_size=6))
    return counts_table("T", "Parts", columns(len(parts)), [("r", "R", parts)], total_column_label="All", people=True)


def cross(grid: list[list[int]], keys: list[str] | None = None) -> Table:
    keys = keys or [f"r{r}" for r in range(len(grid))]
    rows = [(key, key.upper(), values) for key, values in zip(keys, grid, strict=True)]
    return counts_table(
        "T", "Cross", columns(len(grid[0])), rows, total_label="All", total_column_label="All", people=True
    )


def grids(width: int, values, min_height=2, max_height=6):
    row = st.lists(values, min_size=width, max_size=width)
    return st.lists(row, min_size=min_height, max_size=max_height)


@st.composite
def cross_tabulation(draw, values=COUNTS, part=any_part) -> Table:
    return cross(draw(grids(draw(st.integers(2, 5)), values)))


@st.composite
def cross_tabulation_with_previous_year(draw, values=COUNTS, part=any_part) -> Table:
    """Two years of a cross-tabulation whose rows are not all the same (a row of one year only gets zeros)."""
    width = draw(st.integers(2, 4))
    years = []
    for _ in range(2):
        keys = draw(st.lists(st.sampled_from("abcdef"), min_size=2, max_size=4, unique=True))
        grid = draw(grids(width, values, min_height=len(keys), max_height=len(keys)))
        years.append(cross(grid, keys))
    return with_previous(*years)


@st.composite
def breakdown(draw, total: int, size: int, part) -> list[int]:
    parts = []
    for _ in range(size - 1):
        parts.append(draw(part(total - sum(parts))))
    return [*parts, total - sum(parts)]


def rows_of(grid: list[list[int]], *, total_row: bool) -> list[Row]:
    rows = [Row(f"r{r}", f"R{r}", values) for r, values in enumerate(grid)]
    if total_row:
        rows.append(Row("total", "All", [sum(column) for column in zip(*grid, strict=True)], total=True))
    return rows


@st.composite
def column_groups(draw, values=COUNTS, part=any_part, total_row=False) -> Table:
    """Column 0 is the total; each of the groups (sex, age, citizenship, say) breaks it down again."""
    grid = []
    for _ in range(draw(st.integers(1, 3))):
        first = draw(st.lists(values, min_size=3, max_size=3))
        grid.append([sum(first), *first, *draw(breakdown(sum(first), 2, part)), *draw(breakdown(sum(first), 3, part))])
    rows = rows_of(grid, total_row=total_row)
    return Table(
        "T", "Groups", columns(9), rows, people=True, total_column=0, column_groups=GROUPS, total_row=total_row
    )


def column_groups_and_total_row(values=COUNTS, part=any_part) -> st.SearchStrategy[Table]:
    """The shape of tables R2 and C1b (not counts of people today)."""
    return column_groups(values, part, total_row=True)


@st.composite
def groups_sharing_a_column(draw, values=COUNTS, part=any_part) -> Table:
    """Table P3: legal persons (column 6) count in every breakdown of the natural persons, so each adds up."""
    grid = []
    for _ in range(draw(st.integers(1, 3))):
        first, legal = draw(st.lists(values, min_size=3, max_size=3)), draw(values)
        grid.append([*first, *draw(breakdown(sum(first), 3, part)), legal, sum(first) + legal])
    groups = [(0, 1, 2, 6), (3, 4, 5, 6)]
    return Table(
        "T", "P3", columns(8), rows_of(grid, total_row=False), people=True, total_column=7, column_groups=groups
    )


@st.composite
def one_column(draw, values=COUNTS, part=any_part) -> Table:
    counts = draw(st.lists(values, min_size=2, max_size=8))
    rows = [(f"r{r}", f"R{r}", [value]) for r, value in enumerate(counts)]
    return counts_table("T", "Column", ["n"], rows, total_label="All", people=True)


SHAPES = [
    one_row,
    cross_tabulation,
    cross_tabulation_with_previous_year,
    column_groups,
    column_groups_and_total_row,
    groups_sharing_a_column,
    one_column,
]
shapes = pytest.mark.parametrize("shape", SHAPES)


def editions(table: Table) -> list[tuple[dict[Cell, int], set[Cell]]]:
    """(values, hidden cells) of this year and, when the table has one, of the year before."""
    found = [(values_of(table, previous=False), table.suppressed)]
    if any(row.previous is not None for row in table.rows):
        found.append((values_of(table, previous=True), table.previous_suppressed))
    return found


def values_of(table: Table, *, previous: bool) -> dict[Cell, int]:
    return {
        (r, c): table.value((r, c), previous=previous)
        for r in range(len(table.rows))
        for c in range(len(table.columns))
    }


def shown(values: dict[Cell, int], hidden: set[Cell]) -> str:
    """The table as the reader sees it, for failure messages."""
    height, width = max(values)[0] + 1, max(c for _r, c in values) + 1
    return "\n".join(
        " ".join(f"[{values[r, c]:>3}]" if (r, c) in hidden else f" {values[r, c]:>3} " for c in range(width))
        for r in range(height)
    )


# The independent check: an indistinguishable table with another value in the hidden cell.


def alternatives(values: dict[Cell, int], hidden: set[Cell], relations, cells) -> dict[Cell, dict | None]:
    """For each of the hidden `cells`, values equal to `values` on every published cell, adding up, never negative
    and different in that cell; None when there are none."""
    unknowns = sorted(hidden)
    equations, constants = equations_of(values, unknowns, relations)
    now = [Fraction(values[cell]) for cell in unknowns]
    basis = null_space(equations, len(unknowns))
    found = {}
    for cell in sorted(cells):
        u = unknowns.index(cell)
        moved = moved_along(now, basis, u) or moved_to_extreme(now, basis, equations, constants, u)
        found[cell] = None if moved is None else {**values, **dict(zip(unknowns, moved, strict=True))}
    return found


def alternative(values: dict[Cell, int], hidden: set[Cell], relations, cell: Cell) -> dict | None:
    return alternatives(values, hidden, relations, [cell])[cell]


def moved_along(now: list[Fraction], basis: list[list[Fraction]], u: int) -> list[Fraction] | None:
    """now + t·d for a direction d (d[u] = 1) along which no published figure changes, when one keeps counts >= 0.

    The first direction tried leaves the other hidden zeros alone; when they must move, any direction is tried.
    """
    if not any(vector[u] for vector in basis):
        return None
    zeros = [i for i, value in enumerate(now) if value == 0 and i != u]
    for pinned in (zeros, []):
        rows = [[vector[i] for vector in basis] for i in [u, *pinned]]
        weights = solve(rows, [Fraction(1)] + [Fraction(0)] * len(pinned))
        if weights is None:
            continue
        direction = [sum(w * vector[i] for w, vector in zip(weights, basis, strict=True)) for i in range(len(now))]
        moved = step(now, direction)
        if moved:
            return moved
    return None


def moved_to_extreme(now, basis, equations, constants, u: int) -> list[Fraction] | None:
    """Both directions of `moved_along` can push a hidden zero below 0 while another table still exists (two
    zeros that must move apart, say): then the largest and the smallest value the cell can take decide."""
    if not any(vector[u] for vector in basis):
        return None  # a combination of the relations gives this cell alone
    for objective in (-1, 1):
        moved = extreme(equations, constants, now, u, objective)
        if moved[u] != now[u]:
            return moved
    return None


def equations_of(values, unknowns: list[Cell], relations) -> tuple[list[list[Fraction]], list[Fraction]]:
    """Each relation with a hidden cell, as coefficients of the hidden cells = what the published cells give."""
    index = {cell: i for i, cell in enumerate(unknowns)}
    equations, constants = [], []
    for parts, total in relations:
        row, constant = [Fraction(0)] * len(unknowns), Fraction(0)
        for cell, sign in [*((part, 1) for part in parts), (total, -1)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                constant -= sign * values[cell]
        if any(row):
            equations.append(row)
            constants.append(constant)
    return equations, constants


def unit(i: int, width: int) -> list[Fraction]:
    return [Fraction(int(j == i)) for j in range(width)]


def null_space(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of the directions d with rows·d = 0: one for each free unknown of the reduced rows."""
    tableau = [list(row) for row in rows]
    pivots = reduce(tableau, width)
    basis = []
    for free in sorted(set(range(width)) - set(pivots)):
        vector = unit(free, width)
        for rank, column in enumerate(pivots):
            vector[column] = -tableau[rank][free]
        basis.append(vector)
    return basis


def solve(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """One solution of rows·x = rhs (free unknowns at 0), None when there is none."""
    width = len(rows[0])
    tableau = [[*row, value] for row, value in zip(rows, rhs, strict=True)]
    pivots = reduce(tableau, width)
    if any(row[-1] for row in tableau[len(pivots) :]):
        return None
    solution = [Fraction(0)] * width
    for rank, column in enumerate(pivots):
        solution[column] = tableau[rank][-1]
    return solution


def reduce(tableau: list[list[Fraction]], width: int) -> list[int]:
    """Gauss–Jordan elimination of the first `width` columns, in place; the pivot columns, row by row."""
    pivots = []
    for column in range(width):
        found = next((r for r in range(len(pivots), len(tableau)) if tableau[r][column]), None)
        if found is None:
            continue
        rank = len(pivots)
        tableau[rank], tableau[found] = tableau[found], tableau[rank]
        eliminate(tableau, rank, column)
        pivots.append(column)
    return pivots


def eliminate(tableau: list[list[Fraction]], r: int, column: int) -> None:
    lead = tableau[r][column]
    tableau[r] = [x / lead if x else x for x in tableau[r]]
    for i, row in enumerate(tableau):
        if i != r and row[column]:
            factor = row[column]
            tableau[i] = [a - factor * b if b else a for a, b in zip(row, tableau[r], strict=True)]


def step(now: list[Fraction], direction: list[Fraction]) -> list[Fraction] | None:
    """now + t·direction for a small t ≠ 0 keeping every value >= 0, if either sign of t allows it."""
    for sign in (1, -1):
        falling = [(value, -sign * d) for value, d in zip(now, direction, strict=True) if sign * d < 0]
        if all(value > 0 for value, _rate in falling):
            t = sign * min([Fraction(1), *(value / rate for value, rate in falling)]) / 2
            return [value + t * d for value, d in zip(now, direction, strict=True)]
    return None


def extreme(equations, constants, now: list[Fraction], u: int, objective: int) -> list[Fraction]:
    """A vertex of {y >= 0, equations·y = constants, y[u] <= now[u] + 1} minimising objective·y[u]."""
    n = len(now)
    bound = [*unit(u, n), Fraction(1)]  # y[u] + slack = now[u] + 1
    rows = [[*row, Fraction(0)] for row in equations] + [bound]
    cost = [Fraction(objective if j == u else 0) for j in range(n + 1)]
    return simplex(rows, [*constants, now[u] + 1], cost)[:n]


def simplex(rows: list[list[Fraction]], rhs: list[Fraction], cost: list[Fraction]) -> list[Fraction]:
    """An optimal vertex of min cost·y over rows·y = rhs, y >= 0 (known non-empty and bounded), exactly.

    Phase 1 starts from one artificial unknown per row; Bland's rule keeps the pivots from cycling.
    """
    m, n = len(rows), len(cost)
    tableau = []
    for i, (row, value) in enumerate(zip(rows, rhs, strict=True)):
        sign = -1 if value < 0 else 1
        tableau.append([*(sign * x for x in row), *unit(i, m), sign * value])
    basis = list(range(n, n + m))
    optimise(tableau, basis, [Fraction(0)] * n + [Fraction(1)] * m, n + m)
    assert all(tableau[i][-1] == 0 for i, column in enumerate(basis) if column >= n), "the real table is feasible"
    for i, column in enumerate(basis):
        entering = next((j for j in range(n) if tableau[i][j]), None)
        if column >= n and entering is not None:
            eliminate(tableau, i, entering)
            basis[i] = entering
    optimise(tableau, basis, [*cost, *[Fraction(0)] * m], n)
    solution = [Fraction(0)] * n
    for i, column in enumerate(basis):
        if column < n:
            solution[column] = tableau[i][-1]
    return solution


def optimise(tableau: list[list[Fraction]], basis: list[int], cost: list[Fraction], columns: int) -> None:
    while True:
        reduced = [
            cost[j] - sum(cost[b] * row[j] for b, row in zip(basis, tableau, strict=True)) for j in range(columns)
        ]
        entering = next((j for j in range(columns) if reduced[j] < 0), None)
        if entering is None:
            return
        leaving = min(
            (i for i, row in enumerate(tableau) if row[entering] > 0),
            key=lambda i: (tableau[i][-1] / tableau[i][entering], basis[i]),
        )
        eliminate(tableau, leaving, entering)
        basis[leaving] = entering


def assert_indistinguishable(values, other, hidden: set[Cell], relations, cell: Cell) -> None:
    assert all(value >= 0 for value in other.values())
    assert all(other[c] == values[c] for c in values if c not in hidden)
    for parts, total in relations:
        assert sum(other[part] for part in parts) == other[total], (parts, total)
    assert other[cell] != values[cell]


# Properties.


@shapes
@SOME
@given(data=st.data(), k=MIN_CELLS)
def test_every_small_count_is_hidden(shape, data, k):
    table = data.draw(shape())
    protect(table, k)
    for values, hidden in editions(table):
        small = {cell for cell, value in values.items() if 1 <= value < k}
        assert small <= hidden, shown(values, hidden)


@shapes
@MANY
@given(data=st.data(), k=MIN_CELLS)
def test_no_hidden_count_can_be_worked_out(shape, data, k):
    table = data.draw(shape())
    relations = table.relations()
    protect(table, k)
    for values, hidden in editions(table):
        # A hidden zero that can be read as 0 tells nothing: zeros are published anyway.
        counted = {cell for cell in hidden if values[cell]}
        for cell, other in alternatives(values, hidden, relations, counted).items():
            assert other is not None, f"k={k}: {cell} is determined in\n{shown(values, hidden)}"
            assert_indistinguishable(values, other, hidden, relations, cell)


@shapes
@FEW
@given(data=st.data(), k=MIN_CELLS)
def test_nothing_is_hidden_without_a_small_count(shape, data, k):
    def part(left: int) -> st.SearchStrategy[int]:
        return st.sampled_from(sorted({0, left} | ({k, left - k} if left >= 2 * k else set())))

    table = data.draw(shape(values=st.one_of(st.just(0), st.integers(k, k + 400)), part=part))
    protect(table, k)
    assert (table.suppressed, table.previous_suppressed) == (set(), set())


@shapes
@FEW
@given(data=st.data(), k=MIN_CELLS)
def test_the_same_table_gets_the_same_cells_hidden(shape, data, k):
    table = data.draw(shape())
    again = copy.deepcopy(table)
    protect(table, k)
    protect(again, k)
    assert (table.suppressed, table.previous_suppressed) == (again.suppressed, again.previous_suppressed)


# Worked examples.


def test_a_small_cell_of_a_cross_tabulation_is_hidden_with_the_cheapest_rectangle_of_parts():
    table = cross([[20, 30, 40], [25, 2, 35], [50, 45, 60]])
    protect(table, 5)
    assert table.suppressed == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_a_small_part_beside_zeros_is_hidden_with_the_total():
    table = counts_table("T", "Parts", columns(3), [("r", "R", [3, 0, 0])], total_column_label="All", people=True)
    protect(table, 5)
    assert table.suppressed == {(0, 0), (0, 3)}


def test_a_small_count_of_a_column_is_hidden_with_the_smallest_other_count():
    table = counts_table("T", "Column", ["n"], [("a", "A", [7]), ("b", "B", [2]), ("c", "C", [9])], total_label="All")
    protect(table, 5)
    assert table.suppressed == {(0, 0), (1, 0)}


def test_counts_of_the_year_before_are_protected_on_their_own():
    table = with_previous(cross([[20, 30], [25, 40]]), cross([[20, 3], [25, 40]]))
    protect(table, 5)
    assert (table.suppressed, table.previous_suppressed) == (set(), {(0, 0), (0, 1), (1, 0), (1, 1)})


def test_a_hidden_zero_in_a_row_of_zeros_does_not_give_away_a_small_count():
    """Table C1b's shape: the breakdown (1, 2, 3) adds up to column 0, and a total row. Hiding only

        0   [0]  [0]    0
      [10]  [5]  [2]  [3]
      [23]   0    20  [3]
       33   [5]   22  [6]

    would let a reader work the 2 out: the first row adds up to 0, so its hidden cells are 0 (a count is never
    negative), and then column 2 gives 22 − 0 − 20 = 2. Such zeros count as published, so more is hidden."""
    table = Table(
        "T",
        "C1b",
        columns(4),
        rows_of([[0, 0, 0, 0], [10, 5, 2, 3], [23, 0, 20, 3]], total_row=True),
        people=True,
        total_column=0,
        column_groups=[(1, 2, 3)],
        total_row=True,
    )
    protect(table, 5)
    assert (1, 2) in table.suppressed
    assert alternative(values_of(table, previous=False), table.suppressed, table.relations(), (1, 2)) is not None


def test_the_check_finds_a_table_a_reader_cannot_tell_apart_or_none():
    """The check itself, on tables whose answer is plain."""
    row = counts_table("T", "Parts", columns(3), [("r", "R", [3, 0, 0])], total_column_label="All")
    found = values_of(row, previous=False)
    other = alternative(found, {(0, 0), (0, 3)}, row.relations(), (0, 0))
    assert other[0, 0] == other[0, 3] != 3
    assert alternative(found, {(0, 0)}, row.relations(), (0, 0)) is None
    other = alternative(found, {(0, 0), (0, 1)}, row.relations(), (0, 0))
    assert other[0, 0] + other[0, 1] == 3 and other[0, 1] > 0


def test_the_check_moves_hidden_zeros_apart_when_it_must():
    # Every direction tried first that changes the 3 at (1, 0) pushes one hidden zero or another below 0; the
    # linear programme finds a table in between.
    grid = [[3, 2, 1, 0, 3, 0, 2, 0, 1], [3, 2, 1, 0, 0, 3, 0, 0, 3]]
    rows = rows_of(grid, total_row=True)
    table = Table("T", "G", columns(9), rows, total_column=0, column_groups=GROUPS, total_row=True)
    hidden = {(0, c) for c in range(9)} | {(1, c) for c in (0, 1, 2, 3, 5, 7, 8)} | {(2, c) for c in (0, 2, 4, 6)}
    found = values_of(table, previous=False)
    other = alternative(found, hidden, table.relations(), (1, 0))
    assert_indistinguishable(found, other, hidden, table.relations(), (1, 0))


def test_the_check_knows_a_hidden_zero_cannot_go_below_zero():
    # The published column total 0 pins both hidden zeros, and with them the 3 and the 5.
    table = cross([[3, 0], [5, 0]])
    found = values_of(table, previous=False)
    interior = {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert alternative(found, interior, table.relations(), (0, 0)) is None
    with_totals = interior | {(0, 2), (1, 2)}
    other = alternative(found, with_totals, table.relations(), (0, 0))
    assert_indistinguishable(found, other, with_totals, table.relations(), (0, 0))
