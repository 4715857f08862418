"""Any list as a download: the same headings and rows as an XLSX workbook or a CSV file."""

import csv
import io

from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to a spreadsheet program: text anyone typed must stay text
# (OWASP "CSV injection"), or a downloaded list could send its other cells to an outside address.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """`value`, with text that a spreadsheet would run as a formula prefixed by an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def uninert(value: str) -> str:
    """The text `inert` protected, as it was: what reads back a download made with it."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def table_response(fmt: str, filename: str, headings: list[str], rows: list[list]) -> HttpResponse:
    """`fmt` is "xlsx" or "csv"; anything else is a 404 (it came from the URL)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headings)
        writer.writerows([inert(value) for value in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([inert(value) for value in row])
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
