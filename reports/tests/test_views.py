"""The annual-report pages: who may preview, issue and download, and what each role sees of the issued editions."""

import io

from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from reports.models import Edition, IssuedReport
from reports.services import report_issue
from reports.tests.fixtures import ReportFixture

PREVIEW = reverse("reports-preview") + "?year=2017&edition=restricted"
INDEX = reverse("reports-index")


class AnnualReportPagesTest(ReportFixture):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.public = report_issue(year=2016, edition=Edition.PUBLIC, actor=cls.alice, language="en")
        cls.restricted = report_issue(year=2016, edition=Edition.RESTRICTED, actor=cls.alice, language="en")

    def get(self, user, url):
        self.login(user)
        return self.client.get(url)

    def test_the_coordinator_previews_the_report_from_todays_data(self):
        response = self.get(self.alice, PREVIEW)
        self.assertContains(response, "1. Executive summary")
        self.assertContains(response, "<svg", html=False)
        self.assertContains(response, "NRM-TEST-00004")  # the restricted edition names the case behind a data problem
        self.assertTrue(AuditEvent.objects.filter(action="annual_report.preview", actor=self.alice).exists())

    def test_only_the_coordinator_may_preview_or_download_a_draft(self):
        draft = reverse("reports-draft", args=["xlsx"]) + "?year=2017&edition=public"
        for user in (self.bob, self.olga, self.carol, self.sam, self.eve, self.hana, self.paul):
            for url in (PREVIEW, draft):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.get(user, url).status_code, 403)

    def test_a_draft_downloads_as_a_real_workbook(self):
        response = self.get(self.alice, reverse("reports-draft", args=["xlsx"]) + "?year=2017&edition=public")
        self.assertEqual(response.status_code, 200)
        self.assertIn("draft", response["Content-Disposition"])
        self.assertIn("V1", load_workbook(io.BytesIO(response.content)).sheetnames)

    def test_a_bad_year_or_format_is_not_found(self):
        for url in (
            reverse("reports-preview") + "?year=1990&edition=public",
            reverse("reports-preview") + "?year=2017&edition=secret",
            reverse("reports-draft", args=["exe"]) + "?year=2017&edition=public",
            reverse("reports-issued-file", args=[self.public.uid, "exe"]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.get(self.alice, url).status_code, 404)

    def test_observers_and_focal_points_see_only_the_public_editions(self):
        for user in (self.olga, self.bob):
            with self.subTest(user=user.username):
                page = self.get(user, INDEX)
                self.assertContains(page, self.public.get_absolute_url())
                self.assertNotContains(page, str(self.restricted.uid))
                self.assertNotContains(page, "Issue the report")
                self.assertEqual(self.get(user, self.public.get_absolute_url()).status_code, 200)
                self.assertEqual(self.get(user, self.restricted.get_absolute_url()).status_code, 404)
                restricted_file = reverse("reports-issued-file", args=[self.restricted.uid, "pdf"])
                self.assertEqual(self.get(user, restricted_file).status_code, 404)

    def test_an_observer_downloads_the_issued_public_pdf_byte_for_byte(self):
        response = self.get(self.olga, reverse("reports-issued-file", args=[self.public.uid, "pdf"]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response.content, self.public.file("pdf"))

    def test_roles_outside_the_report_see_no_report_page(self):
        for user in (self.carol, self.sam, self.eve, self.hana, self.paul):
            for url in (INDEX, self.public.get_absolute_url()):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.get(user, url).status_code, 403)

    def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(self):
        response = Client().get(self.public.get_absolute_url())
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(resolve_url(settings.LOGIN_URL)))

    def test_reading_the_restricted_edition_is_audited(self):
        self.get(self.alice, self.restricted.get_absolute_url())
        self.get(self.alice, reverse("reports-issued-file", args=[self.restricted.uid, "docx"]))
        actions = set(AuditEvent.objects.filter(object_id=str(self.restricted.pk)).values_list("action", flat=True))
        self.assertLessEqual({"annual_report.read", "annual_report.download"}, actions)

    def test_the_coordinator_issues_a_new_version_from_the_page(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("reports-issue"),
            {"issue-year": 2016, "issue-edition": "public", "issue-note": "Corrected", "issue-confirm": "on"},
        )
        issued = IssuedReport.objects.get(year=2016, edition="public", version=2)
        self.assertRedirects(response, issued.get_absolute_url())
        self.assertEqual(issued.note, "Corrected")

    def test_issuing_without_confirming_explains_and_issues_nothing(self):
        self.login(self.alice)
        response = self.client.post(reverse("reports-issue"), {"issue-year": 2016, "issue-edition": "public"})
        self.assertContains(response, "This field is required", status_code=400)
        self.assertEqual(IssuedReport.objects.count(), 2)

    def test_nobody_but_the_coordinator_may_issue(self):
        for user in (self.bob, self.olga, self.carol, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.post(
                    reverse("reports-issue"), {"issue-year": 2016, "issue-edition": "public", "issue-confirm": "on"}
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(IssuedReport.objects.count(), 2)

    def test_issuing_needs_the_csrf_token(self):
        self.client = Client(enforce_csrf_checks=True)
        self.login(self.alice)  # with her second factor, so that only the token is missing
        response = self.client.post(
            reverse("reports-issue"), {"issue-year": 2016, "issue-edition": "public", "issue-confirm": "on"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(IssuedReport.objects.count(), 2)

    def test_issued_reports_are_addressed_by_random_identifiers(self):
        self.assertNotIn(f"/{self.public.pk}/", self.public.get_absolute_url())
        self.assertIn(str(self.public.uid), self.public.get_absolute_url())

    def test_the_report_page_costs_the_same_queries_for_many_issued_reports(self):
        self.login(self.alice)
        counts = []
        for _more in range(2):
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(INDEX).status_code, 200)
            counts.append(len(queries))
            IssuedReport.objects.bulk_create(  # bulk_create: the rows are listed here, not drawn
                IssuedReport(
                    year=2017,
                    edition=edition,
                    version=version + 1,
                    language="en",
                    content={},
                    pdf=b"",
                    docx=b"",
                    xlsx=b"",
                    issued_by=self.alice,
                )
                for edition in Edition.values
                for version in range(3 * _more, 3 * _more + 3)
            )
        self.assertEqual(counts[0], counts[1])
