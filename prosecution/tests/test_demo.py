from django.test import TestCase

from accounts.demo import demo_seed
from audit.models import AuditEvent
from plans.importers import BUNDLED_PLAN, import_plan_file
from prosecution.demo import demo_prosecution
from prosecution.models import CriminalCase
from prosecution.selectors import criminal_case_figures


class DemoProsecutionTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_plan_file(BUNDLED_PLAN)
        demo_seed(password="x")
        cls.created = demo_prosecution()

    def test_it_records_the_demo_cases_as_the_prosecution_analyst_with_measures_and_rows(self):
        self.assertEqual(self.created, CriminalCase.objects.count())
        self.assertGreaterEqual(self.created, 12)
        self.assertEqual(set(CriminalCase.objects.values_list("created_by__username", flat=True)), {"prosecution"})
        numbers = {m.number for entry in CriminalCase.objects.all() for m in entry.measures.all()}
        self.assertTrue(numbers and all(number.startswith("13.3.") for number in numbers))
        self.assertEqual(AuditEvent.objects.filter(action="criminal_cases.create").count(), self.created)

    def test_the_2016_and_2017_reports_have_prosecution_figures(self):
        for year in (2016, 2017):
            with self.subTest(year=year):
                figures = criminal_case_figures(year=year)
                self.assertGreater(figures["stages"]["opened"], 0)
                self.assertGreater(figures["defendants"]["convicted"]["total"], 0)

    def test_it_runs_only_once(self):
        self.assertEqual(demo_prosecution(), 0)
        self.assertEqual(CriminalCase.objects.count(), self.created)
