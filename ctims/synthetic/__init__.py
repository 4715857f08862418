"""Synthetic data at three scales, for trying CTIMS at size and measuring it (`manage.py generate_synthetic`).

Deterministic: the same scale and seed on an empty database give the same rows (the history is dated from the
plan's first year, never from today, and every domain draws from its own random stream). Rows go through the same
models, written in bulk (writer.py): no audit events, no per-row model methods, but every model's rules are kept
(the tests run full_clean() on samples).

Order matters: organisations and users first, then the reporting history, the cases, and the registers, which link
to cases.
"""

import datetime
import time
from dataclasses import dataclass

from django.db import transaction

from cases.models import Case
from ctims.synthetic.cases import cases_generate
from ctims.synthetic.monitoring import monitoring_generate
from ctims.synthetic.organisations import organisations_generate, plan_base
from ctims.synthetic.registers import registers_generate
from ctims.synthetic.world import Scale, World
from ctims.synthetic.writer import Writer
from monitoring.models import ProgressReport

SCALES = {
    scale.name: scale
    for scale in (
        # A country's first year: enough to click through every page.
        Scale("demo", years=1, cases=50, services=250, reports=500, local_bodies=0, ngos=2, case_workers=2,
              calls=120, criminal_cases=12, trainings=20, awareness=20, donors=5, supports=10),
        # One country, ten years: about 100 victims a year.
        Scale("national", years=10, cases=1_000, services=5_000, reports=10_000, local_bodies=14, ngos=8,
              case_workers=3, calls=4_000, criminal_cases=200, trainings=400, awareness=400, donors=20, supports=120),
        # A regional or multi-country hub the size of IOM's CTDC.
        Scale("hub", years=10, cases=200_000, services=1_000_000, reports=100_000, local_bodies=340, ngos=120,
              case_workers=5, calls=300_000, criminal_cases=25_000, trainings=20_000, awareness=20_000, donors=300,
              supports=6_000),
    )
}  # fmt: skip
MAX_YEARS = 10  # from the bundled plan's 2014, the history stays in the past

NOT_EMPTY = (
    "The database already holds {what}. Synthetic data must never mix with real data: run generate_synthetic on an "
    "empty database (after migrate)."
)


class SyntheticRefused(Exception):
    pass


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]  # table → rows written in bulk
    seconds: dict[str, float]
    total_seconds: float


def synthetic_generate(*, scale: str, seed: int, password: str, stream, years: int | None = None) -> Summary:
    """Fills an empty database with a synthetic history; `stream` receives the progress bars and a line per table."""
    _refuse_unless_empty()
    started = time.perf_counter()
    chosen = SCALES[scale]
    with transaction.atomic():
        base = plan_base()
        world = World(
            scale=chosen,
            seed=seed,
            years=years or chosen.years,
            writer=Writer(stream=stream),
            start=datetime.date(base.start_year, 1, 1),
        )
        organisations_generate(world=world, base=base, password=password)
        monitoring_generate(world=world)
        cases_generate(world=world)
        registers_generate(world=world)
        world.writer.finish()
    writer = world.writer
    return Summary(writer.counts, writer.seconds, time.perf_counter() - started)


def _refuse_unless_empty() -> None:
    if Case.objects.exists():
        raise SyntheticRefused(NOT_EMPTY.format(what="cases"))
    if ProgressReport.objects.exists():
        raise SyntheticRefused(NOT_EMPTY.format(what="progress reports"))
