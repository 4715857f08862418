"""The report's tables as plain data: totals computed by `counts_table`, the relations a table publishes, the year
before beside the year, and the JSON snapshot of an issued report."""

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.tables import COUNT, MONEY, TEXT, Row, Table, counts_table, paired, with_previous

RUNS = settings(max_examples=60, deadline=None, database=None, derandomize=True)


def table_of(grid: list[list[int]], keys: str = "abcdef", **labels) -> Table:
    rows = [(key, key.upper(), values) for key, values in zip(keys, grid, strict=False)]
    return counts_table("X1", "Title", [f"c{c}" for c in range(len(grid[0]))], rows, **labels)


def grids(min_height=1):
    return st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(0, 50), min_size=width, max_size=width), min_size=min_height, max_size=5
        )
    )


def holds(table: Table, *, previous: bool = False) -> bool:
    return all(
        sum(table.value(part, previous=previous) for part in parts) == table.value(total, previous=previous)
        for parts, total in table.relations()
    )


# counts_table and relations()


def test_counts_table_appends_a_total_column_and_a_total_row():
    table = table_of([[1, 2], [3, 4]], total_label="All", total_column_label="Σ")
    assert table.columns == ["c0", "c1", "Σ"]
    assert [(row.key, row.values, row.total) for row in table.rows] == [
        ("a", [1, 2, 3], False),
        ("b", [3, 4, 7], False),
        ("total", [4, 6, 10], True),
    ]
    assert (table.total_column, table.total_row) == (2, True)


def test_counts_table_without_labels_adds_no_totals():
    table = table_of([[1, 2], [3, 4]])
    assert [row.values for row in table.rows] == [[1, 2], [3, 4]]
    assert (table.total_column, table.total_row, table.relations()) == (None, False, [])


def test_relations_of_a_cross_tabulation_are_its_rows_then_its_columns():
    table = table_of([[1, 2], [3, 4]], total_label="All", total_column_label="Σ")
    assert table.relations() == [
        ([(0, 0), (0, 1)], (0, 2)),
        ([(1, 0), (1, 1)], (1, 2)),
        ([(2, 0), (2, 1)], (2, 2)),
        ([(0, 0), (1, 0)], (2, 0)),
        ([(0, 1), (1, 1)], (2, 1)),
        ([(0, 2), (1, 2)], (2, 2)),
    ]


def test_relations_of_column_groups_add_each_group_to_the_total_column():
    row = Row("r", "R", [5, 2, 3, 4, 1, 5, 0, 0])
    table = Table("X1", "T", list("abcdefgh"), [row], total_column=0, column_groups=[(1, 2), (3, 4), (5, 6, 7)])
    assert table.relations() == [
        ([(0, 1), (0, 2)], (0, 0)),
        ([(0, 3), (0, 4)], (0, 0)),
        ([(0, 5), (0, 6), (0, 7)], (0, 0)),
    ]
    assert table.check() == []


def test_a_total_row_under_a_single_row_publishes_no_relation():
    table = Table("X1", "T", ["n"], [Row("total", "All", [3], total=True)], total_row=True)
    assert table.relations() == []


@RUNS
@given(grid=grids(), row_total=st.booleans(), column_total=st.booleans())
def test_every_relation_of_a_counts_table_holds(grid, row_total, column_total):
    labels = {"total_label": "All"} if row_total else {}
    if column_total:
        labels["total_column_label"] = "Σ"
    table = table_of(grid, **labels)
    assert holds(table)
    assert table.check() == []
    width, height = len(table.columns), len(table.rows)
    expected = height * column_total + (width if row_total and height > 1 else 0)
    assert len(table.relations()) == expected


# check()


def test_check_names_the_relation_that_does_not_hold():
    table = table_of([[1, 2], [3, 4]], total_label="All", total_column_label="Σ")
    table.rows[1].values[1] = 5
    assert table.check() == [
        "X1: [(1, 0), (1, 1)] do not add up to (1, 2)",
        "X1: [(0, 1), (1, 1)] do not add up to (2, 1)",
    ]


def test_check_looks_at_the_year_before_too():
    table = with_previous(table_of([[1, 2]], total_column_label="Σ"), table_of([[1, 2]], total_column_label="Σ"))
    table.rows[0].previous[2] = 4
    assert table.check() == ["X1: [(0, 0), (0, 1)] do not add up to (0, 2)"]


def test_check_skips_a_relation_with_a_cell_that_has_no_figure():
    table = table_of([[1, 2]], total_column_label="Σ")
    table.rows[0].values[0] = None
    assert table.check() == []


# with_previous() and paired()


def test_with_previous_matches_rows_by_key_and_gives_zeros_to_a_row_of_one_year():
    current = table_of([[1, 2], [3, 4]], keys="ab", total_label="All")
    previous = table_of([[5, 6], [7, 8]], keys="bc", total_label="All")
    table = with_previous(current, previous)
    assert [(row.key, row.values, row.previous, row.total) for row in table.rows] == [
        ("a", [1, 2], [0, 0], False),
        ("b", [3, 4], [5, 6], False),
        ("c", [0, 0], [7, 8], False),
        ("total", [4, 6], [12, 14], True),
    ]
    assert table.check() == []


def test_with_previous_appends_a_row_of_the_year_before_only_when_there_is_no_total_row():
    table = with_previous(table_of([[1]], keys="a"), table_of([[2]], keys="b"))
    assert [(row.key, row.values, row.previous) for row in table.rows] == [("a", [1], [0]), ("b", [0], [2])]


