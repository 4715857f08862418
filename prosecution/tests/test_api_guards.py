"""The API refuses before it validates, and child rows are the entry's own."""

from prosecution.models import Defendant
from prosecution.tests.base import ProsecutionTestCase, criminal_case

DEFENDANT = {"kind": "natural", "sex": "male", "age_band": "25_34", "citizenship": "AZ", "role": "recruiter"}


class ApiGuardTests(ProsecutionTestCase):
    def test_a_reader_who_may_not_edit_gets_403_before_any_validation(self):
        entry = criminal_case(self.prosecutor_office)
        self.login(self.alice)  # the Coordinator reads criminal cases but does not change them
        response = self.client.patch(
            f"/api/criminal-cases/{entry.uid}/", {"victims": ["NRM-2099-00001"]}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("NRM-2099-00001", response.content.decode())

    def test_a_role_that_may_not_create_gets_403_before_any_validation(self):
        self.login(self.alice)
        response = self.client.post("/api/criminal-cases/", {"victims": ["NRM-2099-00001"]}, "application/json")
        self.assertEqual(response.status_code, 403)

    def test_a_row_id_of_another_entry_is_refused_and_nothing_changes(self):
        other = criminal_case(self.prosecutor_office, number="2/2016", defendants=[DEFENDANT])
        entry = criminal_case(self.prosecutor_office, number="3/2016")
        foreign = other.defendants.get()
        self.login(self.paul)
        response = self.client.patch(
            f"/api/criminal-cases/{entry.uid}/",
            {"defendants": [{"id": foreign.pk, **DEFENDANT, "sex": "female"}]},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(),
            {"defendants": [f"Row {foreign.pk} is not one of this entry's defendants: leave out the id to add a row."]},
        )
        self.assertFalse(entry.defendants.exists())
        self.assertEqual(Defendant.objects.get(pk=foreign.pk).sex, "male")

    def test_a_row_of_its_own_is_updated_in_place(self):
        entry = criminal_case(self.prosecutor_office, defendants=[DEFENDANT])
        own = entry.defendants.get()
        self.login(self.paul)
        response = self.client.patch(
            f"/api/criminal-cases/{entry.uid}/",
            {"defendants": [{"id": own.pk, **DEFENDANT, "sex": "female"}]},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(list(entry.defendants.values_list("pk", "sex")), [(own.pk, "female")])

    def test_more_rows_than_the_limit_in_one_request_are_refused(self):
        entry = criminal_case(self.prosecutor_office)
        self.login(self.paul)
        response = self.client.patch(
            f"/api/criminal-cases/{entry.uid}/", {"defendants": [DEFENDANT] * 501}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(), {"defendants": {"non_field_errors": ["Ensure this field has no more than 500 elements."]}}
        )
        self.assertFalse(entry.defendants.exists())
