"""The demo partnership entries: recorded once, by the demo Coordinator and focal points, and publishable as IATI."""

from accounts.demo import demo_focal_points, demo_seed
from ctims.testing import PASSWORD, PlanTestCase
from partners.demo import demo_partners
from partners.iati import iati_activities_xml, iati_problems, iati_reporting_org
from partners.models import Cooperation, Donor, DonorSupport, FollowUpAction, Meeting


class DemoPartnersTest(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        demo_seed(password=PASSWORD)
        demo_focal_points(plan=cls.plan, password=PASSWORD)

    def test_demo_records_every_register_once(self):
        created = demo_partners()
        counts = [m.objects.count() for m in (Donor, DonorSupport, Meeting, Cooperation)]
        self.assertEqual(counts, [3, 6, 4, 4])
        self.assertEqual(created, sum(counts))
        self.assertEqual(demo_partners(), 0)
        self.assertEqual(Donor.objects.count(), 3)

    def test_demo_is_recorded_by_the_coordinator_and_focal_points(self):
        demo_partners()
        self.assertEqual({m.created_by.username for m in Meeting.objects.all()}, {"coordinator"})
        self.assertEqual({d.created_by.username for d in Donor.objects.all()}, {"coordinator"})
        authors = {s.created_by.username for s in DonorSupport.objects.all()}
        self.assertIn("focal.mia", authors)
        self.assertGreater(len(authors), 2)
        self.assertTrue(all(s.measures.exists() for s in DonorSupport.objects.all()))

    def test_demo_follow_up_has_done_actions_and_one_overdue(self):
        demo_partners()
        actions = list(FollowUpAction.objects.all())
        self.assertGreater(sum(a.status == "done" for a in actions), 2)
        self.assertEqual(sum(a.is_overdue() for a in actions), 1)

    def test_iati_export_of_the_demo_has_no_problems(self):
        demo_partners()
        supports = DonorSupport.objects.select_related("donor", "implementing_organisation").prefetch_related(
            "transactions"
        )
        content = iati_activities_xml(supports, **iati_reporting_org())
        self.assertEqual(iati_problems(content), [])
        self.assertEqual(content.count(b"<iati-activity "), 6)
