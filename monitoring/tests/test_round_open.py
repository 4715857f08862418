import datetime

from django.core.exceptions import ValidationError

from ctims.testing import PlanTestCase
from monitoring.models import ProgressReport, ReportingRound
from monitoring.services import report_accept, report_submit, report_update
from monitoring.tests.base import open_round


class RoundOpenTests(PlanTestCase):
    def expected_numbers(self, reporting_round) -> set[str]:
        reports = ProgressReport.objects.filter(round=reporting_round, expected=True)
        return set(reports.values_list("measure__number", flat=True))

    def test_it_expects_one_report_per_executor_of_every_active_measure(self):
        reporting_round = open_round(self.plan, self.alice, 2014)
        measure = self.measures["13.1.1"]
        executors = set(measure.participations.filter(role="executor").values_list("organisation_id", flat=True))
        reports = ProgressReport.objects.filter(round=reporting_round, measure=measure)
        self.assertEqual(set(reports.values_list("organisation_id", flat=True)), executors)
        self.assertTrue(all(r.expected and r.status == "draft" for r in reports))

    def test_involved_and_recommended_bodies_are_not_expected(self):
        reporting_round = open_round(self.plan, self.alice, 2015)
        ngos = self.measures["13.2.3"].participations.get(role="involved").organisation
        prosecutor = self.measures["13.1.7"].participations.filter(role="recommended").first().organisation
        expected = ProgressReport.objects.filter(round=reporting_round)
        self.assertFalse(expected.filter(organisation__in=[ngos, prosecutor]).exists())

    def test_regular_measures_are_always_active_and_dated_ones_only_in_their_years(self):
        numbers = self.expected_numbers(open_round(self.plan, self.alice, 2014))
        self.assertIn("13.2.4", numbers)  # regular
        self.assertIn("13.1.1", numbers)  # 2014-2016
        self.assertNotIn("13.1.2", numbers)  # 2016
        self.assertNotIn("13.8.4", numbers)  # 2016-2017

    def test_a_measure_past_its_end_year_stays_expected_until_it_is_complete(self):
        first = open_round(self.plan, self.alice, 2015)
        for report in ProgressReport.objects.filter(round=first, measure=self.measures["13.1.3"]):
            report_update(report=report, actor=self.bob, progress="complete", narrative="Done.")
            report_submit(report=report, actor=self.bob)
            report_accept(report=report, actor=self.alice)
        later = self.expected_numbers(open_round(self.plan, self.alice, 2016))
        self.assertIn("13.1.4", later)  # 2015, never reported complete: overdue, still expected
        self.assertNotIn("13.1.3", later)  # 2015, complete in 2015

    def test_the_same_period_cannot_be_opened_twice(self):
        open_round(self.plan, self.alice, 2015)
        with self.assertRaises(ValidationError):
            open_round(self.plan, self.alice, 2015)
        self.assertEqual(ReportingRound.objects.count(), 1)

    def test_a_quarter_has_its_dates_and_label(self):
        reporting_round = open_round(self.plan, self.alice, 2016, period_type="quarter", period_number=3)
        self.assertEqual(reporting_round.label, "2016 Q3")
        self.assertEqual(reporting_round.period_start, datetime.date(2016, 7, 1))
        self.assertEqual(reporting_round.period_end, datetime.date(2016, 9, 30))

    def test_a_fifth_quarter_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "A quarter has periods 1 to 4."):
            open_round(self.plan, self.alice, 2016, period_type="quarter", period_number=5)
