from django.urls import reverse

from ctims.testing import PlanTestCase


class MeasureDetailTests(PlanTestCase):
    def get(self, number: str):
        return self.client.get(reverse("plans-measure", args=[self.measures[number].pk]))

    def test_it_shows_full_text_participants_by_role_and_duration(self):
        self.login(self.bob)
        response = self.get("13.9.3")
        self.assertContains(response, "Measure 13.9.3")
        self.assertContains(response, self.measures["13.9.3"].text)
        by_role = dict(response.context["by_role"])
        self.assertEqual([o.name for o in by_role["Involved"]], ["Related non governmental organizations"])
        self.assertIn("Ministry of Youth and Sports", [o.name for o in by_role["Executive body"]])
        self.assertContains(response, "2014–2016")

    def test_it_names_bodies_recommended_by_the_notes(self):
        self.login(self.bob)
        by_role = dict(self.get("13.1.7").context["by_role"])
        self.assertEqual(
            [o.name for o in by_role["Recommended to take part"]],
            [
                "General Prosecutor's Office of the Republic of Azerbaijan",
                "Supreme Court of the Republic of Azerbaijan",
            ],
        )

    def test_it_says_regular_for_recurring_measures(self):
        self.login(self.bob)
        self.assertContains(self.get("13.2.4"), "Regular (every year of the plan)")

    def test_it_links_to_the_neighbouring_measures(self):
        self.login(self.bob)
        response = self.get("13.2.1")
        self.assertEqual(response.context["previous"].number, "13.1.8")
        self.assertEqual(response.context["next"].number, "13.2.2")

    def test_an_unknown_measure_is_not_found(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("plans-measure", args=[999999])).status_code, 404)

    def test_user_without_a_role_cannot_open_a_measure(self):
        self.login(self.eve)
        self.assertEqual(self.get("13.1.1").status_code, 403)
