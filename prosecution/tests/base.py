"""The cast of ctims.testing, plus a prosecution analyst of another organisation, a user who is both a prosecution
analyst and a case worker of the NGO that owns the victim's case, and that case."""

from datetime import date

from accounts.roles import Role
from cases.services import case_create
from ctims.testing import PlanTestCase, make_user
from prosecution.models import CriminalCase, Defendant


def criminal_case(organisation, defendants=(), **fields) -> CriminalCase:
    values = {"number": "1/2016", "articles": ["144-1"], "stage": "investigation", "opened_on": date(2016, 3, 1)}
    entry = CriminalCase.objects.create(organisation=organisation, **{**values, **fields})
    for defendant in defendants:
        Defendant.objects.create(criminal_case=entry, **defendant)
    return entry


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict:
    """The POST data of an inline formset with these rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        data.update({f"{prefix}-{index}-{name}": value for name, value in item.items()})
    return data


class ProsecutionTestCase(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pia = make_user("pia", cls.ministry, Role.PROSECUTION_ANALYST)
        cls.rita = make_user("rita", cls.ngo, Role.PROSECUTION_ANALYST, Role.CASE_WORKER)
        cls.victim_case = case_create(
            actor=cls.carol,
            person={"given_name": "Aynur", "family_name": "Quliyeva", "sex": "female", "year_of_birth": 1998},
            source="ngo",
        )

    def form_data(self, defendants=(), assets=(), requests=(), **changes) -> dict:
        data = {
            "number": "45/2016",
            "articles": ["144-1"],
            "stage": "investigation",
            "opened_on": "2016-03-01",
            "investigation_completed_on": "",
            "sent_to_court_on": "",
            "judgment_on": "",
            "appeal_on": "",
            "court": "",
            "group_members": "",
            "countries": "",
            "victims_count": "2",
            "victims": "",
            "measures": [str(self.plan.measures.get(number="13.3.4").pk)],
        }
        data.update(changes)
        data = {name: value for name, value in data.items() if value is not None}  # None: a box left unticked
        return {**data, **rows("defendants", defendants), **rows("assets", assets), **rows("requests", requests)}

    def payload(self, **changes) -> dict:
        data = {
            "number": "45/2016",
            "articles": ["144-1"],
            "stage": "investigation",
            "opened_on": "2016-03-01",
            "victims_count": 2,
            "measures": [self.plan.measures.get(number="13.3.4").pk],
        }
        return {**data, **changes}
