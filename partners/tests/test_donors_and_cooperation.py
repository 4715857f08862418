"""The register of donors (the Coordinator's) and of international cooperation (every body's own): identifiers,
dates, permissions, filters, downloads and query budgets."""

import io
from datetime import date

from openpyxl import load_workbook

from audit.models import AuditEvent
from ctims.testing import PlanTestCase
from partners.models import END_BEFORE_START, ORG_REF_FORBIDDEN, ORG_REF_FORM, Cooperation, Donor
from partners.tests.helpers import cooperation, donor

DONORS = "/partners/donors/"
COOPERATION = "/partners/cooperation/"
REFUSED = "carol hana paul sam eve"


class DonorRegisterTest(PlanTestCase):
    def form_data(self, **changes):
        data = {"name": "OSCE", "iati_ref": "XM-DAC-47083", "org_type": "40", "country": "", "measures": []}
        return {**data, **changes}

    def test_coordinator_records_a_donor(self):
        self.login(self.alice)
        response = self.client.post(f"{DONORS}new/", self.form_data())
        entry = Donor.objects.get()
        self.assertRedirects(response, entry.get_absolute_url())
        self.assertEqual((entry.iati_ref, entry.get_org_type_display()), ("XM-DAC-47083", "Multilateral"))
        events = AuditEvent.objects.filter(object_type="partners.donor", object_id=str(entry.pk))
        self.assertEqual([e.action for e in events], ["donors.create"])

    def test_identifiers_of_the_iati_form_are_accepted(self):
        self.login(self.alice)
        for number, ref in enumerate(["GB-GOV-1", "XM-DAC-41301", "GB-COH-12345678", "XI-IATI-DEMO01", ""]):
            with self.subTest(ref=ref):
                response = self.client.post(f"{DONORS}new/", self.form_data(name=f"Donor {number}", iati_ref=ref))
                self.assertEqual(response.status_code, 302, response.context and response.context["form"].errors)
        self.assertEqual(Donor.objects.count(), 5)

    def test_identifier_with_forbidden_characters_or_another_form_is_refused_next_to_the_field(self):
        self.login(self.alice)
        cases = [
            ("GB-GOV-1/2", ORG_REF_FORBIDDEN),
            ("XM-DAC-41301?", ORG_REF_FORBIDDEN),
            ("GB-GOV 1", ORG_REF_FORBIDDEN),
            ("41301", ORG_REF_FORM),
            ("DAC-41301", ORG_REF_FORM),
            ("gb-gov-1", ORG_REF_FORM),
        ]
        for ref, message in cases:
            with self.subTest(ref=ref):
                response = self.client.post(f"{DONORS}new/", self.form_data(iati_ref=ref))
                self.assertFormError(response.context["form"], "iati_ref", str(message))
        self.assertFalse(Donor.objects.exists())

    def test_api_refuses_a_bad_identifier_with_the_field(self):
        self.login(self.alice)
        payload = {**self.form_data(iati_ref="GB|GOV|1")}
        response = self.client.post("/api/donors/", payload, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"iati_ref": [str(ORG_REF_FORBIDDEN)]})

    def test_focal_points_and_observers_read_donors_but_only_the_coordinator_records_them(self):
        entry = donor(self.coordinator_org)
        for user in (self.bob, self.olga):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertContains(self.client.get(DONORS), entry.name)
                self.assertEqual(self.client.get(f"{DONORS}new/").status_code, 403)
                self.assertEqual(self.client.post(f"{DONORS}new/", self.form_data()).status_code, 403)
                self.assertEqual(self.client.get(f"{DONORS}{entry.uid}/edit/").status_code, 403)
                response = self.client.post("/api/donors/", self.form_data(), content_type="application/json")
                self.assertEqual(response.status_code, 403)
        self.assertEqual(Donor.objects.count(), 1)

    def test_other_roles_are_refused(self):
        entry = donor(self.coordinator_org)
        for username in REFUSED.split():
            with self.subTest(user=username):
                self.login(getattr(self, username))
                self.assertEqual(self.client.get(DONORS).status_code, 403)
                self.assertEqual(self.client.get(entry.get_absolute_url()).status_code, 403)
                self.assertEqual(self.client.get("/api/donors/").status_code, 403)

    def test_filter_and_download(self):
        donor(self.coordinator_org)
        donor(self.coordinator_org, name="Embassy fund", iati_ref="", org_type="10", country="Norvania")
        self.login(self.olga)
        response = self.client.get(DONORS, {"org_type": "10"})
        self.assertContains(response, "Embassy fund")
        self.assertNotContains(response, "International Organization for Migration")
        response = self.client.get(DONORS, {"format": "xlsx"})
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("Name", "IATI identifier", "Organisation type", "Country"))
        self.assertEqual(rows[1][:4], ("Embassy fund", None, "Government", "Norvania"))

    def test_list_query_count_does_not_grow(self):
        for number in range(60):
            donor(self.coordinator_org, name=f"Donor {number}")
        self.login(self.alice)
        self.assertQueriesDoNotGrow(lambda size: self.client.get(DONORS, {"per_page": size}), budget=12)


