"""Statistical disclosure control for the public edition: small counts of people are not published.

Primary suppression hides every count from 1 to k − 1 (k is `REPORT_MIN_CELL`, 5 by default). That alone is not
enough: if a row of three cells is published with its total, a hidden cell is the total minus the others. So
secondary suppression hides further cells until no hidden cell can be worked out from the published cells and the
table's totals by any combination of additions and subtractions.

"Can be worked out" is decided exactly. Each relation of the table (parts add up to a total) is a linear equation;
with the published cells moved to the right-hand side, the hidden cells are the unknowns. A hidden cell is
determined precisely when its unit vector lies in the row space of those equations, which the reduced row echelon
form shows directly: its column is a pivot and the pivot's row has no other entry. A reader also knows that counts
are never negative: when the published parts of a sum already make up its total, its hidden parts are 0 and count
as published (`known_zeros`).

Secondary cells are chosen among the cells sharing an equation with an exposed one (in a cross-tabulation, the
other three corners of a rectangle): non-zero before zero (a hidden zero protects little, because counts cannot go
below it), parts before totals (a total is often repeated in another table), and the smallest first (the least
information lost).
"""

from fractions import Fraction

from reports.tables import Cell, Table

DEFAULT_MIN_CELL = 5


def protect(table: Table, k: int = DEFAULT_MIN_CELL) -> None:
    """Mark the cells of `table` (this year and the year before) that the public edition must not show."""
    relations = table.relations()
    grid = table.total_row and table.total_column is not None and table.column_groups is None
    table.suppressed = protected_cells(_values(table, previous=False), relations, k, grid=grid)
    if any(row.previous is not None for row in table.rows):
        table.previous_suppressed = protected_cells(_values(table, previous=True), relations, k, grid=grid)


def protected_cells(
    values: dict[Cell, int], relations: list[tuple[list[Cell], Cell]], k: int, *, grid: bool = False
) -> set[Cell]:
    """The cells to hide: those from 1 to k − 1, and as few others as it takes to keep them from being worked out.

    `grid`: the table is a cross-tabulation with a total row and a total column. There, a hidden cell is safe once
    it is a corner of a rectangle of hidden cells (totals included), so whole rectangles are hidden at a time.
    Elsewhere each relation is a sum of its own cells, and one more hidden cell in it is enough.
    """
    hidden = {cell for cell, value in values.items() if isinstance(value, int) and 0 < value < k}
    totals = {total for _parts, total in relations}
    while True:
        exposed = exposed_cells(hidden, values, relations)
        if not exposed:
            return hidden
        cover = (_rectangle if grid else _partner)(exposed[0], hidden, values, relations, totals)
        if not cover:  # every cell near it is hidden already: hide the whole table rather than leak
            return hidden | {cell for cell, value in values.items() if isinstance(value, int)}
        hidden |= cover


def _publishable(cell: Cell, hidden: set[Cell], values: dict[Cell, int]) -> bool:
    return cell not in hidden and isinstance(values.get(cell), int)


def _cost(cells, values: dict[Cell, int], totals: set[Cell]):
    """Hide non-zero cells before zeros, parts before totals, and the least information first."""
    cells = sorted(cells)
    return (
        sum(values[cell] == 0 for cell in cells),
        sum(cell in totals for cell in cells),
        sum(values[cell] for cell in cells),
        cells,
    )


def _partner(exposed: Cell, hidden: set[Cell], values: dict[Cell, int], relations, totals: set[Cell]) -> set[Cell]:
    near = {cell for parts, total in relations if exposed in (*parts, total) for cell in (*parts, total)}
    candidates = [cell for cell in near if _publishable(cell, hidden, values)]
    if not candidates:
        linked = {cell for parts, total in relations if hidden & {*parts, total} for cell in (*parts, total)}
        candidates = [cell for cell in linked if _publishable(cell, hidden, values)]
    if not candidates:
        return set()
    return {min(candidates, key=lambda cell: _cost([cell], values, totals))}


def _rectangle(exposed: Cell, hidden: set[Cell], values: dict[Cell, int], relations, totals: set[Cell]) -> set[Cell]:
    r, c = exposed
    rows = {cell[0] for cell in values}
    columns = {cell[1] for cell in values}
    best = None
    for r2 in rows - {r}:
        for c2 in columns - {c}:
            corners = [(r, c2), (r2, c), (r2, c2)]
            if any(values.get(cell) is None for cell in corners):
                continue
            added = [cell for cell in corners if cell not in hidden]
            if not added:
                continue
            cost = _cost(added, values, totals)
            if best is None or cost < best[0]:
                best = (cost, set(added))
    return best[1] if best else set()


def exposed_cells(hidden: set[Cell], values: dict[Cell, int], relations) -> list[Cell]:
    """The hidden cells whose value follows from the published ones, in a stable order."""
    known = known_zeros(hidden, values, relations)
    unknowns = sorted(hidden - known)
    index = {cell: i for i, cell in enumerate(unknowns)}
    equations = []
    for parts, total in relations:
        if any(values.get(cell) is None for cell in (*parts, total)):
            continue  # a relation with a cell that has no figure publishes nothing
        row = [Fraction(0)] * len(unknowns)
        for cell in parts:
            if cell in index:
                row[index[cell]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            equations.append(row)
    pivots = _reduced_pivots(equations, len(unknowns))
    return [unknowns[column] for column, row in pivots.items() if sum(1 for x in row if x) == 1]


def known_zeros(hidden: set[Cell], values: dict[Cell, int], relations) -> set[Cell]:
    """Hidden cells a reader knows to be 0: counts are never negative, so when the published parts of a sum already
    make up its published total, its hidden parts are all 0, and are as good as published for the equations."""
    known: set[Cell] = set()
    found = True
    while found:
        found = False
        for parts, total in relations:
            if (total in hidden and total not in known) or any(values.get(c) is None for c in (*parts, total)):
                continue
            unknown = [cell for cell in parts if cell in hidden and cell not in known]
            shown = sum(values[cell] for cell in parts if cell not in unknown)
            if unknown and shown == values[total]:
                known.update(unknown)
                found = True
    return known


def _reduced_pivots(rows: list[list[Fraction]], width: int) -> dict[int, list[Fraction]]:
    """Gauss–Jordan elimination: {pivot column: its row of the reduced row echelon form}."""
    rows = [list(row) for row in rows]
    pivots: dict[int, int] = {}
    rank = 0
    for column in range(width):
        found = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
        if found is None:
            continue
        rows[rank], rows[found] = rows[found], rows[rank]
        lead = rows[rank][column]
        rows[rank] = [x / lead for x in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        pivots[column] = rank
        rank += 1
    return {column: rows[r] for column, r in pivots.items()}


def _values(table: Table, *, previous: bool) -> dict[Cell, int]:
    return {
        (r, c): table.value((r, c), previous=previous)
        for r in range(len(table.rows))
        for c in range(len(table.columns))
    }
