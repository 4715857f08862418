"""The report's charts, drawn from its tables as SVG: the same markup in the web preview, the PDF and the snapshot.

A chart shows what its table publishes and nothing more: a hidden cell is a labelled gap ("x"), never a bar.
"""

from django.utils.html import escape
from django.utils.translation import gettext as _

from reports.tables import Table

# Okabe–Ito: distinguishable with any common colour-vision deficiency; every bar also carries its number.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#56b4e9", "#cc79a7", "#f0e442", "#999999")
FONT = 'font-family="DejaVu Sans, sans-serif" font-size="11"'

# Which table gets which chart: (table key, kind, column). Bars use one column; stacks use all but the total.
CHARTS = (("S1", "stacked", None), ("R2", "bars", -1), ("V2", "bars", -1), ("P3", "bars", 0))


def charts_for(tables: dict[str, Table]) -> dict[str, str]:
    drawn = {}
    for key, kind, column in CHARTS:
        table = tables.get(key)
        if table is None or not table.rows:
            continue
        drawn[key] = stacked_chart(table) if kind == "stacked" else bar_chart(table, column)
    return drawn


def _body_rows(table: Table) -> list[int]:
    return [r for r, row in enumerate(table.rows) if not row.total]


def bar_chart(table: Table, column: int, *, width: int = 640) -> str:
    """One horizontal bar per row of `table`, the length of its value in `column`."""
    column = column if column >= 0 else len(table.columns) + column
    rows = _body_rows(table)
    shown = [table.rows[r].values[column] for r in rows if (r, column) not in table.suppressed]
    largest = max([value for value in shown if isinstance(value, int | float)] or [0]) or 1
    bar, gap, label_width = 18, 8, 230
    height = 30 + len(rows) * (bar + gap)
    title = escape(f"{table.key}. {table.title} — {table.columns[column]}")
    parts = [_open(width, height, title)]
    for index, r in enumerate(rows):
        y = 24 + index * (bar + gap)
        parts.append(f'<text x="0" y="{y + bar * 0.75:.1f}">{escape(_clip(table.rows[r].label, 38))}</text>')
        if (r, column) in table.suppressed:
            parts.append(f'<text x="{label_width}" y="{y + bar * 0.75:.1f}" font-style="italic">x</text>')
            continue
        value = table.rows[r].values[column] or 0
        length = (width - label_width - 50) * value / largest
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" fill="{PALETTE[0]}">'
            f"<title>{escape(table.rows[r].label)}: {value}</title></rect>"
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar * 0.75:.1f}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_chart(table: Table, *, width: int = 640) -> str:
    """One bar per row, split into the table's columns (the total column left out), with a legend."""
    columns = [c for c in range(len(table.columns)) if c != table.total_column and c in _additive(table)]
    rows = _body_rows(table)
    bar, gap, label_width = 18, 8, 70
    legend_rows = (len(columns) + 2) // 3
    top = 20 + legend_rows * 16
    height = top + len(rows) * (bar + gap) + 6
    parts = [_open(width, height, escape(f"{table.key}. {table.title}"))]
    for index, c in enumerate(columns):
        x, y = (index % 3) * (width // 3), 14 + (index // 3) * 16
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="{y}">{escape(_clip(table.columns[c], 34))}</text>'
        )
    for index, r in enumerate(rows):
        y = top + index * (bar + gap)
        row = table.rows[r]
        parts.append(f'<text x="0" y="{y + bar * 0.75:.1f}" font-weight="bold">{escape(_clip(row.key, 10))}</text>')
        published = [c for c in columns if (r, c) not in table.suppressed]
        total = sum(row.values[c] or 0 for c in published) or 1
        x = float(label_width)
        for colour, c in enumerate(columns):
            value = row.values[c] or 0 if c in published else 0
            if not value:
                continue
            length = (width - label_width - 10) * value / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar}" '
                f'fill="{PALETTE[colour % len(PALETTE)]}"><title>{escape(table.columns[c])}: {value}</title></rect>'
            )
            if length >= 18:
                parts.append(
                    f'<text x="{x + length / 2:.1f}" y="{y + bar * 0.75:.1f}" text-anchor="middle">{value}</text>'
                )
            x += length
    parts.append("</svg>")
    return "".join(parts)


def _additive(table: Table) -> set[int]:
    if table.total_column is None:
        return set(range(len(table.columns)))
    return {c for group in table.groups[:1] for c in group}


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" {FONT}>'
        f"<title>{title}</title>"
    )


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def chart_caption(key: str) -> str:
    return _("Chart of table %(key)s") % {"key": key}
