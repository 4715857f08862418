"""The monitoring API's answers where they used to differ from its schema: each answer below is what the API gives,
and the schema describes it (ctims/tests/test_api_schemathesis.py checks the same over generated requests)."""

from monitoring.tests.base import MonitoringTestCase


class MonitoringSchemaEdgeTests(MonitoringTestCase):
    def schema(self) -> dict:
        self.login(self.alice)
        return self.client.get("/api/schema/?format=json").json()

    def test_a_report_not_yet_written_has_a_blank_progress_and_the_schema_allows_it(self):
        self.login(self.bob)
        response = self.client.get(f"/api/reports/{self.report('13.1.1').pk}/")
        self.assertEqual(response.json()["progress"], "")
        progress = self.schema()["components"]["schemas"]["Report"]["properties"]["progress"]
        self.assertIn({"$ref": "#/components/schemas/BlankEnum"}, progress["oneOf"])

    def test_a_round_number_of_the_dashboard_is_documented_as_digits_only_like_its_route(self):
        parameters = self.schema()["paths"]["/api/dashboard/{round_id}/"]["get"]["parameters"]
        self.assertEqual(parameters[0]["schema"], {"type": "integer", "minimum": 0})
        self.assertEqual(self.client.get("/api/dashboard/-1/").status_code, 404)  # no route takes it
