"""`manage.py annual_report --year 2016 --edition public --format pdf -o report.pdf`: the annual report, from the
command line, as the Coordinator's page makes it. `--issue --actor USER` issues it (a frozen new version) and writes
the issued file."""

import json
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports import render
from reports.build import PUBLIC_METHODS, report_build
from reports.forms import report_years
from reports.models import FORMATS, Edition
from reports.services import report_file, report_issue

TEXT_FORMATS = ("html", "json")


class Command(BaseCommand):
    help = "Builds the annual report for a year as PDF, DOCX, XLSX, HTML or JSON; --issue freezes it as a version."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--edition", choices=Edition.values, default=Edition.PUBLIC)
        parser.add_argument("--format", choices=[*FORMATS, *TEXT_FORMATS], default="pdf")
        parser.add_argument("-o", "--output", required=True, help="The file to write.")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES])
        parser.add_argument(
            "--method",
            choices=PUBLIC_METHODS,
            help="Public edition: suppress small counts, or add differential-privacy noise "
            "(default: REPORT_PUBLIC_METHOD).",
        )
        parser.add_argument("--epsilon", type=float, help="With --method noise: ε per count (default REPORT_EPSILON).")
        parser.add_argument("--issue", action="store_true", help="Issue the report (needs --actor).")
        parser.add_argument("--actor", help="Username of the National Coordinator issuing the report.")
        parser.add_argument("--note", default="", help="With --issue: what this version corrects.")

    def handle(self, *args, **options):
        year, edition, fmt = options["year"], options["edition"], options["format"]
        if year not in report_years():
            raise CommandError(f"No plan covers {year}: choose one of {', '.join(map(str, report_years())) or 'none'}.")
        started = time.perf_counter()
        if options["issue"]:
            content = self._issue(year, edition, fmt, options)
        else:
            report = report_build(
                year=year,
                edition=edition,
                language=options["language"],
                method=options["method"],
                epsilon=options["epsilon"],
            )
            content = self._draw(report, fmt)
        try:
            with open(options["output"], "wb") as output:
                output.write(content)
        except OSError as error:
            raise CommandError(f"Could not write {options['output']}: {error.strerror}.") from None
        self.stdout.write(
            f"Annual report {year} ({edition}, {fmt}) written to {options['output']} "
            f"in {time.perf_counter() - started:.1f} s"
        )

    def _issue(self, year: int, edition: str, fmt: str, options) -> bytes:
        if options["method"] or options["epsilon"]:
            raise CommandError(
                "An issued report uses the method of the settings (REPORT_PUBLIC_METHOD, REPORT_EPSILON)."
            )
        if fmt not in FORMATS:
            raise CommandError(f"An issued report is kept as {', '.join(FORMATS)}; --format {fmt} is not one of them.")
        try:
            actor = get_user_model().objects.get(username=options["actor"] or "")
        except get_user_model().DoesNotExist:
            raise CommandError("--issue needs --actor, the username of the National Coordinator.") from None
        if not actor.has_perm("reports.issue_annual_report"):
            raise CommandError(f"{actor.username} may not issue the annual report: only the National Coordinator may.")
        issued = report_issue(
            year=year, edition=edition, actor=actor, language=options["language"], note=options["note"]
        )
        self.stdout.write(f"Issued as version {issued.version} ({issued.uid}).")
        return issued.file(fmt)

    def _draw(self, report, fmt: str) -> bytes:
        if fmt == "html":
            return render.html_page(report).encode()
        if fmt == "json":
            return json.dumps(report.to_dict(), ensure_ascii=False, indent=1).encode()
        return report_file(report, fmt)
