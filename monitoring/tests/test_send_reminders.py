import datetime
from io import StringIO
from smtplib import SMTPException
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from ctims.testing import PlanTestCase, make_user
from monitoring.models import ProgressReport, Reminder
from monitoring.reminders import send_reminders
from monitoring.services import report_return, report_submit, report_update, round_close, round_open
from organisations.models import Organisation

SITE = "https://ctims.example.org"
DUE = datetime.date(2015, 2, 15)
WINDOW_OPENS = DUE - datetime.timedelta(days=7)
BEFORE_WINDOW = WINDOW_OPENS - datetime.timedelta(days=1)
AFTER_DUE = DUE + datetime.timedelta(days=1)


def day(date: datetime.date, days: int) -> datetime.date:
    return date + datetime.timedelta(days=days)


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


@override_settings(SITE_URL=SITE, REMINDER_DAYS_BEFORE_DUE=7)
class SendRemindersTests(PlanTestCase):
    """Bob is the focal point of the Ministry of Internal Affairs (37 expected reports in the 2014 round), Jill of the
    Ministry of Justice (3); Alice coordinates."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user, address in ((cls.alice, "alice@example.org"), (cls.bob, "bob@example.org")):
            user.email = address
            user.save(update_fields=["email"])
        cls.justice = Organisation.objects.get(name="Ministry of Justice")
        cls.jill = make_user("jill", cls.justice, Role.FOCAL_POINT, email="jill@example.org")
        cls.round = round_open(
            plan=cls.plan,
            period_type="year",
            year=2014,
            period_number=1,
            opens_on=datetime.date(2015, 1, 10),
            due_on=DUE,
            actor=cls.alice,
        )

    def report(self, number: str, organisation=None) -> ProgressReport:
        return ProgressReport.objects.get(
            round=self.round, measure__number=number, organisation=organisation or self.ministry
        )

    def submit(self, report: ProgressReport, actor=None) -> ProgressReport:
        actor = actor or self.bob
        report_update(report=report, actor=actor, progress="limited", narrative="Training began.")
        return report_submit(report=report, actor=actor)

    def submit_all(self, organisation, actor) -> None:
        for report in ProgressReport.objects.filter(round=self.round, organisation=organisation):
            self.submit(report, actor)

    def return_report(self, number: str, comment: str) -> ProgressReport:
        report = self.submit(self.report(number))
        return report_return(report=report, actor=self.alice, comment=comment)

    # Due soon

    def test_focal_points_with_pending_reports_are_reminded_before_the_due_date(self):
        self.submit_all(self.justice, self.jill)
        counts = send_reminders(today=day(DUE, -5))
        [message] = sent_to("bob@example.org")
        self.assertEqual(message.subject, "CTIMS: 37 reports for 2014 are due on Feb. 15, 2015")
        self.assertIn("Ministry of Internal Affairs has not submitted these 37 expected reports yet", message.body)
        self.assertIn("- 13.1.1 ", message.body)
        self.assertIn("- 13.9.7 ", message.body)
        self.assertIn(f"{SITE}/monitoring/reports/{self.report('13.1.1').pk}/", message.body)
        self.assertIn("in 5 days", message.body)
        self.assertEqual(sent_to("jill@example.org"), [])
        self.assertEqual(counts["due-soon"], 1)

    def test_only_the_reports_still_pending_are_listed(self):
        self.submit(self.report("13.1.1"))
        self.return_report("13.1.5", "Say which regions.")
        send_reminders(today=day(DUE, -5))
        [message] = [m for m in sent_to("bob@example.org") if "due on" in m.subject]
        self.assertIn("35 reports", message.subject)
        self.assertNotIn("13.1.1 ", message.body)
        self.assertNotIn("13.1.5 ", message.body)
        self.assertIn("- 13.2.2 ", message.body)

    def test_no_reminder_is_sent_before_the_window_before_the_due_date(self):
        send_reminders(today=BEFORE_WINDOW)
        self.assertEqual(sent_to("bob@example.org"), [])
        self.assertEqual(sent_to("jill@example.org"), [])
        send_reminders(today=WINDOW_OPENS)
        self.assertEqual(len(sent_to("bob@example.org")), 1)
        self.assertEqual(len(sent_to("jill@example.org")), 1)

    @override_settings(REMINDER_DAYS_BEFORE_DUE=10)
    def test_the_window_follows_the_setting(self):
        send_reminders(today=day(DUE, -10))
        self.assertEqual(len(sent_to("bob@example.org")), 1)

    def test_the_due_soon_reminder_is_sent_once_per_round_and_person(self):
        for days in (-7, -3, 0):
            send_reminders(today=day(DUE, days))
        [message] = sent_to("bob@example.org")
        self.assertIn("due on", message.subject)

    def test_on_the_due_date_the_reminder_says_today(self):
        send_reminders(today=DUE)
        [message] = sent_to("jill@example.org")
        self.assertIn("the reports are due today, Feb. 15, 2015", message.body)

    # Overdue

    def test_focal_points_are_reminded_once_when_their_reports_are_overdue(self):
        send_reminders(today=day(DUE, -1))
        counts = send_reminders(today=AFTER_DUE)
        send_reminders(today=day(AFTER_DUE, 3))
        due, overdue = sent_to("bob@example.org")
        self.assertEqual(overdue.subject, "CTIMS: 37 reports for 2014 are overdue (due on Feb. 15, 2015)")
        self.assertIn("were due on Feb. 15, 2015", overdue.body)
        self.assertIn("- 13.1.1 ", overdue.body)
        self.assertEqual(counts["overdue"], 2)  # Bob and Jill
        self.assertEqual(counts["due-soon"], 0)

    def test_focal_points_who_submitted_everything_are_not_told_they_are_late(self):
        self.submit_all(self.justice, self.jill)
        send_reminders(today=AFTER_DUE)
        self.assertEqual(sent_to("jill@example.org"), [])
        self.assertEqual(len(sent_to("bob@example.org")), 1)

    # Returned

    def test_a_returned_report_reminds_its_focal_points_with_the_coordinators_comment(self):
        self.submit_all(self.ministry, self.bob)
        report = self.return_report_after_submission("13.1.1", 'Add the "officials trained" figure & its source.')
        counts = send_reminders(today=BEFORE_WINDOW)
        [message] = sent_to("bob@example.org")
        self.assertEqual(message.subject, "CTIMS: your report on measure 13.1.1 (2014) was returned for correction")
        self.assertIn('Add the "officials trained" figure & its source.', message.body)
        self.assertIn(f"{SITE}/monitoring/reports/{report.pk}/", message.body)
        self.assertEqual(sent_to("jill@example.org"), [])
        self.assertEqual(counts["returned"], 1)

    def return_report_after_submission(self, number: str, comment: str) -> ProgressReport:
        return report_return(report=self.report(number), actor=self.alice, comment=comment)

    def test_each_return_is_reminded_once(self):
        report = self.return_report("13.1.1", "First round of remarks.")
        send_reminders(today=BEFORE_WINDOW)
        send_reminders(today=day(BEFORE_WINDOW, 1))
        self.submit(report)
        report_return(report=report, actor=self.alice, comment="Second round of remarks.")
        send_reminders(today=day(BEFORE_WINDOW, 2))
        first, second = [m for m in sent_to("bob@example.org") if "returned" in m.subject]
        self.assertIn("First round of remarks.", first.body)
        self.assertIn("Second round of remarks.", second.body)
        self.assertNotIn("First round of remarks.", second.body)

    # Digest

    def test_the_coordinator_gets_a_digest_once_a_day(self):
        self.submit(self.report("13.1.1"))
        missing = self.round.reports.filter(expected=True).count() - 1
        first = send_reminders(today=datetime.date(2015, 2, 1))
        again = send_reminders(today=datetime.date(2015, 2, 1))
        next_day = send_reminders(today=datetime.date(2015, 2, 2))
        digests = sent_to("alice@example.org")
        self.assertEqual((first["digest"], again["digest"], next_day["digest"]), (1, 0, 1))
        self.assertEqual(len(digests), 2)
        self.assertEqual(digests[0].subject, f"CTIMS digest for 2014: 1 to review, {missing} missing (Feb. 1, 2015)")
        self.assertIn("1 submitted report is waiting for your review", digests[0].body)
        self.assertIn(f"- 13.1.1 Ministry of Internal Affairs (late)\n  {SITE}/monitoring/reports/", digests[0].body)
        self.assertIn(f"{missing} expected reports have not been submitted yet", digests[0].body)
        self.assertIn("- Ministry of Justice: 3\n", digests[0].body)
        self.assertIn(f"{SITE}/monitoring/\n", digests[0].body)
        self.assertIn("(Feb. 2, 2015)", digests[1].subject)

    def test_after_the_due_date_the_digest_counts_reports_as_overdue(self):
        send_reminders(today=AFTER_DUE)
        [digest] = sent_to("alice@example.org")
        missing = self.round.reports.filter(expected=True).count()
        self.assertIn(f"{missing} expected reports are overdue", digest.body)
        self.assertIn("No submitted report is waiting for your review.", digest.body)

    def test_there_is_no_digest_when_nothing_waits_and_nothing_is_missing(self):
        self.round.reports.update(
            status=ProgressReport.Status.ACCEPTED, first_submitted_at=datetime.datetime(2015, 2, 1, tzinfo=datetime.UTC)
        )
        counts = send_reminders(today=AFTER_DUE)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(sum(counts.values()), 0)

    def test_missing_reports_alone_bring_no_digest_before_the_reminder_window(self):
        counts = send_reminders(today=BEFORE_WINDOW)
        self.assertEqual(sent_to("alice@example.org"), [])
        self.assertEqual(counts["digest"], 0)
        self.submit(self.report("13.1.1"))
        self.assertEqual(send_reminders(today=BEFORE_WINDOW)["digest"], 1)

    def test_focal_points_get_no_digest(self):
        self.submit(self.report("13.1.1"))
        send_reminders(today=BEFORE_WINDOW)
        self.assertEqual(sent_to("bob@example.org"), [])

    # Never twice, never to the wrong people

    def test_running_the_command_twice_never_sends_the_same_reminder_twice(self):
        self.return_report("13.1.1", "Say which regions.")
        self.submit(self.report("13.1.5"))
        call_command("send_reminders", "--date", "2015-02-16", stdout=StringIO())
        sent = len(mail.outbox)
        self.assertEqual(sent, 4)  # overdue to Bob and Jill, returned to Bob, digest to Alice
        out = StringIO()
        call_command("send_reminders", "--date", "2015-02-16", stdout=out)
        self.assertEqual(len(mail.outbox), sent)
        self.assertEqual(out.getvalue(), "0 due-soon, 0 overdue, 0 returned, 0 digest reminders sent\n")
        self.assertEqual(Reminder.objects.count(), 4)

    def test_closed_rounds_send_nothing(self):
        self.return_report("13.1.1", "Say which regions.")
        round_close(reporting_round=self.round, actor=self.alice)
        for today in (WINDOW_OPENS, AFTER_DUE):
            self.assertEqual(sum(send_reminders(today=today).values()), 0)
        self.assertEqual(mail.outbox, [])

    def test_a_round_sends_nothing_before_it_opens(self):
        self.assertEqual(sum(send_reminders(today=datetime.date(2015, 1, 9)).values()), 0)
        self.assertEqual(mail.outbox, [])

    def test_a_user_without_an_email_address_is_skipped_until_they_have_one(self):
        carl = make_user("carl", self.ministry, Role.FOCAL_POINT)
        counts = send_reminders(today=WINDOW_OPENS)
        self.assertEqual(counts["skipped"], 1)
        self.assertEqual(counts["due-soon"], 2)  # Bob and Jill
        self.assertFalse(Reminder.objects.filter(recipient=carl).exists())
        carl.email = "carl@example.org"
        carl.save(update_fields=["email"])
        counts = send_reminders(today=day(WINDOW_OPENS, 1))
        self.assertEqual(counts["due-soon"], 1)
        self.assertEqual(len(sent_to("carl@example.org")), 1)

    def test_inactive_users_never_receive_anything(self):
        self.bob.is_active = False
        self.bob.save(update_fields=["is_active"])
        self.alice.is_active = False
        self.alice.save(update_fields=["is_active"])
        self.return_report("13.1.1", "Say which regions.")
        counts = send_reminders(today=AFTER_DUE)
        self.assertEqual([m.to for m in mail.outbox], [["jill@example.org"]])
        self.assertEqual(counts["skipped"], 0)

    def test_people_without_a_reminder_role_receive_nothing(self):
        make_user("rita", self.ministry, Role.CASE_WORKER, email="rita@example.org")
        self.olga.email = "olga@example.org"
        self.olga.save(update_fields=["email"])
        self.return_report("13.1.1", "Say which regions.")
        send_reminders(today=AFTER_DUE)
        self.assertEqual(sent_to("rita@example.org") + sent_to("olga@example.org"), [])

    def test_an_email_that_fails_is_not_recorded_and_is_tried_again(self):
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=SMTPException("refused")):
            counts = send_reminders(today=WINDOW_OPENS)
        self.assertEqual(counts["failed"], 3)  # Bob, Jill, Alice's digest
        self.assertFalse(Reminder.objects.exists())
        counts = send_reminders(today=WINDOW_OPENS)
        self.assertEqual((counts["due-soon"], counts["digest"]), (2, 1))

    def test_the_command_fails_when_an_email_could_not_be_sent(self):
        out = StringIO()
        with (
            mock.patch("django.core.mail.EmailMessage.send", side_effect=SMTPException("refused")),
            self.assertRaisesMessage(CommandError, "3 reminders could not be sent"),
        ):
            call_command("send_reminders", "--date", "2015-02-08", stdout=out)
        self.assertIn("3 failed", out.getvalue())

    # The command

    def test_the_command_runs_as_of_the_given_date_and_prints_a_summary(self):
        self.return_report("13.1.1", "Say which regions.")
        self.submit(self.report("13.1.5"))
        make_user("carl", self.ministry, Role.FOCAL_POINT)
        out = StringIO()
        call_command("send_reminders", "--date", "2015-02-10", stdout=out)
        self.assertEqual(
            out.getvalue(),
            "2 due-soon, 0 overdue, 1 returned, 1 digest reminders sent; 2 skipped (no email address)\n",
        )
        self.assertIn("(Feb. 10, 2015)", sent_to("alice@example.org")[0].subject)

    def test_the_command_refuses_a_date_it_cannot_read(self):
        with self.assertRaisesMessage(CommandError, "is not a date of the form YYYY-MM-DD"):
            call_command("send_reminders", "--date", "10/02/2015")
        self.assertEqual(mail.outbox, [])

    def test_the_command_runs_as_of_today_by_default(self):
        out = StringIO()
        call_command("send_reminders", stdout=out)  # today is long after 2015: the round is overdue
        self.assertEqual(out.getvalue(), "0 due-soon, 2 overdue, 0 returned, 1 digest reminders sent\n")

    def test_the_queries_do_not_grow_with_the_number_of_reports(self):
        def queries_of_a_quiet_run(today) -> int:
            send_reminders(today=today)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(sum(send_reminders(today=today).values()), 0)
            return len(queries)

        self.return_report("13.1.1", "Say which regions.")
        few = queries_of_a_quiet_run(AFTER_DUE)
        for number in ("13.1.5", "13.2.2", "13.2.3"):
            self.return_report(number, "Say which regions.")
        self.submit_all(self.justice, self.jill)
        self.assertEqual(queries_of_a_quiet_run(day(AFTER_DUE, 1)), few)
        self.assertLessEqual(few, 10)
