"""Bulk import of case records (cases.importers): the template export_cases writes, import_cases reading it back,
every bad row reported at once, and all or nothing."""

import csv
import datetime
import io
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from cases import importers
from cases.importers import HEADINGS, CaseImportError, import_cases_file
from cases.management.commands.import_cases import Command as ImportCommand
from cases.models import Case, ExploitationForm, Person, ReflectionPeriod, StatusChange
from cases.services import case_create
from ctims.testing import BaseTestCase
from organisations.models import Organisation, OrganisationAlias

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID_CSV = FIXTURES / "cases_valid.csv"  # UTF-8 with a byte order mark, as Excel saves it
VALID_XLSX = FIXTURES / "cases_valid.xlsx"  # the same rows, with date and number cells and a blank row at the end
INVALID_CSV = FIXTURES / "cases_invalid.csv"

# Every problem of cases_invalid.csv, in the order the import reports them.
INVALID_CSV_ERRORS = [
    "row 2, column registrationDate: not a date: write YYYY-MM-DD",
    "row 2, column gender: 'F' is not one of: Female, Male, Transgender/NonConforming, Unknown, other",
    "row 3, column caseOwner: no organisation is named 'Ministry of Magic' in CTIMS",
    "row 3, column source: required",
    "row 3, column citizenship: 'Azerbaijan' is not an ISO 3166 alpha-2 country code (such as AZ)",
    "row 4, column legalStatus: a closed case was identified or not identified before it was closed: give which",
    "row 4, column presumedDate: is before the registrationDate",
    "row 4, column closedDate: required for a closed case",
    "row 6: the same as row 5",
    "row 7, column givenName: the same person (given name, family name and date of birth) as row 5",
    "row 8, column registrationDate: is in the future",
    "row 8, column typeOfExploitConcatenated: 'slavery' is not one of: sexual, forced_labour, begging, "
    "forced_criminality, forced_marriage, organ_removal, other",
    "row 8, column givenName: longer than 100 characters (it has 101)",
    "row 8, column yearOfBirth: not a whole number",
    "row 9, column presumedDate: a potential victim has no presumed date: leave it empty, or give the legalStatus",
    "row 9, column dateOfBirth: not a date: write YYYY-MM-DD",
]
IDENTIFIERS_IN_INVALID_CSV = ("Aynur", "Nigar", "Əliyeva", "1995-08-08", "1990-02-30")


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Case, Person, ExploitationForm, ReflectionPeriod, StatusChange, AuditEvent)
    }


