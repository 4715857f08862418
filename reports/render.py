"""The annual report drawn in the forms officials use: HTML (the preview), PDF, DOCX with real Word tables and
headings, and an XLSX statistical annex with one sheet per table. All four read the same `Report`, so a figure is
the same wherever it appears."""

import io

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lib.tables import inert
from reports.build import NOISE, SUPPRESSION, Report
from reports.charts import charts_for
from reports.tables import MONEY, TEXT, Table

HIDDEN = "x"


def figure(table: Table, r: int, c: int) -> str:
    """A cell as printed: "71 (+5)" with the year before, "x" when hidden; the change only when both are shown."""
    row = table.rows[r]
    value = row.values[c]
    if (r, c) in table.suppressed:
        return HIDDEN
    text = _number(value)
    if table.kind == TEXT or row.previous is None or (r, c) in table.previous_suppressed:
        return text
    if not isinstance(value, int | float) and table.kind != MONEY:
        return text
    return _with_change(value, row.previous[c])


def _with_change(value, previous) -> str:
    """ "71 (+5)"; the value alone when there is nothing to compare it with."""
    if value is None or previous is None or previous == "":
        return _number(value)
    change = value - previous
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return f"{_number(value)} ({sign}{_number(abs(change))})"


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    places = None if isinstance(value, int) else (1 if isinstance(value, float) else 2)  # rates; money
    return formats.number_format(value, decimal_pos=places, force_grouping=True)


def previous_figure(table: Table, r: int, c: int) -> str:
    row = table.rows[r]
    if row.previous is None:
        return ""
    if (r, c) in table.previous_suppressed:
        return HIDDEN
    return _number(row.previous[c])


def _context(report: Report) -> dict:
    tables = {
        key: {
            "table": table,
            "rows": [
                {"row": row, "cells": [figure(table, r, c) for c in range(len(table.columns))]}
                for r, row in enumerate(table.rows)
            ],
        }
        for key, table in report.tables.items()
    }
    return {
        "report": report,
        "tables": tables,
        "charts": charts_for(report.tables),
        "summary": [{**item, "text": _summary_text(item)} for item in report.summary],
        "hidden": HIDDEN,
        "suppression_note": suppression_note(report) if report.method == SUPPRESSION else "",
        "method": _method_label(report),
    }


def _summary_text(item: dict) -> str:
    return HIDDEN if item["value"] is None else _with_change(item["value"], item["previous"])


def html_document(report: Report) -> str:
    """The report's body, for the preview page and the PDF."""
    with translation.override(report.language):
        return render_to_string("reports/document.html", _context(report))


def html_page(report: Report) -> str:
    """The report as one standalone page with its print style: what the PDF is drawn from."""
    with translation.override(report.language):
        return render_to_string("reports/print.html", {**_context(report), "body": html_document(report)})


def pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported here: Pango is needed only when a PDF is drawn

    return HTML(string=html_page(report)).write_pdf()


def docx(report: Report) -> bytes:
    from docx import Document
    from docx.shared import Pt

    with translation.override(report.language):
        context = _context(report)
        document = Document()
        document.styles["Normal"].font.name = "DejaVu Sans"
        document.styles["Normal"].font.size = Pt(10)
        cover = report.cover
        document.add_heading(cover["title"], level=0)
        document.add_paragraph(f"{cover['period']} — {_edition_label(report)}. {_method_label(report)}.")
        document.add_paragraph(_("Presented by %(presenter)s to:") % {"presenter": cover["presenter"]})
        for addressee in cover["addressees"]:
            document.add_paragraph(addressee, style="List Bullet")
        document.add_paragraph(_("Legal basis:"))
        for basis in cover["legal_basis"]:
            document.add_paragraph(basis, style="List Bullet")
        document.add_paragraph(
            _("Contributing bodies: %(count)s (listed in Annex D).") % {"count": len(cover["bodies"])}
        )
        for section in report.sections:
            document.add_heading(f"{section.number}. {section.title}", level=1)
            if section.number == "1":
                for item in context["summary"]:
                    document.add_paragraph(f"{item['label']}: {item['text']}", style="List Bullet")
            for paragraph in section.paragraphs:
                document.add_paragraph(paragraph)
            for key in section.tables:
                _docx_table(document, report.tables[key], context["tables"][key]["rows"])
        _docx_annexes(document, report, context)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def _docx_table(document, table: Table, rows: list[dict]) -> None:
    document.add_heading(f"{_('Table')} {table.key}. {table.title}", level=2)
    if table.feeds:
        document.add_paragraph(" ".join(f"[{feed}]" for feed in table.feeds))
    grid = document.add_table(rows=1 + len(rows), cols=1 + len(table.columns))
    grid.style = "Table Grid"
    _docx_row(grid.rows[0].cells, [table.row_heading, *table.columns], bold=True)
    for r, line in enumerate(rows):
        _docx_row(grid.rows[r + 1].cells, [line["row"].label, *line["cells"]], bold=line["row"].total)
    if table.note:
        document.add_paragraph(table.note)


