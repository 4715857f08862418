"""A plan as JSON (the stable export contract), and as a spreadsheet that import_plan reads back."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from lib.tables import inert
from organisations.models import Organisation
from plans.bodies import format_listed_bodies
from plans.models import Plan
from plans.parsing import SHEET_COLUMNS, SHEET_HEADINGS
from plans.selectors import measure_list

PLAN_SHEET = "Plan"
MEASURES_SHEET = "Measures"
PLAN_FIELDS = ("Title", "Country", "Start year", "End year")


def plan_as_dict(plan: Plan) -> dict:
    """The export contract: {"plan", "directions", "measures", "organisations"}. Keep it stable."""
    measures = list(measure_list(plan=plan))
    organisation_ids = {p.organisation_id for m in measures for p in m.participations.all()}
    organisations = Organisation.objects.filter(pk__in=organisation_ids).prefetch_related("aliases").order_by("name")
    return {
        "plan": {"title": plan.title, "start_year": plan.start_year, "end_year": plan.end_year},
        "directions": [{"number": d.number, "title": d.title} for d in plan.directions.order_by("position")],
        "measures": [
            {
                "number": m.number,
                "direction": m.direction.number,
                "text": m.text,
                "start_year": m.start_year,
                "end_year": m.end_year,
                "recurring": m.recurring,
                "participants": [{"organisation": p.organisation.name, "role": p.role} for p in m.participations.all()],
            }
            for m in measures
        ],
        "organisations": [
            {"name": o.name, "kind": o.kind, "aliases": sorted(a.name for a in o.aliases.all())} for o in organisations
        ],
    }


def measure_rows(measures) -> list[list[str]]:
    """One row per measure, in the spreadsheet's column order."""
    rows = []
    for m in measures:
        bodies = format_listed_bodies([(p.organisation.name, p.role) for p in m.participations.all()])
        values = {
            "number": m.number,
            "direction": f"{m.direction.number} {m.direction.title}",
            "text": m.text,
            "bodies": bodies,
            "duration": "regular" if m.recurring else _years(m.start_year, m.end_year),
        }
        rows.append([values[name] for name in SHEET_COLUMNS])
    return rows


def _years(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


def headings() -> list[str]:
    return [SHEET_HEADINGS[name] for name in SHEET_COLUMNS]


def write_xlsx(plan: Plan | None, measures, stream) -> None:
    """A workbook with a 'Plan' sheet (title, country, years) and a 'Measures' sheet. `plan` None: a blank template."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PLAN_SHEET
    sheet.append(["Field", "Value"])
    values = [plan.title, plan.country, plan.start_year, plan.end_year] if plan else [""] * len(PLAN_FIELDS)
    for name, value in zip(PLAN_FIELDS, values, strict=True):
        _append_text(sheet, [name, value])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 90
    table = workbook.create_sheet(MEASURES_SHEET)
    table.append(headings())
    for row in measure_rows(measures):
        _append_text(table, row)
    for cell in table[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDE", (10, 40, 80, 60, 12), strict=True):
        table.column_dimensions[column].width = width
    for row in table.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    table.freeze_panes = "A2"
    workbook.save(stream)


def _append_text(sheet, row: list) -> None:
    """Appends `row` with text that would start a formula made inert (lib.tables.inert), as every download does:
    no cell of a plan runs anything, and import_plan reads back what was written."""
    sheet.append([inert(value) for value in row])


def write_csv(measures, stream: io.TextIOBase) -> None:
    writer = csv.writer(stream)
    writer.writerow(headings())
    writer.writerows([inert(value) for value in row] for row in measure_rows(measures))
