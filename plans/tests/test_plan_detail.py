from django.urls import reverse

from ctims.testing import PlanTestCase
from organisations.models import Organisation


class PlanDetailTests(PlanTestCase):
    def get(self, **params):
        return self.client.get(reverse("plans-detail", args=[self.plan.pk]), params)

    def numbers(self, response) -> list[str]:
        return [m.number for m in response.context["page"].object_list]

    def test_it_shows_all_directions_and_measures_with_bodies_and_duration(self):
        self.login(self.bob)
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.numbers(response)), 60)
        self.assertEqual([d.number for d, _ in response.context["sections"]], [f"13.{i}" for i in range(1, 10)])
        self.assertContains(response, "Coordination of activities of the participants of the National Action Plan")
        self.assertContains(response, "State Committee for Family, Woman and Child Problems")
        self.assertContains(response, "2014–2016")

    def test_it_filters_by_organisation(self):
        self.login(self.bob)
        press = Organisation.objects.get(name="Press Council of Azerbaijan Republic")
        self.assertEqual(self.numbers(self.get(organisation=press.pk)), ["13.2.9", "13.9.5"])

    def test_it_filters_by_organisation_and_role(self):
        self.login(self.bob)
        ngos = Organisation.objects.get(name="Related non governmental organizations")
        involved = self.numbers(self.get(organisation=ngos.pk, role="involved"))
        self.assertEqual(involved, ["13.2.3", "13.5.6", "13.9.1", "13.9.2", "13.9.3", "13.9.6"])
        self.assertEqual(self.numbers(self.get(organisation=ngos.pk, role="executor")), [])

    def test_it_filters_by_direction(self):
        self.login(self.bob)
        direction = self.plan.directions.get(number="13.6")
        self.assertEqual(self.numbers(self.get(direction=direction.pk)), ["13.6.1", "13.6.2"])

    def test_search_requires_every_word(self):
        self.login(self.bob)
        self.assertEqual(self.numbers(self.get(q="hot lines")), ["13.2.1"])
        self.assertEqual(self.numbers(self.get(q="tourism companies")), ["13.9.7"])
        self.assertEqual(self.numbers(self.get(q="tourism hot")), [])

    def test_an_unknown_organisation_shows_the_error_and_the_whole_plan(self):
        self.login(self.bob)
        response = self.get(organisation=999999)
        self.assertContains(response, "There is a problem")
        self.assertEqual(len(self.numbers(response)), 60)

    def test_it_paginates_with_a_ceiling_on_the_page_size(self):
        self.login(self.bob)
        response = self.get(per_page=7, page=2)
        self.assertEqual(self.numbers(response), ["13.1.8", "13.2.1", "13.2.2", "13.2.3", "13.2.4", "13.2.5", "13.2.6"])
        self.assertEqual(response.context["page"].paginator.per_page, 7)
        self.assertEqual(self.get(per_page=10**9).context["page"].paginator.per_page, 500)

    def test_its_query_count_does_not_grow_with_the_number_of_measures(self):
        self.login(self.bob)
        self.assertQueriesDoNotGrow(lambda size: self.get(per_page=size), sizes=(3, 60), budget=14)

    def test_anonymous_user_is_sent_to_the_login_page(self):
        response = self.get()
        self.assertRedirects(response, f"{reverse('accounts-login')}?next=/plans/{self.plan.pk}/")

    def test_user_without_a_role_cannot_see_the_plan(self):
        self.login(self.eve)
        self.assertEqual(self.get().status_code, 403)

    def test_every_role_can_read_the_plan(self):
        for user in (self.alice, self.bob, self.carol, self.olga, self.sam):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.get().status_code, 200)
