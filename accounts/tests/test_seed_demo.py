import io

from django.core.management import call_command
from django.test import TestCase

from accounts.demo import DEMO_USERS
from accounts.models import User
from accounts.roles import Role


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
