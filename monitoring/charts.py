"""Charts drawn on the server as SVG, so the same picture serves the page and, later, the PDF report."""

from collections import Counter

from django.utils.html import escape

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
    bar_height, gap, label_width, top = 28, 14, 80, 34
    plot_width = width - label_width - 20
    height = top + len(series) * (bar_height + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="chart-title" font-family="DejaVu Sans, sans-serif" font-size="12">',
        '<title id="chart-title">Measures by status, round by round</title>',
    ]
    parts.extend(_legend())
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


def _legend() -> list[str]:
    parts, x = [], 0
    for status, label in MeasureStatus.choices:
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{STATUS_COLOURS[status]}"/>')
        parts.append(f'<text x="{x + 16}" y="14">{escape(str(label))}</text>')
        x += 16 + 7 * len(str(label)) + 18
    return parts
