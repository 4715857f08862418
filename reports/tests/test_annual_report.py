"""The whole annual report on the hand-built cases of `fixtures`: its sections and editions, its three files opened
with the libraries officials' software would use, the issued snapshot, and the command.

In 2017 the fixture has 3 identified victims (a man, a boy, a person of unknown sex), against 2 in 2016."""

import io
import json
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.build import LAYOUT, Report, report_build
from reports.models import Edition, IssuedReport
from reports.render import docx, html_document, html_page, pdf, xlsx
from reports.services import issued_report, report_issue
from reports.tests.fixtures import ReportFixture

SECTIONS = ["1", "2", "4", "5", "6", "7", "8", "9", "10"]


def v1_identified(report: Report) -> list:
    table = report.tables["V1"]
    row = next(r for r, line in enumerate(table.rows) if line.key == "identified")
    return ["x" if (row, c) in table.suppressed else v for c, v in enumerate(table.rows[row].values)]


class ReportContentTest(ReportFixture):
    def test_the_restricted_edition_has_every_section_and_the_exact_figures(self):
        report = report_build(year=2017, edition=Edition.RESTRICTED, language="en")
        self.assertEqual([section.number for section in report.sections], SECTIONS)
        laid_out = {key for _number, _title, keys in LAYOUT for key in keys}
        self.assertLessEqual(set(report.tables) - {"S2"}, laid_out)
        self.assertEqual(v1_identified(report), [0, 1, 0, 1, 1, 3])
        self.assertEqual(report.suppressed_cells, 0)
        summary = {item["label"]: (item["value"], item["previous"]) for item in report.summary}
        self.assertEqual(summary["Victims identified"], (3, 2))
        self.assertEqual(summary["Presumed victims registered"], (4, 4))
        self.assertEqual(report.method, "exact")

    def test_the_restricted_edition_names_the_cases_behind_a_data_problem(self):
        report = report_build(year=2017, edition=Edition.RESTRICTED, language="en")
        problems = {problem["code"]: problem for problem in report.problems}
        self.assertIn("NRM-TEST-00004", problems["sex_not_recorded"]["references"])  # c4: sex unknown

    def test_the_public_edition_hides_small_counts_and_names_no_case(self):
        report = report_build(year=2017, edition=Edition.PUBLIC, language="en")
        self.assertEqual(report.method, "suppression")
        self.assertEqual(v1_identified(report), [0, "x", 0, "x", "x", "x"])
        summary = {item["label"]: item["value"] for item in report.summary}
        self.assertIsNone(summary["Victims identified"])
        self.assertTrue(all(problem["references"] == [] for problem in report.problems))
        page = html_page(report)
        self.assertNotIn("NRM-TEST", page)
        self.assertIn("not published", page)
        # Activity counts are not about people: published in full.
        self.assertEqual(report.tables["R2"].suppressed, set())

    def test_the_public_edition_can_release_noisy_counts_instead(self):
        exact = report_build(year=2017, edition=Edition.RESTRICTED, language="en")
        noisy = report_build(year=2017, edition=Edition.PUBLIC, language="en", method="noise", epsilon=0.01)
        self.assertEqual((noisy.method, noisy.epsilon, noisy.suppressed_cells), ("noise", 0.01, 0))
        people = [key for key, table in noisy.tables.items() if table.people]
        released = [v for key in people for row in noisy.tables[key].rows for v in row.values + row.previous]
        true = [v for key in people for row in exact.tables[key].rows for v in row.values + row.previous]
        self.assertTrue(all(isinstance(v, int) and v >= 0 for v in released if not isinstance(v, str)))
        # At ε = 0.01 a count keeps its true value with a chance of about 1 in 200: hundreds of them cannot all.
        self.assertGreater(sum(a != b for a, b in zip(released, true, strict=True)), len(true) // 2)
        self.assertEqual(noisy.tables["R2"].rows[-1].values, exact.tables["R2"].rows[-1].values)  # activities
        self.assertIn("ε = 0.01", html_page(noisy))
        self.assertIn("differential privacy", dict(noisy.definitions)["Public edition"])

    def test_an_unknown_method_is_refused(self):
        with self.assertRaisesMessage(ValueError, "Unknown disclosure method 'blur'"):
            report_build(year=2017, edition=Edition.PUBLIC, method="blur")

    def test_suppression_follows_the_setting(self):
        with self.settings(REPORT_MIN_CELL=2):
            report = report_build(year=2017, edition=Edition.PUBLIC, language="en")
        self.assertEqual(report.min_cell, 2)
        self.assertEqual(v1_identified(report)[-1], 3)

    def test_the_report_survives_its_snapshot_format(self):
        report = report_build(year=2017, edition=Edition.PUBLIC, language="en")
        again = Report.from_dict(json.loads(json.dumps(report.to_dict())))
        self.assertEqual(html_document(again), html_document(report))

    def test_the_charts_are_the_same_svg_in_the_preview_and_the_pdf_source(self):
        report = report_build(year=2017, edition=Edition.RESTRICTED, language="en")
        preview, printed = html_document(report), html_page(report)
        charts = [part.split("</svg>")[0] for part in preview.split("<svg")[1:]]
        self.assertGreaterEqual(len(charts), 3)
        for chart in charts:
            self.assertIn(chart, printed)

    def test_the_report_is_built_in_the_language_asked_for(self):
        report = report_build(year=2017, edition=Edition.RESTRICTED, language="ru")
        self.assertEqual(report.language, "ru")
        self.assertNotEqual(report.sections[0].title, "Executive summary")

    def test_the_number_of_queries_does_not_grow_with_the_data(self):
        counts = []
        for _round in range(2):
            with CaptureQueriesContext(connection) as queries:
                report_build(year=2017, edition=Edition.PUBLIC, language="en")
            counts.append(len(queries))
            for _extra in range(5):
                self.identify_another_man()
        self.assertEqual(counts[0], counts[1])


class ReportFilesTest(ReportFixture):
    """The three files, drawn once for the class (a PDF takes a few seconds)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = report_build(year=2017, edition=Edition.RESTRICTED, language="en")
        cls.pdf, cls.docx, cls.xlsx = pdf(cls.report), docx(cls.report), xlsx(cls.report)

    def test_the_pdf_opens_and_holds_the_headings_and_figures(self):
        reader = PdfReader(io.BytesIO(self.pdf))
        text = "\n".join(page.extract_text() for page in reader.pages)
        self.assertGreater(len(reader.pages), 5)
        for heading in (
            "Annual report on the condition of",
            "1. Executive summary",
            "7. Identification, protection and assistance of victims",
            "Table V1. ",
            "Annex A. Methodology and definitions",
            "Annex C. Data-quality notes",
            "Annex D. Reporting bodies",
        ):
            self.assertIn(heading, text)
        self.assertIn("Victims identified 3 (+1)", text)
        self.assertIn("1 / ", reader.pages[0].extract_text())  # the page footer counts pages

    def test_the_docx_has_word_headings_and_a_word_table_for_every_table(self):
        document = Document(io.BytesIO(self.docx))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        self.assertIn("1. Executive summary", headings)
        table_headings = [heading for heading in headings if heading.startswith("Table ")]
        self.assertEqual([heading.split(".")[0] for heading in table_headings][:2], ["Table S1", "Table S3"])
        self.assertEqual(len(document.tables), len(self.report.tables))
        self.assertEqual(len(table_headings), len(self.report.tables))
        v1 = document.tables[[heading.split(".")[0] for heading in table_headings].index("Table V1")]
        self.assertEqual(
            [cell.text for cell in v1.rows[2].cells],
            ["Identified victims", "0 (−1)", "1 (+1)", "0 (−1)", "1 (+1)", "1 (+1)", "3 (+1)"],
        )

    def test_the_xlsx_has_one_sheet_per_table_with_numbers_for_both_years(self):
        book = load_workbook(io.BytesIO(self.xlsx))
        self.assertEqual(book.sheetnames, ["About", *self.report.tables, "Data quality"])
        rows = list(book["V1"].iter_rows(values_only=True))
        identified = next(row for row in rows if row[0] == "Identified victims")
        self.assertEqual(list(identified), ["Identified victims", 0, 1, 0, 1, 1, 3, 1, 0, 1, 0, 0, 2])
        self.assertIn("Women 2017", rows[2] if rows[1][0].startswith("[") else rows[1])


class IssuedReportTest(ReportFixture):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.issued = report_issue(year=2017, edition=Edition.RESTRICTED, actor=cls.alice, language="en")

    def test_an_issued_report_does_not_change_when_the_data_does(self):
        files = {fmt: self.issued.file(fmt) for fmt in ("pdf", "docx", "xlsx")}
        self.identify_another_man()
        self.assertEqual(v1_identified(report_build(year=2017, edition=Edition.RESTRICTED))[-1], 4)
        stored = IssuedReport.objects.get(pk=self.issued.pk)
        self.assertEqual(v1_identified(issued_report(stored))[-1], 3)
        self.assertEqual({fmt: stored.file(fmt) for fmt in files}, files)
        self.assertTrue(stored.intact())
        self.assertEqual((stored.version, issued_report(stored).version), (1, 1))

    def test_an_issued_report_cannot_be_saved_again_or_deleted(self):
        stored = IssuedReport.objects.get(pk=self.issued.pk)
        stored.note = "Changed afterwards"
        with self.assertRaises(ValidationError):
            stored.save()
        with self.assertRaises(ValidationError):
            stored.delete()
        self.assertEqual(IssuedReport.objects.get(pk=self.issued.pk).note, "")

    def test_a_tampered_file_is_detected(self):
        IssuedReport.objects.filter(pk=self.issued.pk).update(pdf=b"%PDF-1.7 not the issued file")
        self.assertFalse(IssuedReport.objects.get(pk=self.issued.pk).intact())

    def test_issuing_again_makes_the_next_version_and_keeps_the_first(self):
        self.identify_another_man()
        second = report_issue(year=2017, edition=Edition.RESTRICTED, actor=self.alice, language="en", note="Late data")
        self.assertEqual(second.version, 2)
        self.assertEqual(v1_identified(issued_report(second))[-1], 4)
        self.assertEqual(v1_identified(issued_report(IssuedReport.objects.get(pk=self.issued.pk)))[-1], 3)

    def test_issuing_is_audited(self):
        from audit.models import AuditEvent

        event = AuditEvent.objects.get(action="annual_report.issue")
        self.assertEqual((event.actor, event.object_id), (self.alice, str(self.issued.pk)))


class AnnualReportCommandTest(ReportFixture):
    def run_command(self, *args) -> str:
        out = io.StringIO()
        call_command("annual_report", *args, stdout=out)
        return out.getvalue()

    def test_it_writes_the_public_edition_as_a_pdf(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.pdf"
            output = self.run_command("--year", "2017", "--edition", "public", "--format", "pdf", "-o", str(path))
            text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        self.assertIn("written to", output)
        self.assertIn("Public edition", text)
        self.assertIn("Victims identified x", text)

    def test_it_writes_json_and_html(self):
        with tempfile.TemporaryDirectory() as folder:
            self.run_command("--year", "2017", "--format", "json", "-o", f"{folder}/r.json", "--language", "en")
            self.run_command("--year", "2017", "--format", "html", "-o", f"{folder}/r.html", "--language", "en")
            data = json.loads(Path(folder, "r.json").read_text())
            page = Path(folder, "r.html").read_text()
        self.assertEqual((data["year"], data["edition"]), (2017, "public"))
        self.assertIn("<h2>1. Executive summary</h2>", page)

    def test_it_issues_for_the_coordinator_only(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaisesMessage(CommandError, "only the National Coordinator"):
                self.run_command(
                    "--year", "2017", "--format", "xlsx", "-o", f"{folder}/r.xlsx", "--issue", "--actor", "olga"
                )
            with self.assertRaisesMessage(CommandError, "needs --actor"):
                self.run_command("--year", "2017", "--format", "xlsx", "-o", f"{folder}/r.xlsx", "--issue")
            self.assertFalse(IssuedReport.objects.exists())
            output = self.run_command(
                "--year", "2017", "--format", "xlsx", "-o", f"{folder}/r.xlsx", "--issue", "--actor", "alice"
            )
            written = Path(folder, "r.xlsx").read_bytes()
        issued = IssuedReport.objects.get()
        self.assertIn("Issued as version 1", output)
        self.assertEqual(written, issued.file("xlsx"))

    def test_a_year_without_a_plan_is_refused(self):
        with self.assertRaisesMessage(CommandError, "No plan covers 2030"):
            self.run_command("--year", "2030", "-o", "/tmp/never-written.pdf")
