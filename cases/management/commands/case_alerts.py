"""`manage.py case_alerts`: the alerts about victim cases (cases.alerts), meant to run once a day from a timer."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.alerts import FAILED, KINDS, send_case_alerts
from monitoring.management.commands.send_reminders import iso_date


def summary(counts) -> str:
    """E.g. "2 period-ending, 1 referral-overdue, 0 referral-waiting, 0 review-overdue alerts sent"."""
    line = ", ".join(f"{counts[kind]} {kind}" for kind in KINDS) + " alerts sent"
    if counts[FAILED]:
        line += f"; {counts[FAILED]} failed (to be tried again on the next run)"
    return line


def as_of(day: datetime.date | None) -> datetime.datetime:
    """Now, or the given day at the present time of day (the 24-hour and 3-day clocks need a moment, not a day)."""
    now = timezone.localtime()
    if day is None:
        return now
    return timezone.make_aware(datetime.datetime.combine(day, now.time().replace(tzinfo=None)))


class Command(BaseCommand):
    help = (
        "Emails case workers about reflection periods ending without a decision, presumed victims not referred to "
        "the competent body within 24 hours, and referrals waiting for an answer. Never sends the same alert twice: "
        "run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=iso_date, help="Run as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, **options):
        day = options["date"]
        if isinstance(day, str):  # call_command(..., date="…") passes the value unparsed
            day = iso_date(day)
        counts = send_case_alerts(now=as_of(day))
        self.stdout.write(summary(counts))
        if counts[FAILED]:
            raise CommandError(f"{counts[FAILED]} alerts could not be sent; see the log.")
