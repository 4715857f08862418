"""Implementation of the action plan in a calendar year (report section 4, tables S1–S3), and the plan figures the
cover and the executive summary quote.

Definitions:
- The plan of year Y is the plan in force in Y: its first year ≤ Y ≤ its last year (the latest-starting one when
  two overlap). No plan in force: the tables have no rows.
- The reporting rounds of Y are the rounds whose period lies in Y (a year, half-year or quarter of Y).
- A measure's status in Y is its status at the last reporting round of Y of the plan of Y (the round whose period
  ends latest), rolled up from the executive bodies' accepted reports by the rule of monitoring.status: no accepted
  report is "no evidence", the least advanced executive body decides, "complete" (or "ongoing" for a regular
  measure) only when every executive body reports so, and a measure complete in an earlier round stays complete.
  A dated measure is overdue when its last year is before Y and it is not complete. The plan of Y without a round
  in Y has no status in Y: its counts are zero and the table says so.
- S1: the measures of the plan of Y, per direction, by status in Y; "overdue" is counted apart and is not part of
  the total (an overdue measure also has a status).
- S2: every measure of the plan of Y: its number, short title, executive bodies, duration, status in Y, whether
  overdue, and the date (in the project's time zone) of the latest acceptance of any report on the measure in the
  rounds of the plan up to the last round of Y.
- S3: the progress reports expected of each body in the rounds of Y (an expected report is one asked of an executive
  body of a measure active in the round's period), how many were received (submitted at least once), received on
  time (first submitted by the due date), are returned for correction at the time the report is made, and are
  accepted at that time.
- The implementation rate of Y is the share of the measures due by Y (regular measures, and dated measures whose
  first year is Y or earlier) whose status in Y is complete, ongoing (the "complete" of a regular measure) or
  substantial, in per cent rounded to one decimal.
- The contributing bodies of Y are the organisations that submitted at least one progress report in a round of Y, or
  recorded a register entry dated in Y (the date of the activity: a training's start date, a call's time of receipt,
  a criminal case's opening date…; the date the entry was recorded for a register without a date of its own).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from lib.registers import REGISTERS
from monitoring.models import MeasureStatus, Need, ProgressReport, ReportingRound
from monitoring.selectors import compliance, statuses_by_round
from monitoring.status import StatusInfo
from organisations.models import Organisation
from plans.models import Direction, Measure, Participation, Plan
from reports.tables import TEXT, Row, Table, counts_table, paired

IMPLEMENTED = (MeasureStatus.COMPLETE, MeasureStatus.ONGOING, MeasureStatus.SUBSTANTIAL)

# The date of the activity an entry records, per register; a register not named here is dated by `created_at`.
ENTRY_DATES = {
    "calls": "received_at",
    "donor-support": "start_on",
    "meetings": "held_on",
    "cooperation": "date",
    "trainings": "held_on",
    "awareness": "started_on",
    "research": "started_on",
    "inspections": "started_on",
    "media-findings": "found_on",
    "criminal-cases": "opened_on",
}

IMPLEMENTATION_RATE = gettext_lazy(
    "The share of the measures due by the end of the year (regular measures, and dated measures whose first year is "
    "the reporting year or earlier) that are complete, ongoing or substantial at the last reporting round of the "
    "year, in per cent."
)

DEFINITIONS = [
    (
        gettext_lazy("Plan of the year"),
        gettext_lazy(
            "The action plan in force in the year: the year lies between its first and its last year. When two "
            "plans overlap, the one that starts later."
        ),
    ),
    (
        gettext_lazy("Status of a measure"),
        gettext_lazy(
            "The status at the last reporting round of the year, from the executive bodies' accepted progress "
            "reports: no evidence (no accepted report), not started, limited, substantial, complete (every "
            "executive body reports it complete) or ongoing (a regular measure that every executive body carries "
            "out). The least advanced executive body decides; a measure complete in an earlier round stays complete."
        ),
    ),
    (
        gettext_lazy("Overdue measure"),
        gettext_lazy("A measure with a last year before the reporting year that is not complete."),
    ),
    (gettext_lazy("Implementation rate"), IMPLEMENTATION_RATE),
    (
        gettext_lazy("Expected progress report"),
        gettext_lazy(
            "A report asked of an executive body of a measure active in a round's period (a regular measure, a "
            "dated measure in its years, or a dated measure past its years and not complete)."
        ),
    ),
    (
        gettext_lazy("Received on time"),
        gettext_lazy("An expected report first submitted on or before the round's due date."),
    ),
    (
        gettext_lazy("Contributing body"),
        gettext_lazy(
            "An organisation that submitted a progress report in a reporting round of the year, or recorded in "
            "a register an activity dated in the year."
        ),
    ),
]


@dataclass
class YearStatus:
    """The plan of a year, its last round in the year, and the status of each of its measures at that round."""

    plan: Plan | None = None
    last_round: ReportingRound | None = None
    rounds: list[ReportingRound] = field(default_factory=list)  # the plan's rounds up to the last round of the year
    statuses: dict[int, StatusInfo] = field(default_factory=dict)


def plan_of(year: int) -> Plan | None:
    return Plan.objects.filter(start_year__lte=year, end_year__gte=year).order_by("-start_year", "pk").first()


def year_status(year: int) -> YearStatus:
    plan = plan_of(year)
    if plan is None:
        return YearStatus()
    rounds = sorted(ReportingRound.objects.filter(plan=plan), key=lambda r: r.period_end)
    of_year = [r for r in rounds if r.year == year]
    if not of_year:
        return YearStatus(plan=plan)
    last = of_year[-1]
    rounds = [r for r in rounds if r.period_end <= last.period_end]
    return YearStatus(plan, last, rounds, statuses_by_round(plan, rounds)[last.pk])


def tables(year: int) -> list[Table]:
    s1, s3 = paired(_build, year)
    return [s1, _s2(year), s3]


def _build(year: int) -> list[Table]:
    return [_s1(year), _s3(year)]


def _s1(year: int) -> Table:
    state = year_status(year)
    statuses = list(MeasureStatus)
    counts: dict[int, Counter] = defaultdict(Counter)
    if state.last_round is not None:
        for measure_id, direction_id in Measure.objects.filter(plan=state.plan).values_list("pk", "direction_id"):
            info = state.statuses[measure_id]
            counts[direction_id][info.status] += 1
            counts[direction_id]["overdue"] += info.overdue
    directions = Direction.objects.filter(plan=state.plan).order_by("position") if state.plan else []
    rows = [(d.number, f"{d.number} {d.title}", [counts[d.pk][s] for s in statuses]) for d in directions]
    table = counts_table(
        "S1",
        _("Measures of the action plan by direction and status in %(year)d") % {"year": year},
        [str(s.label) for s in statuses],
        rows,
        total_label=_("All directions"),
        total_column_label=_("All measures"),
        row_heading=_("Direction"),
        column_groups=[tuple(range(len(statuses)))],
        note=_status_note(state, year),
    )
    table.columns.append(_("of which overdue"))
    overdue = [counts[d.pk]["overdue"] for d in directions]
    for row, value in zip(table.rows, [*overdue, sum(overdue)], strict=True):
        row.values.append(value)
    return table


def _status_note(state: YearStatus, year: int) -> str:
    if state.plan is None:
        return _("No action plan was in force in %(year)d.") % {"year": year}
    if state.last_round is None:
        return _("No reporting round was held for %(year)d: the measures have no status for the year.") % {"year": year}
    return _("Status at the reporting round %(round)s. Overdue measures are also counted under their status.") % {
        "round": state.last_round.label
    }


def _s2(year: int) -> Table:
    state = year_status(year)
    measures = list(Measure.objects.filter(plan=state.plan).order_by("position")) if state.plan else []
    executors = defaultdict(list)
    participations = Participation.objects.filter(measure__plan=state.plan, role=Participation.Role.EXECUTOR)
    for measure_id, name in participations.order_by("position", "pk").values_list("measure_id", "organisation__name"):
        executors[measure_id].append(name)
    accepted = (
        ProgressReport.objects.filter(round__in=state.rounds, status=ProgressReport.Status.ACCEPTED)
        .values("measure_id")
        .annotate(last=Max("accepted_at"))
        .order_by()
    )
    last_accepted = {row["measure_id"]: row["last"] for row in accepted}
    rows = []
    for measure in measures:
        info = state.statuses.get(measure.pk)
        last = last_accepted.get(measure.pk)
        values = [
            measure.short_text,
            "; ".join(executors[measure.pk]),
            str(measure.duration),
            str(MeasureStatus(info.status).label) if info else "",
            _("overdue") if info and info.overdue else "",
            timezone.localdate(last).isoformat() if last else "",
        ]
        rows.append(Row(measure.number, measure.number, values))
    return Table(
        key="S2",
        title=_("Status of each measure of the action plan in %(year)d") % {"year": year},
        columns=[
            _("Activity"),
            _("Executive bodies"),
            _("Duration"),
            _("Status"),
            _("Overdue"),
            _("Last report accepted on"),
        ],
        rows=rows,
        row_heading=_("Measure"),
        kind=TEXT,
        note=_status_note(state, year),
    )


def _s3(year: int) -> Table:
    totals: dict[int, Counter] = defaultdict(Counter)
    names = {}
    for reporting_round in ReportingRound.objects.filter(year=year):
        for row in compliance(reporting_round):
            names[row.organisation_id] = row.organisation
            for name in ("expected", "submitted", "on_time", "returned", "accepted"):
                totals[row.organisation_id][name] += getattr(row, name)
    order = sorted(names, key=lambda pk: (names[pk], pk))
    rows = [
        (
            str(pk),
            names[pk],
            [totals[pk][name] for name in ("expected", "submitted", "on_time", "returned", "accepted")],
        )
        for pk in order
    ]
    return counts_table(
        "S3",
        _("Progress reports of the bodies in the reporting rounds of %(year)d") % {"year": year},
        [
            _("Expected"),
            _("Received"),
            _("Received on time"),
            _("Returned for correction"),
            pgettext("count of reports", "Accepted"),
        ],
        rows,
        total_label=_("All bodies"),
        row_heading=_("Body"),
    )


def implementation(year: int) -> dict:
    """The plan figures of the executive summary: measures by status, overdue, and the implementation rate."""
    state = year_status(year)
    plan_measures = Measure.objects.filter(plan=state.plan) if state.plan else Measure.objects.none()
    measures = list(plan_measures.values_list("pk", "recurring", "start_year"))
    statuses = Counter()
    overdue = due = implemented = 0
    for measure_id, recurring, start_year in measures:
        info = state.statuses.get(measure_id)
        if info is not None:
            statuses[info.status] += 1
            overdue += info.overdue
        if recurring or start_year <= year:
            due += 1
            implemented += info is not None and info.status in IMPLEMENTED
    rate = None
    if due and state.last_round is not None:
        rate = (Decimal(100 * implemented) / due).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return {
        "year": year,
        "plan": state.plan.title if state.plan else None,
        "round": state.last_round.label if state.last_round else None,
        "measures": len(measures),
        "statuses": {status: statuses[status] for status in MeasureStatus.values},
        "overdue": overdue,
        "due": due,
        "implemented": implemented,
        "rate": rate,
        "rate_definition": str(IMPLEMENTATION_RATE),
    }


def contributing_bodies(year: int) -> list[str]:
    """The names of the contributing bodies of `year`, in alphabetical order."""
    reporting = ProgressReport.objects.filter(round__year=year, first_submitted_at__isnull=False)
    ids = set(reporting.values_list("organisation_id", flat=True).distinct())
    for name, register in REGISTERS.items():
        dated = {f"{ENTRY_DATES.get(name, 'created_at')}__year": year}
        ids |= set(register.model.objects.filter(**dated).values_list("organisation_id", flat=True).distinct())
    return sorted(Organisation.objects.filter(pk__in=ids).values_list("name", flat=True))


def open_needs(year: int) -> list[dict]:
    """Needs raised in the progress reports of the rounds of `year` that are still open or being addressed."""
    needs = (
        Need.objects.filter(report__round__year=year)
        .filter(Q(state=Need.State.OPEN) | Q(state=Need.State.IN_PROGRESS))
        .select_related("report__measure", "report__organisation")
        .order_by("kind", "report__measure__position", "pk")
    )
    return [
        {
            "kind": need.kind,
            "kind_label": str(need.get_kind_display()),
            "description": need.description,
            "measure": need.report.measure.number,
            "organisation": need.report.organisation.name,
            "state": str(need.get_state_display()),
        }
        for need in needs
    ]
