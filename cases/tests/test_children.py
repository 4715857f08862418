import datetime

from django.core.exceptions import ValidationError
from django.db import connection

from audit.models import AuditEvent
from cases.care import enrolment_change_status, enrolment_record, service_record
from cases.models import Case, Guardian
from cases.protection import (
    AGE_CONFLICT,
    GAP_AGE,
    GAP_BEST_INTERESTS,
    GAP_COMMISSION,
    GAP_EDUCATION,
    GAP_EDUCATION_INTERRUPTED,
    GAP_GUARDIAN,
    GAP_GUARDIANSHIP_AUTHORITY,
    NOT_A_CHILD,
    RETURN_NEEDS_ASSESSMENT,
    RETURN_NOT_SAFE,
    age_verify,
    best_interest_assess,
    child_gaps,
    guardian_end,
    guardian_record,
    notification_record,
    return_allowed,
)
from cases.tests.base import CaseTestCase

TODAY = datetime.date.today()


class ChildTestCase(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.child = cls.new_case(given_name="Nigar", year_of_birth=TODAY.year - 15)

    def guardian(self, case=None, **fields):
        return guardian_record(
            case=case or self.child,
            actor=self.carol,
            **{"kind": "guardian", "name": "Rauf Mammadov", "contact": "+994 50 123 45 67", "appointed_on": TODAY}
            | fields,
        )


class ChildGapTests(ChildTestCase):
    def test_a_child_case_without_a_guardian_lists_it_among_its_gaps(self):
        gaps = child_gaps(self.child)
        self.assertIn(str(GAP_GUARDIAN), gaps)
        self.guardian()
        self.assertNotIn(str(GAP_GUARDIAN), child_gaps(self.child))

    def test_an_ended_guardianship_is_a_gap_again(self):
        guardian = self.guardian()
        with self.assertRaises(ValidationError):
            guardian_end(guardian=guardian, actor=self.carol, ended_on=TODAY, reason=" ")
        guardian_end(guardian=guardian, actor=self.carol, ended_on=TODAY, reason="The guardian moved abroad.")
        self.assertIn(str(GAP_GUARDIAN), child_gaps(self.child))

    def test_the_checklist_empties_once_everything_is_recorded(self):
        self.assertEqual(
            child_gaps(self.child),
            [str(gap) for gap in (GAP_GUARDIAN, GAP_GUARDIANSHIP_AUTHORITY, GAP_COMMISSION, GAP_EDUCATION)]
            + [str(GAP_BEST_INTERESTS)],
        )
        self.guardian()
        notification_record(case=self.child, actor=self.carol, authority="guardianship_authority", notified_on=TODAY)
        notification_record(case=self.child, actor=self.carol, authority="commission_on_minors", notified_on=TODAY)
        enrolment_record(case=self.child, actor=self.carol, enrolled_on=TODAY, school_kind="general", region="Sumqayit")
        best_interest_assess(case=self.child, actor=self.carol, return_safe=False, assessed_on=TODAY)
        self.assertEqual(child_gaps(self.child), [])

    def test_notifications_record_the_date_and_who_notified(self):
        day = TODAY - datetime.timedelta(days=2)
        notification = notification_record(
            case=self.child, actor=self.carol, authority="commission_on_minors", notified_on=day
        )
        self.assertEqual(
            (notification.notified_on, notification.notified_by, notification.organisation), (day, self.carol, self.ngo)
        )
        self.assertEqual(
            AuditEvent.objects.get(action="case.notification_record").details,
            {"authority": "commission_on_minors", "notified_on": str(day)},
        )

    def test_interrupted_schooling_is_a_gap(self):
        enrolment = enrolment_record(
            case=self.child, actor=self.carol, enrolled_on=TODAY, school_kind="general", region="Baku"
        )
        self.assertNotIn(str(GAP_EDUCATION_INTERRUPTED), child_gaps(self.child))
        enrolment_change_status(enrolment=enrolment, actor=self.carol, status="interrupted")
        self.assertIn(str(GAP_EDUCATION_INTERRUPTED), child_gaps(self.child))

    def test_an_adults_case_has_no_child_gaps_and_takes_no_guardian(self):
        self.assertEqual(child_gaps(self.case), [])
        with self.assertRaisesMessage(ValidationError, str(NOT_A_CHILD)):
            self.guardian(case=self.case)


class GuardianPrivacyTests(ChildTestCase):
    def test_raw_sql_shows_no_plaintext_guardian_name_or_contact(self):
        guardian = self.guardian()
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, contact FROM cases_guardian WHERE id = %s", [guardian.pk])
            stored = " ".join(cursor.fetchone())
        self.assertNotIn("Rauf", stored)
        self.assertNotIn("Mammadov", stored)
        self.assertNotIn("123 45 67", stored)
        self.assertEqual(Guardian.objects.get(pk=guardian.pk).name, "Rauf Mammadov")

    def test_the_guardians_name_is_not_in_the_audit_trail_nor_in_its_string(self):
        guardian = self.guardian()
        event = AuditEvent.objects.get(action="case.guardian_record")
        self.assertEqual(event.details, {"guardian": guardian.pk, "kind": "guardian", "appointed_on": str(TODAY)})
        self.assertNotIn("Rauf", f"{event.details} {event.reason} {guardian}")


class ReturnGateTests(ChildTestCase):
    def repatriate(self, case=None):
        return service_record(
            case=case or self.child, actor=self.carol, kind="repatriation", provider=self.ministry, starts_on=TODAY
        )

    def test_a_childs_return_is_blocked_without_an_assessment(self):
        self.assertEqual(return_allowed(self.child), (False, str(RETURN_NEEDS_ASSESSMENT)))
        with self.assertRaisesMessage(ValidationError, str(RETURN_NEEDS_ASSESSMENT)):
            self.repatriate()
        with self.assertRaisesMessage(ValidationError, str(RETURN_NEEDS_ASSESSMENT)):
            service_record(
                case=self.child,
                actor=self.carol,
                kind="family_reunification",
                provider=self.ngo,
                starts_on=TODAY,
                abroad=True,
            )
        self.assertFalse(self.child.assistance_services.exists())

    def test_a_return_is_blocked_by_an_unsafe_assessment_and_allowed_by_a_safe_one(self):
        best_interest_assess(
            case=self.child, actor=self.carol, return_safe=False, assessed_on=TODAY - datetime.timedelta(days=10)
        )
        refusal = str(RETURN_NOT_SAFE).format(on=TODAY - datetime.timedelta(days=10))
        self.assertEqual(return_allowed(self.child), (False, refusal))
        with self.assertRaisesMessage(ValidationError, refusal):
            self.repatriate()
        best_interest_assess(case=self.child, actor=self.carol, return_safe=True, assessed_on=TODAY)
        self.assertEqual(return_allowed(self.child), (True, ""))
        self.assertEqual(self.repatriate().kind, "repatriation")

    def test_a_later_unsafe_assessment_blocks_the_return_again(self):
        best_interest_assess(
            case=self.child, actor=self.carol, return_safe=True, assessed_on=TODAY - datetime.timedelta(days=10)
        )
        best_interest_assess(case=self.child, actor=self.carol, return_safe=False, assessed_on=TODAY)
        self.assertFalse(return_allowed(self.child)[0])

    def test_a_reunification_in_the_country_and_an_adults_return_are_not_gated(self):
        service_record(
            case=self.child, actor=self.carol, kind="family_reunification", provider=self.ngo, starts_on=TODAY
        )
        self.assertEqual(return_allowed(self.case), (True, ""))
        self.assertEqual(self.repatriate(case=self.case).kind, "repatriation")

    def test_a_child_presumed_so_is_gated_too(self):
        self.case.presumed_child = True
        self.case.save(update_fields=["presumed_child"])
        self.assertFalse(return_allowed(self.case)[0])


class AgeVerificationTests(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.uncertain = cls.new_case(year_of_birth=None)
        Case.objects.filter(pk=cls.uncertain.pk).update(presumed_child=True)

    def test_verifying_an_adults_age_clears_the_presumption(self):
        case = Case.objects.get(pk=self.uncertain.pk)
        self.assertTrue(case.is_child)
        self.assertIn(str(GAP_AGE), child_gaps(case))
        with self.assertRaises(ValidationError):
            age_verify(case=case, actor=self.carol, age=20, method="documents", reason=" ")
        verification = age_verify(
            case=case, actor=self.carol, age=20, method="documents", reason="Passport obtained from the consulate."
        )
        case = Case.objects.get(pk=case.pk)
        self.assertFalse(case.presumed_child)
        self.assertFalse(case.is_child)
        self.assertEqual((case.person.estimated_age, verification.child), (20, False))
        event = AuditEvent.objects.get(action="case.age_verify")
        self.assertEqual(event.reason, "Passport obtained from the consulate.")
        self.assertEqual(event.details, {"method": "documents", "child": False, "presumed_child": [True, False]})

    def test_verifying_a_childs_age_keeps_the_case_a_childs(self):
        age_verify(case=self.uncertain, actor=self.carol, age=16, method="multidisciplinary", reason="Assessment.")
        case = Case.objects.get(pk=self.uncertain.pk)
        self.assertFalse(case.presumed_child)
        self.assertTrue(case.is_child)
        self.assertNotIn(str(GAP_AGE), child_gaps(case))

    def test_a_verified_age_contradicting_the_recorded_birth_year_is_refused(self):
        case = self.new_case(year_of_birth=TODAY.year - 30)
        Case.objects.filter(pk=case.pk).update(presumed_child=True)
        with self.assertRaisesMessage(ValidationError, str(AGE_CONFLICT)):
            age_verify(case=case, actor=self.carol, age=16, method="medical", reason="X-ray.")
        self.assertTrue(Case.objects.get(pk=case.pk).presumed_child)
