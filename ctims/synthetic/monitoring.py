"""Quarterly reporting over the years: a round per quarter, the reports expected of each measure's executors, and
what became of them, step by step, with the same mix of stories as monitoring.demo tells.

Which reports are expected follows monitoring.selectors.expected_pairs: every executor of a measure active in the
round's year, until the measure is complete (monitoring.status.roll_up over the accepted reports). Every round but
the last is closed; the last is still open, with more reports waiting for review or not yet written.
"""

import datetime
from collections import defaultdict

from ctims.synthetic.world import UTC, PlanInfo, Weights, World, day_in, moment
from monitoring.demo import (
    ACCEPT,
    CITIES,
    CLOSINGS,
    GAPS,
    LATE_BY_DAYS,
    MONTHS,
    PROGRESS_WEIGHTS,
    RETURN,
    RETURNS,
    STORIES,
    SUBMIT,
    measure_theme,
)
from monitoring.models import MeasureStatus, PeriodType, Progress, ProgressReport, ReportingRound, ReportTransition
from monitoring.status import roll_up
from plans.models import Measure, Participation

Status = ProgressReport.Status

DUE_AFTER_DAYS = 20  # after the quarter's end
CLOSED_AFTER_DAYS = 100  # after the due date: later than any review step (GAPS, LATE_BY_DAYS)
CLOSED_MIX = Weights({"accepted": 62, "late": 10, "corrected": 8, "returned": 4, "awaiting": 3, "late_awaiting": 1,
                      "missing": 12})  # fmt: skip
OPEN_MIX = Weights({"accepted": 25, "late": 5, "corrected": 5, "returned": 10, "awaiting": 20, "late_awaiting": 5,
                    "missing": 15, "draft": 15})  # fmt: skip
DRAFT = "draft"  # written, not submitted yet
STATUS_AFTER = {SUBMIT: Status.SUBMITTED, RETURN: Status.RETURNED, ACCEPT: Status.ACCEPTED}
REPORT_FIELDS = ("id", "round_id", "measure_id", "organisation_id", "expected", "status", "progress", "narrative",
                 "first_submitted_at", "submitted_at", "accepted_at", "late", "updated_at")  # fmt: skip
TRANSITION_FIELDS = ("report_id", "from_status", "to_status", "actor_id", "at", "comment")


def monitoring_generate(*, world: World) -> None:
    rounds = _rounds(world)
    reports, transitions = [], []
    by_plan: dict[int, _PlanReporting] = {}
    for reporting_round in rounds:
        plan = world.plan_for(reporting_round.year)
        reporting = by_plan.setdefault(plan.pk, _PlanReporting(world, plan))
        reporting.round_generate(reporting_round, last=reporting_round is rounds[-1], out=(reports, transitions))
    world.writer.write(ProgressReport, REPORT_FIELDS, reports, total=len(reports))
    world.writer.write(ReportTransition, TRANSITION_FIELDS, transitions, total=len(transitions))


def _rounds(world: World) -> list[ReportingRound]:
    """A round per quarter, opened the day after the quarter ends; all closed but the last."""
    years = range(world.start.year, world.start.year + world.years)
    planned = [
        ReportingRound(
            plan_id=world.plan_for(year).pk,
            period_type=PeriodType.QUARTER,
            year=year,
            period_number=quarter,
            opened_by_id=world.coordinator,
        )
        for year in years
        for quarter in range(1, 5)
    ]
    for reporting_round in planned:
        reporting_round.opens_on = reporting_round.period_end + datetime.timedelta(days=1)
        reporting_round.due_on = reporting_round.period_end + datetime.timedelta(days=DUE_AFTER_DAYS)
        reporting_round.opened_at = _early(reporting_round.opens_on)
        reporting_round.closed_at = _early(reporting_round.due_on + datetime.timedelta(days=CLOSED_AFTER_DAYS))
        reporting_round.state = ReportingRound.State.CLOSED
    planned[-1].state, planned[-1].closed_at = ReportingRound.State.OPEN, None
    return ReportingRound.objects.bulk_create(planned)


def _early(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(4), tzinfo=UTC)  # before any working-hours moment


