import datetime

from django.test import TestCase
from django.utils import timezone

from accounts.demo import demo_seed
from accounts.models import User
from audit.models import AuditEvent
from cases.demo import CENTRE, SHELTER, demo_cases
from cases.models import Case, Facility, Referral
from cases.protection import GAP_COMMISSION, GAP_GUARDIAN, GAP_GUARDIANSHIP_AUTHORITY, child_gaps
from cases.selectors import cases_visible_to

Status = Case.Status


class DemoCasesTests(TestCase):
    """The demo users of accounts.demo (no plan needed), then the demo cases."""

    @classmethod
    def setUpTestData(cls):
        demo_seed(password="x")
        cls.created = demo_cases()
        cls.caseworker = User.objects.get(username="caseworker")
        cls.caseworker2 = User.objects.get(username="caseworker2")
        cls.idofficer = User.objects.get(username="idofficer")

    def case(self, family_name: str) -> Case:
        return next(case for case in Case.objects.select_related("person") if case.person.family_name == family_name)

    def test_it_creates_five_cases_of_hope_support_union_with_the_expected_statuses(self):
        self.assertEqual(self.created, 5)
        self.assertEqual(Case.objects.count(), 5)
        self.assertEqual(set(Case.objects.values_list("owner__name", flat=True)), {"Hope Support Union (demo NGO)"})
        statuses = sorted(Case.objects.values_list("status", flat=True))
        expected = [Status.IDENTIFIED, Status.POTENTIAL, Status.POTENTIAL, Status.PRESUMED, Status.PRESUMED]
        self.assertEqual(statuses, sorted(expected))
        for case in Case.objects.select_related("person"):
            self.assertTrue(case.person.given_name.startswith("Demo-"), case)
            self.assertTrue(case.person.family_name.startswith("Demo-"), case)

    def test_the_facilities(self):
        shelter = Facility.objects.get(name=SHELTER)
        self.assertEqual(
            (shelter.organisation.name, shelter.region, shelter.capacity, shelter.kind),
            ("Hope Support Union (demo NGO)", "Baku", 12, Facility.Kind.SHELTER),
        )
        centre = Facility.objects.get(name=CENTRE)
        self.assertEqual(
            (centre.organisation.name, centre.region, centre.capacity, centre.kind),
            ("Clean Path Public Union (demo NGO)", "Ganja", 8, Facility.Kind.ASSISTANCE_CENTRE),
        )

    def test_the_presumed_case_waits_for_the_main_department(self):
        case = self.case("Demo-Mammadova")
        self.assertEqual(case.status, Status.PRESUMED)
        self.assertTrue(case.reflection_periods.filter(ends_on__gte=timezone.localdate()).exists())
        self.assertTrue(case.consents.filter(purpose="referral", given=True).exists())
        assessment = case.indicator_assessments.get()
        self.assertEqual(assessment.profile, "adult_labour")
        self.assertTrue(assessment.victim_rule_met)
        referral = case.referrals.get()
        self.assertEqual((referral.to_organisation, referral.state), (self.idofficer.organisation, "pending"))
        self.assertIsNotNone(case.referred_to_mia_at)

    def test_the_identified_case_is_placed_served_and_at_medium_risk(self):
        case = self.case("Demo-Huseynova")
        self.assertEqual(case.status, Status.IDENTIFIED)
        decision = case.status_changes.get(to_status=Status.IDENTIFIED)
        self.assertEqual(decision.actor, self.idofficer)
        self.assertTrue(decision.reason)
        self.assertEqual(case.referrals.get().state, Referral.State.ACCEPTED)
        self.assertEqual(case.placements.get(discharged_on__isnull=True).facility.name, SHELTER)
        self.assertEqual(sorted(case.assistance_services.values_list("kind", flat=True)), ["legal", "psychological"])
        risk = case.risk_assessments.get(active=True)
        self.assertEqual(risk.level, "medium")
        self.assertEqual(risk.next_review_on, timezone.localdate() + datetime.timedelta(days=14))

    def test_the_child_case_has_a_guardian_and_a_gap_in_its_checklist(self):
        case = self.case("Demo-Ismayilov")
        self.assertEqual(case.status, Status.PRESUMED)
        self.assertTrue(case.is_child)
        self.assertEqual(case.person.age_on(timezone.localdate()), 15)
        gaps = child_gaps(case)
        self.assertIn(str(GAP_COMMISSION), gaps)
        self.assertNotIn(str(GAP_GUARDIAN), gaps)
        self.assertNotIn(str(GAP_GUARDIANSHIP_AUTHORITY), gaps)

    def test_caseworker2_sees_exactly_the_case_clean_path_accepted(self):
        visible = list(cases_visible_to(self.caseworker2))
        self.assertEqual(visible, [self.case("Demo-Karimova")])
        self.assertEqual(visible[0].referrals.get().state, Referral.State.ACCEPTED)
        self.assertEqual(cases_visible_to(self.caseworker).count(), 5)
        self.assertEqual(cases_visible_to(self.idofficer).count(), 1)  # the referral it accepted, not the pending one

    def test_every_step_is_in_the_audit_trail(self):
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        for action in (
            "facility.create",
            "case.create",
            "case.status",
            "case.consent",
            "case.indicators",
            "referral.send",
            "referral.accepted",
            "case.placement_open",
            "case.service_record",
            "case.risk_assess",
            "case.guardian_record",
            "case.notification_record",
        ):
            self.assertIn(action, actions)
        self.assertEqual(AuditEvent.objects.filter(action="case.create").count(), 5)
        self.assertEqual(
            set(AuditEvent.objects.filter(action="case.create").values_list("actor_username", flat=True)),
            {"caseworker"},
        )

    def test_it_runs_only_once(self):
        events = AuditEvent.objects.count()
        self.assertEqual(demo_cases(), 0)
        self.assertEqual(Case.objects.count(), 5)
        self.assertEqual(Facility.objects.count(), 2)
        self.assertEqual(AuditEvent.objects.count(), events)


class DemoCasesWithoutUsersTests(TestCase):
    def test_without_the_demo_users_it_does_nothing(self):
        self.assertEqual(demo_cases(), 0)
        self.assertFalse(Case.objects.exists())
        self.assertFalse(Facility.objects.exists())
