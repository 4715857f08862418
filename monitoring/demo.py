"""Demo monitoring history: four past reporting rounds with a realistic mix of reports. Never for production.

`demo_monitoring` replays 2015–2018 as it might have happened: the Coordinator opens the yearly rounds of 2014 to
2017 and closes all but the last; most bodies report and are accepted, some late, some are returned with a comment
(and correct their report, or not), in the open round a few reports wait for review, and some never come; a few
reports of each round raise needs, so that the needs raised in each year from 2015 to 2018 can be shown. Every step
goes through monitoring.services, acting as the body's focal point or the Coordinator, so the demo obeys the
workflow's rules.

The services stamp each step with the current time; the replayed history is in the past. So, after the services
have run, the `_backdate_*` helpers at the end of this module move each record's timestamps to when the replayed
step happened. They are the only place that writes those fields directly.

The replay is not written to the audit log: its ~1,300 entries would all be stamped with the time of seeding,
contradicting the replayed dates, and would double the time seed_demo takes.

The mix is drawn from random.Random(2014): the same plan always gives the same history.
"""

import datetime
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from monitoring import services
from monitoring.models import (
    FundingSource,
    Need,
    PeriodType,
    Progress,
    ProgressReport,
    ReportingRound,
    ReportResult,
    ReportSpending,
    ReportTransition,
)
from monitoring.status import RANK
from plans.models import Plan

SEED = 2014
Status = ProgressReport.Status

# What happens to a report, step by step.
SUBMIT, RETURN, ACCEPT = "submit", "return", "accept"


@dataclass(frozen=True)
class Story:
    steps: tuple[str, ...]
    late: bool = False  # first submitted after the due date


STORIES = {
    "accepted": Story((SUBMIT, ACCEPT)),
    "late": Story((SUBMIT, ACCEPT), late=True),
    "corrected": Story((SUBMIT, RETURN, SUBMIT, ACCEPT)),  # returned, corrected, accepted
    "returned": Story((SUBMIT, RETURN)),  # returned, not corrected (yet)
    "awaiting": Story((SUBMIT,)),  # submitted, not reviewed yet
    "late_awaiting": Story((SUBMIT,), late=True),
    "missing": Story(()),  # never submitted
}


@dataclass(frozen=True)
class DemoRound:
    year: int
    due_on: datetime.date
    close: bool
    mix: dict[str, int]  # story → percent of the reports whose body has a focal point; "accepted" takes the rest

    @property
    def opens_on(self) -> datetime.date:
        return self.due_on.replace(month=self.due_on.month - 1)

    @property
    def closes_on(self) -> datetime.date:
        return self.due_on + datetime.timedelta(days=90)  # after the last review (see GAPS)


DEMO_ROUNDS = (
    DemoRound(  # the plan's first year: more reports late or missing
        2014, datetime.date(2015, 2, 15), close=True, mix={"late": 14, "corrected": 8, "returned": 5, "missing": 12}
    ),
    DemoRound(
        2015, datetime.date(2016, 2, 15), close=True, mix={"late": 10, "corrected": 9, "returned": 4, "missing": 8}
    ),
    DemoRound(
        2016, datetime.date(2017, 2, 15), close=True, mix={"late": 8, "corrected": 7, "returned": 5, "missing": 9}
    ),
    DemoRound(
        2017,
        datetime.date(2018, 2, 15),
        close=False,  # open, so that returned reports can still be corrected in the demo
        mix={"late": 9, "corrected": 6, "returned": 8, "awaiting": 8, "late_awaiting": 3, "missing": 10},
    ),
)
HISTORY_ENDS = datetime.date(2018, 6, 30)  # the last replayed step is before this date
LATE_BY_DAYS = (1, 40)
GAPS = {SUBMIT: (3, 12), RETURN: (2, 8), ACCEPT: (2, 14)}  # days since the step before
NEED_RESOLVED_AFTER_DAYS = 45
BATCH_SIZE = 200  # rows per bulk update

