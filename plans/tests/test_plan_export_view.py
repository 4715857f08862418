import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from ctims.testing import PlanTestCase
from organisations.models import Organisation


class PlanExportViewTests(PlanTestCase):
    def test_xlsx_download_is_a_workbook_with_every_measure(self):
        self.login(self.bob)
        response = self.client.get(reverse("plans-export-xlsx", args=[self.plan.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        workbook = load_workbook(io.BytesIO(response.content))
        rows = list(workbook["Measures"].iter_rows(values_only=True))
        self.assertEqual(rows[0], ("Number", "Direction", "Text", "Bodies", "Duration"))
        self.assertEqual(len(rows), 61)
        self.assertEqual(rows[1][0], "13.1.1")
        self.assertEqual(rows[1][4], "2014-2016")

    def test_csv_download_keeps_the_page_filters(self):
        self.login(self.bob)
        press = Organisation.objects.get(name="Press Council of Azerbaijan Republic")
        response = self.client.get(reverse("plans-export-csv", args=[self.plan.pk]), {"organisation": press.pk})
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual([row[0] for row in rows[1:]], ["13.2.9", "13.9.5"])
        self.assertIn("recommended: Press Council of Azerbaijan Republic", rows[1][3])

    def test_user_without_a_role_cannot_download(self):
        self.login(self.eve)
        self.assertEqual(self.client.get(reverse("plans-export-csv", args=[self.plan.pk])).status_code, 403)
