"""The cast of ctims.testing, plus the competent identifying body and its officer."""

from accounts.roles import Role
from cases.services import case_create
from ctims.testing import BaseTestCase, make_user
from organisations.models import Organisation


class CaseTestCase(BaseTestCase):
    """Carol (case worker, Hope Support Union) owns the cases; Dan is a case worker of another NGO; Ivan is the
    identification officer of the MIA Main Department; Paul is a case worker there."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.main_department = Organisation.objects.create(
            name="Main Department for Combating Trafficking in Human Beings", kind="service", parent=cls.ministry
        )
        cls.ivan = make_user("ivan", cls.main_department, Role.IDENTIFICATION_OFFICER)
        cls.paul = make_user("paul", cls.main_department, Role.CASE_WORKER)
        cls.case = cls.new_case()

    @classmethod
    def new_case(cls, actor=None, **person):
        return case_create(
            actor=actor or cls.carol,
            person={"given_name": "Aynur", "family_name": "Quliyeva", "sex": "female", "year_of_birth": 1998} | person,
            source="ngo",
            exploitation_forms=["forced_labour"],
        )
