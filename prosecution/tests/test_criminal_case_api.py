"""The criminal-case register through the API: nested rows, victims by reference code, and who may do what."""

from prosecution.models import CriminalCase
from prosecution.tests.base import ProsecutionTestCase, criminal_case

JUDGED = {
    "stage": "judgment",
    "investigation_completed_on": "2016-06-01",
    "sent_to_court_on": "2016-06-20",
    "judgment_on": "2016-11-02",
}
CONVICTED = {
    "kind": "natural",
    "sex": "female",
    "age_band": "25_34",
    "citizenship": "AZ",
    "role": "recruiter",
    "outcome": "convicted",
    "sentence_years": "6.5",
    "suspended": False,
}


class ApiTest(ProsecutionTestCase):
    def test_analyst_creates_a_case_with_rows_and_victims_by_reference(self):
        self.login(self.paul)
        payload = self.payload(
            **JUDGED,
            articles=["144-1", "193-1"],
            victims=[self.victim_case.reference],
            defendants=[CONVICTED, {"kind": "legal", "role": "exploiter", "outcome": "convicted", "fine": "900.00"}],
            assets=[{"kind": "money", "seized_value": "500.00", "confiscated_value": "500.00", "currency": "USD"}],
            requests=[{"kind": "extradition", "direction": "received", "country": "Russia", "sent_on": "2016-05-02"}],
        )
        response = self.client.post("/api/criminal-cases/", payload, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["organisation"], self.prosecutor_office.name)
        self.assertEqual(body["victims"], [self.victim_case.reference])
        self.assertEqual(body["articles"], ["144-1", "193-1"])
        self.assertEqual([row["kind"] for row in body["defendants"]], ["natural", "legal"])
        self.assertEqual(body["assets"][0]["currency"], "USD")
        self.assertEqual(body["requests"][0]["status"], "pending")
        entry = CriminalCase.objects.get(uid=body["uid"])
        self.assertEqual(entry.defendants.count(), 2)
        self.assertEqual(list(entry.victims.all()), [self.victim_case])

    def test_rows_not_sent_on_update_are_removed(self):
        entry = criminal_case(self.prosecutor_office, defendants=[{"kind": "natural", "sex": "male"}] * 2)
        kept = entry.defendants.first()
        self.login(self.paul)
        response = self.client.patch(
            f"/api/criminal-cases/{entry.uid}/",
            {"defendants": [{"id": kept.pk, "kind": "natural", "sex": "female"}]},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(list(entry.defendants.values_list("pk", "sex")), [(kept.pk, "female")])

    def test_the_victim_appears_only_as_its_reference_code(self):
        entry = criminal_case(self.prosecutor_office, victims_count=1)
        entry.victims.add(self.victim_case)
        self.login(self.alice)
        response = self.client.get(f"/api/criminal-cases/{entry.uid}/")
        self.assertEqual(response.json()["victims"], [self.victim_case.reference])
        self.assertNotIn(b"Quliyeva", response.content)

    def test_analyst_of_another_organisation_reads_but_cannot_update(self):
        entry = criminal_case(self.prosecutor_office, court="Baku")
        self.login(self.pia)
        self.assertEqual(self.client.get(f"/api/criminal-cases/{entry.uid}/").status_code, 200)
        response = self.client.patch(
            f"/api/criminal-cases/{entry.uid}/", {"court": "X"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        entry.refresh_from_db()
        self.assertEqual(entry.court, "Baku")

    def test_coordinator_reads_but_cannot_create(self):
        criminal_case(self.prosecutor_office)
        self.login(self.alice)
        self.assertEqual(self.client.get("/api/criminal-cases/").json()["count"], 1)
        response = self.client.post("/api/criminal-cases/", self.payload(), content_type="application/json")
        self.assertEqual(response.status_code, 403)

    def test_every_other_role_and_no_role_is_refused(self):
        entry = criminal_case(self.prosecutor_office)
        for user in (self.bob, self.frank, self.olga, self.carol, self.dan, self.hana, self.hugo, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get("/api/criminal-cases/").status_code, 403)
                self.assertEqual(self.client.get(f"/api/criminal-cases/{entry.uid}/").status_code, 403)
                response = self.client.post("/api/criminal-cases/", self.payload(), content_type="application/json")
                self.assertEqual(response.status_code, 403)
                response = self.client.patch(
                    f"/api/criminal-cases/{entry.uid}/", {"court": "X"}, content_type="application/json"
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(CriminalCase.objects.get().court, "")

    def test_api_filters_like_the_page(self):
        criminal_case(self.prosecutor_office, number="A-1", stage="closed")
        criminal_case(self.prosecutor_office, number="B-2", transnational=True, countries="Iran")
        self.login(self.paul)
        response = self.client.get("/api/criminal-cases/", {"stage": "closed"})
        self.assertEqual([row["number"] for row in response.json()["results"]], ["A-1"])
        response = self.client.get("/api/criminal-cases/", {"q": "iran"})
        self.assertEqual([row["number"] for row in response.json()["results"]], ["B-2"])

    def test_criminal_cases_are_not_deleted_through_the_api(self):
        entry = criminal_case(self.prosecutor_office)
        self.login(self.paul)
        self.assertEqual(self.client.delete(f"/api/criminal-cases/{entry.uid}/").status_code, 405)
        self.assertTrue(CriminalCase.objects.filter(pk=entry.pk).exists())
