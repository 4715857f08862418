import datetime

from django.urls import reverse

from cases.care import facility_create, placement_open
from cases.models import Placement
from cases.tests.base import CaseTestCase

TODAY = str(datetime.date.today())


class CareViewTests(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shelter = facility_create(
            actor=cls.carol, organisation=cls.ngo, name="Hope House", region="Baku", capacity=1
        )

    def act(self, action, data, case=None):
        url = reverse("cases-care", args=[(case or self.case).uid, action])
        return self.client.post(url, data, follow=True)

    def test_a_placement_over_capacity_is_refused_with_a_clear_message(self):
        placement_open(case=self.new_case(), actor=self.carol, facility=self.shelter)
        self.login(self.carol)
        response = self.act("placement", {"facility": self.shelter.pk})
        self.assertContains(response, "Hope House")
        self.assertContains(response, "full")
        self.assertFalse(Placement.objects.filter(case=self.case).exists())

    def test_placing_and_discharging_through_the_case_page(self):
        self.login(self.carol)
        self.act("placement", {"facility": self.shelter.pk})
        placement = Placement.objects.get(case=self.case)
        page = self.client.get(self.case.get_absolute_url())
        self.assertContains(page, "Hope House (Baku)")
        self.act("discharge", {"placement": placement.pk, "reason": "Moved to family."})
        placement.refresh_from_db()
        self.assertIsNotNone(placement.discharged_on)

    def test_a_service_with_a_negative_amount_is_refused(self):
        self.login(self.carol)
        response = self.act(
            "service", {"kind": "financial_aid", "provider": self.ngo.pk, "starts_on": TODAY, "amount": "-10"}
        )
        self.assertContains(response, "Ensure this value is greater than or equal to 0.")
        self.assertFalse(self.case.assistance_services.exists())

    def test_an_active_risk_is_listed_as_what_stops_closure(self):
        self.login(self.carol)
        self.act(
            "risk", {"level": "high", "assessed_on": TODAY, "summary": "Threats by the recruiter.", "active": "on"}
        )
        page = self.client.get(self.case.get_absolute_url())
        self.assertContains(page, "The case cannot be closed yet:")

    def test_a_child_case_lists_what_is_missing(self):
        child = self.new_case(year_of_birth=datetime.date.today().year - 12)
        self.login(self.carol)
        page = self.client.get(child.get_absolute_url())
        self.assertContains(page, "Still needed for this child:")

    def test_an_unknown_action_is_not_found_and_other_organisations_are_refused(self):
        self.login(self.carol)
        self.assertEqual(self.client.post(reverse("cases-care", args=[self.case.uid, "delete"])).status_code, 404)
        self.login(self.dan)
        response = self.client.post(
            reverse("cases-care", args=[self.case.uid, "placement"]), {"facility": self.shelter.pk}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Placement.objects.exists())

    def test_the_facility_list_shows_occupancy(self):
        placement_open(case=self.case, actor=self.carol, facility=self.shelter)
        self.login(self.carol)
        page = self.client.get(reverse("cases-facilities"))
        self.assertContains(page, "Hope House")
        self.assertContains(page, "Full")

    def test_a_case_worker_adds_a_facility_of_their_organisation(self):
        self.login(self.dan)
        self.client.post(
            reverse("cases-facilities"), {"kind": "shelter", "name": "Safe Home", "region": "Ganja", "capacity": 8}
        )
        self.assertEqual(self.other_ngo.facilities.get().name, "Safe Home")

    def test_the_case_list_filters_by_facility(self):
        placement_open(case=self.case, actor=self.carol, facility=self.shelter)
        self.new_case()
        self.login(self.carol)
        listed = self.client.get(reverse("cases-list"), {"facility": self.shelter.pk}).context["page"].object_list
        self.assertEqual([c.reference for c in listed], [self.case.reference])

    def test_enrolment_and_protection_measures_are_recorded_from_the_page(self):
        child = self.new_case(year_of_birth=datetime.date.today().year - 12)
        self.login(self.carol)
        self.act("enrolment", {"enrolled_on": TODAY, "school_kind": "general", "region": "Baku"}, case=child)
        self.act("measure", {"kind": "escort", "body": self.ministry.pk, "starts_on": TODAY}, case=child)
        self.assertEqual(child.school_enrolments.get().region, "Baku")
        self.assertEqual(child.protection_measures.get().kind, "escort")

    def test_the_history_lists_who_read_and_changed_the_case(self):
        self.login(self.carol)
        self.client.get(self.case.get_absolute_url())
        page = self.client.get(self.case.get_absolute_url())
        self.assertContains(page, "case.create")
        self.assertContains(page, "case.read")
