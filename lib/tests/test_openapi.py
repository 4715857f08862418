"""The API's error answers in its schema (lib.openapi): each status the API really answers is documented, with its
body, on every operation that can answer it."""

from django.test import SimpleTestCase

from ctims.testing import PlanTestCase
from lib.openapi import ERROR, VALIDATION_ERRORS, error_responses

PAGE = {"in": "query", "name": "page", "schema": {"type": "integer"}}
ID = {"in": "path", "name": "id", "schema": {"type": "integer"}}
OK = {"200": {"description": ""}}


def documented(operation: dict, method: str = "get") -> dict:
    result = error_responses({"paths": {"/x/": {method: operation}}}, None, None, True)
    return result["paths"]["/x/"][method]["responses"]


def body_of(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


class ErrorResponsesHookTests(SimpleTestCase):
    def test_every_operation_may_be_refused_with_403(self):
        responses = documented({"responses": dict(OK)})
        self.assertEqual(sorted(responses), ["200", "403"])
        self.assertEqual(body_of(responses["403"]), ERROR)

    def test_an_object_in_the_path_or_a_page_number_may_be_a_404(self):
        self.assertEqual(body_of(documented({"parameters": [ID], "responses": dict(OK)})["404"]), ERROR)
        self.assertIn("404", documented({"parameters": [PAGE], "responses": dict(OK)}))

    def test_query_parameters_and_writes_may_be_a_400_with_messages_by_field(self):
        self.assertEqual(body_of(documented({"parameters": [PAGE], "responses": dict(OK)})["400"]), VALIDATION_ERRORS)
        self.assertIn("400", documented({"responses": dict(OK)}, method="post"))
        self.assertNotIn("400", documented({"parameters": [ID], "responses": dict(OK)}))

    def test_a_views_own_description_is_kept_and_given_a_body(self):
        responses = documented({"parameters": [ID], "responses": {**OK, "404": {"description": "Not to you."}}})
        self.assertEqual(responses["404"]["description"], "Not to you.")
        self.assertEqual(body_of(responses["404"]), ERROR)


class ServedSchemaTests(PlanTestCase):
    """The schema as /api/schema/ serves it, and the answers it documents, as the API really gives them."""

    def schema(self) -> dict:
        self.login(self.alice)
        return self.client.get("/api/schema/?format=json").json()

    def test_every_operation_documents_403_and_its_body(self):
        schema = self.schema()
        self.assertIn(ERROR, schema["components"]["schemas"])
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                with self.subTest(operation=f"{method.upper()} {path}"):
                    self.assertEqual(body_of(operation["responses"]["403"]), ERROR)

    def test_lists_document_404_and_400(self):
        responses = self.schema()["paths"]["/api/measures/"]["get"]["responses"]
        self.assertEqual(sorted(responses), ["200", "400", "403", "404"])

    def test_not_signed_in_is_a_403_with_detail(self):
        response = self.client.get("/api/measures/")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(set(response.json()), {"detail"})

    def test_a_page_past_the_end_is_a_404_with_detail(self):
        self.login(self.bob)
        response = self.client.get("/api/plans/", {"page": 99})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(set(response.json()), {"detail"})

    def test_an_unknown_filter_value_is_a_400_by_field(self):
        self.login(self.bob)
        response = self.client.get("/api/measures/", {"plan": 999999})
        self.assertEqual(response.status_code, 400)
        self.assertIn("plan", response.json())