# Progress by where the round's year falls in the measure's years, with weights.
PROGRESS_WEIGHTS = {
    "regular": {Progress.ONGOING: 70, Progress.SUBSTANTIAL: 14, Progress.LIMITED: 12, Progress.NOT_STARTED: 4},
    "first_year": {Progress.NOT_STARTED: 20, Progress.LIMITED: 55, Progress.SUBSTANTIAL: 25},
    "middle_year": {Progress.NOT_STARTED: 5, Progress.LIMITED: 35, Progress.SUBSTANTIAL: 50, Progress.COMPLETE: 10},
    "last_year": {Progress.LIMITED: 10, Progress.SUBSTANTIAL: 25, Progress.COMPLETE: 65},
}

CITIES = ["Baku", "Ganja", "Sumgayit", "Mingachevir", "Lankaran", "Shaki", "Shirvan", "Nakhchivan", "Guba", "Yevlakh"]
MONTHS = ["March", "April", "May", "June", "September", "October", "November"]


@dataclass(frozen=True)
class Theme:
    name: str
    keywords: tuple[str, ...]  # word beginnings, lower case
    sentences: tuple[str, ...]
    result: tuple[str, str, str, int]  # indicator, unit, and the figure it counts in which of the sentences

    @cached_property
    def pattern(self) -> re.Pattern:
        return re.compile(r"\b(?:" + "|".join(re.escape(keyword) for keyword in self.keywords) + ")")


# A measure's theme is the one whose keyword comes first in its text: the text opens with what is to be done.
THEMES = [
    Theme(
        "law_enforcement",
        ("criminal", "operative", "investigation", "legalization", "witness", "traffickers", "security of the persons"),
        (
            "{n} criminal cases on trafficking were opened; charges were brought in most of them.",
            "Cooperation with partner agencies abroad led to the identification of {n} victims outside the country.",
            "Financial investigations were opened into the assets of {n} suspected traffickers.",
            "Protection measures were applied to {n} witnesses cooperating with the investigation.",
        ),
        ("Criminal cases opened", "cases", "n", 0),
    ),
    Theme(
        "legal",
        ("legislation", "legal regulation", "ratification", "rules", "suggestions", "laws"),
        (
            "A draft was prepared and sent to the state bodies concerned for comments.",
            "A working group of {n} experts reviewed the legislation and submitted its proposals in {month}.",
            "Comments on the draft were collected from {n} state bodies and NGOs, and a revised text was agreed.",
            "The proposals were discussed at a round table with the Ombudsman's office and NGOs in {month}.",
        ),
        ("Bodies consulted on the draft", "bodies", "n", 2),
    ),
    Theme(
        "children",
        ("child",),
        (
            "{n} children at risk were identified through school monitoring in {city} and referred to social services.",
            "Psychologists held {m} counselling sessions with children in temporary shelters.",
            "{n} children without identity documents were helped to obtain birth certificates and ID cards.",
            "Teachers in {city} and {city2} were instructed on recognising signs of exploitation among pupils.",
        ),
        ("Children referred to social services", "children", "n", 0),
    ),
    Theme(
        "training",
        ("course", "training", "professional level", "methodical"),
        (
            "{n} training sessions were held for {m} police officers, prosecutors and labour inspectors.",
            "A two-day course on identifying victims was added to the training centre's curriculum; {m} staff took it.",
            "Trainers from IOM gave a workshop on interviewing victims to {m} officials in {city}.",
            "{n} new trainers were certified to run the course in the regions.",
        ),
        ("Officials trained", "people", "m", 0),
    ),
    Theme(
        "awareness",
        ("publicity", "propaganda", "promotional", "advertis"),
        (
            "{k:,} leaflets and posters in Azerbaijani, Russian and English were distributed at {n} border posts, "
            "airports and bus stations.",
            "A social advertisement on the risks of fake job offers abroad was broadcast {n} times on national TV.",
            "{n} information sessions were held in schools and colleges in {city}, reaching about {m} young people.",
            "Awareness materials were posted on the body's website and social media pages and viewed {k:,} times.",
        ),
        ("Leaflets and posters distributed", "copies", "k", 0),
    ),
    Theme(
        "migration",
        ("migra", "labor", "border", "customs"),
        (
            "{n} joint inspections of construction sites and farms employing foreign workers were carried out.",
            "Labour inspectors checked {m} employers; {n} cases of undeclared foreign workers were referred to the "
            "police.",
            "Migrants arriving in {city} were given leaflets in five languages on their rights and the hotline number.",
            "Data on labour migrants at risk was exchanged with the State Migration Service every month.",
        ),
        ("Employers inspected", "inspections", "m", 1),
    ),
    Theme(
        "research",
        ("research", "study", "monitoring", "scientific"),
        (
            "A survey of {m} households in {city} and {city2} on the risks of trafficking was carried out with a "
            "local university.",
            "The results of the study were published and presented to the working group in {month}.",
            "Monitoring visits were made to {n} districts, and their findings were shared with local authorities.",
        ),
        ("Households surveyed", "households", "m", 0),
    ),
    Theme(
        "assistance",
        ("victim", "assistance", "rehabilitation", "medical", "shelter", "asylum", "hot line", "institution"),
        (
            "The assistance centre in {city} gave shelter, medical and psychological help to {n} victims.",
            "{n} shelter staff were recruited, including a psychologist and two social workers.",
            "{m} victims and people at risk received vocational training; {n} of them found jobs.",
            "One-off allowances were paid to {n} victims of trafficking.",
        ),
        ("Victims assisted", "people", "n", 0),
    ),
    Theme(
        "cooperation",
        ("cooperation", "international", "donor", "partner", "events", "diplomatic"),
        (
            "{n} meetings were held with IOM, OSCE and embassy representatives on joint projects.",
            "A memorandum of cooperation was signed with {n} NGOs working with victims.",
            "Staff took part in {n} international conferences and presented Azerbaijan's experience.",
            "A joint work plan for the next year was agreed with the donor organisations in {month}.",
        ),
        ("Meetings with partners held", "meetings", "n", 0),
    ),
]
GENERAL = Theme(
    "general",
    (),
    (
        "The measure was discussed at {n} meetings of the working group, and a schedule of actions was approved.",
        "Responsible staff were appointed and the work was included in the body's annual plan.",
        "{n} events were organised together with partner NGOs in {city} and {city2}.",
    ),
    ("Events held", "events", "n", 2),
)


