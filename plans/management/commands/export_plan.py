import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.exports import plan_as_dict, write_csv, write_xlsx
from plans.models import Plan
from plans.selectors import measure_list


class Command(BaseCommand):
    help = "Export a plan as JSON (the stable contract), XLSX or CSV. The XLSX/CSV files are import_plan's input."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "xlsx", "csv"], default="json")
        parser.add_argument("--plan", type=int, help="the plan's id (default: the latest plan)")
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--template", action="store_true", help="an empty spreadsheet to fill in for a new plan")

    def handle(self, *args, format, plan, output, template, **options):
        if template:
            if format == "json":
                raise CommandError("--template makes a spreadsheet: use --format xlsx or csv")
            chosen, measures = None, []
        else:
            chosen = self._plan(plan)
            measures = measure_list(plan=chosen)
        if format == "json":
            self._write_text(json.dumps(plan_as_dict(chosen), ensure_ascii=False, indent=2) + "\n", output)
        elif format == "csv":
            buffer = io.StringIO()
            write_csv(measures, buffer)
            self._write_text(buffer.getvalue(), output)
        else:
            if output is None:
                raise CommandError("an XLSX export needs --output FILE")
            with output.open("wb") as stream:
                write_xlsx(chosen, measures, stream)
            self.stderr.write(f"Wrote {output}")

    @staticmethod
    def _plan(plan_id: int | None) -> Plan:
        plans = Plan.objects.filter(measures__isnull=False).distinct()
        chosen = plans.filter(pk=plan_id).first() if plan_id else plans.order_by("-start_year", "-pk").first()
        if chosen is None:
            raise CommandError(f"no plan with id {plan_id}" if plan_id else "no plan has been imported yet")
        return chosen

    def _write_text(self, text: str, output: Path | None) -> None:
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
