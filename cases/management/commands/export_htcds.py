"""`manage.py export_htcds --output FILE.csv [--year YYYY]`: the pseudonymised HTCDS-aligned export (cases.htcds) of
every case, or of the cases registered in one year, for the National Coordinator's statistics. Audited."""

import csv
import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.services import event_record
from cases.htcds import htcds_rows
from cases.models import Case


def write_csv(path: str, headings: list[str], rows: list[list]) -> None:
    """Written readable by its owner only: pseudonymised is not anonymous."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", newline="", encoding="utf-8") as output:
        writer = csv.writer(output)
        writer.writerow(headings)
        writer.writerows(rows)


class Command(BaseCommand):
    help = (
        "Writes one CSV row per case, aligned with IOM's Human Trafficking Case Data Standard, without names, dates "
        "of birth, documents or the case reference (replaced by an identifier drawn afresh for each export)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The CSV file to write.")
        parser.add_argument("--year", type=int, help="Only the cases registered in this year.")

    def handle(self, *args, **options):
        path, year = options["output"], options["year"]
        cases = Case.objects.all()
        if year is not None:
            cases = cases.filter(created_at__year=year)
        headings, rows = htcds_rows(cases)
        try:
            with transaction.atomic():
                write_csv(path, headings, rows)
                event_record(actor=None, action="cases.export_htcds", details={"rows": len(rows), "year": year})
        except OSError as error:
            raise CommandError(f"Could not write {path}: {error.strerror}.") from None
        except Exception:
            os.remove(path)  # an export that is not in the audit trail does not stay on disk
            raise
        self.stdout.write(f"{len(rows)} cases written to {path}")