def measure_theme(text: str) -> Theme:
    """The theme whose keyword comes first in the measure's text; GENERAL when none does."""
    text = text.lower()
    found = [(match.start(), index) for index, theme in enumerate(THEMES) if (match := theme.pattern.search(text))]
    return THEMES[min(found)[1]] if found else GENERAL


CLOSINGS = {
    Progress.NOT_STARTED: (
        "Work has not started: no funds were allocated this year. It is planned for next year.",
        "Preparations are under way, but no activities were carried out this year.",
    ),
    Progress.LIMITED: (
        "This is only a first step; most of the work remains for next year.",
        "Progress was slower than planned because of staff changes.",
    ),
    Progress.SUBSTANTIAL: (
        "Most of the planned work is done; the rest is scheduled for the first half of next year.",
        "The remaining steps depend on the approval of the budget for next year.",
    ),
    Progress.COMPLETE: ("With this, the measure is complete.", "All planned activities were completed by December."),
    Progress.ONGOING: (
        "The work continues as a regular activity.",
        "These activities will continue next year on the same scale.",
    ),
}

# The Coordinator's comment on returning a report, and the sentence the body adds when it corrects it.
RETURNS = [
    (
        "Please give figures: how many people were reached, and where?",
        "In all, {m} people were reached in {city}, {city2} and nearby districts.",
    ),
    (
        "Please describe what was done in {year}, not what is planned.",
        "The activities above were carried out in {year}, from {month} onwards.",
    ),
    (
        "Please say what the work cost and from which source.",
        "The work cost {cost:,} AZN, paid from the state budget.",
    ),
    (
        "Please name the partners you worked with.",
        "The work was done together with IOM and local NGOs.",
    ),
]
SPENDING_RETURN = 2  # the comment whose correction adds spending