class CooperationRegisterTest(PlanTestCase):
    def form_data(self, **changes):
        data = {
            "kind": "memorandum",
            "title": "Return and reintegration of victims",
            "partner": "International Organization for Migration",
            "date": "2016-04-20",
            "ends_on": "2018-12-31",
            "status": "active",
            "description": "",
            "measures": [str(self.plan.measures.get(number="13.8.3").pk)],
        }
        return {**data, **changes}

    def test_focal_point_records_cooperation_for_its_organisation(self):
        self.login(self.bob)
        response = self.client.post(f"{COOPERATION}new/", self.form_data())
        entry = Cooperation.objects.get()
        self.assertRedirects(response, entry.get_absolute_url())
        self.assertEqual(entry.organisation, self.ministry)
        events = AuditEvent.objects.filter(object_type="partners.cooperation", object_id=str(entry.pk))
        self.assertEqual([e.action for e in events], ["cooperation.create"])

    def test_end_before_the_date_is_refused_on_the_page_and_in_the_api(self):
        self.login(self.bob)
        response = self.client.post(f"{COOPERATION}new/", self.form_data(ends_on="2016-01-01"))
        self.assertFormError(response.context["form"], "ends_on", str(END_BEFORE_START))
        payload = {**self.form_data(ends_on="2016-01-01"), "measures": []}
        response = self.client.post("/api/cooperation/", payload, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"ends_on": [str(END_BEFORE_START)]})
        self.assertFalse(Cooperation.objects.exists())

    def test_only_the_recording_organisation_edits(self):
        entry = cooperation(self.education)
        self.login(self.bob)
        self.assertEqual(self.client.get(f"{COOPERATION}{entry.uid}/edit/").status_code, 403)
        response = self.client.patch(
            f"/api/cooperation/{entry.uid}/", {"title": "Changed"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        self.login(self.frank)
        response = self.client.post(f"{COOPERATION}{entry.uid}/edit/", self.form_data(title="Renewed"))
        self.assertEqual(response.status_code, 302)
        entry.refresh_from_db()
        self.assertEqual(entry.title, "Renewed")

    def test_observer_reads_but_cannot_record_and_other_roles_are_refused(self):
        entry = cooperation(self.ministry)
        self.login(self.olga)
        self.assertContains(self.client.get(entry.get_absolute_url()), entry.title)
        self.assertEqual(self.client.post(f"{COOPERATION}new/", self.form_data()).status_code, 403)
        for username in REFUSED.split():
            with self.subTest(user=username):
                self.login(getattr(self, username))
                self.assertEqual(self.client.get(COOPERATION).status_code, 403)
                self.assertEqual(self.client.get(COOPERATION, {"format": "csv"}).status_code, 403)
                self.assertEqual(self.client.get(entry.get_absolute_url()).status_code, 403)
                self.assertEqual(self.client.get(f"/api/cooperation/{entry.uid}/").status_code, 403)

    def test_search_and_filters(self):
        cooperation(self.ministry, title="Police cooperation", partner="Georgia", kind="agreement")
        cooperation(self.ministry, title="Chisinau visit", partner="Moldova", kind="study_visit", date=date(2017, 5, 8))
        self.login(self.alice)
        for query, shown, hidden in [
            ({"q": "moldova"}, "Chisinau visit", "Police cooperation"),
            ({"kind": "agreement"}, "Police cooperation", "Chisinau visit"),
            ({"date_from": "2017-01-01"}, "Chisinau visit", "Police cooperation"),
        ]:
            with self.subTest(query=query):
                response = self.client.get(COOPERATION, query)
                self.assertContains(response, shown)
                self.assertNotContains(response, hidden)

    def test_list_query_count_does_not_grow(self):
        measure = self.plan.measures.get(number="13.8.1")
        for number in range(60):
            cooperation(self.ministry, title=f"Visit {number}").measures.add(measure)
        self.login(self.alice)
        self.assertQueriesDoNotGrow(lambda size: self.client.get(COOPERATION, {"per_page": size}), budget=12)
