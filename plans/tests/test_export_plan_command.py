"""The export_plan command: the JSON contract, and XLSX/CSV files that are real spreadsheets."""

import csv
import io
import json
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase
from openpyxl import load_workbook

from ctims.testing import PlanTestCase
from organisations.models import Organisation

TITLE = (
    "The National Action Plan for the years 2014-2018 on combatting trafficking in human beings in Azerbaijan Republic"
)
DIRECTIONS = ["13.1", "13.2", "13.3", "13.4", "13.5", "13.6", "13.7", "13.8", "13.9"]
MEASURES_PER_DIRECTION = {"13.1": 8, "13.2": 10, "13.3": 9, "13.4": 6, "13.5": 9, "13.6": 2, "13.7": 3, "13.8": 6}
MEASURES_PER_DIRECTION["13.9"] = 7
ROLES = {"executor", "involved", "recommended"}
HEADINGS = ("Number", "Direction", "Text", "Bodies", "Duration")
ROW_13_1_1_BODIES = (
    "Cabinet of Ministers; Ministry of Internal Affairs; Ministry of Justice; Ministry of Foreign Affairs; "
    "State Committee for Family, Woman and Child Problems; Ministry of Labor and Social Protection of Population; "
    "State Migration Service; recommended: General Prosecutor's Office of the Republic of Azerbaijan; "
    "recommended: Supreme Court of the Republic of Azerbaijan; "
    "recommended: Human Rights Commissioner of Azerbaijan Republic (Ombudsman)"
)


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_plan", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def is_int(value) -> bool:
    return type(value) is int  # not bool, which is an int too


