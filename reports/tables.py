"""The statistical tables of the annual report: values for the year and the year before, and how cells add up.

A table knows which of its cells are sums of others (`relations`), because the public edition must keep a
suppressed cell from being worked out again by subtracting the published cells from a published total.
Tables are plain data: they go into an issued report's snapshot as JSON and come back unchanged.
"""

from dataclasses import dataclass, field
from decimal import Decimal

Value = int | Decimal | str | None
Cell = tuple[int, int]

COUNT, MONEY, TEXT = "count", "money", "text"


@dataclass
class Row:
    key: str
    label: str
    values: list[Value]
    previous: list[Value] | None = None
    total: bool = False


@dataclass
class Table:
    """One table of the report.

    - `columns` are the headings of the value columns; `row_heading` heads the column of row labels.
    - `total_column`: the index of the column that is the sum of each group in `column_groups` (by default the
      other columns together). `total_row`: the last row is the sum of the rows above it.
    - `people`: the table counts people, so the public edition protects its small cells.
    - `feeds`: the external requests the table answers (TIP, GRETA, GLOTIP, SDG 16.2.2, Eurostat).
    """

    key: str
    title: str
    columns: list[str]
    rows: list[Row]
    row_heading: str = ""
    kind: str = COUNT
    people: bool = False
    total_column: int | None = None
    column_groups: list[tuple[int, ...]] | None = None
    total_row: bool = False
    feeds: tuple[str, ...] = ()
    note: str = ""
    suppressed: set[Cell] = field(default_factory=set)
    previous_suppressed: set[Cell] = field(default_factory=set)

    @property
    def groups(self) -> list[tuple[int, ...]]:
        if self.total_column is None:
            return []
        if self.column_groups is not None:
            return self.column_groups
        return [tuple(c for c in range(len(self.columns)) if c != self.total_column)]

    def relations(self) -> list[tuple[list[Cell], Cell]]:
        """Every "these cells add up to that cell" the table publishes."""
        found = []
        for r in range(len(self.rows)):
            for group in self.groups:
                found.append(([(r, c) for c in group], (r, self.total_column)))
        if self.total_row and len(self.rows) > 1:
            last = len(self.rows) - 1
            for c in range(len(self.columns)):
                found.append(([(r, c) for r in range(last)], (last, c)))
        return found

    def value(self, cell: Cell, *, previous: bool = False) -> Value:
        row = self.rows[cell[0]]
        values = row.previous if previous else row.values
        return None if values is None else values[cell[1]]

    def cell(self, row_key: str, column: int = 0) -> Value:
        """The value of row `row_key` in `column`, or None when the edition does not publish it."""
        for r, row in enumerate(self.rows):
            if row.key == row_key:
                return None if (r, column) in self.suppressed else row.values[column]
        raise KeyError(row_key)

    def check(self) -> list[str]:
        """Relations that do not hold (a bug in the table's builder, never a data problem)."""
        problems = []
        for previous in (False, True):
            for parts, total in self.relations():
                values = [self.value(cell, previous=previous) for cell in parts]
                if any(v is None for v in values) or self.value(total, previous=previous) is None:
                    continue
                if sum(values) != self.value(total, previous=previous):
                    problems.append(f"{self.key}: {parts} do not add up to {total}")
        return problems

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "columns": self.columns,
            "rows": [
                {
                    "key": row.key,
                    "label": row.label,
                    "values": [_dump(v) for v in row.values],
                    "previous": None if row.previous is None else [_dump(v) for v in row.previous],
                    "total": row.total,
                }
                for row in self.rows
            ],
            "row_heading": self.row_heading,
            "kind": self.kind,
            "people": self.people,
            "total_column": self.total_column,
            "column_groups": None if self.column_groups is None else [list(g) for g in self.column_groups],
            "total_row": self.total_row,
            "feeds": list(self.feeds),
            "note": self.note,
            "suppressed": sorted([list(cell) for cell in self.suppressed]),
            "previous_suppressed": sorted([list(cell) for cell in self.previous_suppressed]),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Table":
        kind = data["kind"]
        return cls(
            key=data["key"],
            title=data["title"],
            columns=list(data["columns"]),
            rows=[
                Row(
                    key=row["key"],
                    label=row["label"],
                    values=[_load(v, kind) for v in row["values"]],
                    previous=None if row["previous"] is None else [_load(v, kind) for v in row["previous"]],
                    total=row["total"],
                )
                for row in data["rows"]
            ],
            row_heading=data["row_heading"],
            kind=kind,
            people=data["people"],
            total_column=data["total_column"],
            column_groups=None if data["column_groups"] is None else [tuple(g) for g in data["column_groups"]],
            total_row=data["total_row"],
            feeds=tuple(data["feeds"]),
            note=data["note"],
            suppressed={tuple(cell) for cell in data["suppressed"]},
            previous_suppressed={tuple(cell) for cell in data["previous_suppressed"]},
        )


def _dump(value: Value):
    return str(value) if isinstance(value, Decimal) else value


def _load(value, kind: str) -> Value:
    if kind == MONEY and isinstance(value, str):
        return Decimal(value)
    return value


def counts_table(
    key: str,
    title: str,
    columns: list[str],
    rows: list[tuple[str, str, list[Value]]],
    *,
    total_label: str | None = None,
    total_column_label: str | None = None,
    **options,
) -> Table:
    """A table of additive figures from `(key, label, values)` rows, with the totals computed here.

    `total_column_label` appends a column summing each row; `total_label` appends a row summing each column.
    """
    columns = list(columns)
    built = [Row(row_key, label, list(values)) for row_key, label, values in rows]
    if total_column_label is not None:
        for row in built:
            row.values.append(sum(row.values))
        columns.append(total_column_label)
        options["total_column"] = len(columns) - 1
    if total_label is not None:
        width = len(columns)
        sums = [sum(row.values[c] for row in built) for c in range(width)]
        built.append(Row("total", total_label, sums, total=True))
        options["total_row"] = True
    return Table(key=key, title=title, columns=columns, rows=built, **options)


def with_previous(current: Table, previous: Table) -> Table:
    """`current`, each row carrying the same row's values of the year before.

    Rows are matched by key. A row found in only one year gets zeros in the other (a country with no victims last
    year had none), so that the totals still add up in both years.
    """
    before = {row.key: row for row in previous.rows}
    zero = Decimal(0) if current.kind == MONEY else 0
    width = len(current.columns)
    keys = {row.key for row in current.rows}
    extra = [row for row in previous.rows if row.key not in keys]
    rows = []
    for row in current.rows:
        if row.total:
            for missing in extra:
                rows.append(Row(missing.key, missing.label, [_zero(v, zero) for v in missing.values]))
        rows.append(row)
    if not any(row.total for row in current.rows):
        rows.extend(Row(m.key, m.label, [_zero(v, zero) for v in m.values]) for m in extra)
    for row in rows:
        match = before.get(row.key)
        row.previous = list(match.values) if match else [_zero(v, zero) for v in row.values]
        if len(row.previous) != width:
            raise ValueError(f"{current.key}: row {row.key} has {len(row.previous)} values the year before")
    current.rows = rows
    return current


def _zero(value: Value, zero):
    return "" if isinstance(value, str) or value is None else zero


def paired(build, year: int) -> list[Table]:
    """The tables `build(year)` returns, each with the values of `build(year - 1)` beside it."""
    return [with_previous(now, before) for now, before in zip(build(year), build(year - 1), strict=True)]
