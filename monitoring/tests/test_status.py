from django.test import SimpleTestCase

from monitoring.status import is_overdue, roll_up


class RollUpTests(SimpleTestCase):
    def test_no_accepted_report_is_no_evidence(self):
        self.assertEqual(roll_up(executors=3, accepted=[]), "no_evidence")

    def test_the_least_advanced_executor_decides(self):
        self.assertEqual(roll_up(executors=3, accepted=["complete", "limited", "substantial"]), "limited")
        self.assertEqual(roll_up(executors=2, accepted=["not_started", "complete"]), "not_started")

    def test_complete_only_when_every_executor_says_so(self):
        self.assertEqual(roll_up(executors=2, accepted=["complete", "complete"]), "complete")
        self.assertEqual(roll_up(executors=3, accepted=["complete", "complete"]), "substantial")

    def test_a_regular_measure_is_ongoing_only_when_every_executor_says_so(self):
        self.assertEqual(roll_up(executors=1, accepted=["ongoing"]), "ongoing")
        self.assertEqual(roll_up(executors=2, accepted=["ongoing"]), "substantial")

    def test_a_measure_complete_before_stays_complete(self):
        self.assertEqual(roll_up(executors=2, accepted=[], complete_before=True), "complete")


class OverdueTests(SimpleTestCase):
    def test_a_dated_measure_past_its_end_year_and_not_complete_is_overdue(self):
        self.assertTrue(is_overdue(recurring=False, end_year=2015, round_year=2016, status="substantial"))

    def test_in_its_last_year_it_is_not_overdue_yet(self):
        self.assertFalse(is_overdue(recurring=False, end_year=2016, round_year=2016, status="no_evidence"))

    def test_complete_or_regular_measures_are_never_overdue(self):
        self.assertFalse(is_overdue(recurring=False, end_year=2015, round_year=2017, status="complete"))
        self.assertFalse(is_overdue(recurring=True, end_year=None, round_year=2017, status="no_evidence"))
