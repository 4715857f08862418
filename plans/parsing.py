"""Reading a plan from its text or from a spreadsheet into plain data. No database here: see services.plan_import.

The text format is the seed's: narrative sections, then "13. THE ACTIVITY PLAN" as a tab-separated table
(item, activity, executive bodies, duration) whose long rows wrap onto continuation lines, then "Notes." naming
bodies recommended to take part in listed items.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from lib.tables import uninert
from plans.bodies import RECOMMENDED, BodiesError, Participant, normalise_space, split_bodies, split_listed_bodies

TITLE_MISSING = "expected the plan's title on the first line"
TITLE_WITHOUT_YEARS = "expected the plan's years (e.g. 2014-2018) in the title"
TITLE_WITHOUT_COUNTRY = "expected the country at the end of the title (e.g. '… in Azerbaijan Republic')"
TABLE_MISSING = "expected the activity table's header line ('Item<TAB>The name of activity<TAB>…')"
TOO_MANY_COLUMNS = "expected at most 4 tab-separated columns (item, activity, executive bodies, duration), found {n}"
CONTINUATION_WITHOUT_ROW = "found a continuation line (starting with a tab) before any measure"
UNEXPECTED_FIRST_CELL = "expected a direction (e.g. '13.1. Title') or a measure number (e.g. 13.1.1.), found {text!r}"
MEASURE_OUTSIDE_DIRECTION = "measure {number} does not belong to direction {direction}"
MEASURE_BEFORE_DIRECTION = "measure {number} comes before any direction heading"
DUPLICATE_NUMBER = "{number} appears twice (first on {first})"
MEASURE_WITHOUT_TEXT = "measure {number} has no activity text"
DIRECTION_WITHOUT_MEASURES = "direction {number} has no measures"
DURATION_INVALID = "expected a duration such as 'regular', '2015' or '2014-2016' for measure {number}, found {text!r}"
DURATION_OUTSIDE_PLAN = "measure {number} runs {text}, outside the plan's years {start}-{end}"
NOTE_INVALID = (
    "expected a note such as '1. <body> to be recommended to take part in implementation of the measures "
    "provided for in the items 13.1.1, 13.3.3-13.3.5 …'"
)
NOTE_UNKNOWN_ITEM = "note names item {number}, which is not a measure of this plan"
NOTE_BAD_RANGE = "note names the range {first}-{last}, but {last} does not come after {first}"
NO_MEASURES = "expected at least one measure"
SHEET_MISSING_COLUMNS = "expected the columns {expected}; missing {missing}"
SHEET_DIRECTION_INVALID = "expected a direction such as '13.1 Legislative measures', found {text!r}"
SHEET_NUMBER_INVALID = "expected a measure number such as 13.1.1, found {text!r}"
SHEET_PLAN_FIELD_MISSING = "expected the plan's {field} (sheet 'Plan' or the command's option)"
SHEET_YEAR_INVALID = "expected a year for the plan's {field}, found {text!r}"
TOO_LONG = "the {what} is {length} characters long; at most {limit} fit"

# What the database can hold (see plans.models); checked here so a long text is a clear error, not a crash.
TITLE_LIMIT = 500
COUNTRY_LIMIT = 100


class PlanFormatError(ValueError):
    """Input that cannot be read. `where` is 'line N' or 'row N'; nothing is imported when this is raised."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


@dataclass
class ParsedMeasure:
    number: str
    text: str
    start_year: int | None
    end_year: int | None
    recurring: bool
    participants: list[Participant]
    line: int


@dataclass
class ParsedDirection:
    number: str
    title: str
    line: int
    measures: list[ParsedMeasure] = field(default_factory=list)


@dataclass
class ParsedPredecessor:
    title: str
    adopted: date


@dataclass
class ParsedPlan:
    title: str
    country: str
    start_year: int
    end_year: int
    directions: list[ParsedDirection]
    adopted: date | None = None
    predecessor: ParsedPredecessor | None = None

    @property
    def measures(self) -> list[ParsedMeasure]:
        return [measure for direction in self.directions for measure in direction.measures]


