"""Reading monitoring data: expected reports, measure statuses, reporting compliance, the dashboard's figures.

Every function here runs a fixed number of queries, whatever the number of reports.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from monitoring.models import MeasureStatus, ProgressReport, ReportingRound
from monitoring.status import StatusInfo, is_overdue, roll_up
from plans.models import Measure, Participation

Status = ProgressReport.Status


def _executors(plan) -> dict[int, list[int]]:
    """{measure id: [executor organisation ids]} for the plan."""
    executors: dict[int, list[int]] = defaultdict(list)
    rows = Participation.objects.filter(measure__plan=plan, role=Participation.Role.EXECUTOR)
    for measure_id, organisation_id in rows.values_list("measure_id", "organisation_id"):
        executors[measure_id].append(organisation_id)
    return executors


def _accepted(plan, rounds) -> dict[tuple[int, int], list[str]]:
    """{(round id, measure id): [progress of each executor's accepted report]}."""
    accepted: dict[tuple[int, int], list[str]] = defaultdict(list)
    reports = ProgressReport.objects.filter(
        round__in=rounds,
        expected=True,  # what was asked of the executors in the period; an unasked report informs, not decides
        status=Status.ACCEPTED,
        measure__participations__organisation=F("organisation"),
        measure__participations__role=Participation.Role.EXECUTOR,
    )
    # Counted in the database: ten years of quarterly rounds are 100,000 reports, but only a few thousand
    # (round, measure, progress) groups.
    groups = reports.values("round_id", "measure_id", "progress").annotate(count=Count("pk")).order_by()
    for row in groups:
        accepted[row["round_id"], row["measure_id"]].extend([row["progress"]] * row["count"])
    return accepted


def _rounds_up_to(reporting_round: ReportingRound) -> list[ReportingRound]:
    rounds = ReportingRound.objects.filter(plan=reporting_round.plan_id).order_by(
        "year", "period_type", "period_number"
    )
    return [r for r in rounds if r.period_end <= reporting_round.period_end]


def statuses_by_round(plan, rounds: list[ReportingRound]) -> dict[int, dict[int, StatusInfo]]:
    """{round id: {measure id: StatusInfo}} for `rounds` in period order (each carries completion forward)."""
    measures = list(Measure.objects.filter(plan=plan).values_list("pk", "recurring", "end_year"))
    executors = _executors(plan)
    accepted = _accepted(plan, rounds)
    completed: set[int] = set()
    result: dict[int, dict[int, StatusInfo]] = {}
    for reporting_round in sorted(rounds, key=lambda r: r.period_end):
        statuses = {}
        for measure_id, recurring, end_year in measures:
            progresses = accepted.get((reporting_round.pk, measure_id), [])
            status = roll_up(
                executors=len(executors[measure_id]), accepted=progresses, complete_before=measure_id in completed
            )
            if status == MeasureStatus.COMPLETE:
                completed.add(measure_id)
            overdue = is_overdue(recurring=recurring, end_year=end_year, round_year=reporting_round.year, status=status)
            statuses[measure_id] = StatusInfo(status, overdue, len(progresses), len(executors[measure_id]))
        result[reporting_round.pk] = statuses
    return result


def measure_statuses(reporting_round: ReportingRound) -> dict[int, StatusInfo]:
    rounds = _rounds_up_to(reporting_round)
    return statuses_by_round(reporting_round.plan, rounds)[reporting_round.pk]


def expected_pairs(reporting_round: ReportingRound) -> list[tuple[int, int]]:
    """(measure id, executor id) for every measure active in the round's period.

    Active: a regular measure always; a dated one when its years include the round's year, and after its end
    year for as long as it is not complete (it is then overdue).
    """
    earlier = [r for r in _rounds_up_to(reporting_round) if r.pk != reporting_round.pk]
    completed = set()
    if earlier:
        last = statuses_by_round(reporting_round.plan, earlier)[earlier[-1].pk]
        completed = {measure_id for measure_id, info in last.items() if info.status == MeasureStatus.COMPLETE}
    year = reporting_round.year
    active = Measure.objects.filter(plan=reporting_round.plan).filter(
        Q(recurring=True) | Q(start_year__lte=year, end_year__gte=year) | Q(end_year__lt=year)
    )
    pairs = []
    executors = _executors(reporting_round.plan)
    for measure_id in active.exclude(pk__in=completed).order_by("position").values_list("pk", flat=True):
        pairs.extend((measure_id, organisation_id) for organisation_id in executors[measure_id])
    return pairs


@dataclass
class ComplianceRow:
    organisation_id: int
    organisation: str
    expected: int
    submitted: int
    on_time: int
    late: int
    returned: int
    accepted: int
    missing: int

    @property
    def links(self) -> list[tuple[str, int]]:
        """(report-list flag, count) per column, so each number can link to the reports behind it."""
        flags = ("", "submitted", "on_time", "late", "returned", "accepted", "missing")
        return [(flag, getattr(self, name)) for flag, name in zip(flags, COMPLIANCE_COLUMNS, strict=True)]

    @property
    def reporting_rate(self) -> int | None:
        return round(100 * self.submitted / self.expected) if self.expected else None

    @property
    def on_time_rate(self) -> int | None:
        return round(100 * self.on_time / self.expected) if self.expected else None


COMPLIANCE_COLUMNS = ("expected", "submitted", "on_time", "late", "returned", "accepted", "missing")


def compliance(reporting_round: ReportingRound) -> list[ComplianceRow]:
    """Per organisation: expected reports, and how many were submitted, on time, late, returned, accepted, missing.

    DHIS2's completeness and timeliness, per body. Counts cover expected reports only; "submitted" means submitted
    at least once; "returned" is the number currently waiting for a correction.
    """
    expected = Q(expected=True)
    submitted = expected & Q(first_submitted_at__isnull=False)
    rows = (
        ProgressReport.objects.filter(round=reporting_round, expected=True)
        .values("organisation_id", "organisation__name")
        .annotate(
            expected_count=Count("pk"),
            submitted=Count("pk", filter=submitted),
            late_count=Count("pk", filter=submitted & Q(late=True)),
            returned=Count("pk", filter=Q(status=Status.RETURNED)),
            accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
        )
        .order_by("organisation__name")
    )
    return [
        ComplianceRow(
            organisation_id=row["organisation_id"],
            organisation=row["organisation__name"],
            expected=row["expected_count"],
            submitted=row["submitted"],
            on_time=row["submitted"] - row["late_count"],
            late=row["late_count"],
            returned=row["returned"],
            accepted=row["accepted"],
            missing=row["expected_count"] - row["submitted"],
        )
        for row in rows
    ]


def compliance_total(rows: list[ComplianceRow]) -> ComplianceRow:
    totals = {name: sum(getattr(row, name) for row in rows) for name in COMPLIANCE_COLUMNS}
    return ComplianceRow(organisation_id=0, organisation="", **totals)


@dataclass
class Dashboard:
    reporting_round: ReportingRound
    statuses: dict[int, StatusInfo]
    measures: list[Measure]
    by_direction: list[tuple[object, Counter]] = field(default_factory=list)
    totals: Counter = field(default_factory=Counter)
    overdue: list[Measure] = field(default_factory=list)
    compliance: list[ComplianceRow] = field(default_factory=list)
    silent: list[ComplianceRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "round": {"id": self.reporting_round.pk, "label": self.reporting_round.label},
            "status_totals": {status: self.totals[status] for status in MeasureStatus.values},
            "by_direction": [
                {"direction": d.number, "title": d.title, "statuses": {s: c[s] for s in MeasureStatus.values}}
                for d, c in self.by_direction
            ],
            "overdue": [m.number for m in self.overdue],
            "compliance": [
                {"organisation_id": r.organisation_id, "organisation": r.organisation}
                | {name: getattr(r, name) for name in COMPLIANCE_COLUMNS}
                for r in self.compliance
            ],
            "not_reported": [r.organisation for r in self.silent],
        }


def dashboard(reporting_round: ReportingRound, statuses: dict[int, StatusInfo] | None = None) -> Dashboard:
    """`statuses`: the round's measure statuses when the caller has them already (from statuses_by_round)."""
    statuses = statuses if statuses is not None else measure_statuses(reporting_round)
    measures = list(Measure.objects.filter(plan=reporting_round.plan_id).select_related("direction"))
    board = Dashboard(reporting_round, statuses, measures)
    per_direction: dict[object, Counter] = {}
    for measure in measures:
        info = statuses[measure.pk]
        per_direction.setdefault(measure.direction, Counter())[info.status] += 1
        board.totals[info.status] += 1
        if info.overdue:
            board.overdue.append(measure)
    board.by_direction = list(per_direction.items())
    board.compliance = compliance(reporting_round)
    board.silent = [row for row in board.compliance if row.missing]
    return board


def plan_statuses(plan) -> tuple[list[ReportingRound], dict[int, dict[int, StatusInfo]]]:
    """Every round of the plan in period order, and the measure statuses of each: what the dashboard and its chart
    share, computed once (a round's statuses do not depend on later rounds)."""
    rounds = sorted(ReportingRound.objects.filter(plan=plan), key=lambda r: r.period_end)
    return rounds, statuses_by_round(plan, rounds)


def progress_across_rounds(plan, computed=None) -> list[tuple[ReportingRound, Counter]]:
    """For the chart: the count of measures in each status, round by round. `computed`: plan_statuses(plan)."""
    rounds, statuses = computed or plan_statuses(plan)
    return [(r, Counter(info.status for info in statuses[r.pk].values())) for r in rounds]


def reports_visible_to(user):
    """The reports `user` may read, as one queryset (the same rule as monitoring.view_report)."""
    reports = ProgressReport.objects.select_related("round", "measure", "organisation")
    if user.has_role("coordinator"):
        return reports
    visible = Q(pk__in=[])
    if user.has_role("focal_point") and user.organisation_id:
        visible |= Q(organisation_id=user.organisation_id)
    if user.has_role("observer"):
        visible |= Q(status=Status.ACCEPTED)
    return reports.filter(visible)
