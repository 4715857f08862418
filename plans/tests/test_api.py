from ctims.testing import PlanTestCase
from organisations.models import Organisation


class MeasureApiTests(PlanTestCase):
    def get(self, **params):
        return self.client.get("/api/measures/", params)

    def numbers(self, response) -> list[str]:
        return [m["number"] for m in response.json()["results"]]

    def test_it_lists_measures_with_participants(self):
        self.login(self.bob)
        data = self.get(plan=self.plan.pk, per_page=100).json()
        self.assertEqual(data["count"], 60)
        first = data["results"][0]
        self.assertEqual(first["number"], "13.1.1")
        self.assertEqual((first["start_year"], first["end_year"], first["recurring"]), (2014, 2016, False))
        self.assertIn(
            {"organisation": self.ministry.pk, "organisation_name": self.ministry.name, "role": "executor"},
            first["participants"],
        )

    def test_it_filters_by_organisation_role_and_direction(self):
        self.login(self.bob)
        ngos = Organisation.objects.get(name="Related non governmental organizations")
        self.assertEqual(
            self.numbers(
                self.get(organisation=ngos.pk, role="involved", direction=self.plan.directions.get(number="13.9").pk)
            ),
            ["13.9.1", "13.9.2", "13.9.3", "13.9.6"],
        )

    def test_role_alone_filters_measures_having_such_a_participant(self):
        self.login(self.bob)
        self.assertEqual(len(self.numbers(self.get(role="recommended", per_page=100))), 19)

    def test_it_searches(self):
        self.login(self.bob)
        self.assertEqual(self.numbers(self.get(q="tourism")), ["13.9.7"])

    def test_an_invalid_filter_is_a_400_that_names_the_field(self):
        self.login(self.bob)
        response = self.get(role="boss")
        self.assertEqual(response.status_code, 400)
        self.assertIn("role", response.json())

    def test_page_size_has_a_ceiling(self):
        self.login(self.bob)
        response = self.get(per_page=10**12)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.json()["results"]), 60)
        self.assertEqual(len(self.get(per_page=5).json()["results"]), 5)

    def test_its_query_count_does_not_grow_with_the_page(self):
        self.login(self.bob)
        self.assertQueriesDoNotGrow(lambda size: self.get(per_page=size), sizes=(2, 60), budget=10)

    def test_anonymous_requests_are_refused(self):
        self.assertEqual(self.get().status_code, 403)

    def test_user_without_a_role_is_refused(self):
        self.login(self.eve)
        self.assertEqual(self.get().status_code, 403)
        self.assertEqual(self.client.get("/api/plans/").status_code, 403)
        self.assertEqual(self.client.get("/api/directions/").status_code, 403)


class PlanAndDirectionApiTests(PlanTestCase):
    def test_it_lists_plans_with_their_predecessor(self):
        self.login(self.olga)
        plans = {p["title"]: p for p in self.client.get("/api/plans/").json()["results"]}
        plan = plans[self.plan.title]
        self.assertEqual((plan["country"], plan["start_year"], plan["end_year"]), ("Azerbaijan", 2014, 2018))
        self.assertEqual(plans[next(t for t in plans if t != self.plan.title)]["id"], plan["predecessor"])

    def test_it_lists_directions_of_a_plan(self):
        self.login(self.olga)
        data = self.client.get("/api/directions/", {"plan": self.plan.pk}).json()
        self.assertEqual([d["number"] for d in data["results"]], [f"13.{i}" for i in range(1, 10)])