# The needs raised in each round's reports: themes of the reports a need fits, kind, description, and how the
# Coordinator answered (state, response) or None. Every round raises some, so each year's report lists needs.
NEEDS = {
    2014: [
        (
            ("assistance", "law_enforcement", "awareness"),
            Need.Kind.FUNDING,
            "About {cost:,} AZN a year is needed for a second line of the hotline: calls go unanswered in the evening.",
            (Need.State.RESOLVED, "The amount is included in the Ministry of Internal Affairs' budget for {next}."),
        ),
        (
            ("research", "general", "cooperation", "training"),
            Need.Kind.OTHER,
            "The bodies report in different forms and rarely give figures; a common reporting form is needed.",
            (Need.State.RESOLVED, "The Coordinator approved a common reporting form in {next}."),
        ),
    ],
    2015: [
        (
            ("awareness", "training", "children"),
            Need.Kind.FUNDING,
            "About {cost:,} AZN is needed to print the leaflets and run the sessions planned for {next}: the "
            "allocation for {year} was spent by October.",
            (Need.State.RESOLVED, "The Ministry of Finance agreed to an addition to the body's {next} budget."),
        ),
        (
            ("cooperation", "law_enforcement", "migration"),
            Need.Kind.COOPERATION,
            "An agreement with the border services of neighbouring countries is needed to exchange information on "
            "suspected trafficking routes.",
            (Need.State.RESOLVED, "A protocol on the exchange of information was signed in {next}."),
        ),
    ],
    2016: [
        (
            ("assistance", "children", "law_enforcement"),
            Need.Kind.OTHER,
            "The shelter's vehicle is out of service; one is needed to take victims to hearings and medical "
            "appointments.",
            (Need.State.DECLINED, "No funds are left in {next}; the Coordinator has asked the donors for help."),
        ),
        (
            ("cooperation", "assistance", "law_enforcement"),
            Need.Kind.COOPERATION,
            "Returns of victims from abroad take months: agreements with the consular services of the main countries "
            "of destination are needed.",
            (Need.State.IN_PROGRESS, "Talks with two countries of destination started in {next}."),
        ),
    ],
    2017: [
        (
            ("assistance", "children", "awareness", "training"),
            Need.Kind.FUNDING,
            "About {cost:,} AZN more is needed to continue this work in {next}: this year's allocation covered only "
            "the first half of the year.",
            (
                Need.State.RESOLVED,
                "The Ministry of Finance agreed: the amount is included in the {next} state budget.",
            ),
        ),
        (
            ("assistance", "children"),
            Need.Kind.STAFF,
            "Two more specialists, a psychologist and a social worker, are needed to cover the regions; the posts are "
            "approved but vacant.",
            (
                Need.State.IN_PROGRESS,
                "Discussed at the working group's meeting; recruitment is planned for spring {next}.",
            ),
        ),
        (
            ("assistance", "children", "law_enforcement"),
            Need.Kind.LEGAL,
            "The rules do not let the bodies concerned share data on identified victims with one another; the Rules "
            "of the National Coordination Mechanism need an amendment.",
            None,
        ),
    ],
}


def demo_plan() -> Plan | None:
    """The plan the demo reports on: the latest with measures whose years include the demo's rounds."""
    years = [demo_round.year for demo_round in DEMO_ROUNDS]
    plans = Plan.objects.filter(measures__isnull=False, start_year__lte=min(years), end_year__gte=max(years) - 1)
    return plans.distinct().order_by("-start_year", "pk").first()


