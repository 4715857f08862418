"""The demo data of `make run` gives a complete annual report for 2016 and 2017: every table has figures."""

import io

from django.core.management import call_command
from django.test import TestCase

from plans.importers import BUNDLED_PLAN, import_plan_file
from reports.build import LAYOUT, report_build
from reports.models import Edition
from reports.tables import TEXT

EXPECTED_TABLES = {key for _number, _title, keys in LAYOUT for key in keys} | {"S2"}


def has_figures(values) -> bool:
    return any(value not in (None, "", 0) and str(value) not in ("0", "0.00") for value in values)


class DemoReportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_plan_file(BUNDLED_PLAN)
        call_command("seed_demo", password="demo-password-1", stdout=io.StringIO())
        cls.reports = {
            year: report_build(year=year, edition=Edition.RESTRICTED, language="en") for year in (2016, 2017)
        }

    def test_every_table_of_the_outline_is_there_with_figures_for_the_year(self):
        for year, report in self.reports.items():
            self.assertEqual(set(report.tables), EXPECTED_TABLES)
            for key, table in report.tables.items():
                with self.subTest(year=year, table=key):
                    self.assertTrue(has_figures(v for row in table.rows for v in row.values))
                    self.assertEqual(table.check(), [])

    def test_the_2017_report_compares_every_table_with_2016(self):
        for key, table in self.reports[2017].tables.items():
            if table.kind != TEXT:
                with self.subTest(table=key):
                    self.assertTrue(has_figures(v for row in table.rows for v in row.previous))

    def test_the_key_figures_and_the_text_sections_are_filled(self):
        for year, report in self.reports.items():
            with self.subTest(year=year):
                self.assertTrue(all(item["value"] and item["previous"] for item in report.summary))
                self.assertGreaterEqual(len(report.summary), 9)
                texts = {section.number: section.paragraphs for section in report.sections}
                self.assertTrue(texts["1"] and texts["2"] and texts["4"] and texts["10"])
                self.assertIn("table D3", texts["1"][0])
                self.assertGreater(len(report.cover["bodies"]), 10)

    def test_the_public_editions_hide_something_and_add_up(self):
        for year in (2016, 2017):
            report = report_build(year=year, edition=Edition.PUBLIC, language="en")
            with self.subTest(year=year):
                self.assertGreater(report.suppressed_cells, 0)
                self.assertTrue(all(table.check() == [] for table in report.tables.values()))
