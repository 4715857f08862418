"""Reading a plan file of any supported format (.txt as in the seed, .xlsx, .csv) and importing it atomically."""

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from plans.exports import MEASURES_SHEET, PLAN_FIELDS, PLAN_SHEET
from plans.parsing import ParsedPlan, PlanFormatError, parse_plan_rows, parse_plan_text
from plans.services import ImportResult, plan_import

BUNDLED_PLAN = Path(__file__).resolve().parent / "data" / "nap-2014-2018-azerbaijan.txt"

UNKNOWN_FORMAT = "expected a .txt, .xlsx or .csv file, got {suffix!r}"
NOT_TEXT = "expected UTF-8 text"
NOT_A_WORKBOOK = "expected an Excel workbook (.xlsx)"


def read_plan_file(path: Path, *, overrides: dict | None = None) -> ParsedPlan:
    """Parses `path` by its extension. `overrides` (title, country, start_year, end_year) fill or replace metadata."""
    overrides = {key: value for key, value in (overrides or {}).items() if value not in (None, "")}
    suffix = path.suffix.lower()
    if suffix == ".txt":
        plan = parse_plan_text(_read_text(path), country=overrides.get("country"))
        for key in ("title", "start_year", "end_year"):
            if key in overrides:
                setattr(plan, key, overrides[key])
        return plan
    if suffix == ".xlsx":
        meta, rows, first_row = _read_workbook(path)
        return parse_plan_rows(rows, **{**meta, **overrides}, first_row=first_row)
    if suffix == ".csv":
        rows = list(csv.reader(io.StringIO(_read_text(path))))
        meta = {"title": None, "country": None, "start_year": None, "end_year": None}
        return parse_plan_rows(rows, **{**meta, **overrides})
    raise PlanFormatError("", UNKNOWN_FORMAT.format(suffix=suffix))


def import_plan_file(path: Path, *, overrides: dict | None = None, adopted=None) -> ImportResult:
    return plan_import(parsed=read_plan_file(path, overrides=overrides), adopted=adopted)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlanFormatError(f"byte {error.start}", NOT_TEXT) from None


def _read_workbook(path: Path) -> tuple[dict, list[list[object]], int]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
        raise PlanFormatError("", NOT_A_WORKBOOK) from None
    meta = {"title": None, "country": None, "start_year": None, "end_year": None}
    if PLAN_SHEET in workbook.sheetnames:
        keys = dict(zip(PLAN_FIELDS, ("title", "country", "start_year", "end_year"), strict=True))
        for row in workbook[PLAN_SHEET].iter_rows(min_row=2, values_only=True):
            if row and row[0] in keys and len(row) > 1:
                meta[keys[row[0]]] = row[1]
    sheet = workbook[MEASURES_SHEET] if MEASURES_SHEET in workbook.sheetnames else workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return meta, rows, 1
