"""What every part of the generator shares: the scale, the window of time, the random streams, and the organisations,
users and plans made first, which the cases, reports and registers then refer to."""

import datetime
import itertools
import random
from dataclasses import dataclass, field

from ctims.synthetic.writer import Writer

UTC = datetime.UTC
# Working hours in UTC that stay on the same day in Baku (UTC+4), so a moment's date is the same in both.
FIRST_HOUR, LAST_HOUR = 5, 14


@dataclass(frozen=True)
class Scale:
    name: str
    years: int  # default for --years
    cases: int
    services: int
    reports: int  # roughly: the expected reports of all rounds, which the plan's executors decide
    local_bodies: int  # extra executors of the measures that local authorities carry out
    ngos: int  # extra NGOs that own and help with cases
    case_workers: int  # per organisation that owns cases
    calls: int
    criminal_cases: int
    trainings: int
    awareness: int
    donors: int
    supports: int


@dataclass(frozen=True)
class PlanInfo:
    pk: int
    start_year: int
    end_year: int
    measures: dict[str, int]  # number → id


@dataclass
class World:
    scale: Scale
    seed: int
    years: int
    writer: Writer
    start: datetime.date
    plans: list[PlanInfo] = field(default_factory=list)
    organisation_names: dict[int, str] = field(default_factory=dict)
    coordinator: int = 0  # a user id; so are the values of the user dicts below
    coordinator_organisation: int = 0
    identifying_organisation: int = 0  # the MIA Main Department, which decides legal status
    case_owners: list[int] = field(default_factory=list)  # organisation ids, the first the identifying one
    case_workers: dict[int, list[int]] = field(default_factory=dict)  # organisation id → user ids
    id_officers: list[int] = field(default_factory=list)
    focal_points: dict[int, int] = field(default_factory=dict)  # organisation id → user id
    hotline_operators: dict[int, list[int]] = field(default_factory=dict)
    analysts: dict[int, list[int]] = field(default_factory=dict)  # prosecution organisation → user ids
    facilities: list[tuple[int, int, int, str]] = field(default_factory=list)  # (id, organisation, capacity, kind)
    cases: list = field(default_factory=list)  # cases.CaseStory, for the registers that link to cases

    @property
    def end(self) -> datetime.date:
        """The first day after the generated history."""
        return datetime.date(self.start.year + self.years, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def rng(self, domain: str) -> random.Random:
        """A random stream per domain, so that adding rows in one table never changes another's."""
        return random.Random(f"{self.seed}:{domain}")

    def plan_for(self, year: int) -> PlanInfo:
        return next(plan for plan in self.plans if plan.start_year <= year <= plan.end_year)

    def measure(self, number: str, day: datetime.date) -> int | None:
        return self.plan_for(day.year).measures.get(number)


def day_in(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A day from `first` to `last`, both included (`first` when `last` is earlier)."""
    return first + datetime.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    """A moment in working hours on `day`, aware (UTC)."""
    return datetime.datetime(
        day.year, day.month, day.day, rng.randint(FIRST_HOUR, LAST_HOUR), rng.randint(0, 59), tzinfo=UTC
    )


class Weights:
    """Choices with weights, prepared once for the millions of draws."""

    def __init__(self, weights: dict):
        self.values = tuple(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]
