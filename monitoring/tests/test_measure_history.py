"""A measure's page shows each round's status with the first reports of the round and links to the rest."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.models import ProgressReport
from monitoring.templatetags.monitoring import REPORTS_PER_ROUND
from monitoring.tests.base import MonitoringTestCase
from organisations.models import Organisation


class MeasureHistoryTests(MonitoringTestCase):
    def add_reports(self, count: int) -> None:
        for number in range(count):
            body = Organisation.objects.create(name=f"District {number:03d} executive power")
            ProgressReport.objects.create(round=self.round, measure=self.measure, organisation=body, expected=False)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.measure = cls.plan.measures.get(number="13.2.1")

    def test_a_round_with_many_reports_shows_the_first_and_links_to_the_others(self):
        self.add_reports(REPORTS_PER_ROUND + 5)
        total = ProgressReport.objects.filter(round=self.round, measure=self.measure).count()
        self.login(self.alice)
        response = self.client.get(self.measure.get_absolute_url())
        self.assertContains(response, "District 000 executive power")
        self.assertNotContains(response, f"District {REPORTS_PER_ROUND + 4:03d} executive power")
        more = total - REPORTS_PER_ROUND
        self.assertContains(response, f"and {more} more reports")
        self.assertContains(response, f"?round={self.round.pk}&amp;measure=13.2.1")

    def test_the_page_costs_the_same_queries_for_few_or_many_reports(self):
        self.login(self.alice)
        counts = []
        for extra in (0, 30):
            self.add_reports(extra)
            with CaptureQueriesContext(connection) as queries:
                self.client.get(self.measure.get_absolute_url())
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
