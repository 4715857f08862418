from django.urls import reverse

from ctims.testing import PlanTestCase
from organisations.models import Organisation


class OrganisationListTests(PlanTestCase):
    def get(self, **params):
        return self.client.get(reverse("organisations-list"), params)

    def names(self, response) -> list[str]:
        return [o.name for o in response.context["page"].object_list]

    def test_it_lists_organisations_with_their_measure_counts(self):
        self.login(self.bob)
        response = self.get(q="Press Council")
        self.assertEqual(self.names(response), ["Press Council of Azerbaijan Republic"])
        self.assertEqual(response.context["page"].object_list[0].measure_count, 2)

    def test_search_also_finds_spellings(self):
        self.login(self.bob)
        self.assertEqual(
            self.names(self.get(q="the Ministry of Transport")),
            ["Ministry of Transport, Communication and High Technologies"],
        )

    def test_it_filters_by_kind_and_sorts(self):
        self.login(self.bob)
        names = self.names(self.get(kind="local_authority_class", sort="-name"))
        self.assertEqual(
            names,
            [
                "Local executive power authorities",
                "Commissions for affairs of the underage and protection of their rights",
                "Authorities of guardianship and patronage",
            ],
        )

    def test_sorting_by_measures_puts_the_busiest_first_when_descending(self):
        self.login(self.bob)
        self.assertEqual(self.names(self.get(sort="-measures"))[0], "Ministry of Internal Affairs")

    def test_its_query_count_does_not_grow_with_the_number_of_organisations(self):
        self.login(self.bob)
        self.assertQueriesDoNotGrow(lambda size: self.get(per_page=size), sizes=(2, 40), budget=10)

    def test_user_without_a_role_cannot_list_organisations(self):
        self.login(self.eve)
        self.assertEqual(self.get().status_code, 403)


class OrganisationDetailTests(PlanTestCase):
    def test_it_shows_the_measures_of_the_organisation_by_role(self):
        self.login(self.bob)
        ombudsman = Organisation.objects.get(name="Human Rights Commissioner of Azerbaijan Republic (Ombudsman)")
        response = self.client.get(reverse("organisations-detail", args=[ombudsman.pk]))
        by_role = {label: [m.number for m in measures] for label, measures in response.context["by_role"]}
        self.assertEqual(by_role["Executive body"], [])
        self.assertEqual(by_role["Recommended to take part"], ["13.1.1", "13.1.2", "13.1.3", "13.2.4", "13.8.4"])
        self.assertContains(response, "The Human Rights Commissioner of Azerbaijan Republic (Ombudsman)")

    def test_its_query_count_is_fixed(self):
        self.login(self.bob)
        with self.assertNumQueries(12):
            self.client.get(reverse("organisations-detail", args=[self.ministry.pk]))

    def test_user_without_a_role_cannot_open_an_organisation(self):
        self.login(self.eve)
        self.assertEqual(self.client.get(reverse("organisations-detail", args=[self.ministry.pk])).status_code, 403)
