"""Progress reports cite register entries as evidence, and measure pages list the entries linked to them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from ctims.testing import make_user
from hotline.registers import calls
from hotline.tests.base import call
from lib.registers import evidence_key
from monitoring.services import EVIDENCE_NOT_ELIGIBLE, evidence_candidates, report_evidence_set
from monitoring.tests.base import MonitoringTestCase
from prevention.models import Training
from prevention.registers import trainings


class ReportEvidenceTests(MonitoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.measure = cls.plan.measures.get(number="13.2.1")
        cls.own = cls.training(cls.ministry, "Ministry training on 13.2.1", cls.measure)
        cls.unlinked = cls.training(cls.ministry, "Ministry training on nothing")
        cls.others = cls.training(cls.education, "Education training on 13.2.1", cls.measure)

    @staticmethod
    def training(organisation, topic, *measures) -> Training:
        entry = Training.objects.create(
            organisation=organisation, held_on=date(2015, 6, 1), topic=topic, audience="police", women=1, men=1
        )
        entry.measures.set(measures)
        return entry

    def edit(self, report, keys):
        data = {
            "progress": "limited",
            "narrative": "Trainings held.",
            "results-TOTAL_FORMS": "0",
            "results-INITIAL_FORMS": "0",
            "spending-TOTAL_FORMS": "0",
            "spending-INITIAL_FORMS": "0",
            "evidence-entries": keys,
        }
        return self.client.post(reverse("monitoring-report-edit", args=[report.pk]), data)

    def test_the_form_offers_only_own_entries_linked_to_the_measure(self):
        self.login(self.bob)
        response = self.client.get(reverse("monitoring-report-edit", args=[self.report("13.2.1").pk]))
        self.assertContains(response, self.own.topic)
        self.assertNotContains(response, self.unlinked.topic)
        self.assertNotContains(response, self.others.topic)

    def test_a_focal_point_cites_an_entry_and_the_report_shows_it(self):
        self.login(self.bob)
        report = self.report("13.2.1")
        response = self.edit(report, [evidence_key(trainings, self.own)])
        self.assertRedirects(response, reverse("monitoring-report-edit", args=[report.pk]))
        self.assertEqual(list(report.evidence.values_list("key", flat=True)), [evidence_key(trainings, self.own)])
        self.login(self.alice)
        response = self.client.get(report.get_absolute_url())
        self.assertContains(response, f'href="{self.own.get_absolute_url()}"')

    def test_citing_another_bodys_entry_is_refused_and_nothing_changes(self):
        self.login(self.bob)
        report = self.report("13.2.1")
        response = self.edit(report, [evidence_key(trainings, self.others)])
        self.assertEqual(response.status_code, 200)
        self.assertIn("entries", response.context["evidence"].errors)
        report.refresh_from_db()
        self.assertFalse(report.evidence.exists())
        self.assertEqual(report.narrative, "")

    def test_the_service_refuses_an_entry_not_linked_to_the_measure(self):
        report = self.report("13.2.1")
        with self.assertRaisesMessage(ValidationError, str(EVIDENCE_NOT_ELIGIBLE.format(measure="13.2.1"))):
            report_evidence_set(report=report, actor=self.bob, keys=[evidence_key(trainings, self.unlinked)])
        self.assertFalse(report.evidence.exists())

    def test_removing_a_citation_keeps_the_entry(self):
        self.login(self.bob)
        report = self.report("13.2.1")
        self.edit(report, [evidence_key(trainings, self.own)])
        self.edit(report, [])
        self.assertFalse(report.evidence.exists())
        self.assertTrue(Training.objects.filter(pk=self.own.pk).exists())


class MeasurePageEntriesTests(MonitoringTestCase):
    def test_measure_page_lists_linked_entries_to_those_who_may_read_them(self):
        measure = self.plan.measures.get(number="13.2.10")
        entry = Training.objects.create(
            organisation=self.ministry, held_on=date(2016, 1, 5), topic="Border guards course", audience="border", men=9
        )
        entry.measures.add(measure)
        self.login(self.olga)
        response = self.client.get(measure.get_absolute_url())
        self.assertContains(response, "Activities recorded in the registers")
        self.assertContains(response, f'href="{entry.get_absolute_url()}"')
        self.login(self.carol)  # a case worker reads the plan, not the prevention register
        response = self.client.get(measure.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Border guards course")

    def test_measure_page_cuts_a_long_list_and_links_to_the_filtered_register(self):
        measure = self.plan.measures.get(number="13.2.10")
        for number in range(12):
            Training.objects.create(
                organisation=self.ministry, held_on=date(2016, 1, 5), topic=f"Course {number}", audience="police", men=1
            ).measures.add(measure)
        self.login(self.alice)
        response = self.client.get(measure.get_absolute_url())
        self.assertContains(response, "Course ", count=10)
        self.assertContains(response, f"/prevention/trainings/?measure={measure.pk}")


class ReportEvidenceApiTests(MonitoringTestCase):
    def test_a_focal_point_cites_an_entry_through_the_api_and_an_ineligible_one_is_a_400(self):
        own = Training.objects.create(
            organisation=self.ministry, held_on=date(2015, 6, 1), topic="On 13.2.1", audience="police", men=3
        )
        own.measures.add(self.plan.measures.get(number="13.2.1"))
        other = Training.objects.create(
            organisation=self.education, held_on=date(2015, 6, 1), topic="Not ours", audience="police", men=3
        )
        report = self.report("13.2.1")
        self.login(self.bob)
        url = f"/api/reports/{report.pk}/"
        response = self.client.patch(url, {"evidence": [evidence_key(trainings, other)]}, "application/json")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(report.evidence.exists())
        response = self.client.patch(url, {"evidence": [evidence_key(trainings, own)]}, "application/json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["evidence"], [evidence_key(trainings, own)])


class EvidenceKeptAndRefusedTests(MonitoringTestCase):
    """Saving a report never drops what another editor cited, and registers about people are never cited."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.measure = cls.plan.measures.get(number="13.2.1")
        cls.own = ReportEvidenceTests.training(cls.ministry, "Ministry training on 13.2.1", cls.measure)
        cls.both = make_user("both", cls.ministry, Role.FOCAL_POINT, Role.HOTLINE_OPERATOR)

    def test_a_hotline_call_is_never_offered_as_evidence_even_to_a_focal_point_who_operates_the_hotline(self):
        entry = call(self.ministry)
        entry.measures.add(self.measure)
        keys = evidence_candidates(report=self.report("13.2.1"), actor=self.both)
        self.assertIn(evidence_key(trainings, self.own), keys)
        self.assertNotIn(evidence_key(calls, entry), keys)

    def test_a_citation_the_editor_cannot_see_is_kept_when_the_editor_saves(self):
        report = self.report("13.2.1")
        hidden = "trainings:00000000-0000-0000-0000-000000000001"  # e.g. an entry since unlinked from the measure
        report.evidence.create(key=hidden)
        report_evidence_set(report=report, actor=self.bob, keys=[evidence_key(trainings, self.own)])
        self.assertEqual(
            set(report.evidence.values_list("key", flat=True)), {hidden, evidence_key(trainings, self.own)}
        )

    def test_sending_back_what_is_cited_is_accepted_and_a_repeated_key_is_saved_once(self):
        report = self.report("13.2.1")
        key = evidence_key(trainings, self.own)
        self.login(self.bob)
        url = f"/api/reports/{report.pk}/"
        self.assertEqual(self.client.patch(url, {"evidence": [key, key]}, "application/json").status_code, 200)
        self.assertEqual(self.client.patch(url, {"evidence": [key]}, "application/json").status_code, 200)
        self.assertEqual(list(report.evidence.values_list("key", flat=True)), [key])