class _PlanReporting:
    """The reports of one plan's rounds, in period order, carrying each measure's completion forward."""

    def __init__(self, world: World, plan: PlanInfo):
        self.world = world
        self.rng = world.rng(f"reports:{plan.start_year}")  # not the id, which a sequence gives
        self.measures = list(
            Measure.objects.filter(plan_id=plan.pk)
            .order_by("position")
            .values_list("pk", "recurring", "start_year", "end_year", "text")
        )
        self.themes = {pk: measure_theme(text) for pk, *_rest, text in self.measures}
        self.executors: dict[int, list[int]] = defaultdict(list)
        participations = Participation.objects.filter(measure__plan_id=plan.pk, role=Participation.Role.EXECUTOR)
        for measure, organisation in participations.order_by("measure_id", "position").values_list(
            "measure_id", "organisation_id"
        ):
            self.executors[measure].append(organisation)
        self.completed: set[int] = set()

    def round_generate(self, reporting_round: ReportingRound, *, last: bool, out: tuple[list, list]) -> None:
        reports, transitions = out
        year = reporting_round.year
        accepted: dict[int, list[str]] = defaultdict(list)
        for pk, recurring, start_year, end_year, _text in self.measures:
            if pk in self.completed or not (recurring or start_year <= year):
                continue
            weights = _progress_weights(recurring, start_year, end_year, year)
            for organisation in self.executors[pk]:
                story = (OPEN_MIX if last else CLOSED_MIX).pick(self.rng)
                if organisation not in self.world.focal_points:
                    story = "missing"  # a class of bodies, or a body no one reports for
                report = _Report(self, reporting_round, pk, organisation, story, weights)
                reports.append(report.row())
                transitions.extend(report.transitions())
                if report.status == Status.ACCEPTED:
                    accepted[pk].append(report.progress)
        for pk, _recurring, *_rest in self.measures:
            status = roll_up(executors=len(self.executors[pk]), accepted=accepted[pk])
            if status == MeasureStatus.COMPLETE:
                self.completed.add(pk)


def _progress_weights(recurring: bool, start_year: int | None, end_year: int | None, year: int) -> Weights:
    if recurring:
        key = "regular"
    elif year == start_year and year < end_year:
        key = "first_year"
    elif year >= end_year:
        key = "last_year"  # and after it, while the measure is overdue
    else:
        key = "middle_year"
    return _WEIGHTS[key]


_WEIGHTS = {key: Weights(weights) for key, weights in PROGRESS_WEIGHTS.items()}


class _Report:
    """One expected report: its story's steps, dated from the round's opening, and what it says."""

    def __init__(
        self, reporting: _PlanReporting, reporting_round: ReportingRound, measure, organisation, story, weights
    ):
        rng = reporting.rng
        self.world = reporting.world
        self.reporting_round = reporting_round
        self.pk = self.world.writer.ids(ProgressReport, 1)[0]
        self.measure, self.organisation = measure, organisation
        self.story = story
        self.steps: list[tuple[str, datetime.datetime, str]] = []  # (step, when, comment)
        self.progress = self.narrative = ""
        if story != "missing":
            self.progress = weights.pick(rng)
            self.narrative = _narrative(rng, reporting.themes[measure], self.progress, reporting_round.year)
        if story not in ("missing", DRAFT):
            self._steps(rng, STORIES[story])
        self.status = STATUS_AFTER[self.steps[-1][0]] if self.steps else Status.DRAFT

    def _steps(self, rng, story) -> None:
        due_on = self.reporting_round.due_on
        if story.late:
            day = due_on + datetime.timedelta(days=rng.randint(*LATE_BY_DAYS))
        else:
            day = day_in(rng, self.reporting_round.opens_on, due_on)
        for step in story.steps:
            if self.steps:
                day = day + datetime.timedelta(days=rng.randint(*GAPS[step]))
            comment = rng.choice(RETURNS)[0].format(year=self.reporting_round.year) if step == RETURN else ""
            self.steps.append((step, moment(rng, day), comment))

    def row(self) -> tuple:
        submissions = [when for step, when, _comment in self.steps if step == SUBMIT]
        accepted_at = next((when for step, when, _comment in self.steps if step == ACCEPT), None)
        first = submissions[0] if submissions else None
        late = first is not None and first.date() > self.reporting_round.due_on
        updated_at = self.steps[-1][1] if self.steps else self.reporting_round.opened_at
        last = submissions[-1] if submissions else None
        return (self.pk, self.reporting_round.pk, self.measure, self.organisation, True, self.status, self.progress,
                self.narrative, first, last, accepted_at, late, updated_at)  # fmt: skip

    def transitions(self):
        status = Status.DRAFT
        for step, when, comment in self.steps:
            actor = self.world.focal_points[self.organisation] if step == SUBMIT else self.world.coordinator
            yield self.pk, status, STATUS_AFTER[step], actor, when, comment
            status = STATUS_AFTER[step]


def _narrative(rng, theme, progress: str, year: int) -> str:
    closing = rng.choice(CLOSINGS[progress])
    if progress == Progress.NOT_STARTED:
        return closing
    city, city2 = rng.sample(CITIES, 2)
    figures = {"n": rng.randint(3, 40), "m": rng.randint(25, 400), "k": rng.randrange(2000, 60000, 500),
               "cost": rng.randrange(2000, 150000, 100), "city": city, "city2": city2, "month": rng.choice(MONTHS),
               "year": year, "next": year + 1}  # fmt: skip
    return f"{rng.choice(theme.sentences).format(**figures)} {closing}"
