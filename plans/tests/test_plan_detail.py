from django.urls import reverse

from ctims.testing import PlanTestCase


class PlanDetailTests(PlanTestCase):
    def url(self, **params):
        return reverse("plans-detail", args=[self.plan.pk])

    def test_it_shows_all_directions_and_measures(self):
        self.login(self.bob)
        response = self.client.get(self.url(), {"per_page": 100})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["page"].object_list), 60)
        self.assertEqual(len(response.context["sections"]), 9)
        self.assertContains(response, "13.7.3")
