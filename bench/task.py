"""Runs one Django-side step of the benchmark in its own process and writes its result as JSON.

    python -m bench.task subjects|queries|statistics|plan_import|case_import OUT.json [ARG]

The database and settings come from the environment that bench/run.py sets (DATABASE_URL, DEBUG, keys).
"""

import importlib
import json
import os
import sys
from pathlib import Path

import django

# task name: (module, function); the function takes the extra arguments as strings and returns a JSON-able dict.
TASKS = {
    "subjects": ("bench.subjects", "run"),
    "queries": ("bench.queries", "run"),
    "statistics": ("bench.statistics_sql", "run"),
    "plan_import": ("bench.imports", "plan_import"),
    "case_import": ("bench.imports", "case_import"),
    "report": ("bench.report", "run"),
    "report_queries": ("bench.report", "queries"),
}


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[0] not in TASKS:
        raise SystemExit(f"usage: python -m bench.task {{{'|'.join(TASKS)}}} OUT.json [ARG]")
    task, out, *rest = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctims.settings")
    django.setup()
    module_name, function = TASKS[task]
    result = getattr(importlib.import_module(module_name), function)(*rest)
    Path(out).write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
