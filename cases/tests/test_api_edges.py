"""The cases API's answers where they used to differ from its schema: each answer below is what the API gives, and
the schema describes it (ctims/tests/test_api_schemathesis.py checks the same over generated requests)."""

from audit.models import AuditEvent
from cases.api import REASON_NULL_CHARACTER
from cases.models import Case
from cases.tests.base import CaseTestCase

REASON = {"HTTP_X_ACCESS_REASON": "Checking the case for the monthly review."}


class CaseSchemaEdgeTests(CaseTestCase):
    def schema(self) -> dict:
        self.login(self.alice)
        schema = self.client.get("/api/schema/?format=json").json()
        self.client.logout()
        return schema

    def component(self, name: str) -> dict:
        return self.schema()["components"]["schemas"][name]

    def detail(self, user, case: Case | None = None) -> dict:
        self.login(user)
        response = self.client.get(f"/api/cases/{(case or self.case).uid}/", **REASON)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def presumed(self) -> None:
        self.client.logout()
        self.login(self.carol)
        response = self.client.post(
            f"/api/cases/{self.case.uid}/status/",
            {"to_status": "presumed", "reason": "Indicators met."},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200)

    def test_the_referral_deadline_is_null_before_the_case_is_presumed_and_documented_as_nullable(self):
        self.assertIsNone(self.detail(self.carol)["referral_due_at"])
        self.assertTrue(self.component("CasePseudonymised")["properties"]["referral_due_at"]["nullable"])

    def test_an_undecided_reflection_period_has_a_blank_decision_and_the_schema_allows_it(self):
        self.presumed()
        self.assertEqual(self.detail(self.carol)["reflection_periods"][0]["end_decision"], "")
        choices = self.component("ReflectionPeriod")["properties"]["end_decision"]["oneOf"]
        self.assertIn({"type": "string", "enum": [""]}, choices)

    def test_a_full_case_does_not_also_match_the_pseudonymised_schema(self):
        # CaseDetail is oneOf the two: a full case that matched both would match neither in oneOf's terms.
        pseudonymised = self.component("CasePseudonymised")
        self.assertIs(pseudonymised["additionalProperties"], False)
        self.assertTrue(set(self.detail(self.carol)) - set(pseudonymised["properties"]))
        self.assertLessEqual(set(self.detail(self.alice)), set(pseudonymised["properties"]))

    def test_a_period_number_is_documented_as_digits_only_like_its_route(self):
        parameters = self.schema()["paths"]["/api/cases/{uid}/periods/{period_id}/extend/"]["post"]["parameters"]
        period = next(p for p in parameters if p["name"] == "period_id")
        self.assertEqual(period["schema"], {"type": "integer", "minimum": 0})
        self.login(self.carol)
        response = self.client.post(f"/api/cases/{self.case.uid}/periods/-1/extend/", {})
        self.assertEqual(response.status_code, 404)  # Django's page: no route takes it

    def test_a_reason_with_a_null_character_is_refused_and_nothing_is_recorded(self):
        self.login(self.alice)
        for where in ({"data": {"reason": "Review\x00"}}, {"HTTP_X_ACCESS_REASON": "Review%00"}):
            with self.subTest(where=where):
                response = self.client.get(f"/api/cases/{self.case.uid}/", **where)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), {"reason": [str(REASON_NULL_CHARACTER)]})
        self.assertFalse(AuditEvent.objects.filter(action__in=["case.open", "case.read_pseudonymised"]).exists())