@transaction.atomic
def demo_monitoring(*, plan, coordinator, today: datetime.date | None = None) -> bool:
    """Replays the past reporting rounds of `plan` (see the module's docstring). Does nothing when the plan has
    rounds already. Returns whether it created them. `today` (default: today) must lie after the replayed history.

    Reports come from the focal points of the bodies (the earliest focal point of each); the reports of bodies
    without one (classes of bodies, such as "local executive power authorities") stay missing.
    """
    if ReportingRound.objects.filter(plan=plan).exists():
        return False
    today = today or timezone.localdate()
    if today <= HISTORY_ENDS:
        raise ValueError(f"the demo replays a history that ends on {HISTORY_ENDS}; today is {today}")
    with disable_auditlog():  # see the module's docstring
        _Replay(plan, coordinator).run()
    return True


def _focal_points() -> dict[int, User]:
    """{organisation id: its earliest focal point}."""
    focal_points: dict[int, User] = {}
    users = User.objects.filter(groups__name=Role.FOCAL_POINT, is_active=True, organisation__isnull=False)
    for user in users.order_by("pk"):
        focal_points.setdefault(user.organisation_id, user)
    return focal_points


def _mix(rng: random.Random, count: int, shares: dict[str, int]) -> list[str]:
    """`count` story names in `shares` proportions, each at least once (when there is room), shuffled."""
    names = [name for name, share in shares.items() for _ in range(max(1, round(count * share / 100)))][:count]
    names += ["accepted"] * (count - len(names))
    rng.shuffle(names)
    return names


def _at(rng: random.Random, day: datetime.date) -> datetime.datetime:
    """A moment in working hours on `day`."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 17), rng.randint(0, 59))))


def _figures(rng: random.Random, year: int) -> dict:
    """The figures and places a sentence may mention."""
    city, city2 = rng.sample(CITIES, 2)
    return {
        "n": rng.randint(3, 40),
        "m": rng.randint(25, 400),
        "k": rng.randrange(2000, 60000, 500),
        "cost": rng.randrange(2000, 150000, 100),
        "city": city,
        "city2": city2,
        "month": rng.choice(MONTHS),
        "year": year,
        "next": year + 1,
    }


class _Writing:
    """What one report says: a theme from its measure's text, and the figures drawn for it."""

    def __init__(self, rng: random.Random, measure, year: int):
        self.rng = rng
        self.year = year
        self.theme = measure_theme(measure.text)
        self.figures = _figures(rng, year)  # the first sentence's, which the result and corrections repeat
        self.states_result = False

    def fill(self, text: str) -> str:
        return text.format(**self.figures)

    def narrative(self, progress: str, sentences: int = 2) -> str:
        """`sentences` about the theme's work, then one on the progress. The sentence that states the result (if
        chosen) comes first and uses the report's figures; the others draw their own."""
        closing = self.rng.choice(CLOSINGS[progress])
        if progress == Progress.NOT_STARTED:
            return closing
        stating = self.theme.sentences[self.theme.result[3]]
        chosen = sorted(self.rng.sample(self.theme.sentences, sentences), key=lambda sentence: sentence != stating)
        self.states_result = chosen[0] == stating
        texts = [self.fill(chosen[0]), *(other.format(**_figures(self.rng, self.year)) for other in chosen[1:])]
        return " ".join([*texts, closing])

    def add_figures(self, report: ProgressReport) -> None:
        """The result for about half of the reports whose narrative states it, spending for about a quarter."""
        if report.progress == Progress.NOT_STARTED:
            return
        if self.states_result and self.rng.random() < 0.5:
            indicator, unit, figure, _ = self.theme.result
            ReportResult.objects.create(report=report, indicator=indicator, unit=unit, value=self.figures[figure])
        if self.rng.random() < 0.25:
            sources = self.rng.sample(FundingSource.values, self.rng.choice((1, 1, 2)))
            for source in sources:
                amount = Decimal(self.rng.randrange(1000, 120000, 100))
                ReportSpending.objects.create(report=report, source=source, amount=amount)


