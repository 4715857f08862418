"""Import speed: the bundled plan into an empty database, and a bulk file of case records into a loaded one."""

import time
from pathlib import Path

from bench.case_file import write_case_file
from bench.subjects import case_worker_and_case
from cases.importers import import_cases_file
from plans.importers import BUNDLED_PLAN, import_plan_file


def plan_import() -> dict:
    start = time.perf_counter()
    result = import_plan_file(BUNDLED_PLAN)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "summary": result.summary(), "measures": result.plan.measures.count()}


def case_import(rows: str, directory: str) -> dict:
    """Writes a CSV of `rows` cases and imports it as a case worker of the organisation owning the most cases."""
    path = Path(directory) / "cases.csv"
    left_empty = write_case_file(path, int(rows))
    worker, _case = case_worker_and_case()
    result = import_cases_file(path, actor=worker, owner=worker.organisation, progress=True)
    return {
        "format": "CSV",
        "rows": result.rows,
        "seconds": result.seconds,
        "per_second": result.rate,
        "columns_left_empty": left_empty,
        "bytes": path.stat().st_size,
    }
