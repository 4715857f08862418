"""`manage.py send_reminders`: the reminders of the open reporting rounds, meant to run once a day from a timer."""

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError

from monitoring.reminders import FAILED, KINDS, SKIPPED, send_reminders


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date of the form YYYY-MM-DD.") from None


def summary(counts) -> str:
    """E.g. "3 due-soon, 1 overdue, 2 returned, 1 digest reminders sent; 1 skipped (no email address)"."""
    line = ", ".join(f"{counts[kind]} {kind}" for kind in KINDS) + " reminders sent"
    if counts[SKIPPED]:
        line += f"; {counts[SKIPPED]} skipped (no email address)"
    if counts[FAILED]:
        line += f"; {counts[FAILED]} failed (to be tried again on the next run)"
    return line


class Command(BaseCommand):
    help = (
        "Emails focal points before a round's due date, when it is overdue and when a report was returned, and sends "
        "the Coordinator a daily digest. Never sends the same reminder twice: run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=iso_date, help="Run as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, **options):
        day = options["date"]
        if isinstance(day, str):  # call_command(..., date="…") passes the value unparsed
            day = iso_date(day)
        counts = send_reminders(today=day)
        self.stdout.write(summary(counts))
        if counts[FAILED]:
            raise CommandError(f"{counts[FAILED]} reminders could not be sent; see the log.")
