from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import demo_seed
from accounts.roles import CASE_DATA_ROLES, Role


class Command(BaseCommand):
    help = "Create demo organisations and one demo user per role (only what is missing), and print their logins."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=settings.DEMO_PASSWORD, help="password for newly created users")

    def handle(self, *args, password, **options):
        results = demo_seed(password=password)
        self.stdout.write(f"\nDemo users (password for new users: {password})\n")
        self.stdout.write(f"  {'user name':<13} {'role':<32} organisation")
        for demo, created in results:
            note = " (new)" if created else ""
            second = "  [sets up 2FA at first sign-in]" if demo.role in CASE_DATA_ROLES else ""
            self.stdout.write(f"  {demo.username:<13} {Role(demo.role).label:<32} {demo.organisation}{note}{second}")
        self.stdout.write("")