def _docx_row(cells, texts: list[str], *, bold: bool) -> None:
    for cell, text in zip(cells, texts, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = bold


def _docx_annexes(document, report: Report, context: dict) -> None:
    document.add_heading(_("Annex A. Methodology and definitions"), level=1)
    for term, text in report.definitions:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{term}: ").bold = True
        paragraph.add_run(text)
    document.add_heading(_("Annex B. Implementation of each measure"), level=1)
    for key in ANNEX_B:
        if key in report.tables:
            _docx_table(document, report.tables[key], context["tables"][key]["rows"])
    document.add_heading(_("Annex C. Data-quality notes"), level=1)
    for problem in report.problems:
        document.add_paragraph(problem["message"], style="List Bullet")
        if problem["references"]:
            more = _(" and %(more)s more") % {"more": problem["more"]} if problem.get("more") else ""
            document.add_paragraph(", ".join(problem["references"]) + more)
    if not report.problems:
        document.add_paragraph(_("The checks found no problems in the data."))
    if report.method == SUPPRESSION:
        document.add_paragraph(suppression_note(report))
    document.add_heading(_("Annex D. Reporting bodies"), level=1)
    for body in report.cover["bodies"]:
        document.add_paragraph(body, style="List Bullet")


ANNEX_B = ("S2",)


def suppression_note(report: Report) -> str:
    return _(
        "%(cells)s cells are not published in this edition (“x”): counts of people below %(k)s and the cells that "
        "would reveal them."
    ) % {"cells": report.suppressed_cells, "k": report.min_cell}


def _edition_label(report: Report) -> str:
    from reports.models import Edition

    return str(Edition(report.edition).label)


def xlsx(report: Report) -> bytes:
    """The statistical annex: a sheet about the edition, one sheet per table, and the data-quality notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    with translation.override(report.language):
        book = Workbook()
        about = book.active
        about.title = _("About")
        for line in (
            [report.cover["title"]],
            [_("Period"), report.cover["period"]],
            [_("Edition"), _edition_label(report)],
            [_("Method"), _method_label(report)],
            [_("Generated"), report.generated_at],
            [_("Version"), report.version or _("draft")],
        ):
            about.append([inert(value) for value in line])
        about["A1"].font = bold
        for key, table in report.tables.items():
            _xlsx_table(book.create_sheet(key), table, report.year, bold)
        notes = book.create_sheet(_("Data quality"))
        notes.append([_("Check"), _("Count"), pgettext("data quality", "Finding"), _("References")])
        for problem in report.problems:
            notes.append(
                [problem["code"], problem["count"], inert(problem["message"]), inert(", ".join(problem["references"]))]
            )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _xlsx_table(sheet, table: Table, year: int, bold) -> None:
    sheet.append([inert(f"{table.key}. {table.title}")])
    sheet["A1"].font = bold
    if table.feeds:
        sheet.append([" ".join(f"[{feed}]" for feed in table.feeds)])
    comparable = table.kind != TEXT and any(row.previous is not None for row in table.rows)
    header = [inert(table.row_heading), *(f"{heading} {year}" for heading in table.columns)]
    if comparable:
        header += [f"{heading} {year - 1}" for heading in table.columns]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for r, row in enumerate(table.rows):
        line = [inert(row.label)]
        line += [_xlsx_value(row.values[c], (r, c) in table.suppressed) for c in range(len(table.columns))]
        if comparable:
            line += [
                _xlsx_value(None if row.previous is None else row.previous[c], (r, c) in table.previous_suppressed)
                for c in range(len(table.columns))
            ]
        sheet.append(line)
        if row.total:
            for cell in sheet[sheet.max_row]:
                cell.font = bold
    if table.note:
        sheet.append([])
        sheet.append([inert(table.note)])
    sheet.column_dimensions["A"].width = 45


def _xlsx_value(value, hidden: bool):
    if hidden:
        return HIDDEN
    if isinstance(value, str):
        return inert(value)
    return value


def _method_label(report: Report) -> str:
    if report.method == SUPPRESSION:
        return _("Small counts of people suppressed (fewer than %(k)s), with secondary suppression") % {
            "k": report.min_cell
        }
    if report.method == NOISE:
        return _("Counts of people released with differential-privacy noise (ε = %(epsilon)s per count)") % {
            "epsilon": report.epsilon
        }
    return _("Exact figures")
