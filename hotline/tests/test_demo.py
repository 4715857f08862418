"""The demo calls: about forty over 2015–2017 by the demo operator, a few named callers, one case opened."""

from django.test import TestCase
from django.utils import timezone

from accounts.demo import demo_seed
from cases.demo import demo_cases
from cases.models import Case
from hotline.demo import demo_hotline
from hotline.models import Call
from plans.importers import BUNDLED_PLAN, import_plan_file


class DemoHotlineTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_plan_file(BUNDLED_PLAN)
        demo_seed(password="x")
        demo_cases()
        cls.created = demo_hotline()

    def test_it_records_about_forty_calls_over_2015_to_2017_by_the_demo_operator(self):
        self.assertEqual(self.created, 40)
        calls = Call.objects.select_related("created_by")
        self.assertEqual({c.created_by.username for c in calls}, {"hotline"})
        self.assertEqual({timezone.localtime(c.received_at).year for c in calls}, {2015, 2016, 2017})
        self.assertTrue(all(c.measures.filter(number="13.2.1").exists() for c in calls))

    def test_a_few_callers_are_named_and_one_call_opened_the_first_demo_case(self):
        named = Call.objects.filter(anonymous=False)
        self.assertTrue(0 < named.count() < 10)
        self.assertTrue(all(c.caller_name for c in named))
        opened = Call.objects.filter(action="case_opened")
        self.assertEqual(opened.count(), 1)
        self.assertEqual(opened.get().case, Case.objects.order_by("created_at", "pk").first())

    def test_every_call_keeps_the_rules(self):
        for entry in Call.objects.all():
            entry.full_clean()

    def test_a_second_run_creates_nothing(self):
        self.assertEqual(demo_hotline(), 0)
        self.assertEqual(Call.objects.count(), 40)
