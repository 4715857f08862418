"""`manage.py erase_expired_identifiers [--dry-run]`: erase the identifiers of cases closed longer ago than
CASE_RETENTION_YEARS (cases.retention). Meant for a daily systemd timer."""

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.retention import cases_past_retention, identifiers_erase


class Command(BaseCommand):
    help = "Erases the identifiers of cases closed more than CASE_RETENTION_YEARS ago; statistics keep their figures."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the cases, erase nothing.")

    def handle(self, *args, dry_run: bool, **options):
        years = settings.CASE_RETENTION_YEARS
        if dry_run:
            count = cases_past_retention().count()
            self.stdout.write(f"{count} closed cases are past the retention period of {years} years (nothing erased).")
            return
        erased = identifiers_erase()
        self.stdout.write(f"Identifiers erased from {len(erased)} cases closed more than {years} years ago.")