_YEARS = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})")
_COUNTRY = re.compile(r"\bin (?:the )?(?:Republic of )?(?P<country>[A-Z][\w-]*(?: [A-Z][\w-]*)*?)(?: Republic)?\s*$")
_PREDECESSOR = re.compile(
    r"continuation of measures taken in accordance with [“\"](?P<title>[^”\"]+)[”\"] dated (?P<date>\w+ \d{1,2}, \d{4})"
)
_TABLE_HEADER = re.compile(r"^Item\t", re.IGNORECASE)
_DIRECTION = re.compile(r"^(?P<number>\d+\.\d+)\.?\s+(?P<title>\S.*)$")
_MEASURE = re.compile(r"^(?P<number>\d+\.\d+\.\d+)\.?$")
_NOTES = re.compile(r"^Notes\.?$", re.IGNORECASE)
_NOTE = re.compile(
    r"^\d+\.\s+(?P<body>.+?) to be recommended to take part in (?:the )?implementation of (?:the )?measures "
    r"provided for in the items (?P<items>.+?)(?: of)? this National Action Plan\.?$",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^(?P<first>\d+(?:\.\d+)+)(?:\s*[-–]\s*(?P<last>\d+(?:\.\d+)+))?$")
_DURATION_SINGLE = re.compile(r"^(\d{4})$")


def parse_duration(
    text: str, *, number: str, plan_years: tuple[int, int] | None = None
) -> tuple[int | None, int | None, bool]:
    """(start_year, end_year, recurring) from 'regular', '2015', '2014-2016' or '2014 -2017'."""
    cleaned = normalise_space(str(text)).rstrip(".")
    if cleaned.lower() == "regular":
        return None, None, True
    single, span = _DURATION_SINGLE.match(cleaned), _YEARS.fullmatch(cleaned)
    if single:
        start = end = int(single[1])
    elif span:
        start, end = int(span[1]), int(span[2])
    else:
        raise ValueError(DURATION_INVALID.format(number=number, text=cleaned))
    if end < start:
        raise ValueError(DURATION_INVALID.format(number=number, text=cleaned))
    if plan_years and (start < plan_years[0] or end > plan_years[1]):
        raise ValueError(
            DURATION_OUTSIDE_PLAN.format(number=number, text=cleaned, start=plan_years[0], end=plan_years[1])
        )
    return start, end, False


class _Row:
    """A measure row as read, its cells growing as continuation lines come."""

    def __init__(self, number: str, cells: list[str], line: int):
        self.number, self.cells, self.line = number, cells, line

    def extend(self, cells: list[str]) -> None:
        # A continuation line continues each column; a word split at the break is joined back with one space.
        self.cells = [normalise_space(f"{old} {new}") for old, new in zip(self.cells, cells, strict=True)]


def parse_plan_text(text: str, *, country: str | None = None) -> ParsedPlan:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_line is None:
        raise PlanFormatError("line 1", TITLE_MISSING)
    title = normalise_space(lines[title_line])
    where_title = f"line {title_line + 1}"
    _check_length(title, "plan's title", TITLE_LIMIT, where_title)
    years = _YEARS.search(title)
    if not years:
        raise PlanFormatError(where_title, TITLE_WITHOUT_YEARS)
    if country is None:
        found = _COUNTRY.search(title)
        if not found:
            raise PlanFormatError(where_title, TITLE_WITHOUT_COUNTRY)
        country = found["country"]
    _check_length(country, "country", COUNTRY_LIMIT, where_title)
    header = next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)), None)
    if header is None:
        last_line = len(text.rstrip("\n").split("\n"))
        raise PlanFormatError(f"line {last_line}", TABLE_MISSING)
    plan = ParsedPlan(
        title=title,
        country=country,
        start_year=int(years[1]),
        end_year=int(years[2]),
        directions=[],
        predecessor=_predecessor(" ".join(lines[:header])),
    )
    notes_start = _read_table(lines, header + 1, plan)
    if notes_start is not None:
        _read_notes(lines, notes_start, plan)
    return plan


def _predecessor(narrative: str) -> ParsedPredecessor | None:
    found = _PREDECESSOR.search(normalise_space(narrative))
    if not found:
        return None
    try:
        adopted = datetime.strptime(found["date"], "%B %d, %Y").date()
    except ValueError:
        return None
    return ParsedPredecessor(title=normalise_space(found["title"]), adopted=adopted)


def _read_table(lines: list[str], start: int, plan: ParsedPlan) -> int | None:
    """Reads directions and measures from line index `start`; returns the index of the Notes heading, if any."""
    reader = _TableReader(plan)
    for index in range(start, len(lines)):
        if not lines[index].strip():
            continue
        cells = lines[index].split("\t")
        if _NOTES.match(cells[0].strip()) and not any(cell.strip() for cell in cells[1:]):
            reader.finish()
            return index + 1
        reader.read(cells, index + 1)
    reader.finish()
    return None


