from ctims.testing import PlanTestCase


class OrganisationApiTests(PlanTestCase):
    def test_it_lists_organisations_with_kind_and_aliases(self):
        self.login(self.bob)
        data = self.client.get("/api/organisations/", {"q": "Transport"}).json()
        self.assertEqual(data["count"], 1)
        entry = data["results"][0]
        self.assertEqual(entry["kind"], "ministry")
        self.assertEqual(
            entry["aliases"],
            [
                "The Ministry of Transport, Communication and High Technologies",
                "the Ministry of Transport, Communication and High Technologies",
            ],
        )

    def test_it_filters_classes_of_bodies(self):
        self.login(self.bob)
        names = [o["name"] for o in self.client.get("/api/organisations/", {"is_class": "true"}).json()["results"]]
        self.assertEqual(len(names), 6)
        self.assertIn("Higher educational institutions", names)

    def test_user_without_a_role_is_refused(self):
        self.login(self.eve)
        self.assertEqual(self.client.get("/api/organisations/").status_code, 403)


class SchemaAndDocsTests(PlanTestCase):
    def test_the_schema_is_valid_openapi(self):
        import yaml
        from drf_spectacular.validation import validate_schema

        self.login(self.bob)
        response = self.client.get("/api/schema/")
        self.assertEqual(response.status_code, 200)
        schema = yaml.safe_load(response.content)
        validate_schema(schema)
        self.assertIn("/api/measures/", schema["paths"])

    def test_the_docs_load_their_scripts_from_this_server(self):
        self.login(self.bob)
        page = self.client.get("/api/docs/").content.decode()
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", page)
        self.assertNotIn("cdn.", page)

    def test_anonymous_users_cannot_read_the_schema(self):
        self.assertEqual(self.client.get("/api/schema/").status_code, 403)
