"""A plan with an open round, for monitoring tests."""

import datetime

from accounts.roles import Role
from ctims.testing import PlanTestCase, make_user
from monitoring.models import ProgressReport
from monitoring.services import round_open
from organisations.models import Organisation


def open_round(plan, actor, year: int, **fields):
    values = {
        "period_type": "year",
        "period_number": 1,
        "opens_on": datetime.date(year + 1, 1, 10),
        "due_on": datetime.date(year + 1, 2, 15),
    }
    return round_open(plan=plan, year=year, actor=actor, **values | fields)


class MonitoringTestCase(PlanTestCase):
    """The cast and the plan, a 2015 round open, and Fatima: focal point of the Ministry of Labour."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.labour = Organisation.objects.get(name="Ministry of Labor and Social Protection of Population")
        cls.fatima = make_user("fatima", cls.labour, Role.FOCAL_POINT)
        cls.round = open_round(cls.plan, cls.alice, 2015)

    def report(self, number: str, organisation=None) -> ProgressReport:
        return ProgressReport.objects.get(
            round=self.round, measure__number=number, organisation=organisation or self.ministry
        )