class _TableReader:
    """The activity table, line by line: direction headings, measure rows and their continuation lines."""

    def __init__(self, plan: ParsedPlan):
        self.plan = plan
        self.rows: list[tuple[ParsedDirection, _Row]] = []
        self.seen: dict[str, str] = {}
        self.last_was_direction = False

    def read(self, cells: list[str], line_no: int) -> None:
        where = f"line {line_no}"
        if len(cells) > 4:
            raise PlanFormatError(where, TOO_MANY_COLUMNS.format(n=len(cells)))
        cells = [cell.strip() for cell in cells] + [""] * (4 - len(cells))
        first, rest_empty = cells[0], not any(cells[1:])
        if not self.plan.directions and all(cell.isdigit() for cell in cells):
            return  # the row of column numbers under the header: "1 2 3 4"
        if first == "":
            self._continue_row(cells, where)
        elif measure := _MEASURE.match(first):
            self._start_measure(measure["number"], cells, where, line_no)
        elif (direction := _DIRECTION.match(first)) and rest_empty:
            _check_new_number(direction["number"], where, self.seen)
            self.plan.directions.append(
                ParsedDirection(direction["number"], normalise_space(direction["title"]), line_no)
            )
            self.last_was_direction = True
        elif self.last_was_direction and rest_empty:
            # A direction heading that wraps continues in the first column (13.7 in the 2014-2018 plan).
            heading = self.plan.directions[-1]
            heading.title = normalise_space(f"{heading.title} {first}")
        else:
            raise PlanFormatError(where, UNEXPECTED_FIRST_CELL.format(text=first[:80]))

    def _continue_row(self, cells: list[str], where: str) -> None:
        if not self.rows or self.last_was_direction:
            raise PlanFormatError(where, CONTINUATION_WITHOUT_ROW)
        self.rows[-1][1].extend(cells[1:])

    def _start_measure(self, number: str, cells: list[str], where: str, line_no: int) -> None:
        _check_new_number(number, where, self.seen)
        if not self.plan.directions:
            raise PlanFormatError(where, MEASURE_BEFORE_DIRECTION.format(number=number))
        current = self.plan.directions[-1]
        if not number.startswith(current.number + "."):
            raise PlanFormatError(where, MEASURE_OUTSIDE_DIRECTION.format(number=number, direction=current.number))
        self.rows.append((current, _Row(number, cells[1:], line_no)))
        self.last_was_direction = False

    def finish(self) -> None:
        _finish(self.rows, self.plan)


def _check_length(text: str, what: str, limit: int, where: str) -> None:
    if len(text) > limit:
        raise PlanFormatError(where, TOO_LONG.format(what=what, length=len(text), limit=limit))


def _check_new_number(number: str, where: str, seen: dict[str, str]) -> None:
    if number in seen:
        raise PlanFormatError(where, DUPLICATE_NUMBER.format(number=number, first=seen[number]))
    seen[number] = where


def _finish(rows: list[tuple[ParsedDirection, _Row]], plan: ParsedPlan) -> None:
    years = (plan.start_year, plan.end_year)
    for direction, row in rows:
        direction.measures.append(_measure_from_cells(row.number, row.cells, f"line {row.line}", years, split_bodies))
    for direction in plan.directions:
        _check_length(direction.title, f"title of direction {direction.number}", TITLE_LIMIT, f"line {direction.line}")
        if not direction.measures:
            raise PlanFormatError(f"line {direction.line}", DIRECTION_WITHOUT_MEASURES.format(number=direction.number))
    if not plan.directions:
        raise PlanFormatError("line 1", NO_MEASURES)


def _measure_from_cells(number, cells, where, years, splitter) -> ParsedMeasure:
    text, bodies, duration = (normalise_space(str(cell or "")) for cell in cells)
    if not text:
        raise PlanFormatError(where, MEASURE_WITHOUT_TEXT.format(number=number))
    try:
        start_year, end_year, recurring = parse_duration(duration, number=number, plan_years=years)
        participants = splitter(bodies)
    except BodiesError as error:
        raise PlanFormatError(where, f"measure {number}: {error}") from None
    except ValueError as error:
        raise PlanFormatError(where, str(error)) from None
    line = int(where.split()[-1])
    return ParsedMeasure(number, text, start_year, end_year, recurring, participants, line)


def _read_notes(lines: list[str], start: int, plan: ParsedPlan) -> None:
    order = [measure.number for measure in plan.measures]
    by_number = {measure.number: measure for measure in plan.measures}
    for index in range(start, len(lines)):
        line = normalise_space(lines[index].replace("**", ""))
        if not line:
            continue
        where = f"line {index + 1}"
        note = _NOTE.match(line)
        if not note:
            raise PlanFormatError(where, NOTE_INVALID)
        try:
            (body,) = split_bodies(note["body"])
        except (BodiesError, ValueError):
            raise PlanFormatError(where, NOTE_INVALID) from None
        for number in _expand_items(note["items"], order, where):
            by_number[number].participants.append(Participant(body.spelling, RECOMMENDED))