class _Replay:
    def __init__(self, plan, coordinator):
        self.plan = plan
        self.coordinator = coordinator
        self.rng = random.Random(SEED)
        self.focal_points = _focal_points()
        self.progress: dict[tuple[int, int], str] = {}  # (measure id, organisation id) → last submitted progress

    def run(self) -> None:
        for demo_round in DEMO_ROUNDS:
            self.play_round(demo_round)

    def play_round(self, demo_round: DemoRound) -> None:
        reporting_round = services.round_open(
            plan=self.plan,
            period_type=PeriodType.YEAR,
            year=demo_round.year,
            period_number=1,
            opens_on=demo_round.opens_on,
            due_on=demo_round.due_on,
            actor=self.coordinator,
        )
        reports = reporting_round.reports.select_related("round", "measure", "organisation")
        reporting = [r for r in reports.order_by("measure__position", "organisation__name") if self.has_focal_point(r)]
        stories = _mix(self.rng, len(reporting), demo_round.mix)
        timelines = []
        for report, story in zip(reporting, stories, strict=True):
            times = self.play_report(report, STORIES[story])
            if times:
                timelines.append((report, times))
        _backdate_reports(reporting_round, timelines)
        submitted = [report for report in reporting if report.first_submitted_at]
        self.raise_needs(submitted, NEEDS.get(demo_round.year, []))
        closed_at = None
        if demo_round.close:
            services.round_close(reporting_round=reporting_round, actor=self.coordinator)
            closed_at = _at(self.rng, demo_round.closes_on)
        _backdate_round(reporting_round, opened_at=_at(self.rng, demo_round.opens_on), closed_at=closed_at)

    def has_focal_point(self, report: ProgressReport) -> bool:
        return report.organisation_id in self.focal_points

    def choose_progress(self, report: ProgressReport) -> str:
        measure, year = report.measure, report.round.year
        if measure.recurring:
            stage = "regular"
        elif year >= measure.end_year:
            stage = "last_year"
        else:
            stage = "first_year" if year == measure.start_year else "middle_year"
        weights = PROGRESS_WEIGHTS[stage]
        progress = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        before = self.progress.get((measure.pk, report.organisation_id))
        if before and not measure.recurring and RANK[before] > RANK[progress]:
            progress = before  # a dated measure does not go backwards
        return progress

    def play_report(self, report: ProgressReport, story: Story) -> list[datetime.datetime]:
        """Plays the report's story; returns when each of its steps happened."""
        focal_point = self.focal_points[report.organisation_id]
        writing = _Writing(self.rng, report.measure, report.round.year)
        if not story.steps:
            if self.rng.random() < 0.4:  # a draft, started but never submitted
                progress = self.choose_progress(report)
                narrative = writing.narrative(progress, sentences=1)
                services.report_update(report=report, actor=focal_point, progress=progress, narrative=narrative)
            return []
        progress = self.choose_progress(report)
        services.report_update(
            report=report, actor=focal_point, progress=progress, narrative=writing.narrative(progress)
        )
        writing.add_figures(report)
        self.progress[report.measure_id, report.organisation_id] = progress
        return self.play_steps(report, story, focal_point, writing)

    def play_steps(self, report: ProgressReport, story: Story, focal_point, writing: _Writing) -> list:
        due_on = report.round.due_on
        if story.late:
            day = due_on + datetime.timedelta(days=self.rng.randint(*LATE_BY_DAYS))
        else:
            day = report.round.opens_on + datetime.timedelta(
                days=self.rng.randint(1, (due_on - report.round.opens_on).days)
            )
        times = []
        correction = None
        for step in story.steps:
            if times:
                day += datetime.timedelta(days=self.rng.randint(*GAPS[step]))
            if step == SUBMIT:
                if correction is not None:
                    self.correct(report, focal_point, writing, correction)
                services.report_submit(report=report, actor=focal_point)
            elif step == RETURN:
                correction = self.rng.randrange(len(RETURNS))
                comment = writing.fill(RETURNS[correction][0])
                services.report_return(report=report, actor=self.coordinator, comment=comment)
            else:
                services.report_accept(report=report, actor=self.coordinator)
            times.append(_at(self.rng, day))
        return times

    def correct(self, report: ProgressReport, focal_point, writing: _Writing, correction: int) -> None:
        narrative = f"{report.narrative} {writing.fill(RETURNS[correction][1])}"
        services.report_update(report=report, actor=focal_point, progress=report.progress, narrative=narrative)
        if correction == SPENDING_RETURN:
            amount = Decimal(writing.figures["cost"])
            ReportSpending.objects.create(report=report, source=FundingSource.STATE_BUDGET, amount=amount)

    def raise_needs(self, submitted: list[ProgressReport], needs: list[tuple]) -> None:
        """Each of `needs` on a different report, of a theme it fits when there is one."""
        chosen: list[ProgressReport] = []
        for themes, kind, description, answer in needs:
            candidates = [r for r in submitted if r not in chosen]
            fitting = [r for r in candidates if measure_theme(r.measure.text).name in themes]
            report = self.rng.choice(fitting or candidates)
            chosen.append(report)
            writing = _Writing(self.rng, report.measure, report.round.year)
            need = services.need_raise(
                report=report,
                actor=self.focal_points[report.organisation_id],
                kind=kind,
                description=writing.fill(description),
            )
            if answer:
                state, response = answer
                services.need_update(need=need, actor=self.coordinator, state=state, response=writing.fill(response))
            _backdate_need(need, raised_at=report.first_submitted_at)


