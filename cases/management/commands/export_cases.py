"""`manage.py export_cases --template -o FILE.csv|FILE.xlsx`: writes the empty template that `import_cases` reads,
with a sheet that explains each column in the .xlsx."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.importers import COLUMNS, UNKNOWN_FORMAT, write_template

TEMPLATE_ONLY = "Only the template can be exported for now: give --template."


class Command(BaseCommand):
    help = (
        "Writes the import template for `import_cases`: the HTCDS-aligned headings (.csv), and what each means (.xlsx)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, required=True, help="the .csv or .xlsx file to write")
        parser.add_argument("--template", action="store_true", help="the empty template (no cases)")

    def handle(self, *args, output: Path, template: bool, **options):
        if not template:
            raise CommandError(TEMPLATE_ONLY)
        try:
            write_template(output)
        except ValueError:
            raise CommandError(f"{output.name}: {UNKNOWN_FORMAT}") from None
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror}.") from None
        self.stdout.write(f"Import template with {len(COLUMNS)} columns written to {output}")
