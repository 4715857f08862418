from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.importers import BUNDLED_PLAN, import_plan_file
from plans.parsing import PlanFormatError


class Command(BaseCommand):
    help = (
        "Import an action plan from its text (the seed's format), or from a spreadsheet (.xlsx or .csv, one row "
        "per measure: Number, Direction, Text, Bodies, Duration). Creates or updates; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", type=Path, help=f"the plan file (default: the bundled {BUNDLED_PLAN.name})"
        )
        parser.add_argument("--title", help="the plan's title (required for .csv)")
        parser.add_argument("--country", help="the plan's country (required for .csv)")
        parser.add_argument("--start-year", type=int, help="the plan's first year (required for .csv)")
        parser.add_argument("--end-year", type=int, help="the plan's last year (required for .csv)")
        parser.add_argument("--adopted", type=date.fromisoformat, help="date the plan was adopted, YYYY-MM-DD")

    def handle(self, *args, file, title, country, start_year, end_year, adopted, **options):
        path = file or BUNDLED_PLAN
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        overrides = {"title": title, "country": country, "start_year": start_year, "end_year": end_year}
        try:
            result = import_plan_file(path, overrides=overrides, adopted=adopted)
        except PlanFormatError as error:
            place = f"{path.name}, {error}" if error.where else f"{path.name}: {error}"
            raise CommandError(f"{place} — nothing was imported.") from None
        plan = result.plan
        self.stdout.write(
            f"{plan.title} ({plan.period}): {plan.directions.count()} directions, {plan.measures.count()} measures. "
            f"{result.summary().capitalize()}."
        )
