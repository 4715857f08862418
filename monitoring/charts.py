"""Charts drawn on the server as SVG, so the same picture serves the page and, later, the PDF report."""

from collections import Counter

from django.utils.html import escape
from django.utils.translation import gettext

from monitoring.models import MeasureStatus

# Okabe–Ito colours: told apart by people with any common colour-vision deficiency. Every bar also has its numbers.
STATUS_COLOURS = {
    MeasureStatus.NO_EVIDENCE: "#bbbbbb",
    MeasureStatus.NOT_STARTED: "#d55e00",
    MeasureStatus.LIMITED: "#e69f00",
    MeasureStatus.SUBSTANTIAL: "#56b4e9",
    MeasureStatus.COMPLETE: "#009e73",
    MeasureStatus.ONGOING: "#0072b2",
}


def progress_chart(series: list[tuple[object, Counter]], *, width: int = 720) -> str:
    """One stacked bar per round: how many measures are in each status."""
    if not series:
        return ""
    bar_height, gap, label_width = 28, 14, 80
    legend, legend_height = _legend(width)
    top = legend_height + 14
    plot_width = width - label_width - 20
    height = top + len(series) * (bar_height + gap) + 10
    title = escape(gettext("Measures by status, round by round"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="chart-title" font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<title id="chart-title">{title}</title>',
        *legend,
    ]
    for index, (reporting_round, counts) in enumerate(series):
        y = top + index * (bar_height + gap)
        total = sum(counts.values()) or 1
        parts.append(
            f'<text x="0" y="{y + bar_height * 0.68:.1f}" font-weight="bold">{escape(reporting_round.label)}</text>'
        )
        x = float(label_width)
        for status in MeasureStatus.values:
            count = counts.get(status, 0)
            if not count:
                continue
            segment = plot_width * count / total
            label = f"{MeasureStatus(status).label}: {count}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{segment:.1f}" height="{bar_height}" '
                f'fill="{STATUS_COLOURS[status]}"><title>{escape(label)}</title></rect>'
            )
            if segment >= 22:
                middle, baseline = x + segment / 2, y + bar_height * 0.68
                parts.append(f'<text x="{middle:.1f}" y="{baseline:.1f}" text-anchor="middle">{count}</text>')
            x += segment
    parts.append("</svg>")
    return "".join(parts)


def _legend(width: int) -> tuple[list[str], int]:
    """The legend's SVG parts and height; items wrap onto a new row when the labels (in any language) run long."""
    parts, x, y = [], 0, 4
    for status, label in MeasureStatus.choices:
        text = str(label)
        item_width = 16 + round(7.5 * len(text)) + 18  # DejaVu Sans at 12px: about 7.5px a character, at most
        if x and x + item_width > width:
            x, y = 0, y + 20
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{STATUS_COLOURS[status]}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 10}">{escape(text)}</text>')
        x += item_width
    return parts, y + 16
