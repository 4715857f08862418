import datetime
from io import StringIO
from smtplib import SMTPException
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from accounts.roles import Role
from cases.alerts import due_alerts, send_case_alerts
from cases.models import Case, Consent, Referral
from cases.services import case_change_status, consent_record, period_decide, referral_answer, referral_send
from cases.tests.base import CaseTestCase
from ctims.testing import make_user
from monitoring.models import Reminder

SITE = "https://ctims.example.org"
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


@override_settings(SITE_URL=SITE, LANGUAGE_CODE="en")
class CaseAlertTests(CaseTestCase):
    """Carol (Hope Support Union) holds the cases; Dan is a case worker of Clean Path; Ivan and Paul work at the MIA
    Main Department, the competent body."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in (cls.carol, cls.dan, cls.ivan, cls.paul, cls.alice):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])

    def setUp(self):
        self.now = timezone.now()

    def presume(self, case=None, actor=None) -> Case:
        return case_change_status(
            case=case or self.case, actor=actor or self.carol, to_status=Case.Status.PRESUMED, reason="Indicators met."
        )

    def refer(self, to_organisation, case=None) -> Referral:
        case = case or self.case
        consent_record(
            case=case, actor=self.carol, purpose=Consent.Purpose.REFERRAL, given=True, given_on=timezone.localdate()
        )
        return referral_send(case=case, actor=self.carol, to_organisation=to_organisation, services="Shelter")

    def alerts_at(self, delta: datetime.timedelta):
        return send_case_alerts(now=self.now + delta)

    # Risk reviews

    def test_an_active_risk_past_its_review_date_is_reminded_once(self):
        from cases.protection import risk_assess

        today = timezone.localdate(self.now)
        risk_assess(case=self.case, actor=self.carol, level="high", assessed_on=today, next_review_on=today + 7 * DAY)
        self.assertEqual(self.alerts_at(6 * DAY)["review-overdue"], 0)
        counts = self.alerts_at(8 * DAY)
        self.assertEqual(counts["review-overdue"], 1)
        [message] = sent_to("carol@example.org")
        self.assertIn(self.case.reference, message.subject)
        self.assertNotIn("Aynur", message.body)
        self.assertEqual(self.alerts_at(9 * DAY)["review-overdue"], 0)

    def test_an_inactive_risk_needs_no_review(self):
        from cases.protection import risk_assess

        today = timezone.localdate(self.now)
        risk_assess(
            case=self.case, actor=self.carol, level="low", assessed_on=today, next_review_on=today, active=False
        )
        self.assertEqual(self.alerts_at(3 * DAY)["review-overdue"], 0)

    # Reflection periods ending

    def test_the_owners_case_workers_are_alerted_five_days_before_a_period_ends_without_a_decision(self):
        case = self.presume()
        case.referred_to_mia_at = self.now  # keep the referral alert out of this test
        case.save(update_fields=["referred_to_mia_at"])
        period = case.reflection_periods.get()
        self.alerts_at(period.ends_on - timezone.localdate(self.now) - datetime.timedelta(days=6))
        self.assertEqual(mail.outbox, [])
        counts = self.alerts_at(period.ends_on - timezone.localdate(self.now) - datetime.timedelta(days=5))
        [message] = mail.outbox
        self.assertEqual(message.to, ["carol@example.org"])
        ends_on = date_format(period.ends_on)
        self.assertEqual(
            message.subject, f"CTIMS: the reflection period of case {case.reference} ends on {ends_on}, in 5 days"
        )
        self.assertIn(f"{SITE}/cases/{case.uid}/", message.body)
        self.assertIn("in 5 days", message.body)
        self.assertIn("as a case worker of Hope Support Union", message.body)
        self.assertEqual(counts["period-ending"], 1)
        self.assertTrue(Reminder.objects.filter(key=f"period-ending:{period.pk}:{self.carol.pk}").exists())

    def test_the_period_alert_is_sent_once_per_period_and_person(self):
        period = self.presume().reflection_periods.get()
        left = period.ends_on - timezone.localdate(self.now)
        for days in (5, 3, 0, -2):
            self.alerts_at(left - datetime.timedelta(days=days))
        self.assertEqual(len([m for m in sent_to("carol@example.org") if "reflection period" in m.subject]), 1)

    def test_a_period_that_ended_without_a_decision_is_still_alerted(self):
        period = self.presume().reflection_periods.get()
        self.alerts_at(period.ends_on - timezone.localdate(self.now) + 3 * DAY)
        [message] = [m for m in mail.outbox if "reflection period" in m.subject]
        self.assertIn("without a decision", message.subject)
        self.assertIn("3 days ago", message.body)

    def test_a_decided_period_brings_no_alert(self):
        period = self.presume().reflection_periods.get()
        period_decide(period=period, actor=self.carol, decision="cooperates")
        self.alerts_at(period.ends_on - timezone.localdate(self.now))
        self.assertEqual([m for m in mail.outbox if "reflection period" in m.subject], [])

    # Presumed victims not referred to the competent body

    def test_a_presumed_victim_not_referred_within_24_hours_alerts_the_owners_case_workers_once(self):
        case = self.presume()
        self.alerts_at(23 * HOUR)
        self.assertEqual(mail.outbox, [])
        counts = self.alerts_at(25 * HOUR)
        [message] = mail.outbox
        self.assertEqual(message.to, ["carol@example.org"])
        self.assertIn(f"case {case.reference} is overdue for referral", message.subject)
        self.assertIn("Main Department for Combating Trafficking in Human Beings", message.body)
        self.assertIn(f"{SITE}{case.get_absolute_url()}", message.body)
        self.assertEqual(counts["referral-overdue"], 1)
        self.alerts_at(49 * HOUR)
        self.assertEqual(len(mail.outbox), 1)
        self.assertTrue(Reminder.objects.filter(key=f"referral-overdue:{case.pk}:{self.carol.pk}").exists())

    def test_a_case_referred_to_the_competent_body_in_time_brings_no_alert(self):
        self.presume()
        self.refer(self.main_department)
        self.alerts_at(25 * HOUR)
        self.assertEqual(mail.outbox, [])

    def test_the_competent_bodys_own_cases_need_no_referral_to_it(self):
        self.presume(self.new_case(actor=self.paul), actor=self.paul)
        self.alerts_at(25 * HOUR)
        self.assertEqual(mail.outbox, [])

    def test_closed_and_decided_cases_bring_no_alert(self):
        case = self.presume()
        referral_answer(referral=self.refer(self.main_department), actor=self.ivan, accept=True)
        case_change_status(case=case, actor=self.ivan, to_status=Case.Status.NOT_IDENTIFIED, reason="No indicator.")
        case_change_status(case=case, actor=self.carol, to_status=Case.Status.CLOSED, reason="Left the country.")
        self.alerts_at(40 * DAY)
        self.assertEqual(mail.outbox, [])

    # Referrals waiting for an answer

    def test_a_referral_waiting_more_than_three_days_alerts_the_receiving_organisation(self):
        referral = self.refer(self.other_ngo)
        self.alerts_at(3 * DAY - HOUR)
        self.assertEqual(mail.outbox, [])
        counts = self.alerts_at(3 * DAY + HOUR)
        [message] = mail.outbox
        self.assertEqual(message.to, ["dan@example.org"])
        self.assertEqual(
            message.subject, f"CTIMS: a referral of case {self.case.reference} has waited 3 days for your answer"
        )
        self.assertIn("Hope Support Union referred case", message.body)
        self.assertIn(f"{SITE}/cases/referrals/", message.body)
        self.assertNotIn(self.case.get_absolute_url(), message.body)  # Dan cannot open it before accepting
        self.assertNotIn("Shelter", message.body)  # free text typed by the sender stays out
        self.assertEqual(counts["referral-waiting"], 1)
        self.alerts_at(5 * DAY)
        self.assertEqual(len(mail.outbox), 1)
        self.assertTrue(Reminder.objects.filter(key=f"referral-waiting:{referral.pk}:{self.dan.pk}").exists())

    def test_an_answered_referral_brings_no_alert(self):
        referral_answer(referral=self.refer(self.other_ngo), actor=self.dan, accept=False, reason="No place.")
        self.alerts_at(4 * DAY)
        self.assertEqual(mail.outbox, [])

    # Who receives alerts

    def test_case_workers_and_identification_officers_of_the_organisation_are_alerted(self):
        self.refer(self.main_department)
        make_user("mia_focal", self.main_department, Role.FOCAL_POINT, email="focal@example.org")
        make_user("away", self.main_department, Role.CASE_WORKER, email="away@example.org", is_active=False)
        make_user("mute", self.main_department, Role.CASE_WORKER)
        self.alerts_at(4 * DAY)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["ivan@example.org", "paul@example.org"])

    def test_other_organisations_and_the_coordinator_receive_nothing(self):
        self.presume()
        self.alerts_at(40 * DAY)
        self.assertEqual({m.to[0] for m in mail.outbox}, {"carol@example.org"})

    # No identifier, ever

    def test_no_email_names_the_person_or_gives_an_identifier(self):
        born = datetime.date(1987, 11, 23)
        case = self.new_case(
            given_name="Zemfira",
            family_name="Xalilbeyova",
            date_of_birth=born,
            documents="Passport AZE C04871236",
            phone="+994 50 777 13 13",
            address="Nizami street 77, Ganja",
        )
        self.presume(case)
        other = self.presume(self.new_case(given_name="Zemfira", family_name="Xalilbeyova", date_of_birth=born))
        self.refer(self.other_ngo, case=other)
        for delta in (4 * DAY, 26 * DAY, 40 * DAY):
            self.alerts_at(delta)
        kinds = {key.split(":")[0] for key in Reminder.objects.values_list("key", flat=True)}
        self.assertEqual(kinds, {"period-ending", "referral-overdue", "referral-waiting"})
        forbidden = [
            "Zemfira",
            "Xalilbeyova",
            "C04871236",
            "777 13 13",
            "Nizami",
            "Ganja",
            "1987",
            born.isoformat(),
            date_format(born),
            date_format(born, "SHORT_DATE_FORMAT"),
        ]
        for message in mail.outbox:
            for text in forbidden:
                self.assertNotIn(text, message.subject)
                self.assertNotIn(text, message.body)

    # Failures and the command

    def test_an_email_that_fails_is_not_recorded_and_is_tried_again(self):
        self.presume()
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=SMTPException("refused")):
            counts = self.alerts_at(25 * HOUR)
        self.assertEqual(counts["failed"], 1)
        self.assertFalse(Reminder.objects.exists())
        counts = self.alerts_at(49 * HOUR)
        self.assertEqual(counts["referral-overdue"], 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_the_command_runs_as_of_the_given_date_and_prints_a_summary(self):
        self.presume()
        self.refer(self.other_ngo)
        out = StringIO()
        later = timezone.localdate() + 4 * DAY
        call_command("case_alerts", "--date", later.isoformat(), stdout=out)
        self.assertEqual(
            out.getvalue(), "0 period-ending, 1 referral-overdue, 1 referral-waiting, 0 review-overdue alerts sent\n"
        )
        out = StringIO()
        call_command("case_alerts", "--date", (later + 24 * DAY).isoformat(), stdout=out)
        self.assertEqual(
            out.getvalue(), "1 period-ending, 0 referral-overdue, 0 referral-waiting, 0 review-overdue alerts sent\n"
        )

    def test_the_command_runs_as_of_today_by_default(self):
        self.presume()
        Case.objects.filter(pk=self.case.pk).update(presumed_at=self.now - 2 * DAY)
        out = StringIO()
        call_command("case_alerts", stdout=out)
        self.assertEqual(
            out.getvalue(), "0 period-ending, 1 referral-overdue, 0 referral-waiting, 0 review-overdue alerts sent\n"
        )

    def test_the_command_fails_when_an_alert_could_not_be_sent(self):
        self.presume()
        Case.objects.filter(pk=self.case.pk).update(presumed_at=self.now - 2 * DAY)
        out = StringIO()
        with (
            mock.patch("django.core.mail.EmailMessage.send", side_effect=SMTPException("refused")),
            self.assertRaisesMessage(CommandError, "1 alerts could not be sent"),
        ):
            call_command("case_alerts", stdout=out)
        self.assertIn("1 failed", out.getvalue())

    def test_the_command_refuses_a_date_it_cannot_read(self):
        with self.assertRaisesMessage(CommandError, "is not a date of the form YYYY-MM-DD"):
            call_command("case_alerts", "--date", "10/02/2015")

    def test_the_queries_do_not_grow_with_the_number_of_cases(self):
        def queries(delta) -> int:
            with CaptureQueriesContext(connection) as captured:
                due_alerts(self.now + delta)
            return len(captured)

        self.presume()
        self.refer(self.other_ngo)
        few = queries(40 * DAY)
        for _ in range(3):
            case = self.presume(self.new_case())
            self.refer(self.main_department, case=case)
        self.assertEqual(queries(40 * DAY), few)
        self.assertLessEqual(few, 5)
