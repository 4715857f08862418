"""Awareness activities, research, labour inspections and media findings: their rules, pages and API; and the index of
registers, which lists only what a role may read."""

from datetime import date

from django.urls import reverse

from ctims.testing import PlanTestCase
from prevention.models import (
    END_BEFORE_START,
    REFERRALS_WITHOUT_INSPECTIONS,
    VIOLATIONS_WITHOUT_INSPECTIONS,
    AwarenessActivity,
    LabourInspection,
    MediaFinding,
    Research,
)


class AwarenessTests(PlanTestCase):
    def data(self, **changes):
        values = {
            "started_on": "2016-06-01",
            "kind": "booklet",
            "title": "Know your rights abroad",
            "channel": "border",
            "place": "Astara checkpoint",
            "language": "az",
            "quantity": "5000",
            "reach": "4000",
        }
        return values | changes

    def test_focal_point_records_booklets_handed_out_at_a_border_checkpoint(self):
        self.login(self.bob)
        response = self.client.post("/prevention/awareness/new/", self.data())
        entry = AwarenessActivity.objects.get()
        self.assertRedirects(response, entry.get_absolute_url())
        self.assertEqual((entry.channel, entry.quantity, entry.organisation), ("border", 5000, self.ministry))
        page = self.client.get(entry.get_absolute_url())
        self.assertContains(page, "Border or customs checkpoint")
        self.assertContains(page, "Astara checkpoint")

    def test_end_before_start_is_refused(self):
        self.login(self.bob)
        response = self.client.post("/prevention/awareness/new/", self.data(ended_on="2016-05-01"))
        self.assertFormError(response.context["form"], "ended_on", str(END_BEFORE_START))
        self.assertFalse(AwarenessActivity.objects.exists())

    def test_a_negative_quantity_is_refused_by_the_api(self):
        self.login(self.bob)
        payload = {"started_on": "2016-06-01", "kind": "poster", "title": "T", "channel": "schools", "quantity": -1}
        response = self.client.post("/api/awareness/", payload, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("quantity", response.json())
        self.assertFalse(AwarenessActivity.objects.exists())

    def test_filter_by_channel(self):
        AwarenessActivity.objects.create(
            organisation=self.ministry, started_on=date(2016, 1, 1), kind="film", title="At sea", channel="sea_port"
        )
        AwarenessActivity.objects.create(
            organisation=self.ministry, started_on=date(2016, 1, 1), kind="poster", title="In class", channel="schools"
        )
        self.login(self.olga)
        response = self.client.get("/prevention/awareness/", {"channel": "sea_port"})
        self.assertContains(response, "At sea")
        self.assertNotContains(response, "In class")


class ResearchTests(PlanTestCase):
    def test_completion_before_start_is_refused(self):
        self.login(self.frank)
        data = {"kind": "survey", "title": "School survey", "started_on": "2016-03-01", "completed_on": "2016-01-01"}
        response = self.client.post("/prevention/research/new/", data)
        self.assertFormError(response.context["form"], "completed_on", str(END_BEFORE_START))
        self.assertFalse(Research.objects.exists())

    def test_an_address_without_scheme_is_taken_as_https(self):
        self.login(self.frank)
        data = {"kind": "survey", "title": "School survey", "started_on": "2016-03-01", "link": "example.org/survey"}
        self.client.post("/prevention/research/new/", data)
        self.assertEqual(Research.objects.get().link, "https://example.org/survey")


class LabourInspectionTests(PlanTestCase):
    def data(self, **changes):
        values = {"started_on": "2016-04-01", "region": "Ganja", "inspections": "20", "with_violations": "4"}
        values |= {"workers_checked": "300", "migrant_workers": "40", "indicators_found": "3", "sent_to_police": "1"}
        return values | changes

    def test_more_workplaces_with_violations_than_inspected_is_refused(self):
        self.login(self.bob)
        response = self.client.post("/prevention/inspections/new/", self.data(with_violations="21"))
        self.assertFormError(response.context["form"], "with_violations", str(VIOLATIONS_WITHOUT_INSPECTIONS))
        self.assertFalse(LabourInspection.objects.exists())

    def test_more_cases_sent_to_police_than_violations_is_refused(self):
        self.login(self.bob)
        response = self.client.post("/prevention/inspections/new/", self.data(sent_to_police="5"))
        self.assertFormError(response.context["form"], "sent_to_police", str(REFERRALS_WITHOUT_INSPECTIONS))

    def test_a_valid_inspection_is_saved(self):
        self.login(self.bob)
        self.client.post("/prevention/inspections/new/", self.data())
        self.assertEqual(LabourInspection.objects.get().with_violations, 4)


class MediaFindingTests(PlanTestCase):
    def test_action_before_the_finding_is_refused(self):
        self.login(self.bob)
        data = {
            "found_on": "2016-02-10",
            "source": "social",
            "address": "https://example.org/ad",
            "reason": "Job abroad",
        }
        data |= {"action": "police", "action_on": "2016-02-01"}
        response = self.client.post("/prevention/media-findings/new/", data)
        self.assertIn("action_on", response.context["form"].errors)
        self.assertFalse(MediaFinding.objects.exists())

    def test_search_finds_words_of_the_reason(self):
        MediaFinding.objects.create(
            organisation=self.ministry,
            found_on=date(2016, 2, 10),
            source="website",
            address="https://jobs.example/turkey",
            reason="Waitress job in Turkey, travel paid, no contract",
        )
        self.login(self.alice)
        self.assertContains(self.client.get("/prevention/media-findings/", {"q": "waitress"}), "jobs.example")
        self.assertNotContains(self.client.get("/prevention/media-findings/", {"q": "farm"}), "jobs.example")


class RegisterIndexTests(PlanTestCase):
    def test_observer_sees_the_prevention_registers(self):
        self.login(self.olga)
        response = self.client.get(reverse("registers"))
        self.assertContains(response, 'href="/prevention/trainings/"')
        self.assertContains(response, 'href="/prevention/media-findings/"')

    def test_case_worker_sees_no_prevention_register(self):
        self.login(self.carol)
        response = self.client.get(reverse("registers"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "/prevention/")

    def test_a_user_without_a_role_is_refused(self):
        self.login(self.eve)
        self.assertEqual(self.client.get(reverse("registers")).status_code, 403)
