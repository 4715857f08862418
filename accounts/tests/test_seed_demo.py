import io
from datetime import date

from django.core.management import call_command
from django.test import TestCase

from accounts.demo import DEMO_USERS, focal_point_username
from accounts.models import User
from accounts.roles import Role
from monitoring.models import ReportingRound
from plans.importers import BUNDLED_PLAN, import_plan_file
from plans.models import Participation


class SeedDemoTests(TestCase):
    def run_command(self) -> str:
        out = io.StringIO()
        call_command("seed_demo", password="demo-password-1", stdout=out)
        return out.getvalue()

    def test_it_creates_one_demo_user_for_every_role_and_prints_the_logins(self):
        output = self.run_command()
        roles = {user.username: set(user.roles) for user in User.objects.all()}
        self.assertEqual({role for user_roles in roles.values() for role in user_roles}, set(Role.values))
        for demo in DEMO_USERS:
            self.assertIn(demo.username, output)
            self.assertEqual(roles[demo.username], {demo.role})
        self.assertTrue(User.objects.get(username="coordinator").check_password("demo-password-1"))
        self.assertIn("demo-password-1", output)

    def test_running_it_again_changes_nothing(self):
        self.run_command()
        before = list(User.objects.order_by("pk").values_list("pk", "password", "organisation_id"))
        output = self.run_command()
        self.assertEqual(list(User.objects.order_by("pk").values_list("pk", "password", "organisation_id")), before)
        self.assertNotIn("(new)", output)

    def test_only_the_administrator_is_staff_and_nobody_is_superuser(self):
        self.run_command()
        self.assertEqual(list(User.objects.filter(is_staff=True).values_list("username", flat=True)), ["admin"])
        self.assertFalse(User.objects.filter(is_superuser=True).exists())

    def test_without_a_plan_it_says_so_and_creates_no_focal_points_or_rounds_but_the_cases(self):
        output = self.run_command()
        self.assertIn("No plan with measures yet (run import_plan), so no demo reporting rounds.", output)
        self.assertEqual(User.objects.count(), len(DEMO_USERS))
        self.assertFalse(ReportingRound.objects.exists())
        self.assertIn("Demo cases created: 5 (Hope Support Union).", output)
        self.assertIn("Past victim cases created: 50 (registered in 2015–2017).", output)


class SeedDemoWithPlanTests(TestCase):
    """With the bundled plan imported, as `make run` does before seeding. (The plan has a round already, so that the
    demo rounds, tested in monitoring/tests/test_demo.py, are not replayed here.)"""

    @classmethod
    def setUpTestData(cls):
        cls.plan = import_plan_file(BUNDLED_PLAN).plan
        ReportingRound.objects.create(plan=cls.plan, year=2014, opens_on=date(2015, 1, 10), due_on=date(2015, 2, 15))
        out = io.StringIO()
        call_command("seed_demo", password="demo-password-1", stdout=out)
        cls.output = out.getvalue()

    def focal_points(self):
        return User.objects.filter(groups__name=Role.FOCAL_POINT).select_related("organisation")

    def test_every_body_carrying_out_measures_gets_one_focal_point_who_can_sign_in(self):
        executors = Participation.objects.filter(measure__plan=self.plan, role=Participation.Role.EXECUTOR)
        bodies = set(executors.filter(organisation__is_class=False).values_list("organisation__name", flat=True))
        focal_points = list(self.focal_points())
        self.assertEqual(sorted(user.organisation.name for user in focal_points), sorted(bodies))
        for user in focal_points:
            self.assertEqual(set(user.roles), {Role.FOCAL_POINT})
            self.assertTrue(user.username.startswith("focal."), user.username)
            self.assertTrue(user.first_name and user.last_name, user.username)
            self.assertTrue(user.check_password("demo-password-1"), user.username)
            self.assertFalse(user.is_staff or user.is_superuser)
        self.assertEqual(User.objects.get(username="focal.mia").organisation.name, "Ministry of Internal Affairs")

    def test_the_output_keeps_the_users_table_and_sums_up_the_other_focal_points_in_one_line(self):
        extra = self.focal_points().exclude(username__in=[demo.username for demo in DEMO_USERS])
        lines = [line for line in self.output.splitlines() if "focal points" in line]
        self.assertEqual(len(lines), 1)
        self.assertIn(f"… and {extra.count()} more focal points ({extra.count()} new)", lines[0])
        self.assertIn("focal.mlspp, focal.scfwcp, focal.me", lines[0])  # the bodies with the most measures
        for demo in DEMO_USERS:
            self.assertIn(f"  {demo.username:<13} {Role(demo.role).label:<32} {demo.organisation} (new)", self.output)
        self.assertLess(len(self.output.splitlines()), len(DEMO_USERS) + 14)  # + cases, rounds and registers lines
        self.assertIn("Reporting rounds exist already (2014 (open)); no demo rounds created.", self.output)
        self.assertIn("Past victim cases created: 50 (registered in 2015–2017).", self.output)

    def test_running_it_again_creates_no_focal_points(self):
        before = list(User.objects.order_by("pk").values_list("pk", "username", "password"))
        out = io.StringIO()
        call_command("seed_demo", password="another-password", stdout=out)
        self.assertEqual(list(User.objects.order_by("pk").values_list("pk", "username", "password")), before)
        self.assertNotIn("new)", out.getvalue())
        self.assertIn("Past victim cases exist already; none created.", out.getvalue())

    def test_focal_point_user_names_are_made_of_the_bodys_initials(self):
        self.assertEqual(focal_point_username("Ministry of Internal Affairs"), "focal.mia")
        self.assertEqual(focal_point_username("State Committee for Family, Woman and Child Problems"), "focal.scfwcp")
        self.assertEqual(focal_point_username("«Azerbaijan Television» Closed Joint Stock Company"), "focal.atcjsc")
