"""`manage.py import_cases FILE --actor USERNAME [--owner "Organisation name"]`: imports existing case records from a
.csv or .xlsx file in the template of `export_cases --template` (cases.importers). Every row is checked first and every
problem reported with its row and column; one bad row and nothing is imported."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.importers import CaseImportError, import_cases_file

NO_SUCH_USER = "--actor: no user is named {username!r}"


class Command(BaseCommand):
    help = (
        "Imports case records from a .csv (UTF-8) or .xlsx file in the template that `export_cases --template` "
        "writes. All or nothing: every row is checked first, and every problem is reported with its row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .csv or .xlsx file")
        parser.add_argument(
            "--actor", required=True, help="the username recorded as having created the cases (and in the audit)"
        )
        parser.add_argument("--owner", help="the organisation that owns the rows whose caseOwner column is empty")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, file: Path, actor: str, owner: str | None, no_progress: bool, **options):
        user = get_user_model().objects.filter(username=actor).first()
        if user is None:
            raise CommandError(NO_SUCH_USER.format(username=actor))
        # The bars go to the real stream: the command's wrapper would end every redraw with a new line.
        progress = False if no_progress else self.stderr._out
        try:
            result = import_cases_file(file, actor=user, owner=owner, progress=progress)
        except CaseImportError as error:
            count = len(error.errors)
            raise CommandError(
                f"{file.name}: {count} problem{'s' if count != 1 else ''}; nothing was imported.\n{error}"
            ) from None
        self.stdout.write(
            f"{result.rows} cases imported from {file.name} in {result.seconds:.1f} s ({result.rate:.0f} rows/s)."
        )