def _expand_items(items: str, order: list[str], where: str) -> list[str]:
    numbers = []
    for token in re.split(r",\s*|\s+and\s+", items.strip()):
        item = _ITEM.match(token.strip().rstrip("."))
        if not item:
            raise PlanFormatError(where, NOTE_INVALID)
        first, last = item["first"].rstrip("."), (item["last"] or item["first"]).rstrip(".")
        for number in (first, last):
            if number not in order:
                raise PlanFormatError(where, NOTE_UNKNOWN_ITEM.format(number=number))
        if order.index(last) < order.index(first):
            raise PlanFormatError(where, NOTE_BAD_RANGE.format(first=first, last=last))
        numbers.extend(order[order.index(first) : order.index(last) + 1])
    return numbers


# Spreadsheets: one row per measure. -------------------------------------------------------------------------

SHEET_COLUMNS = ("number", "direction", "text", "bodies", "duration")
SHEET_HEADINGS = {
    "number": "Number",
    "direction": "Direction",
    "text": "Text",
    "bodies": "Bodies",
    "duration": "Duration",
}
_HEADING_ALIASES = {
    "number": "number",
    "item": "number",
    "direction": "direction",
    "text": "text",
    "activity": "text",
    "the name of activity": "text",
    "bodies": "bodies",
    "executive bodies": "bodies",
    "duration": "duration",
    "the execution duration (on the years)": "duration",
}


def parse_plan_rows(
    rows: list[list[object]],
    *,
    title: str | None,
    country: str | None,
    start_year: object | None,
    end_year: object | None,
    first_row: int = 1,
) -> ParsedPlan:
    """A plan from spreadsheet rows: the first row holds the headings; `first_row` is its number in the file."""
    meta = {"title": title, "country": country, "start year": start_year, "end year": end_year}
    for name, value in meta.items():
        if value in (None, ""):
            raise PlanFormatError(f"row {first_row}", SHEET_PLAN_FIELD_MISSING.format(field=name))
    years = (_year(start_year, "start year", first_row), _year(end_year, "end year", first_row))
    title, country = (uninert(normalise_space(str(value))) for value in (title, country))
    plan = ParsedPlan(title, country, years[0], years[1], directions=[])
    _check_length(plan.title, "plan's title", TITLE_LIMIT, f"row {first_row}")
    _check_length(plan.country, "country", COUNTRY_LIMIT, f"row {first_row}")
    if not rows:
        raise PlanFormatError(f"row {first_row}", NO_MEASURES)
    columns = _sheet_columns(rows[0], first_row)
    directions: dict[str, ParsedDirection] = {}
    seen: dict[str, str] = {}
    for offset, row in enumerate(rows[1:], start=1):
        row_no = first_row + offset
        cells = {
            name: uninert(normalise_space(str(row[i]))) if i < len(row) and row[i] is not None else ""
            for name, i in columns.items()
        }
        if not any(cells.values()):
            continue
        where = f"row {row_no}"
        number = cells["number"].rstrip(".")
        if not _MEASURE.match(number):
            raise PlanFormatError(where, SHEET_NUMBER_INVALID.format(text=cells["number"]))
        _check_new_number(number, where, seen)
        direction = _sheet_direction(cells["direction"], where, directions, plan, row_no)
        if not number.startswith(direction.number + "."):
            raise PlanFormatError(where, MEASURE_OUTSIDE_DIRECTION.format(number=number, direction=direction.number))
        cell_values = [cells["text"], cells["bodies"], cells["duration"]]
        direction.measures.append(_measure_from_cells(number, cell_values, where, years, split_listed_bodies))
    if not plan.directions:
        raise PlanFormatError(f"row {first_row}", NO_MEASURES)
    return plan


def _year(value: object, name: str, row: int) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise PlanFormatError(f"row {row}", SHEET_YEAR_INVALID.format(field=name, text=text))
    return int(text)


def _sheet_columns(headings: list[object], row: int) -> dict[str, int]:
    columns = {}
    for index, heading in enumerate(headings):
        name = _HEADING_ALIASES.get(normalise_space(str(heading or "")).lower())
        if name and name not in columns:
            columns[name] = index
    missing = [SHEET_HEADINGS[name] for name in SHEET_COLUMNS if name not in columns]
    if missing:
        expected = ", ".join(SHEET_HEADINGS[name] for name in SHEET_COLUMNS)
        raise PlanFormatError(f"row {row}", SHEET_MISSING_COLUMNS.format(expected=expected, missing=", ".join(missing)))
    return columns


def _sheet_direction(cell: str, where: str, directions: dict, plan: ParsedPlan, row_no: int) -> ParsedDirection:
    found = _DIRECTION.match(cell)
    if not found:
        raise PlanFormatError(where, SHEET_DIRECTION_INVALID.format(text=cell[:80]))
    number = found["number"]
    if number not in directions:
        directions[number] = ParsedDirection(number, normalise_space(found["title"]), row_no)
        _check_length(directions[number].title, f"title of direction {number}", TITLE_LIMIT, where)
        plan.directions.append(directions[number])
    return directions[number]
