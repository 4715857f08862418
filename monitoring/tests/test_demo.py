import datetime
import io
from collections import defaultdict

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from monitoring.demo import HISTORY_ENDS, demo_monitoring
from monitoring.models import (
    Need,
    ProgressReport,
    ReportingRound,
    ReportResult,
    ReportSpending,
    ReportTransition,
)
from monitoring.selectors import compliance, compliance_total, dashboard
from plans.importers import BUNDLED_PLAN, import_plan_file
from plans.models import Plan

Status = ProgressReport.Status


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", password="demo-password-1", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (User, ReportingRound, ProgressReport, ReportTransition, ReportResult, ReportSpending, Need)
    return {model.__name__: model.objects.count() for model in models}


class DemoMonitoringTests(TestCase):
    """`seed_demo` on the bundled plan, as `make run` does it."""

    @classmethod
    def setUpTestData(cls):
        cls.plan = import_plan_file(BUNDLED_PLAN).plan
        cls.output = seed_demo()
        cls.coordinator = User.objects.get(username="coordinator")
        cls.rounds = {r.year: r for r in ReportingRound.objects.filter(plan=cls.plan)}

    def reports(self):
        return ProgressReport.objects.filter(round__plan=self.plan).select_related("round", "measure", "organisation")

    def history(self) -> dict[int, list[ReportTransition]]:
        steps = defaultdict(list)
        for transition in ReportTransition.objects.select_related("actor").order_by("at", "pk"):
            steps[transition.report_id].append(transition)
        return steps

    def test_it_opens_the_rounds_of_2014_to_2017_and_closes_all_but_the_last(self):
        self.assertEqual(sorted(self.rounds), [2014, 2015, 2016, 2017])
        for year, reporting_round in self.rounds.items():
            with self.subTest(year=year):
                state = "open" if year == 2017 else "closed"
                self.assertEqual(
                    (reporting_round.opens_on, reporting_round.due_on, reporting_round.state),
                    (d(year + 1, 1, 15), d(year + 1, 2, 15), state),
                )
                self.assertEqual((reporting_round.period_type, reporting_round.opened_by), ("year", self.coordinator))
                self.assertEqual(timezone.localdate(reporting_round.opened_at), reporting_round.opens_on)
                if year < 2017:
                    self.assertLess(timezone.localdate(reporting_round.closed_at), self.rounds[year + 1].opens_on)
        self.assertIsNone(self.rounds[2017].closed_at)
        self.assertIn(
            "Demo reporting rounds created: 2014 (closed), 2015 (closed), 2016 (closed), 2017 (open).", self.output
        )

    def test_each_round_has_accepted_returned_late_and_missing_reports(self):
        for year, reporting_round in self.rounds.items():
            with self.subTest(year=year):
                total = compliance_total(compliance(reporting_round))
                for column in ("accepted", "returned", "late", "on_time", "missing"):
                    self.assertGreater(getattr(total, column), 0, column)
                self.assertGreater(total.accepted, total.expected / 2, "most reports are accepted")

    def test_in_the_closed_rounds_some_returned_reports_were_corrected_and_in_2017_some_wait_for_review(self):
        for year in (2014, 2015, 2016):
            with self.subTest(year=year):
                corrected = ProgressReport.objects.filter(
                    round=self.rounds[year], status=Status.ACCEPTED, transitions__to_status=Status.RETURNED
                )
                self.assertGreater(corrected.count(), 0)
                waiting = ProgressReport.objects.filter(round=self.rounds[year], status=Status.SUBMITTED)
                self.assertFalse(waiting.exists())
        self.assertGreater(ProgressReport.objects.filter(round=self.rounds[2017], status=Status.SUBMITTED).count(), 0)

    def test_every_reports_history_leads_to_its_status(self):
        history = self.history()
        for report in self.reports():
            status = Status.DRAFT
            for transition in history[report.pk]:
                self.assertEqual(transition.from_status, status, report)
                status = transition.to_status
            self.assertEqual(status, report.status, report)

    def test_submissions_come_from_the_bodys_focal_point_and_reviews_from_the_coordinator(self):
        for report_id, steps in self.history().items():
            report = ProgressReport.objects.get(pk=report_id)
            for transition in steps:
                if transition.to_status == Status.SUBMITTED:
                    self.assertTrue(transition.actor.has_role(Role.FOCAL_POINT), transition)
                    self.assertEqual(transition.actor.organisation_id, report.organisation_id, transition)
                else:
                    self.assertEqual(transition.actor, self.coordinator, transition)
                if transition.to_status == Status.RETURNED:
                    self.assertTrue(transition.comment, transition)

    def test_every_accepted_report_was_accepted_by_the_coordinator_after_its_last_submission(self):
        history = self.history()
        for report in self.reports().filter(status=Status.ACCEPTED):
            last = history[report.pk][-1]
            self.assertEqual(
                (last.from_status, last.to_status, last.actor), ("submitted", "accepted", self.coordinator)
            )
            self.assertEqual(report.accepted_at, last.at)

    def test_the_reports_times_and_lateness_follow_their_history(self):
        history = self.history()
        for report in self.reports():
            submitted = [t.at for t in history[report.pk] if t.to_status == Status.SUBMITTED]
            self.assertEqual(report.first_submitted_at, submitted[0] if submitted else None, report)
            self.assertEqual(report.submitted_at, submitted[-1] if submitted else None, report)
            first_day = timezone.localdate(submitted[0]) if submitted else None
            self.assertEqual(report.late, bool(submitted) and first_day > report.round.due_on, report)

    def test_the_history_happened_in_order_while_the_round_was_open(self):
        for report_id, steps in self.history().items():
            report = ProgressReport.objects.select_related("round").get(pk=report_id)
            days = [timezone.localdate(t.at) for t in steps]
            self.assertEqual(days, sorted(days), report)
            self.assertGreaterEqual(days[0], report.round.opens_on, report)
            self.assertLess(days[-1], HISTORY_ENDS, report)
            if report.round.closed_at:
                self.assertLess(steps[-1].at, report.round.closed_at, report)

    def test_progress_fits_each_measure_and_submitted_reports_say_what_was_done(self):
        for report in self.reports():
            report.clean()  # a regular measure is never "complete", a dated one never "ongoing"
            if report.first_submitted_at:
                self.assertTrue(report.progress and len(report.narrative) > 40, report)
        self.assertGreater(self.reports().filter(measure__recurring=True, progress="ongoing").count(), 0)
        self.assertGreater(self.reports().filter(measure__recurring=False, progress="complete").count(), 0)
        narratives = list(self.reports().exclude(narrative="").values_list("narrative", flat=True))
        self.assertGreater(len(set(narratives)), 0.9 * len(narratives), "narratives vary")

    def test_some_submitted_reports_give_results_and_spending(self):
        results = ReportResult.objects.select_related("report")
        spending = ReportSpending.objects.select_related("report")
        self.assertGreater(results.count(), 10)
        self.assertGreater(spending.count(), 10)
        self.assertTrue(all(r.report.first_submitted_at and r.indicator and r.value > 0 for r in results))
        self.assertTrue(all(s.report.first_submitted_at and s.amount > 0 and s.currency == "AZN" for s in spending))
        self.assertGreater(len({s.source for s in spending}), 1)

    def test_each_result_is_one_the_narrative_states(self):
        for result in ReportResult.objects.select_related("report"):
            value = int(result.value)
            self.assertTrue({f"{value:,}", str(value)} & set(result.report.narrative.split()), result)

    def test_a_few_needs_are_raised_on_the_reports_of_each_round_and_some_are_answered(self):
        needs = list(Need.objects.select_related("report__round", "raised_by"))
        by_year = defaultdict(list)
        for need in needs:
            by_year[need.report.round.year].append(need)
            self.assertEqual(need.raised_by.organisation_id, need.report.organisation_id)
            self.assertTrue(need.raised_by.has_role(Role.FOCAL_POINT))
            self.assertEqual(need.raised_at, need.report.first_submitted_at)
        self.assertEqual(sorted(by_year), [2014, 2015, 2016, 2017])
        for year, raised in by_year.items():
            with self.subTest(year=year):
                self.assertIn(len(raised), (2, 3))
                self.assertEqual(len({need.kind for need in raised}), len(raised))
                self.assertEqual(len({need.report_id for need in raised}), len(raised))
        self.assertEqual({need.kind for need in by_year[2017]}, {"funding", "staff", "legal"})
        for year in (2016, 2017):  # the annual reports of these years list the needs still open or being addressed
            self.assertTrue([need for need in by_year[year] if not need.is_closed], year)
        answered = [need for need in needs if need.is_closed]
        self.assertEqual(sorted(need.state for need in answered), ["declined", *["resolved"] * 5])
        for need in answered:
            self.assertTrue(need.response, need)
            self.assertGreater(need.resolved_at, need.raised_at)
            self.assertLess(timezone.localdate(need.resolved_at), HISTORY_ENDS)

    def test_the_2016_and_2017_dashboards_show_measures_in_at_least_three_statuses(self):
        for year in (2016, 2017):
            with self.subTest(year=year):
                board = dashboard(self.rounds[year])
                self.assertGreaterEqual(len([status for status, count in board.totals.items() if count]), 3)
                self.assertTrue(board.silent)  # some bodies have not reported

    def snapshot(self, plan) -> list[tuple]:
        reports = ProgressReport.objects.filter(round__plan=plan).order_by("round__year", "measure__position", "pk")
        fields = ("measure__number", "organisation__name", "status", "progress", "narrative", "late", "submitted_at")
        return list(reports.values_list(*fields))

    def test_the_same_plan_always_gets_the_same_history(self):
        copy = import_plan_file(BUNDLED_PLAN, overrides={"title": "A copy of the plan"}).plan
        self.assertTrue(demo_monitoring(plan=copy, coordinator=self.coordinator))
        self.assertEqual(self.snapshot(copy), self.snapshot(self.plan))

    def test_the_replayed_history_must_lie_in_the_past(self):
        plan = Plan.objects.create(title="Another plan", country="Azerbaijan", start_year=2014, end_year=2018)
        with self.assertRaises(ValueError):
            demo_monitoring(plan=plan, coordinator=self.coordinator, today=datetime.date(2017, 3, 1))
        self.assertFalse(ReportingRound.objects.filter(plan=plan).exists())

    def test_running_seed_demo_again_creates_nothing(self):
        before = counts()
        output = seed_demo()
        self.assertEqual(counts(), before)
        self.assertIn(
            "Reporting rounds exist already (2014 (closed), 2015 (closed), 2016 (closed), 2017 (open)); no demo rounds "
            "created.",
            output,
        )
        self.assertFalse(demo_monitoring(plan=self.plan, coordinator=self.coordinator))
        self.assertEqual(counts(), before)


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)
