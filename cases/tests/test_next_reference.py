from cases.models import Case
from cases.services import case_create, next_reference
from ctims.testing import BaseTestCase


class NextReferenceTests(BaseTestCase):
    def case_with_reference(self, reference: str) -> None:
        case = case_create(actor=self.carol, person={"sex": "female"}, source="ngo")
        Case.objects.filter(pk=case.pk).update(reference=reference)

    def test_the_first_reference_of_a_year_is_number_one(self):
        self.assertEqual(next_reference(2016), "NRM-2016-00001")

    def test_numbering_goes_on_past_99999(self):
        self.case_with_reference("NRM-2016-99999")
        self.assertEqual(next_reference(2016), "NRM-2016-100000")
        self.case_with_reference("NRM-2016-100000")
        self.assertEqual(next_reference(2016), "NRM-2016-100001")
        self.assertEqual(next_reference(2017), "NRM-2017-00001")