def raw_person_column(person_id: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {Person._meta.db_table} WHERE id = %s", [person_id])
        return cursor.fetchone()[0]


class ImportTestCase(BaseTestCase):
    def tmp(self) -> Path:
        return Path(self.enterContext(tempfile.TemporaryDirectory()))

    def import_file(self, path: Path, *options: str) -> str:
        out = io.StringIO()
        call_command("import_cases", str(path), "--actor", "carol", "--no-progress", *options, stdout=out)
        return out.getvalue()

    def assertImported(self, path: Path) -> None:
        """The three cases of the valid fixtures, as the rows describe them."""
        cases = {case.person.given_name: case for case in Case.objects.select_related("person", "owner")}
        aynur, leyla, anonymous = cases["Aynur"], cases["Leyla"], cases[""]
        self.assertEqual((aynur.owner, leyla.owner, anonymous.owner), (self.ngo, self.other_ngo, self.ngo))
        self.assertEqual(
            [aynur.status, leyla.status, anonymous.status], [Case.Status.POTENTIAL, Case.Status.PRESUMED, "closed"]
        )
        self.assertEqual(aynur.reference, "NRM-2016-00001")
        self.assertEqual(leyla.reference, "NRM-2016-00002")
        self.assertEqual(anonymous.reference, "NRM-2017-00001")
        self.assertEqual(aynur.person.date_of_birth, datetime.date(1998, 5, 2))
        self.assertEqual(aynur.person.year_of_birth, 1998)  # taken from the date of birth, as case_create does
        self.assertEqual((aynur.person.documents, aynur.person.region), ("passport AZE 1234567", "Şəki"))
        self.assertEqual((leyla.person.sex, leyla.person.citizenship, leyla.presumed_child), ("female", "AZ", True))
        self.assertEqual(leyla.exploitation_countries, "TR;AE")
        self.assertEqual(set(leyla.exploitation_forms.values_list("form", flat=True)), {"sexual", "forced_labour"})
        self.assertEqual(list(anonymous.exploitation_forms.values_list("form", flat=True)), ["begging"])
        self.assertEqual((anonymous.person.sex, anonymous.person.estimated_age), ("male", 16))
        self.assertEqual(aynur.created_by, self.carol)
        # A presumed case has its reflection period from the presumed date; a closed one, the change that closed it.
        period = leyla.reflection_periods.get()
        self.assertEqual((period.starts_on, period.days), (datetime.date(2016, 7, 2), 30))
        closing = anonymous.status_changes.get()
        self.assertEqual((closing.from_status, closing.to_status), ("identified", "closed"))
        # One audit event for the whole import, naming the row count and the file, and no event per case.
        events = AuditEvent.objects.filter(action__startswith="case")
        self.assertEqual(
            [(e.action, e.actor, e.details) for e in events],
            [("cases.import", self.carol, {"rows": 3, "file": path.name})],
        )


class ExportTemplateTests(ImportTestCase):
    def test_csv_template_is_the_headings_only(self):
        path = self.tmp() / "template.csv"
        call_command("export_cases", "--template", "-o", str(path), stdout=io.StringIO())
        with path.open(encoding="utf-8-sig", newline="") as source:
            self.assertEqual(list(csv.reader(source)), [HEADINGS])

    def test_xlsx_template_explains_every_column_on_a_second_sheet(self):
        path = self.tmp() / "template.xlsx"
        out = io.StringIO()
        call_command("export_cases", "--template", "-o", str(path), stdout=out)
        self.assertEqual(out.getvalue(), f"Import template with {len(HEADINGS)} columns written to {path}\n")
        workbook = load_workbook(path)
        self.assertEqual(workbook.sheetnames, ["Cases", "Columns"])
        self.assertEqual([list(row) for row in workbook["Cases"].values], [HEADINGS])
        guide = {row[0]: row[1:] for row in workbook["Columns"].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(list(guide), HEADINGS)
        self.assertEqual(guide["gender"][:2], (None, "Female, Male, Transgender/NonConforming, Unknown"))
        self.assertEqual(guide["source"][:2], ("yes", "police, ngo, hotline, consulate, self, other"))
        self.assertTrue(all(meaning for _required, _allowed, meaning, _origin in guide.values()))

    def test_htcds_names_are_used_where_the_standard_has_the_field(self):
        for name in ("gender", "citizenship", "CountryOfExploitation", "typeOfExploitConcatenated", "Status"):
            self.assertIn(name, HEADINGS)

    def test_other_formats_and_a_missing_template_flag_are_refused(self):
        with self.assertRaisesMessage(CommandError, "template.txt: expected a .csv or .xlsx file"):
            call_command("export_cases", "--template", "-o", str(self.tmp() / "template.txt"))
        with self.assertRaisesMessage(CommandError, "give --template"):
            call_command("export_cases", "-o", str(self.tmp() / "cases.csv"))


class ImportRoundTripTests(ImportTestCase):
    def test_template_filled_in_is_imported_with_identifiers_encrypted(self):
        path = self.tmp() / "filled.xlsx"
        call_command("export_cases", "--template", "-o", str(path), stdout=io.StringIO())
        workbook = load_workbook(path)
        for row in load_workbook(VALID_XLSX)["Cases"].iter_rows(min_row=2, values_only=True):
            workbook["Cases"].append(row)
        workbook.save(path)

        output = self.import_file(path, "--owner", "Hope Support Union")

        self.assertRegex(output, r"^3 cases imported from filled\.xlsx in \d+\.\d s \(\d+ rows/s\)\.\n$")
        self.assertImported(path)
        aynur = Person.objects.get(case__reference="NRM-2016-00001")
        for column, plaintext in [("given_name", "Aynur"), ("family_name", "Quliyeva"), ("phone", "+994 50")]:
            stored = raw_person_column(aynur.pk, column)
            self.assertTrue(stored.startswith("gAAAA"), column)  # a Fernet token
            self.assertNotIn(plaintext, stored)
        self.assertNotIn("1998", raw_person_column(aynur.pk, "date_of_birth"))

    def test_csv_with_a_byte_order_mark_is_read(self):
        self.import_file(VALID_CSV, "--owner", "Hope Support Union")
        self.assertImported(VALID_CSV)

    def test_csv_without_a_byte_order_mark_is_read(self):
        path = self.tmp() / "plain.csv"
        path.write_text(VALID_CSV.read_text(encoding="utf-8-sig"), encoding="utf-8")
        self.import_file(path, "--owner", "Hope Support Union")
        self.assertImported(path)

    def test_references_continue_the_sequence_of_case_create(self):
        case_create(actor=self.carol, person={"sex": "female"}, source="ngo")
        year = timezone.localdate().year
        path = self.tmp() / "more.csv"
        path.write_text(f"registrationDate,source\n{datetime.date(year, 1, 1)},police\n", encoding="utf-8")
        self.import_file(path, "--owner", "Hope Support Union")
        self.assertEqual(Case.objects.latest("pk").reference, f"NRM-{year}-00002")

    def test_an_owner_may_be_named_by_an_alias(self):
        OrganisationAlias.objects.create(organisation=self.other_ngo, name="CPPU")
        path = self.tmp() / "alias.csv"
        path.write_text("caseOwner,registrationDate,source\nCPPU,2016-01-01,ngo\n", encoding="utf-8")
        self.import_file(path)
        self.assertEqual(Case.objects.get().owner, self.other_ngo)


class ImportRefusalTests(ImportTestCase):
    def test_every_row_error_is_reported_at_once_and_nothing_is_imported(self):
        before = row_counts()
        with self.assertRaises(CaseImportError) as raised:
            import_cases_file(INVALID_CSV, actor=self.carol, owner=self.ngo)
        self.assertEqual([str(error) for error in raised.exception.errors], INVALID_CSV_ERRORS)
        self.assertEqual(row_counts(), before)

    def test_errors_never_repeat_an_identifier(self):
        with self.assertRaises(CaseImportError) as raised:
            import_cases_file(INVALID_CSV, actor=self.carol, owner=self.ngo)
        for identifier in IDENTIFIERS_IN_INVALID_CSV:
            self.assertNotIn(identifier, str(raised.exception))

    def test_unknown_organisation_is_refused_in_a_row_and_as_owner(self):
        path = self.tmp() / "unknown.csv"
        path.write_text("caseOwner,registrationDate,source\nHope Support Onion,2016-01-01,ngo\n", encoding="utf-8")
        with self.assertRaisesMessage(
            CaseImportError, "row 2, column caseOwner: no organisation is named 'Hope Support Onion' in CTIMS"
        ):
            import_cases_file(path, actor=self.carol)
        with self.assertRaisesMessage(CaseImportError, "--owner: no organisation is named 'Nowhere' in CTIMS"):
            import_cases_file(VALID_CSV, actor=self.carol, owner="Nowhere")
        self.assertFalse(Case.objects.exists())

    def test_a_class_of_bodies_cannot_own_a_case(self):
        Organisation.objects.create(name="Non-governmental organisations", is_class=True)
        path = self.tmp() / "class.csv"
        path.write_text(
            "caseOwner,registrationDate,source\nNon-governmental organisations,2016-01-01,ngo\n", encoding="utf-8"
        )
        with self.assertRaisesMessage(CaseImportError, "'Non-governmental organisations' is a class of bodies"):
            import_cases_file(path, actor=self.carol)

    def test_a_row_without_owner_needs_the_owner_option(self):
        path = self.tmp() / "no-owner.csv"
        path.write_text("registrationDate,source\n2016-01-01,ngo\n", encoding="utf-8")
        with self.assertRaisesMessage(CaseImportError, "row 2, column caseOwner: required (or give --owner)"):
            import_cases_file(path, actor=self.carol)

    def test_headings_that_are_not_the_template_are_reported_before_any_row(self):
        path = self.tmp() / "headings.csv"
        path.write_text("Owner,source,source,gender\nx,ngo,ngo,Mars\n", encoding="utf-8")
        with self.assertRaises(CaseImportError) as raised:
            import_cases_file(path, actor=self.carol, owner=self.ngo)
        self.assertEqual(
            [str(error) for error in raised.exception.errors],
            [
                "row 1, column registrationDate: missing: the template requires this column",
                "row 1, column source: appears twice",
                "row 1, column Owner: not a column of the template",
            ],
        )

    def test_a_file_without_rows_or_headings_is_refused(self):
        headings_only = self.tmp() / "headings-only.csv"
        headings_only.write_text("registrationDate,source\n,\n", encoding="utf-8")
        with self.assertRaisesMessage(CaseImportError, "row 2: no case rows below the headings"):
            import_cases_file(headings_only, actor=self.carol, owner=self.ngo)
        empty = self.tmp() / "empty.csv"
        empty.write_text("", encoding="utf-8")
        with self.assertRaisesMessage(CaseImportError, "row 1: the headings are missing"):
            import_cases_file(empty, actor=self.carol, owner=self.ngo)

    def test_files_that_are_not_csv_or_xlsx_are_refused(self):
        path = self.tmp() / "cases.xlsx"
        path.write_text("not a workbook")
        with self.assertRaisesMessage(CaseImportError, "cases.xlsx: not an Excel workbook (.xlsx)"):
            import_cases_file(path, actor=self.carol, owner=self.ngo)
        latin = self.tmp() / "latin.csv"
        latin.write_bytes(b"registrationDate,source,givenName\n2016-01-01,ngo,\xfe\xe7\n")
        with self.assertRaisesMessage(CaseImportError, "latin.csv: not UTF-8 text"):
            import_cases_file(latin, actor=self.carol, owner=self.ngo)


class ImportAtomicityTests(ImportTestCase):
    def test_a_database_error_midway_leaves_nothing_behind(self):
        """Rows inserted one batch at a time; the third row's reference collides with the first's in the database."""
        before = row_counts()
        take = importers.References.take
        taken = []

        def colliding_reference(references, year):
            taken.append(take(references, year))
            return taken[0] if len(taken) == 3 else taken[-1]

        with (
            mock.patch.object(importers, "BATCH_SIZE", 1),
            mock.patch.object(importers.References, "take", colliding_reference),
            self.assertRaises(IntegrityError),
        ):
            import_cases_file(VALID_CSV, actor=self.carol, owner=self.ngo)
        self.assertEqual(len(taken), 3)  # two rows were inserted before the failure
        self.assertEqual(row_counts(), before)

    def test_a_failing_audit_event_takes_the_cases_with_it(self):
        before = row_counts()
        with (
            mock.patch.object(importers, "event_record", side_effect=RuntimeError("audit trail unavailable")),
            self.assertRaisesMessage(RuntimeError, "audit trail unavailable"),
        ):
            import_cases_file(VALID_CSV, actor=self.carol, owner=self.ngo)
        self.assertEqual(row_counts(), before)


class ImportCommandTests(ImportTestCase):
    def run_command(self, *argv: str) -> tuple[int, str, str]:
        """Runs the command as manage.py would: (exit code, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        command = ImportCommand(stdout=out, stderr=err)
        # run_from_argv closes every connection when it ends, which would end the test's transaction too.
        try:
            with mock.patch.object(connections, "close_all"):
                command.run_from_argv(["manage.py", "import_cases", *argv])
        except SystemExit as exit:
            return exit.code, out.getvalue(), err.getvalue()
        return 0, out.getvalue(), err.getvalue()

    def test_invalid_file_exits_non_zero_and_lists_every_problem(self):
        code, out, err = self.run_command(str(INVALID_CSV), "--actor", "carol", "--owner", "Hope Support Union")
        self.assertEqual((code, out), (1, ""))
        self.assertIn("CommandError: cases_invalid.csv: 16 problems; nothing was imported.\n", err)
        for error in INVALID_CSV_ERRORS:
            self.assertIn(error, err)
        for identifier in IDENTIFIERS_IN_INVALID_CSV:
            self.assertNotIn(identifier, err)
        self.assertFalse(Case.objects.exists())

    def test_valid_file_exits_zero_reports_rows_per_second_and_shows_progress(self):
        code, out, err = self.run_command(str(VALID_XLSX), "--actor", "carol", "--owner", "Hope Support Union")
        self.assertEqual(code, 0)
        self.assertRegex(out, r"^3 cases imported from cases_valid\.xlsx in \d+\.\d s \(\d+ rows/s\)\.\n$")
        self.assertIn("Checking rows: 100%", err)
        self.assertIn("Importing cases: 100%", err)
        self.assertImported(VALID_XLSX)

    def test_unknown_actor_is_refused(self):
        code, _out, err = self.run_command(str(VALID_CSV), "--actor", "nobody")
        self.assertEqual(code, 1)
        self.assertIn("--actor: no user is named 'nobody'", err)

    def test_the_file_name_in_the_audit_event_is_the_base_name_only(self):
        path = self.tmp() / "deep" / "cases.csv"
        path.parent.mkdir()
        shutil.copy(VALID_CSV, path)
        self.import_file(path, "--owner", "Hope Support Union")
        self.assertEqual(AuditEvent.objects.get(action="cases.import").details, {"rows": 3, "file": "cases.csv"})
