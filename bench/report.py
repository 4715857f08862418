"""The annual report (`reports.build.report_build`) at national scale: how long each step takes, how large its files
are, how many queries it runs, and its victim tables V1, V2 and A1 against hand-written SQL.

The year is the busiest of the data: the one in which the most victims were identified, as the report counts them.
Each step is timed best of 3, but a step is not run again once its runs have taken `SLOW_SECONDS` (the PDF takes
about that long). The SQL side reproduces reports/figures/victims.py's definitions exactly (the first change to
"identified" in the year in the project's time zone; cases.selectors.CHILD_FILTER; one form, several forms or none),
so the two results must be equal; each side is timed best of 5, as in bench/statistics_sql.py.
"""

import datetime
import io
import time
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.statistics_sql import _busiest_year, _compare, _rows, _tz
from cases.models import CHILD_AGE, AssistanceService, Case, ExploitationForm, Sex
from reports import disclosure, quality, render
from reports.build import collect_tables, report_build
from reports.figures import plan, prevention, prosecution, resources, victims
from reports.models import Edition
from reports.tables import Table

try:
    from pypdf import PdfReader
except ImportError:  # a development requirement: without it the page count is left out
    PdfReader = None

REPEATS = 3
SLOW_SECONDS = 10.0
FORMATS = {"PDF": render.pdf, "DOCX": render.docx, "XLSX": render.xlsx}


def run() -> dict:
    year = busiest_year()
    steps = []
    tables = _step(steps, "statistics step (`collect_tables`)", partial(collect_tables, year), _count("tables"))
    for module in (plan, prevention, prosecution, victims, resources):
        _step(steps, f"… `{module.__name__}.tables`", partial(module.tables, year), _count("tables"))
    _step(steps, "data-quality checks (`quality.problems`)", partial(quality.problems, year), _count("findings"))
    _step(steps, "public-edition suppression (`disclosure.protect`)", partial(_protect, tables), str)
    reports = []
    for edition in Edition.values:
        build = partial(report_build, year=year, edition=edition)
        reports.append(_step(steps, f"`report_build`, {edition} edition", build, _describe))
    return {
        "year": year,
        "repeats": REPEATS,
        "slow_seconds": SLOW_SECONDS,
        "steps": steps,
        "files": [_draw(report, name, draw) for report in reports for name, draw in FORMATS.items()],
        "victims": compare_victims(year),
    }


def queries(year: str = "") -> dict:
    """The queries of `report_build` for `year` (by default the busiest), once warm. Counted in the same year at each
    scale, they must be equal: the count may depend on the year (the reporting rounds in it), never on the data."""
    year = int(year) if year else busiest_year()
    report_build(year=year, edition=Edition.RESTRICTED)  # warms the process's caches: the measured build is warm
    counts = {}
    for edition in Edition.values:
        with CaptureQueriesContext(connection) as captured:
            report_build(year=year, edition=edition)
        counts[edition] = len(captured)
    return {"year": year, "queries": counts}


# The year of each case's first identification, in the project's time zone.
FIRST_IDENTIFIED_YEARS_SQL = """
SELECT EXTRACT(YEAR FROM min(at) AT TIME ZONE %s) FROM cases_statuschange WHERE to_status = %s GROUP BY case_id
"""


def busiest_year() -> int:
    return _busiest_year(FIRST_IDENTIFIED_YEARS_SQL, [_tz(), Case.Status.IDENTIFIED.value])


# Timing -----------------------------------------------------------------------------------------------------------


def _best(function) -> tuple[float, int, object]:
    """The best time of `REPEATS` runs (fewer once they have taken `SLOW_SECONDS`), the runs made, the last result."""
    best, runs, spent, result = float("inf"), 0, 0.0, None
    while runs < REPEATS and (runs == 0 or spent < SLOW_SECONDS):
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
        best, runs, spent = min(best, seconds), runs + 1, spent + seconds
    return best, runs, result


def _step(steps: list[dict], name: str, function, describe):
    seconds, runs, result = _best(function)
    steps.append({"name": name, "ms": seconds * 1000, "runs": runs, "note": describe(result)})
    return result


def _count(noun: str):
    return lambda found: f"{len(found)} {noun}"


def _protect(tables: list[Table]) -> str:
    people = [table for table in tables if table.people]
    for table in people:
        disclosure.protect(table, settings.REPORT_MIN_CELL)
    now = sum(len(table.suppressed) for table in people)
    before = sum(len(table.previous_suppressed) for table in people)
    return f"{len(people)} tables of people: {now} cells hidden ({before} in the year before)"


def _describe(report) -> str:
    return f"{len(report.tables)} tables, {len(report.problems)} findings, {report.suppressed_cells} cells hidden"


def _draw(report, name: str, draw) -> dict:
    seconds, runs, content = _best(partial(draw, report))
    pages = len(PdfReader(io.BytesIO(content)).pages) if name == "PDF" and PdfReader else None
    return {
        "edition": report.edition,
        "format": name,
        "ms": seconds * 1000,
        "runs": runs,
        "bytes": len(content),
        "pages": pages,
    }


# Victim tables against hand-written SQL ----------------------------------------------------------------------------