class ExportPlanJsonTests(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.text = export("--format", "json")
        cls.data = json.loads(cls.text)

    def test_the_top_level_holds_plan_directions_measures_and_organisations(self):
        self.assertEqual(list(self.data), ["plan", "directions", "measures", "organisations"])

    def test_the_plan_has_its_title_and_years(self):
        self.assertEqual(self.data["plan"], {"title": TITLE, "start_year": 2014, "end_year": 2018})
        self.assertTrue(is_int(self.data["plan"]["start_year"]) and is_int(self.data["plan"]["end_year"]))

    def test_every_direction_has_a_number_and_a_title(self):
        for direction in self.data["directions"]:
            self.assertEqual(set(direction), {"number", "title"})
            self.assertIsInstance(direction["title"], str)
            self.assertNotEqual(direction["title"], "")
        self.assertEqual([d["number"] for d in self.data["directions"]], DIRECTIONS)

    def test_every_measure_follows_the_contract(self):
        directions = {d["number"] for d in self.data["directions"]}
        for measure in self.data["measures"]:
            with self.subTest(measure=measure["number"]):
                self.assertEqual(
                    set(measure),
                    {"number", "direction", "text", "start_year", "end_year", "recurring", "participants"},
                )
                self.assertRegex(measure["number"], r"^13\.\d\.\d+$")
                self.assertIn(measure["direction"], directions)
                self.assertTrue(measure["number"].startswith(measure["direction"] + "."))
                self.assertIsInstance(measure["text"], str)
                self.assertNotEqual(measure["text"], "")
                self.assertIs(type(measure["recurring"]), bool)
                if measure["recurring"]:
                    self.assertEqual((measure["start_year"], measure["end_year"]), (None, None))
                else:
                    self.assertTrue(is_int(measure["start_year"]) and is_int(measure["end_year"]))
                    self.assertTrue(2014 <= measure["start_year"] <= measure["end_year"] <= 2018)
                self.assertIsInstance(measure["participants"], list)
                self.assertNotEqual(measure["participants"], [])
                for participant in measure["participants"]:
                    self.assertEqual(set(participant), {"organisation", "role"})
                    self.assertIsInstance(participant["organisation"], str)
                    self.assertIn(participant["role"], ROLES)

    def test_it_exports_sixty_measures_in_plan_order(self):
        numbers = [m["number"] for m in self.data["measures"]]
        expected = [f"{d}.{i}" for d in DIRECTIONS for i in range(1, MEASURES_PER_DIRECTION[d] + 1)]
        self.assertEqual(numbers, expected)
        self.assertEqual(len(numbers), 60)

    def test_a_measure_is_exported_with_its_years_and_participants_in_order(self):
        [measure] = [m for m in self.data["measures"] if m["number"] == "13.2.3"]
        self.assertEqual(
            measure,
            {
                "number": "13.2.3",
                "direction": "13.2",
                "text": "Conducting scientific and social researches on combating trafficking in human beings, "
                "implementation of request and other measures for studying public opinion",
                "start_year": 2014,
                "end_year": 2016,
                "recurring": False,
                "participants": [
                    {"organisation": "Ministry of Internal Affairs", "role": "executor"},
                    {"organisation": "Higher educational institutions", "role": "executor"},
                    {"organisation": "Related non governmental organizations", "role": "involved"},
                ],
            },
        )

    def test_a_regular_measure_has_no_years(self):
        [measure] = [m for m in self.data["measures"] if m["number"] == "13.2.4"]
        self.assertEqual((measure["start_year"], measure["end_year"], measure["recurring"]), (None, None, True))

    def test_every_organisation_follows_the_contract(self):
        kinds = set(Organisation.Kind.values)
        for organisation in self.data["organisations"]:
            with self.subTest(organisation=organisation.get("name")):
                self.assertEqual(set(organisation), {"name", "kind", "aliases"})
                self.assertIsInstance(organisation["name"], str)
                self.assertIn(organisation["kind"], kinds)
                self.assertIsInstance(organisation["aliases"], list)
                self.assertTrue(all(isinstance(alias, str) for alias in organisation["aliases"]))
                self.assertEqual(organisation["aliases"], sorted(organisation["aliases"]))

    def test_the_organisations_are_exactly_those_taking_part(self):
        names = [o["name"] for o in self.data["organisations"]]
        taking_part = {p["organisation"] for m in self.data["measures"] for p in m["participants"]}
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(set(names), taking_part)
        self.assertEqual(len(names), 32)
        self.assertEqual(names, sorted(names))
        self.assertNotIn("Ombudsman's Office", names)

    def test_an_organisation_is_exported_with_its_kind_and_every_spelling(self):
        name = "Ministry of Transport, Communication and High Technologies"
        [transport] = [o for o in self.data["organisations"] if o["name"] == name]
        self.assertEqual(
            transport,
            {
                "name": "Ministry of Transport, Communication and High Technologies",
                "kind": "ministry",
                "aliases": [
                    "The Ministry of Transport, Communication and High Technologies",
                    "the Ministry of Transport, Communication and High Technologies",
                ],
            },
        )

    def test_the_json_is_indented_and_keeps_non_ascii_letters(self):
        self.assertTrue(self.text.startswith('{\n  "plan": {\n    "title": '))
        self.assertIn("«Azerbaijan Television and radio Broadcasting» Closed Joint Stock Company", self.text)
        self.assertTrue(self.text.endswith("}\n"))

    def test_it_exports_the_plan_asked_for_by_id(self):
        self.assertEqual(json.loads(export("--plan", str(self.plan.pk))), self.data)

    def test_an_unknown_plan_id_is_rejected(self):
        with self.assertRaises(CommandError) as raised:
            export("--plan", "999999")
        self.assertEqual(str(raised.exception), "no plan with id 999999")


class ExportPlanSpreadsheetTests(PlanTestCase):
    def tmp(self) -> Path:
        return Path(self.enterContext(tempfile.TemporaryDirectory()))

    def test_the_xlsx_export_is_a_workbook_with_the_plan_and_one_row_per_measure(self):
        path = self.tmp() / "plan.xlsx"
        export("--format", "xlsx", "--output", str(path))
        workbook = load_workbook(path)
        self.assertEqual(workbook.sheetnames, ["Plan", "Measures"])
        self.assertEqual(
            list(workbook["Plan"].iter_rows(values_only=True)),
            [("Field", "Value"), ("Title", TITLE), ("Country", "Azerbaijan"), ("Start year", 2014), ("End year", 2018)],
        )
        rows = list(workbook["Measures"].iter_rows(values_only=True))
        self.assertEqual(len(rows), 61)
        self.assertEqual(rows[0], HEADINGS)
        self.assertEqual(
            rows[1],
            (
                "13.1.1",
                "13.1 The legislative measures in the field of Combating trafficking in human beings",
                self.measures["13.1.1"].text,
                ROW_13_1_1_BODIES,
                "2014-2016",
            ),
        )
        durations = {row[0]: row[4] for row in rows[1:]}
        self.assertEqual(
            (durations["13.1.2"], durations["13.2.4"], durations["13.4.4"], durations["13.9.1"]),
            ("2016", "regular", "2014-2017", "regular"),
        )
        self.assertEqual(
            dict((row[0], row[3]) for row in rows[1:])["13.9.1"],
            "by involving Ministry of Transport, Communication and High Technologies; by involving State Border "
            "Service; by involving State Customs Committee; by involving Civil Aviation Administration; by involving "
            "State Marine Administration; by involving Related non governmental organizations",
        )

    def test_an_xlsx_export_needs_an_output_file(self):
        with self.assertRaises(CommandError) as raised:
            export("--format", "xlsx")
        self.assertEqual(str(raised.exception), "an XLSX export needs --output FILE")

    def test_the_csv_export_has_the_headings_and_one_row_per_measure(self):
        rows = list(csv.reader(io.StringIO(export("--format", "csv"))))
        self.assertEqual(len(rows), 61)
        self.assertEqual(tuple(rows[0]), HEADINGS)
        self.assertEqual(
            rows[1],
            [
                "13.1.1",
                "13.1 The legislative measures in the field of Combating trafficking in human beings",
                self.measures["13.1.1"].text,
                ROW_13_1_1_BODIES,
                "2014-2016",
            ],
        )
        self.assertEqual([row[0] for row in rows[1:]], [m["number"] for m in json.loads(export())["measures"]])


class ExportWithoutPlanTests(TestCase):
    def test_it_says_no_plan_has_been_imported_yet(self):
        with self.assertRaises(CommandError) as raised:
            export("--format", "json")
        self.assertEqual(str(raised.exception), "no plan has been imported yet")

    def test_a_template_is_not_json(self):
        with self.assertRaises(CommandError) as raised:
            export("--format", "json", "--template")
        self.assertEqual(str(raised.exception), "--template makes a spreadsheet: use --format xlsx or csv")