# Back-dating ------------------------------------------------------------------------------------------------------
# The services stamp records with the current time; the demo replays the past. These helpers move the timestamps of
# the demo's records to when each replayed step happened. They are the only code that writes these fields directly.


def _backdate_reports(reporting_round: ReportingRound, timelines: list[tuple[ProgressReport, list]]) -> None:
    """Moves the transitions of each report to its `times` (one per transition, in order), and the report's
    submission and acceptance times with them, and `late`, which follows from the first submission."""
    transitions: dict[int, list[ReportTransition]] = defaultdict(list)
    for transition in ReportTransition.objects.filter(report__round=reporting_round).order_by("pk"):
        transitions[transition.report_id].append(transition)
    for report, times in timelines:
        for transition, at in zip(transitions[report.pk], times, strict=True):
            transition.at = at
        submitted = [t.at for t in transitions[report.pk] if t.to_status == Status.SUBMITTED]
        accepted = [t.at for t in transitions[report.pk] if t.to_status == Status.ACCEPTED]
        report.first_submitted_at = submitted[0] if submitted else None
        report.submitted_at = submitted[-1] if submitted else None
        report.accepted_at = accepted[-1] if accepted else None
        report.late = bool(submitted) and timezone.localdate(submitted[0]) > reporting_round.due_on
    moved = [transition for steps in transitions.values() for transition in steps]
    ReportTransition.objects.bulk_update(moved, ["at"], batch_size=BATCH_SIZE)
    fields = ["first_submitted_at", "submitted_at", "accepted_at", "late"]
    ProgressReport.objects.bulk_update([report for report, _ in timelines], fields, batch_size=BATCH_SIZE)


def _backdate_round(reporting_round: ReportingRound, *, opened_at: datetime.datetime, closed_at) -> None:
    reporting_round.opened_at, reporting_round.closed_at = opened_at, closed_at
    ReportingRound.objects.filter(pk=reporting_round.pk).update(opened_at=opened_at, closed_at=closed_at)


def _backdate_need(need: Need, *, raised_at: datetime.datetime) -> None:
    """Raised with the report's first submission; resolved (if it is) some weeks later."""
    need.raised_at = raised_at
    need.resolved_at = raised_at + datetime.timedelta(days=NEED_RESOLVED_AFTER_DAYS) if need.resolved_at else None
    Need.objects.filter(pk=need.pk).update(raised_at=need.raised_at, resolved_at=need.resolved_at)