def compare_victims(year: int) -> list[dict]:
    # The builders of single tables are private to the figures module; calling them times these three tables alone
    # (victims.tables builds all eleven, for two years).
    pairs = [
        ("V1", lambda: _values(victims._v1_victims(year, victims.identified_in(year))), lambda: sql_v1(year)),
        ("V2", lambda: _values(victims._v2_forms(victims.identified_in(year))), lambda: sql_v2(year)),
        ("A1", lambda: _values(victims._a1_assistance(year)), lambda: sql_a1(year)),
    ]
    return [_compare(f"reports.figures.victims {key} (year={year})", python, sql) for key, python, sql in pairs]


def _values(table: Table) -> dict[str, list]:
    return {row.key: row.values for row in table.rows}


def _params(year: int) -> dict:
    zone = ZoneInfo(_tz())
    return {
        "start": datetime.datetime(year, 1, 1, tzinfo=zone),
        "end": datetime.datetime(year + 1, 1, 1, tzinfo=zone),
        "first_day": datetime.date(year, 1, 1),
        "last_day": datetime.date(year, 12, 31),
        "tz": _tz(),
        "identified": Case.Status.IDENTIFIED.value,
        "female": Sex.FEMALE.value,
        "male": Sex.MALE.value,
        "child_age": CHILD_AGE,
        "several": victims.SEVERAL,
        "not_recorded": victims.NOT_RECORDED,
    }


# The cases first identified in the year (one case is one person).
IDENTIFIED_CTE = """
identified AS (
    SELECT case_id AS id FROM cases_statuschange WHERE to_status = %(identified)s
    GROUP BY case_id HAVING min(at) >= %(start)s AND min(at) < %(end)s
)
"""
# The column of a person (case c, person p): sex not recorded unless female or male, whatever the age; otherwise a
# girl or boy when a child by CHILD_FILTER (the year of registration in the project's time zone), else a woman or man.
# A condition on a missing age is NULL, which CASE treats as false: an adult, as the filter counts it.
CELL_SQL = """
CASE WHEN p.sex NOT IN (%(female)s, %(male)s) THEN 'not_recorded'
     WHEN c.presumed_child OR p.estimated_age < %(child_age)s
          OR p.year_of_birth > EXTRACT(YEAR FROM c.created_at AT TIME ZONE %(tz)s) - %(child_age)s
     THEN CASE p.sex WHEN %(female)s THEN 'girls' ELSE 'boys' END
     ELSE CASE p.sex WHEN %(female)s THEN 'women' ELSE 'men' END
END
"""
CELLS = ("women", "men", "girls", "boys", "not_recorded")

V1_SQL = f"""
WITH {IDENTIFIED_CTE},
counted AS (
    SELECT 'presumed' AS row, id FROM cases_case WHERE created_at >= %(start)s AND created_at < %(end)s
    UNION ALL
    SELECT 'identified', id FROM identified
)
SELECT counted.row, {CELL_SQL}, count(*)
FROM counted JOIN cases_case AS c ON c.id = counted.id JOIN cases_person AS p ON p.id = c.person_id
GROUP BY 1, 2
"""
# A case holds each form at most once (a unique constraint), so one row is one form.
V2_SQL = f"""
WITH {IDENTIFIED_CTE},
forms AS (
    SELECT f.case_id, CASE WHEN count(*) = 1 THEN min(f.form) ELSE %(several)s END AS exploitation
    FROM cases_exploitationform AS f JOIN identified ON identified.id = f.case_id
    GROUP BY f.case_id
)
SELECT COALESCE(forms.exploitation, %(not_recorded)s), {CELL_SQL}, count(*)
FROM identified
JOIN cases_case AS c ON c.id = identified.id
JOIN cases_person AS p ON p.id = c.person_id
LEFT JOIN forms ON forms.case_id = c.id
GROUP BY 1, 2
"""
A1_SQL = """
SELECT kind, count(DISTINCT case_id), count(*) FROM cases_assistanceservice
WHERE starts_on BETWEEN %(first_day)s AND %(last_day)s
GROUP BY kind
UNION ALL
SELECT 'placement', count(DISTINCT case_id), count(*) FROM cases_placement
WHERE placed_on BETWEEN %(first_day)s AND %(last_day)s
"""


def _sex_and_age(rows: list[tuple], keys: list[str]) -> dict[str, list[int]]:
    """{row key: [women, men, girls, boys, sex not recorded, total]} of `keys`, from (row key, column, count)."""
    counts = {(key, cell): n for key, cell, n in rows}
    values = {key: [counts.get((key, cell), 0) for cell in CELLS] for key in keys}
    return {key: [*cells, sum(cells)] for key, cells in values.items()}


def sql_v1(year: int) -> dict[str, list[int]]:
    return _sex_and_age(_rows(V1_SQL, _params(year)), ["presumed", "identified"])


def sql_v2(year: int) -> dict[str, list[int]]:
    keys = [*ExploitationForm.Form.values, victims.SEVERAL, victims.NOT_RECORDED]
    values = _sex_and_age(_rows(V2_SQL, _params(year)), keys)
    values["total"] = [sum(column) for column in zip(*values.values(), strict=True)]
    return values


def sql_a1(year: int) -> dict[str, list[int]]:
    found = {kind: [persons, number] for kind, persons, number in _rows(A1_SQL, _params(year))}
    return {kind: found.get(kind, [0, 0]) for kind in [*AssistanceService.Kind.values, "placement"]}
