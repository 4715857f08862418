from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import ProgressReport, ReportTransition
from monitoring.services import RETURN_NEEDS_COMMENT, ROUND_CLOSED, round_close
from monitoring.tests.base import MonitoringTestCase

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ReportWorkflowViewTests(MonitoringTestCase):
    def edit(self, report, *, submit=False, **fields):
        data = {
            "progress": "limited",
            "narrative": "Two training sessions for 40 police officers.",
            "results-TOTAL_FORMS": "1",
            "results-INITIAL_FORMS": "0",
            "results-0-indicator": "Officers trained",
            "results-0-unit": "people",
            "results-0-value": "40",
            "spending-TOTAL_FORMS": "1",
            "spending-INITIAL_FORMS": "0",
            "spending-0-source": "state_budget",
            "spending-0-amount": "1500.00",
            "spending-0-currency": "AZN",
        } | fields
        if submit:
            data["submit"] = "1"
        return self.client.post(reverse("monitoring-report-edit", args=[report.pk]), data)

    def review(self, report, action, comment=""):
        return self.client.post(
            reverse("monitoring-report-review", args=[report.pk]), {"action": action, "comment": comment}
        )

    def test_a_focal_point_saves_a_draft_with_results_and_spending(self):
        self.login(self.bob)
        report = self.report("13.2.1")
        response = self.edit(report)
        self.assertRedirects(response, reverse("monitoring-report-edit", args=[report.pk]))
        report.refresh_from_db()
        self.assertEqual((report.status, report.progress), ("draft", "limited"))
        self.assertEqual(list(report.results.values_list("indicator", "value")), [("Officers trained", 40)])
        self.assertEqual(str(report.spending.get().amount), "1500.00")

    def test_submit_return_resubmit_accept_is_kept_in_the_history(self):
        report = self.report("13.2.1")
        self.login(self.bob)
        self.edit(report, submit=True)
        self.login(self.alice)
        self.review(report, "return", "Give the dates of the sessions.")
        self.login(self.bob)
        page = self.client.get(reverse("monitoring-report-edit", args=[report.pk]))
        self.assertContains(page, "Give the dates of the sessions.")
        self.edit(report, submit=True, narrative="Sessions on 3 and 17 March, 40 officers.")
        self.login(self.alice)
        self.review(report, "accept")
        report.refresh_from_db()
        self.assertEqual(report.status, "accepted")
        steps = list(ReportTransition.objects.filter(report=report).values_list("to_status", "actor__username"))
        self.assertEqual(
            steps, [("submitted", "bob"), ("returned", "alice"), ("submitted", "bob"), ("accepted", "alice")]
        )
        detail = self.client.get(report.get_absolute_url())
        self.assertContains(detail, "Give the dates of the sessions.")

    def test_submitting_without_a_narrative_explains_what_is_missing(self):
        self.login(self.bob)
        report = self.report("13.2.1")
        response = self.edit(report, submit=True, narrative="")
        self.assertContains(response, "Describe what was done before submitting.")
        report.refresh_from_db()
        self.assertEqual(report.status, "draft")

    def test_a_negative_amount_is_refused_next_to_the_field(self):
        self.login(self.bob)
        report = self.report("13.2.1")
        response = self.edit(report, **{"spending-0-amount": "-5"})
        self.assertContains(response, "Ensure this value is greater than or equal to 0.")
        self.assertFalse(report.spending.exists())

    def test_returning_without_a_comment_is_refused(self):
        report = self.report("13.2.1")
        self.login(self.bob)
        self.edit(report, submit=True)
        self.login(self.alice)
        response = self.review(report, "return")
        self.assertContains(self.client.get(response["Location"]), str(RETURN_NEEDS_COMMENT))
        report.refresh_from_db()
        self.assertEqual(report.status, "submitted")

    def test_an_accepted_report_is_locked(self):
        report = self.report("13.2.1")
        self.login(self.bob)
        self.edit(report, submit=True)
        self.login(self.alice)
        self.review(report, "accept")
        self.login(self.bob)
        response = self.client.get(reverse("monitoring-report-edit", args=[report.pk]), follow=True)
        self.assertRedirects(response, report.get_absolute_url())
        self.assertContains(response, "Only a draft or a returned report can be changed; this one is accepted.")
        self.edit(report, narrative="Changed afterwards.")
        report.refresh_from_db()
        self.assertNotEqual(report.narrative, "Changed afterwards.")

    def test_a_late_submission_is_marked_late(self):
        report = self.report("13.2.1")
        self.login(self.bob)
        self.edit(report, submit=True)
        report.refresh_from_db()
        self.assertTrue(report.late)  # the 2015 round was due on 2016-02-15
        self.assertContains(self.client.get(report.get_absolute_url()), "Late")

    def test_a_closed_round_refuses_submissions(self):
        report = self.report("13.2.1")
        round_close(reporting_round=self.round, actor=self.alice)
        self.login(self.bob)
        response = self.client.post(reverse("monitoring-report-submit", args=[report.pk]), follow=True)
        self.assertContains(response, str(ROUND_CLOSED))
        report.refresh_from_db()
        self.assertEqual(report.status, "draft")


