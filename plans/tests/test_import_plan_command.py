"""The import_plan command: its report, its errors, and spreadsheets (.xlsx, .csv) that export_plan writes."""

import io
import json
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase
from openpyxl import Workbook, load_workbook

from organisations.models import Organisation, OrganisationAlias
from plans import importers, parsing
from plans.bodies import EXECUTOR, INVOLVED, RECOMMENDED
from plans.importers import BUNDLED_PLAN
from plans.models import Direction, Measure, Participation, Plan

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TITLE = (
    "The National Action Plan for the years 2014-2018 on combatting trafficking in human beings in Azerbaijan Republic"
)
PLAN_OPTIONS = ["--title", TITLE, "--country", "Azerbaijan", "--start-year", "2014", "--end-year", "2018"]
HEADINGS = ["Number", "Direction", "Text", "Bodies", "Duration"]


def import_plan(*args) -> str:
    out = io.StringIO()
    call_command("import_plan", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def export_json() -> dict:
    out = io.StringIO()
    call_command("export_plan", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Plan, Direction, Measure, Participation, Organisation, OrganisationAlias)
    }


def write_workbook(path: Path, measures: list[list[object]], plan: dict | None = None) -> Path:
    """An .xlsx in the export's layout: a 'Plan' sheet of fields, then a 'Measures' sheet of rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Field", "Value"])
    plan = plan or {"Title": TITLE, "Country": "Azerbaijan", "Start year": 2014, "End year": 2018}
    for field, value in plan.items():
        sheet.append([field, value])
    table = workbook.create_sheet("Measures")
    for row in measures:
        table.append(row)
    workbook.save(path)
    return path


class TemporaryDirectoryMixin:
    def tmp(self) -> Path:
        return Path(self.enterContext(tempfile.TemporaryDirectory()))


class ImportBundledPlanCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = import_plan()  # no file: the bundled plan

    def test_without_a_file_it_imports_the_bundled_plan_and_reports_what_it_did(self):
        self.assertEqual(
            self.output,
            f"{TITLE} (2014–2018): 9 directions, 60 measures. 35 aliases created, 9 directions created, "
            "60 measures created, 32 organisations created, 239 participations created, 1 plan created, "
            "1 predecessor plan created.\n",
        )
        self.assertEqual(list(Plan.objects.filter(measures__isnull=False).distinct().values_list("title")), [(TITLE,)])
        self.assertEqual(Measure.objects.count(), 60)

    def test_importing_the_same_file_again_reports_nothing_to_do(self):
        self.assertEqual(import_plan(BUNDLED_PLAN), f"{TITLE} (2014–2018): 9 directions, 60 measures. Nothing to do.\n")


class ImportPlanCommandErrorTests(TemporaryDirectoryMixin, TestCase):
    def test_a_bad_file_is_rejected_naming_the_file_the_line_and_what_was_expected(self):
        with self.assertRaises(CommandError) as raised:
            import_plan(FIXTURES / "note_unknown_item.txt")
        self.assertEqual(
            str(raised.exception),
            f"note_unknown_item.txt, line 10: {parsing.NOTE_UNKNOWN_ITEM.format(number='13.9.9')}"
            " — nothing was imported.",
        )
        self.assertEqual(set(table_counts().values()), {0})

    def test_a_bad_duration_is_rejected_naming_the_measures_line(self):
        with self.assertRaises(CommandError) as raised:
            import_plan(FIXTURES / "duration_outside_plan.txt")
        self.assertEqual(
            str(raised.exception),
            "duration_outside_plan.txt, line 5: "
            f"{parsing.DURATION_OUTSIDE_PLAN.format(number='13.1.2', text='2019', start=2014, end=2018)}"
            " — nothing was imported.",
        )
        self.assertEqual(set(table_counts().values()), {0})

    def test_a_heading_too_long_to_store_is_rejected_as_a_bad_file_naming_its_line(self):
        with self.assertRaises(CommandError) as raised:
            import_plan(FIXTURES / "second_direction_title_too_long.txt")
        self.assertTrue(str(raised.exception).startswith("second_direction_title_too_long.txt, line 5: "))
        self.assertTrue(str(raised.exception).endswith(" — nothing was imported."))
        self.assertEqual(set(table_counts().values()), {0})

    def test_a_missing_file_is_rejected(self):
        path = self.tmp() / "nowhere.txt"
        with self.assertRaises(CommandError) as raised:
            import_plan(path)
        self.assertEqual(str(raised.exception), f"{path}: no such file")

    def test_a_file_of_another_format_is_rejected_naming_the_file_once(self):
        path = self.tmp() / "plan.pdf"
        path.write_bytes(b"%PDF-1.4")
        with self.assertRaises(CommandError) as raised:
            import_plan(path)
        self.assertEqual(
            str(raised.exception),
            f"plan.pdf: {importers.UNKNOWN_FORMAT.format(suffix='.pdf')} — nothing was imported.",
        )


class SpreadsheetImportTests(TemporaryDirectoryMixin, TestCase):
    def test_a_csv_with_the_plans_details_as_options_is_imported(self):
        import_plan(FIXTURES / "small_plan.csv", *PLAN_OPTIONS)
        plan = Plan.objects.get()
        self.assertEqual((plan.title, plan.country, plan.start_year, plan.end_year), (TITLE, "Azerbaijan", 2014, 2018))
        self.assertEqual(
            list(plan.directions.values_list("number", "title")),
            [("13.1", "Legislative measures"), ("13.2", "Prevention")],
        )
        self.assertEqual(
            [
                (
                    m.number,
                    m.text,
                    (m.start_year, m.end_year, m.recurring),
                    [(p.organisation.name, p.role) for p in m.participations.all()],
                )
                for m in plan.measures.prefetch_related("participations__organisation")
            ],
            [
                (
                    "13.1.1",
                    "Improvement of legislation, as the conventions require",
                    (2014, 2016, False),
                    [("Ministry of Justice", EXECUTOR), ("Related non governmental organizations", INVOLVED)],
                ),
                (
                    "13.1.2",
                    "Ratification of the Convention",
                    (None, None, True),
                    [
                        ("State Committee for Family, Woman and Child Problems", EXECUTOR),
                        ("Supreme Court of the Republic of Azerbaijan", RECOMMENDED),
                    ],
                ),
                (
                    "13.2.1",
                    "Hot lines",
                    (2015, 2015, False),
                    [("Ministry of Internal Affairs", EXECUTOR), ("State Security Service", EXECUTOR)],
                ),
            ],
        )

    def test_a_csv_without_the_plans_title_is_rejected_at_row_1(self):
        with self.assertRaises(CommandError) as raised:
            import_plan(FIXTURES / "small_plan.csv")
        self.assertEqual(
            str(raised.exception),
            f"small_plan.csv, row 1: {parsing.SHEET_PLAN_FIELD_MISSING.format(field='title')} — nothing was imported.",
        )
        self.assertEqual(set(table_counts().values()), {0})

    def test_a_csv_with_a_missing_column_is_rejected_at_row_1(self):
        with self.assertRaises(CommandError) as raised:
            import_plan(FIXTURES / "missing_column.csv", *PLAN_OPTIONS)
        message = parsing.SHEET_MISSING_COLUMNS.format(expected=", ".join(HEADINGS), missing="Duration")
        self.assertEqual(str(raised.exception), f"missing_column.csv, row 1: {message} — nothing was imported.")
        self.assertEqual(set(table_counts().values()), {0})

    def test_a_csv_with_a_bad_row_is_rejected_naming_the_row(self):
        with self.assertRaises(CommandError) as raised:
            import_plan(FIXTURES / "bad_row.csv", *PLAN_OPTIONS)
        message = parsing.DURATION_INVALID.format(number="13.1.2", text="soon")
        self.assertEqual(str(raised.exception), f"bad_row.csv, row 3: {message} — nothing was imported.")
        self.assertEqual(set(table_counts().values()), {0})

    def test_an_xlsx_with_a_missing_column_is_rejected_at_row_1(self):
        path = write_workbook(
            self.tmp() / "missing.xlsx",
            [
                ["Number", "Direction", "Text", "Duration"],
                ["13.1.1", "13.1 Legislative measures", "First legislative measure", "2015"],
            ],
        )
        with self.assertRaises(CommandError) as raised:
            import_plan(path)
        message = parsing.SHEET_MISSING_COLUMNS.format(expected=", ".join(HEADINGS), missing="Bodies")
        self.assertEqual(str(raised.exception), f"missing.xlsx, row 1: {message} — nothing was imported.")
        self.assertEqual(set(table_counts().values()), {0})

    def test_an_xlsx_with_a_bad_row_is_rejected_naming_the_row(self):
        path = write_workbook(
            self.tmp() / "bad.xlsx",
            [
                HEADINGS,
                ["13.1.1", "13.1 Legislative measures", "First legislative measure", "Ministry of Justice", "2015"],
                ["13.1.x", "13.1 Legislative measures", "Second legislative measure", "Ministry of Justice", "2015"],
            ],
        )
        with self.assertRaises(CommandError) as raised:
            import_plan(path)
        message = parsing.SHEET_NUMBER_INVALID.format(text="13.1.x")
        self.assertEqual(str(raised.exception), f"bad.xlsx, row 3: {message} — nothing was imported.")
        self.assertEqual(set(table_counts().values()), {0})

    def test_the_xlsx_template_has_the_import_headings_and_no_rows(self):
        path = self.tmp() / "template.xlsx"
        call_command("export_plan", "--format", "xlsx", "--template", "--output", str(path), stderr=io.StringIO())
        workbook = load_workbook(path)
        self.assertEqual(workbook.sheetnames, ["Plan", "Measures"])
        self.assertEqual(
            [list(row) for row in workbook["Measures"].iter_rows(values_only=True)],
            [HEADINGS],
        )
        self.assertEqual(
            [row[0] for row in workbook["Plan"].iter_rows(values_only=True)],
            ["Field", "Title", "Country", "Start year", "End year"],
        )

    def test_the_blank_template_is_rejected_for_want_of_a_title(self):
        path = self.tmp() / "template.xlsx"
        call_command("export_plan", "--format", "xlsx", "--template", "--output", str(path), stderr=io.StringIO())
        with self.assertRaises(CommandError) as raised:
            import_plan(path)
        message = parsing.SHEET_PLAN_FIELD_MISSING.format(field="title")
        self.assertEqual(str(raised.exception), f"template.xlsx, row 1: {message} — nothing was imported.")


class RoundTripChecks:
    """export_plan --format F of the imported plan, wipe the plan, import_plan that file: the JSON is what it was.

    The wipe removes the plan (its directions, measures and participations); the register of organisations, which
    users and other plans refer to, stays.
    """

    format: str
    options: tuple[str, ...] = ()

    @classmethod
    def setUpTestData(cls):
        import_plan(BUNDLED_PLAN)
        # Text that starts like a formula leaves as inert text ('=…) and comes back as it was.
        if cls.format == "xlsx":  # (a CSV file has no title: the import is told it)
            plan = Plan.objects.get(title=TITLE)
            Plan.objects.filter(pk=plan.pk).update(title="=" + plan.title)
        measure = Measure.objects.order_by("pk").first()
        Measure.objects.filter(pk=measure.pk).update(text="+" + measure.text)
        cls.before = export_json()
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"plan.{cls.format}"
            call_command("export_plan", "--format", cls.format, "--output", str(path), stderr=io.StringIO())
            Plan.objects.all().delete()
            cls.measures_after_wipe = Measure.objects.count()
            cls.output = import_plan(path, *cls.options)
        cls.after = export_json()

    def test_the_wipe_removed_the_measures(self):
        self.assertEqual(self.measures_after_wipe, 0)
        self.assertEqual(Measure.objects.count(), 60)

    def test_the_plan_directions_and_measures_come_back_the_same(self):
        self.assertEqual(self.after["plan"], self.before["plan"])
        self.assertEqual(self.after["directions"], self.before["directions"])
        self.assertEqual(self.after["measures"], self.before["measures"])
        self.assertEqual(len(self.after["measures"]), 60)

    def test_the_organisations_come_back_with_the_same_names_and_kinds(self):
        self.assertEqual(
            [(o["name"], o["kind"]) for o in self.after["organisations"]],
            [(o["name"], o["kind"]) for o in self.before["organisations"]],
        )
        self.assertEqual(len(self.after["organisations"]), 32)

    def test_the_aliases_keep_every_spelling_and_gain_the_name_the_spreadsheet_writes(self):
        self.maxDiff = None
        expected = {o["name"]: sorted({*o["aliases"], o["name"]}) for o in self.before["organisations"]}
        self.assertEqual({o["name"]: o["aliases"] for o in self.after["organisations"]}, expected)


class XlsxRoundTripTests(RoundTripChecks, TestCase):
    format = "xlsx"


class CsvRoundTripTests(RoundTripChecks, TestCase):
    format = "csv"
    options = tuple(PLAN_OPTIONS)
