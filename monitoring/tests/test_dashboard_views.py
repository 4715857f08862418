import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from monitoring.models import ProgressReport
from monitoring.services import report_accept, report_return, report_submit, report_update
from monitoring.tests.base import MonitoringTestCase, open_round


def complete(report, focal_point, coordinator, progress="complete"):
    report_update(report=report, actor=focal_point, progress=progress, narrative="Done.")
    report_submit(report=report, actor=focal_point)
    report_accept(report=report, actor=coordinator)


class DashboardTests(MonitoringTestCase):
    def get(self, **params):
        return self.client.get(reverse("monitoring-dashboard"), {"round": self.round.pk, **params})

    def test_it_counts_measures_by_direction_and_status_and_links_to_them(self):
        for report in ProgressReport.objects.filter(round=self.round, measure__number="13.2.1"):
            complete(report, self.bob, self.alice)
        self.login(self.alice)
        response = self.get()
        board = response.context["board"]
        self.assertEqual(board.totals["complete"], 1)
        self.assertEqual(sum(board.totals.values()), 60)
        self.assertContains(response, f'href="/monitoring/rounds/{self.round.pk}/?direction=13.2&amp;status=complete"')

    def test_the_drill_down_lists_the_measures_behind_a_number(self):
        for report in ProgressReport.objects.filter(round=self.round, measure__number="13.2.1"):
            complete(report, self.bob, self.alice)
        self.login(self.alice)
        response = self.client.get(
            reverse("monitoring-round", args=[self.round.pk]), {"direction": "13.2", "status": "complete"}
        )
        self.assertEqual([m.number for m, _ in response.context["rows"]], ["13.2.1"])

    def test_overdue_measures_and_silent_organisations_are_listed(self):
        later = open_round(self.plan, self.alice, 2016)
        self.login(self.alice)
        board = self.get(round=later.pk).context["board"]
        overdue = [m.number for m in board.overdue]
        self.assertIn("13.1.3", overdue)  # 2015 only, never reported complete
        self.assertNotIn("13.2.1", overdue) if self.plan.measures.get(number="13.2.1").end_year >= 2016 else None
        self.assertIn(self.ministry.pk, [row.organisation_id for row in board.silent])

    def test_compliance_figures_match_a_hand_computed_case(self):
        reports = list(
            ProgressReport.objects.filter(round=self.round, organisation=self.ministry).order_by("measure__position")
        )
        expected = len(reports)
        complete(
            reports[0], self.bob, self.alice, progress="limited" if reports[0].measure.recurring is False else "ongoing"
        )
        report_update(report=reports[1], actor=self.bob, progress="limited", narrative="Started.")
        report_submit(report=reports[1], actor=self.bob)
        report_return(report=reports[1], actor=self.alice, comment="More detail.")
        report_update(report=reports[2], actor=self.bob, progress="limited", narrative="Started.")
        report_submit(report=reports[2], actor=self.bob)
        self.login(self.alice)
        [row] = [r for r in self.get().context["board"].compliance if r.organisation_id == self.ministry.pk]
        # All three were submitted after the 2016-02-15 due date, so all are late.
        self.assertEqual(
            (row.expected, row.submitted, row.on_time, row.late, row.returned, row.accepted, row.missing),
            (expected, 3, 0, 3, 1, 1, expected - 3),
        )
        self.assertEqual(row.reporting_rate, round(100 * 3 / expected))

    def test_progress_across_rounds_is_drawn_as_svg(self):
        open_round(self.plan, self.alice, 2016)
        self.login(self.alice)
        response = self.get()
        self.assertContains(response, "<svg")
        self.assertContains(response, ">2015</text>")
        self.assertContains(response, ">2016</text>")

    def test_its_query_count_does_not_grow_with_the_number_of_reports(self):
        self.login(self.alice)
        with self.assertNumQueries(self.count_queries()):
            self.get()
        # Many more reports: three more rounds, each with a report from every executor.
        for year in (2016, 2017, 2018):
            open_round(self.plan, self.alice, year)
        self.assertGreater(ProgressReport.objects.count(), 500)
        with self.assertNumQueries(self.count_queries() + 0):
            self.get()

    def count_queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            self.get()
        return len(queries)

    def test_observers_and_focal_points_see_the_dashboard_case_workers_do_not(self):
        for user, status in ((self.olga, 200), (self.bob, 200), (self.carol, 403)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.get().status_code, status)


class ExportTests(MonitoringTestCase):
    def test_the_measure_status_table_downloads_as_xlsx(self):
        self.login(self.alice)
        response = self.client.get(reverse("monitoring-status-export", args=[self.round.pk, "xlsx"]))
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("Number", "Direction", "Activity", "Status"))
        self.assertEqual(len(rows), 61)
        self.assertEqual(rows[1][3], "No evidence")

    def test_the_compliance_table_downloads_as_csv(self):
        self.login(self.alice)
        response = self.client.get(reverse("monitoring-compliance-export", args=[self.round.pk, "csv"]))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(rows[0][:3], ["Organisation", "Expected", "Submitted"])
        ministry = next(row for row in rows if row[0] == self.ministry.name)
        self.assertEqual(
            int(ministry[1]), ProgressReport.objects.filter(round=self.round, organisation=self.ministry).count()
        )

    def test_an_unknown_format_is_not_found(self):
        self.login(self.alice)
        self.assertEqual(
            self.client.get(reverse("monitoring-compliance-export", args=[self.round.pk, "pdf"])).status_code, 404
        )


class RoundViewTests(MonitoringTestCase):
    def test_the_coordinator_opens_a_round_from_the_form(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("monitoring-round-create"),
            {
                "plan": self.plan.pk,
                "period_type": "half",
                "year": 2016,
                "period_number": 1,
                "opens_on": "2016-07-01",
                "due_on": "2016-07-31",
            },
        )
        new = self.plan.rounds.get(period_type="half")
        self.assertRedirects(response, new.get_absolute_url())
        self.assertEqual(new.label, "2016 H1")
        self.assertGreater(new.reports.count(), 100)

    def test_a_due_date_before_the_opening_is_explained_next_to_the_field(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("monitoring-round-create"),
            {
                "plan": self.plan.pk,
                "period_type": "year",
                "year": 2016,
                "period_number": 1,
                "opens_on": "2017-02-01",
                "due_on": "2017-01-01",
            },
        )
        self.assertContains(response, "The due date cannot be before the opening date.")
        self.assertFalse(self.plan.rounds.filter(year=2016).exists())

    def test_focal_points_cannot_open_or_close_rounds(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("monitoring-round-create")).status_code, 403)
        self.assertEqual(self.client.post(reverse("monitoring-round-close", args=[self.round.pk])).status_code, 403)
        self.round.refresh_from_db()
        self.assertTrue(self.round.is_open)

    def test_the_coordinator_closes_a_round(self):
        self.login(self.alice)
        self.client.post(reverse("monitoring-round-close", args=[self.round.pk]))
        self.round.refresh_from_db()
        self.assertFalse(self.round.is_open)


class MeasurePageTests(MonitoringTestCase):
    def test_the_measure_page_shows_its_status_by_round_and_the_reports_behind_it(self):
        for report in ProgressReport.objects.filter(round=self.round, measure__number="13.2.1"):
            complete(report, self.bob, self.alice)
        self.login(self.olga)
        response = self.client.get(self.measures["13.2.1"].get_absolute_url())
        self.assertContains(response, "Status by reporting round")
        self.assertContains(response, "status-complete")
        self.assertContains(response, "1 of 1 executive bodies reported")