class ReportPermissionTests(MonitoringTestCase):
    def test_a_focal_point_of_another_body_cannot_see_or_change_the_report(self):
        self.login(self.fatima)
        report = self.report("13.2.1")
        self.assertEqual(self.client.get(report.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(reverse("monitoring-report-edit", args=[report.pk])).status_code, 404)
        self.assertEqual(self.client.post(reverse("monitoring-report-submit", args=[report.pk])).status_code, 404)

    def test_a_focal_point_lists_only_its_own_organisations_reports(self):
        self.login(self.fatima)
        response = self.client.get(reverse("monitoring-reports"), {"per_page": 500})
        organisations = {r.organisation_id for r in response.context["page"].object_list}
        self.assertEqual(organisations, {self.labour.pk})

    def test_an_observer_reads_only_accepted_reports(self):
        report = self.report("13.2.1")
        self.login(self.olga)
        self.assertEqual(self.client.get(report.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(reverse("monitoring-reports")).context["page"].paginator.count, 0)
        ProgressReport.objects.filter(pk=report.pk).update(status="accepted", progress="limited", narrative="Done.")
        self.assertEqual(self.client.get(report.get_absolute_url()).status_code, 200)

    def test_an_observer_cannot_review(self):
        report = self.report("13.2.1")
        ProgressReport.objects.filter(pk=report.pk).update(status="submitted", progress="limited", narrative="x")
        self.login(self.olga)
        response = self.client.post(reverse("monitoring-report-review", args=[report.pk]), {"action": "accept"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(ProgressReport.objects.get(pk=report.pk).status, "submitted")

    def test_the_coordinator_cannot_write_a_bodys_report(self):
        self.login(self.alice)
        report = self.report("13.2.1")
        self.assertEqual(self.client.get(reverse("monitoring-report-edit", args=[report.pk])).status_code, 403)

    def test_case_workers_and_users_without_a_role_are_refused(self):
        for user in (self.carol, self.eve, self.sam):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(reverse("monitoring-reports")).status_code, 403)
                self.assertEqual(self.client.get(reverse("monitoring-dashboard")).status_code, 403)


class AttachmentTests(MonitoringTestCase):
    def upload(self, report, name, content):
        return self.client.post(
            reverse("monitoring-attachment-upload", args=[report.pk]), {"file": SimpleUploadedFile(name, content)}
        )

    def test_a_pdf_is_attached_and_served_to_those_who_may_read_the_report(self):
        report = self.report("13.2.1")
        self.login(self.bob)
        self.upload(report, "minutes.pdf", PDF)
        attachment = report.attachments.get()
        self.assertEqual((attachment.original_name, attachment.content_type), ("minutes.pdf", "application/pdf"))
        self.assertNotIn("minutes", attachment.file.name)
        response = self.client.get(attachment.get_absolute_url())
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertIn('attachment; filename="minutes.pdf"', response["Content-Disposition"])
        self.login(self.alice)
        self.assertEqual(self.client.get(attachment.get_absolute_url()).status_code, 200)

    def test_attachments_are_refused_to_outsiders(self):
        report = self.report("13.2.1")
        self.login(self.bob)
        self.upload(report, "minutes.pdf", PDF)
        url = report.attachments.get().get_absolute_url()
        for user in (self.fatima, self.olga):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)

    def test_a_file_that_is_not_what_its_name_says_is_refused(self):
        report = self.report("13.2.1")
        self.login(self.bob)
        response = self.upload(report, "minutes.pdf", b"MZ\x90\x00 not a pdf")
        self.assertContains(self.client.get(response["Location"]), "Only PDF, Word (.docx), Excel (.xlsx)")
        self.assertFalse(report.attachments.exists())

    def test_a_file_over_the_limit_is_refused(self):
        report = self.report("13.2.1")
        self.login(self.bob)
        with self.settings(ATTACHMENT_MAX_BYTES=10):
            response = self.upload(report, "minutes.pdf", PDF)
        self.assertContains(self.client.get(response["Location"]), "files of at most 10")
        self.assertFalse(report.attachments.exists())


class ReviewFindingsTests(MonitoringTestCase):
    """Holes found in review, kept closed."""

    def test_a_stale_copy_cannot_reopen_an_accepted_report(self):
        from monitoring.services import NOT_EDITABLE, report_accept, report_submit, report_update

        stale = self.report("13.2.1")
        fresh = self.report("13.2.1")
        report_update(report=fresh, actor=self.bob, progress="limited", narrative="Done.")
        report_submit(report=fresh, actor=self.bob)
        report_accept(report=fresh, actor=self.alice)
        with self.assertRaisesMessage(Exception, str(NOT_EDITABLE.format(status="accepted"))):
            report_update(report=stale, actor=self.bob, progress="limited", narrative="Rewritten.")
        fresh.refresh_from_db()
        self.assertEqual((fresh.status, fresh.narrative), ("accepted", "Done."))

    def test_an_observer_does_not_see_the_needs_on_an_accepted_report(self):
        from monitoring.services import need_raise

        report = self.report("13.2.1")
        need_raise(report=report, actor=self.bob, kind="funding", description="Money for a night shift.")
        ProgressReport.objects.filter(pk=report.pk).update(status="accepted", progress="limited", narrative="x")
        self.login(self.olga)
        response = self.client.get(report.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Money for a night shift.")

    def test_no_need_is_raised_in_a_closed_round(self):
        report = self.report("13.2.1")
        round_close(reporting_round=self.round, actor=self.alice)
        self.login(self.bob)
        response = self.client.post(
            reverse("monitoring-need-create", args=[report.pk]), {"kind": "staff", "description": "x"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(report.needs.exists())

    def test_odd_numbers_in_the_address_or_the_form_are_refused_rather_than_a_crash(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("monitoring-dashboard"), {"round": "²"}).status_code, 200)
        response = self.client.get(reverse("monitoring-reports"), {"organisation": "9" * 25})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        self.login(self.fatima)
        response = self.client.post(reverse("monitoring-report-create"), {"choice": "²:1"}, follow=True)
        self.assertContains(response, "Choose the round and the measure to report on.")
