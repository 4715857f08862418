import datetime

from ctims.testing import PlanTestCase
from monitoring.models import ProgressReport
from monitoring.services import round_open
from plans.models import Measure, Participation


class X(PlanTestCase):
    def test_x(self):
        r = round_open(
            plan=self.plan,
            period_type="year",
            year=2014,
            period_number=1,
            opens_on=datetime.date.today(),
            due_on=datetime.date.today() + datetime.timedelta(days=30),
            actor=self.alice,
        )
        print(
            "reports",
            ProgressReport.objects.filter(round=r).count(),
            "ministry expected",
            ProgressReport.objects.filter(round=r, organisation=self.ministry).count(),
        )
        for p in Participation.objects.filter(organisation=self.ministry, measure__plan=self.plan).select_related(
            "measure"
        ):
            m = p.measure
            print(
                m.number,
                p.role,
                m.recurring,
                m.start_year,
                m.end_year,
                ProgressReport.objects.filter(round=r, measure=m, organisation=self.ministry).exists(),
            )
        print(
            "not part",
            list(
                Measure.objects.filter(plan=self.plan)
                .exclude(participations__organisation=self.ministry)
                .values_list("number", flat=True)
            ),
        )
        m = self.measures["13.1.1"]
        print(
            "13.1.1 executors",
            list(m.participations.filter(role="executor").values_list("organisation__name", flat=True)),
        )
        print(Measure.objects.filter(plan=self.plan).count())