def test_with_previous_fills_money_with_decimal_zeros_and_text_with_blanks():
    money = Table("M1", "T", ["AZN"], [Row("a", "A", [Decimal("1.50")])], kind=MONEY)
    assert with_previous(money, Table("M1", "T", ["AZN"], [], kind=MONEY)).rows[0].previous == [Decimal(0)]
    assert isinstance(money.rows[0].previous[0], Decimal)
    text = Table("T1", "T", ["Name", "n"], [Row("a", "A", ["Ann", 2])], kind=TEXT)
    assert with_previous(text, Table("T1", "T", ["Name", "n"], [], kind=TEXT)).rows[0].previous == ["", 0]


def test_with_previous_refuses_a_year_before_of_another_shape():
    current = table_of([[1, 2]], keys="a")
    previous = table_of([[1, 2, 3]], keys="a")
    with pytest.raises(ValueError, match="X1: row a has 3 values the year before"):
        with_previous(current, previous)


@RUNS
@given(
    width=st.integers(1, 3),
    data=st.data(),
    keys=st.lists(st.lists(st.sampled_from("abcde"), unique=True, min_size=1, max_size=4), min_size=2, max_size=2),
)
def test_with_previous_keeps_every_total_adding_up_in_both_years(width, data, keys):
    years = []
    for year_keys in keys:
        grid = data.draw(
            st.lists(
                st.lists(st.integers(0, 30), min_size=width, max_size=width),
                min_size=len(year_keys),
                max_size=len(year_keys),
            )
        )
        years.append(table_of(grid, keys=year_keys, total_label="All", total_column_label="Σ"))
    table = with_previous(*years)
    now, before = keys
    assert [row.key for row in table.rows] == [*now, *(key for key in before if key not in now), "total"]
    assert table.rows[-1].total and not any(row.total for row in table.rows[:-1])
    assert holds(table) and holds(table, previous=True)


def test_paired_sets_each_table_of_the_year_beside_the_same_table_of_the_year_before():
    def build(year):
        return [table_of([[year]], keys="a"), table_of([[year * 2]], keys="a")]

    assert [table.rows[0].previous for table in paired(build, 2017)] == [[2016], [4032]]


def test_paired_refuses_years_with_different_tables():
    def build(year):
        return [table_of([[1]])] * (1 if year == 2017 else 2)

    with pytest.raises(ValueError):
        paired(build, 2017)


# to_dict() and from_dict()


MONEY_VALUES = st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False, places=2))
VALUES = {COUNT: st.one_of(st.none(), st.integers(0, 10**6)), MONEY: MONEY_VALUES, TEXT: st.text(max_size=8)}


@st.composite
def tables(draw) -> Table:
    kind = draw(st.sampled_from([COUNT, MONEY, TEXT]))
    width, height = draw(st.integers(1, 4)), draw(st.integers(0, 4))
    values = st.lists(VALUES[kind], min_size=width, max_size=width)
    rows = [
        Row(f"r{r}", draw(st.text(max_size=8)), draw(values), draw(st.none() | values), draw(st.booleans()))
        for r in range(height)
    ]
    cells = st.sets(st.tuples(st.integers(0, max(height - 1, 0)), st.integers(0, width - 1)), max_size=4)
    return Table(
        key=draw(st.sampled_from(["V1", "P3", "D1"])),
        title=draw(st.text(max_size=12)),
        columns=[f"c{c}" for c in range(width)],
        rows=rows,
        row_heading=draw(st.text(max_size=8)),
        kind=kind,
        people=draw(st.booleans()),
        total_column=draw(st.none() | st.integers(0, width - 1)),
        column_groups=draw(st.none() | st.lists(st.tuples(st.integers(0, width - 1)), max_size=2)),
        total_row=draw(st.booleans()),
        feeds=tuple(draw(st.lists(st.sampled_from(["TIP", "GRETA", "GLOTIP"]), max_size=2))),
        note=draw(st.text(max_size=12)),
        suppressed=draw(cells),
        previous_suppressed=draw(cells),
    )


@RUNS
@given(table=tables())
def test_a_table_comes_back_unchanged_from_its_json_snapshot(table):
    again = Table.from_dict(json.loads(json.dumps(table.to_dict())))
    assert again == table
    assert again.to_dict() == table.to_dict()  # Decimal("1.50") keeps its two places


def test_money_comes_back_as_decimal_and_suppressed_cells_as_tuples():
    table = Table(
        "D1",
        "Spending",
        ["AZN", "USD"],
        [Row("a", "A", [Decimal("10.50"), Decimal("0.00")], previous=[Decimal("3"), None])],
        kind=MONEY,
        suppressed={(0, 1)},
        previous_suppressed={(0, 0)},
    )
    data = json.loads(json.dumps(table.to_dict()))
    assert data["rows"][0]["values"] == ["10.50", "0.00"]
    again = Table.from_dict(data)
    assert again.rows[0].values == [Decimal("10.50"), Decimal("0.00")]
    assert [str(value) for value in again.rows[0].values] == ["10.50", "0.00"]
    assert again.rows[0].previous == [Decimal("3"), None]
    assert (again.suppressed, again.previous_suppressed) == ({(0, 1)}, {(0, 0)})
    assert again.cell("a", 1) is None


def test_text_that_looks_like_a_number_stays_text_outside_money_tables():
    table = Table("T1", "Names", ["Name"], [Row("a", "A", ["10.50"])], kind=TEXT)
    assert Table.from_dict(json.loads(json.dumps(table.to_dict()))).rows[0].values == ["10.50"]
