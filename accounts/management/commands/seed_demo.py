from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_USERS, demo_focal_points, demo_seed
from accounts.models import User
from accounts.roles import SECOND_FACTOR_ROLES, Role
from cases.demo import demo_cases
from cases.demo_history import demo_case_history
from hotline.demo import demo_hotline
from monitoring.demo import demo_monitoring, demo_plan
from monitoring.models import ReportingRound
from partners.demo import demo_partners
from prevention.demo import demo_prevention
from prosecution.demo import demo_prosecution

DEMO_REGISTERS = [
    ("prevention activities", demo_prevention),
    ("hotline calls", demo_hotline),
    ("criminal cases", demo_prosecution),
    ("partnership entries", demo_partners),
]


class Command(BaseCommand):
    help = (
        "Create demo organisations, one demo user per role, a focal point per body carrying out the plan's measures, "
        "three past reporting rounds, five victim cases of today and about fifty of 2015–2017 (only what is missing), "
        "and print the logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=settings.DEMO_PASSWORD, help="password for newly created users")

    def handle(self, *args, password, **options):
        results = demo_seed(password=password)
        self.stdout.write(f"\nDemo users (password for new users: {password})\n")
        self.stdout.write(f"  {'user name':<13} {'role':<32} organisation")
        for demo, created in results:
            note = " (new)" if created else ""
            second = "  [sets up 2FA at first sign-in]" if demo.role in SECOND_FACTOR_ROLES else ""
            self.stdout.write(f"  {demo.username:<13} {Role(demo.role).label:<32} {demo.organisation}{note}{second}")
        cases = demo_cases()
        self.stdout.write(
            f"\nDemo cases created: {cases} (Hope Support Union)." if cases else "\nCases exist already; no demo cases."
        )
        plan = demo_plan()
        if plan is None:
            self.stdout.write("\nNo plan with measures yet (run import_plan), so no demo reporting rounds.")
        else:
            self.write_focal_points(demo_focal_points(plan=plan, password=password))
            self.write_rounds(plan)
            self.write_registers()
        self.write_case_history()
        self.stdout.write("")

    def write_focal_points(self, focal_points: list[tuple[User, bool]]) -> None:
        listed = {demo.username for demo in DEMO_USERS}
        extra = [(user, created) for user, created in focal_points if user.username not in listed]
        if not extra:
            return
        created = sum(1 for _, new in extra if new)
        note = f" ({created} new)" if created else ""
        examples = ", ".join(user.username for user, _ in extra[:3])
        self.stdout.write(
            f"  … and {len(extra)} more focal points{note}, one per body carrying out measures, e.g. {examples}"
        )

    def write_rounds(self, plan) -> None:
        coordinator = User.objects.get(username="coordinator")
        created = demo_monitoring(plan=plan, coordinator=coordinator)
        rounds = ", ".join(
            f"{r.label} ({r.get_state_display().lower()})"
            for r in ReportingRound.objects.filter(plan=plan).order_by("year", "period_number")
        )
        if created:
            self.stdout.write(f"\nDemo reporting rounds created: {rounds}.")
        else:
            self.stdout.write(f"\nReporting rounds exist already ({rounds}); no demo rounds created.")

    def write_case_history(self) -> None:
        """After the registers: the demo hotline links one of its calls to the first case, which must be one of the
        demo cases of today, not of this history."""
        created = demo_case_history()
        if created:
            self.stdout.write(f"\nPast victim cases created: {created} (registered in 2015–2017).")
        else:
            self.stdout.write("\nPast victim cases exist already; none created.")

    def write_registers(self) -> None:
        """Activities in the registers, recorded by the demo users above (so after the focal points exist)."""
        created = {str(title): seed() for title, seed in DEMO_REGISTERS}
        if any(created.values()):
            listed = ", ".join(f"{count} {title.lower()}" for title, count in created.items() if count)
            self.stdout.write(f"\nDemo register entries created: {listed}.")
        else:
            self.stdout.write("\nRegister entries exist already; no demo entries created.")
