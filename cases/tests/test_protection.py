import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from audit.models import AuditEvent
from cases.care import facility_create, placement_discharge, placement_open
from cases.models import Case, Consent
from cases.protection import (
    BLOCKER_ACTIVE_RISK,
    BLOCKER_OPEN_PLACEMENT,
    HAND_OVER_TO_OWNER,
    ONLY_OWNER_HANDS_OVER,
    RISK_ALREADY_INACTIVE,
    case_hand_over,
    closure_blockers,
    measure_end,
    measure_record,
    risk_assess,
    risk_deactivate,
)
from cases.selectors import cases_visible_to
from cases.services import case_change_status, case_create, consent_record, referral_answer, referral_send
from cases.tests.base import CaseTestCase
from ctims.testing import make_user
from organisations.models import Organisation

TODAY = datetime.date.today()


class RiskTests(CaseTestCase):
    def test_risk_assessments_are_kept_over_time(self):
        first = risk_assess(
            case=self.case, actor=self.carol, level="high", assessed_on=TODAY - datetime.timedelta(30), summary="x"
        )
        second = risk_assess(case=self.case, actor=self.carol, level="medium", assessed_on=TODAY)
        self.assertEqual(list(self.case.risk_assessments.all()), [second, first])
        self.assertEqual((first.assessed_by, first.organisation, first.active), (self.carol, self.ngo, True))
        with self.assertRaises(ValidationError):
            risk_assess(case=self.case, actor=self.carol, level="extreme", assessed_on=TODAY)

    def test_closure_is_blocked_by_an_active_risk_and_allowed_once_it_is_inactive(self):
        case = self.new_case(actor=self.ivan)
        case_change_status(case=case, actor=self.ivan, to_status="not_identified", reason="No indicators.")
        risk = risk_assess(case=case, actor=self.ivan, level="high", assessed_on=TODAY)
        self.assertEqual(closure_blockers(case), [str(BLOCKER_ACTIVE_RISK).format(level="high", on=TODAY)])
        with self.assertRaises(ValidationError):
            risk_deactivate(risk=risk, actor=self.ivan, reason="")
        risk_deactivate(risk=risk, actor=self.ivan, reason="The trafficker is in custody.")
        self.assertEqual(closure_blockers(case), [])
        case = case_change_status(case=case, actor=self.ivan, to_status="closed", reason="Assistance completed.")
        self.assertEqual(case.status, "closed")
        risk.refresh_from_db()
        self.assertEqual((risk.active, risk.deactivated_by), (False, self.ivan))
        with self.assertRaisesMessage(ValidationError, str(RISK_ALREADY_INACTIVE)):
            risk_deactivate(risk=risk, actor=self.ivan, reason="again")
        event = AuditEvent.objects.get(action="case.risk_deactivate")
        self.assertEqual((event.reason, event.details["active"]), ("The trafficker is in custody.", False))

    def test_an_open_placement_blocks_closure_until_the_discharge(self):
        shelter = facility_create(actor=self.carol, organisation=self.ngo, name="Shelter", region="Baku", capacity=4)
        placement = placement_open(case=self.case, actor=self.carol, facility=shelter)
        self.assertEqual(closure_blockers(self.case), [str(BLOCKER_OPEN_PLACEMENT).format(facility="Shelter")])
        placement_discharge(placement=placement, actor=self.carol)
        self.assertEqual(closure_blockers(self.case), [])

    def test_protection_measures_record_kind_body_and_dates(self):
        measure = measure_record(
            case=self.case, actor=self.carol, kind="police_protection", body=self.ministry, starts_on=TODAY
        )
        with self.assertRaises(ValidationError):
            measure_end(measure=measure, actor=self.carol, ends_on=TODAY - datetime.timedelta(1))
        measure_end(measure=measure, actor=self.carol, ends_on=TODAY)
        measure.refresh_from_db()
        self.assertEqual((measure.body, measure.starts_on, measure.ends_on), (self.ministry, TODAY, TODAY))
        self.assertEqual(
            list(AuditEvent.objects.filter(object_id=str(self.case.pk)).values_list("action", flat=True))[-2:],
            ["case.measure_record", "case.measure_end"],
        )


class HandOverTests(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mfa = Organisation.objects.create(name="Ministry of Foreign Affairs", kind="ministry")
        cls.consulate = Organisation.objects.create(
            name="Consulate General in Istanbul", kind="service", parent=cls.mfa
        )
        cls.consul = make_user("consul", cls.consulate, Role.CASE_WORKER)
        cls.consular_case = case_create(
            actor=cls.consul, person={"sex": "female", "estimated_age": 25, "citizenship": "AZ"}, source="consulate"
        )

    def test_a_hand_over_changes_the_owner_and_the_previous_owner_loses_access(self):
        self.assertTrue(self.consul.has_perm("cases.change_case", self.consular_case))
        self.assertFalse(self.carol.has_perm("cases.view_case", self.consular_case))
        case_hand_over(
            case=self.consular_case, actor=self.consul, to_organisation=self.ngo, reason="She came home on 3 May."
        )
        case = Case.objects.get(pk=self.consular_case.pk)
        self.assertEqual((case.owner, case.source), (self.ngo, "consulate"))
        self.assertFalse(self.consul.has_perm("cases.view_case", case))
        self.assertFalse(self.consul.has_perm("cases.change_case", case))
        self.assertNotIn(case, cases_visible_to(self.consul))
        self.assertTrue(self.carol.has_perm("cases.change_case", case))
        hand_over = case.hand_overs.get()
        self.assertEqual(
            (hand_over.from_organisation, hand_over.to_organisation, hand_over.actor, hand_over.reason),
            (self.consulate, self.ngo, self.consul, "She came home on 3 May."),
        )
        event = AuditEvent.objects.get(action="case.hand_over")
        self.assertEqual((event.actor, event.object_id), (self.consul, str(case.pk)))
        self.assertEqual(
            (event.details, event.reason), ({"from": self.consulate.pk, "to": self.ngo.pk}, hand_over.reason)
        )

    def test_a_hand_over_needs_a_reason_and_another_organisation(self):
        with self.assertRaises(ValidationError):
            case_hand_over(case=self.consular_case, actor=self.consul, to_organisation=self.ngo, reason=" ")
        with self.assertRaisesMessage(ValidationError, str(HAND_OVER_TO_OWNER)):
            case_hand_over(case=self.consular_case, actor=self.consul, to_organisation=self.consulate, reason="x")
        self.assertEqual(Case.objects.get(pk=self.consular_case.pk).owner, self.consulate)
        self.assertFalse(AuditEvent.objects.filter(action="case.hand_over").exists())

    def test_only_the_owner_hands_over_not_an_organisation_that_accepted_a_referral(self):
        consent_record(case=self.case, actor=self.carol, purpose=Consent.Purpose.REFERRAL, given=True, given_on=TODAY)
        referral = referral_send(case=self.case, actor=self.carol, to_organisation=self.other_ngo, services="legal")
        referral_answer(referral=referral, actor=self.dan, accept=True)
        with self.assertRaisesMessage(PermissionDenied, str(ONLY_OWNER_HANDS_OVER)):
            case_hand_over(case=self.case, actor=self.dan, to_organisation=self.other_ngo, reason="Ours now.")
        self.assertEqual(Case.objects.get(pk=self.case.pk).owner, self.ngo)
