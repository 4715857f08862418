import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent
from cases import care, protection
from cases.care import (
    ALREADY_PLACED,
    FACILITY_FULL,
    FACILITY_NOT_YOURS,
    FOLLOW_UP_BEFORE_CLOSURE,
    facility_change_capacity,
    facility_create,
    follow_up_record,
    outcome_record,
    placement_discharge,
    placement_open,
    service_end,
    service_record,
)
from cases.models import AssistanceService, Case, Facility, Placement
from cases.services import case_change_status
from cases.tests.base import CaseTestCase

TODAY = datetime.date.today()


class FacilityTestCase(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shelter = facility_create(
            actor=cls.carol, organisation=cls.ngo, name="Hope shelter", region="Baku", capacity=2
        )
        cls.second = cls.new_case(given_name="Leyla")
        cls.third = cls.new_case(given_name="Sevda")


class FacilityTests(FacilityTestCase):
    def test_a_placement_over_capacity_is_refused_with_a_clear_message(self):
        placement_open(case=self.case, actor=self.carol, facility=self.shelter)
        placement_open(case=self.second, actor=self.carol, facility=self.shelter)
        message = str(FACILITY_FULL).format(facility="Hope shelter", capacity=2)
        with self.assertRaisesMessage(ValidationError, message):
            placement_open(case=self.third, actor=self.carol, facility=self.shelter)
        self.assertFalse(self.third.placements.exists())
        self.assertIn("Hope shelter is full: all 2 places are taken", message)

    def test_occupancy_is_derived_from_open_placements_never_stored(self):
        self.assertNotIn("occupancy", {field.name for field in Facility._meta.get_fields()})
        self.assertEqual(self.shelter.occupancy, 0)
        placement_open(case=self.case, actor=self.carol, facility=self.shelter)
        Placement.objects.create(
            case=self.second,
            facility=self.shelter,
            placed_on=TODAY - datetime.timedelta(days=60),
            placed_by=self.carol,
            discharged_on=TODAY - datetime.timedelta(days=30),
        )
        self.assertEqual(self.shelter.occupancy, 1)
        self.assertEqual(self.shelter.places_free, 1)
        listed = Facility.objects.with_occupancy().get(pk=self.shelter.pk)
        with self.assertNumQueries(0):
            self.assertEqual(listed.occupancy, 1)

    def test_a_discharge_frees_a_place(self):
        placement_open(case=self.case, actor=self.carol, facility=self.shelter)
        second = placement_open(case=self.second, actor=self.carol, facility=self.shelter)
        self.assertEqual(self.shelter.occupancy, 2)
        placement_discharge(placement=second, actor=self.carol, reason="Moved to her family.")
        self.assertEqual(self.shelter.occupancy, 1)
        placement_open(case=self.third, actor=self.carol, facility=self.shelter)
        self.assertEqual(self.shelter.occupancy, 2)
        second.refresh_from_db()
        self.assertEqual((second.discharged_on, second.discharged_by), (TODAY, self.carol))
        with self.assertRaises(ValidationError):
            placement_discharge(placement=second, actor=self.carol)

    def test_a_second_open_placement_of_the_same_person_is_refused(self):
        other = facility_create(actor=self.carol, organisation=self.ngo, name="Day centre", region="Ganja", capacity=5)
        first = placement_open(case=self.case, actor=self.carol, facility=self.shelter)
        message = str(ALREADY_PLACED).format(facility="Hope shelter", placed_on=first.placed_on)
        with self.assertRaisesMessage(ValidationError, message):
            placement_open(case=self.case, actor=self.carol, facility=other)
        with self.assertRaises(IntegrityError), transaction.atomic():  # the database refuses it too
            Placement.objects.create(case=self.case, facility=other, placed_on=TODAY, placed_by=self.carol)
        placement_discharge(placement=first, actor=self.carol)
        self.assertEqual(placement_open(case=self.case, actor=self.carol, facility=other).facility, other)

    def test_a_discharge_cannot_come_before_the_placement(self):
        placement = placement_open(case=self.case, actor=self.carol, facility=self.shelter)
        with self.assertRaises(ValidationError):
            placement_discharge(placement=placement, actor=self.carol, discharged_on=TODAY - datetime.timedelta(1))
        self.assertTrue(Placement.objects.get(pk=placement.pk).is_open)

    def test_only_case_workers_of_the_running_organisation_manage_a_facility(self):
        for actor in (self.dan, self.alice):
            with self.assertRaisesMessage(PermissionDenied, str(FACILITY_NOT_YOURS)):
                facility_create(actor=actor, organisation=self.ngo, name="Elsewhere", region="Baku", capacity=3)
        with self.assertRaises(PermissionDenied):
            facility_change_capacity(facility=self.shelter, actor=self.dan, capacity=10, reason="x")
        with self.assertRaises(ValidationError):
            facility_create(actor=self.carol, organisation=self.ngo, name="Empty", region="Baku", capacity=0)

    def test_lowering_the_capacity_stops_new_placements_but_discharges_nobody(self):
        placement_open(case=self.case, actor=self.carol, facility=self.shelter)
        placement_open(case=self.second, actor=self.carol, facility=self.shelter)
        facility_change_capacity(facility=self.shelter, actor=self.carol, capacity=1, reason="A room is closed.")
        self.shelter.refresh_from_db()
        self.assertEqual((self.shelter.capacity, self.shelter.occupancy), (1, 2))
        with self.assertRaises(ValidationError):
            placement_open(case=self.third, actor=self.carol, facility=self.shelter)
        event = AuditEvent.objects.get(action="facility.capacity")
        self.assertEqual((event.details, event.reason), ({"capacity": [2, 1]}, "A room is closed."))

    def test_placement_and_discharge_are_audited_without_identifiers(self):
        placement = placement_open(case=self.case, actor=self.carol, facility=self.shelter)
        placement_discharge(placement=placement, actor=self.carol, reason="Returned to her flat.")
        events = AuditEvent.objects.filter(object_id=str(self.case.pk), action__startswith="case.placement")
        self.assertEqual(
            list(events.values_list("action", flat=True)), ["case.placement_open", "case.placement_discharge"]
        )
        self.assertNotIn("Aynur", str(list(events.values_list("details", flat=True))))


class ServiceTests(CaseTestCase):
    def test_financial_aid_amounts_are_decimal_in_azn_by_default(self):
        aid = service_record(
            case=self.case,
            actor=self.carol,
            kind=AssistanceService.Kind.FINANCIAL_AID,
            provider=self.ministry,
            starts_on=TODAY,
            amount="150.50",
        )
        aid.refresh_from_db()
        self.assertIsInstance(aid.amount, Decimal)
        self.assertEqual((aid.amount, aid.currency), (Decimal("150.50"), "AZN"))
        event = AuditEvent.objects.get(action="case.service_record")
        self.assertEqual((event.details["amount"], event.details["currency"]), ("150.50", "AZN"))

    def test_negative_or_float_amounts_are_refused(self):
        for amount in (Decimal("-1.00"), "-20"):
            with self.assertRaises(ValidationError) as refused:
                service_record(
                    case=self.case,
                    actor=self.carol,
                    kind="financial_aid",
                    provider=self.ngo,
                    starts_on=TODAY,
                    amount=amount,
                )
            self.assertIn("amount", refused.exception.message_dict)
        with self.assertRaises(ValidationError):
            service_record(
                case=self.case, actor=self.carol, kind="financial_aid", provider=self.ngo, starts_on=TODAY, amount=0.1
            )
        with self.assertRaises(IntegrityError), transaction.atomic():  # the database refuses it too
            AssistanceService.objects.create(
                case=self.case,
                kind="financial_aid",
                provider=self.ngo,
                starts_on=TODAY,
                amount=Decimal("-5"),
                recorded_by=self.carol,
            )
        self.assertFalse(AssistanceService.objects.exists())

    def test_aid_needs_an_amount_and_other_services_have_none(self):
        with self.assertRaises(ValidationError):
            service_record(case=self.case, actor=self.carol, kind="financial_aid", provider=self.ngo, starts_on=TODAY)
        with self.assertRaises(ValidationError):
            service_record(
                case=self.case, actor=self.carol, kind="medical", provider=self.ngo, starts_on=TODAY, amount="10"
            )

    def test_a_service_records_its_provider_dates_and_outcome(self):
        service = service_record(
            case=self.case, actor=self.carol, kind="psychological", provider=self.other_ngo, starts_on=TODAY
        )
        with self.assertRaises(ValidationError):
            service_end(service=service, actor=self.carol, ends_on=TODAY - datetime.timedelta(1), outcome="completed")
        service_end(service=service, actor=self.carol, ends_on=TODAY, outcome="completed")
        service.refresh_from_db()
        self.assertEqual((service.provider, service.ends_on, service.outcome), (self.other_ngo, TODAY, "completed"))
        with self.assertRaises(ValidationError):
            service_end(service=service, actor=self.carol, ends_on=TODAY, outcome="completed")


class ClosureTests(CaseTestCase):
    """Cases owned by the Main Department, whose officer may decide and close them."""

    def closed_case(self):
        case = self.new_case(actor=self.ivan)
        case_change_status(case=case, actor=self.ivan, to_status="not_identified", reason="No indicators.")
        return case_change_status(case=case, actor=self.ivan, to_status="closed", reason="Assistance completed.")

    def test_follow_ups_are_recorded_after_closure(self):
        case = self.new_case(actor=self.ivan)
        with self.assertRaisesMessage(ValidationError, str(FOLLOW_UP_BEFORE_CLOSURE)):
            follow_up_record(case=case, actor=self.ivan, on=TODAY)
        case = self.closed_case()
        next_due = TODAY + datetime.timedelta(days=90)
        follow_up = follow_up_record(case=case, actor=self.ivan, on=TODAY, note="Works at a bakery.", next_due=next_due)
        self.assertEqual(
            (follow_up.by, follow_up.organisation, follow_up.next_due), (self.ivan, self.main_department, next_due)
        )
        with self.assertRaises(ValidationError):
            follow_up_record(case=case, actor=self.ivan, on=TODAY, next_due=TODAY)
        event = AuditEvent.objects.get(action="case.follow_up")
        self.assertEqual(event.details, {"on": str(TODAY), "next_due": str(next_due)})
        with connection.cursor() as cursor:
            cursor.execute("SELECT note FROM cases_followup WHERE id = %s", [follow_up.pk])
            self.assertNotIn("bakery", cursor.fetchone()[0])

    def test_outcomes_at_closure_have_one_status_per_area(self):
        case = self.closed_case()
        outcome_record(case=case, actor=self.ivan, area="employment", status="partly_achieved")
        outcome_record(case=case, actor=self.ivan, area="employment", status="achieved")
        outcome_record(case=case, actor=self.ivan, area="housing", status="not_achieved")
        self.assertEqual(
            dict(case.reintegration_outcomes.values_list("area", "status")),
            {"employment": "achieved", "housing": "not_achieved"},
        )
        with self.assertRaises(ValidationError):
            outcome_record(case=case, actor=self.ivan, area="pets", status="achieved")
        event = AuditEvent.objects.filter(action="case.outcome_record").order_by("sequence")[1]
        self.assertEqual(event.details, {"area": "employment", "status": ["partly_achieved", "achieved"]})


class NeedToKnowTests(FacilityTestCase):
    def test_a_case_worker_of_another_organisation_is_refused_every_service(self):
        child = self.new_case(year_of_birth=TODAY.year - 15)
        placement = placement_open(case=child, actor=self.carol, facility=self.shelter)
        service = service_record(case=child, actor=self.carol, kind="legal", provider=self.ngo, starts_on=TODAY)
        risk = protection.risk_assess(case=child, actor=self.carol, level="high", assessed_on=TODAY)
        measure = protection.measure_record(
            case=child, actor=self.carol, kind="police_protection", body=self.ministry, starts_on=TODAY
        )
        guardian = protection.guardian_record(
            case=child, actor=self.carol, kind="guardian", name="Rauf Mammadov", appointed_on=TODAY
        )
        enrolment = care.enrolment_record(
            case=child, actor=self.carol, enrolled_on=TODAY, school_kind="general", region="Baku"
        )
        before = (AuditEvent.objects.count(), Case.objects.get(pk=child.pk).owner_id)
        calls = {
            "placement_open": lambda: placement_open(case=child, actor=self.dan, facility=self.shelter),
            "placement_discharge": lambda: placement_discharge(placement=placement, actor=self.dan),
            "service_record": lambda: service_record(
                case=child, actor=self.dan, kind="medical", provider=self.other_ngo, starts_on=TODAY
            ),
            "service_end": lambda: service_end(service=service, actor=self.dan, ends_on=TODAY, outcome="completed"),
            "enrolment_record": lambda: care.enrolment_record(
                case=child, actor=self.dan, enrolled_on=TODAY, school_kind="general", region="Baku"
            ),
            "enrolment_change_status": lambda: care.enrolment_change_status(
                enrolment=enrolment, actor=self.dan, status="interrupted"
            ),
            "outcome_record": lambda: outcome_record(case=child, actor=self.dan, area="family", status="achieved"),
            "follow_up_record": lambda: follow_up_record(case=child, actor=self.dan, on=TODAY),
            "risk_assess": lambda: protection.risk_assess(case=child, actor=self.dan, level="low", assessed_on=TODAY),
            "risk_deactivate": lambda: protection.risk_deactivate(risk=risk, actor=self.dan, reason="x"),
            "measure_record": lambda: protection.measure_record(
                case=child, actor=self.dan, kind="escort", body=self.other_ngo, starts_on=TODAY
            ),
            "measure_end": lambda: protection.measure_end(measure=measure, actor=self.dan, ends_on=TODAY),
            "guardian_record": lambda: protection.guardian_record(
                case=child, actor=self.dan, kind="guardian", name="X", appointed_on=TODAY
            ),
            "guardian_end": lambda: protection.guardian_end(
                guardian=guardian, actor=self.dan, ended_on=TODAY, reason="x"
            ),
            "notification_record": lambda: protection.notification_record(
                case=child, actor=self.dan, authority="commission_on_minors", notified_on=TODAY
            ),
            "best_interest_assess": lambda: protection.best_interest_assess(
                case=child, actor=self.dan, return_safe=True, assessed_on=TODAY
            ),
            "age_verify": lambda: protection.age_verify(
                case=child, actor=self.dan, age=15, method="documents", reason="x"
            ),
            "case_hand_over": lambda: protection.case_hand_over(
                case=child, actor=self.dan, to_organisation=self.other_ngo, reason="x"
            ),
        }
        for name, call in calls.items():
            with self.subTest(name), self.assertRaisesMessage(PermissionDenied, str(protection.NOT_YOUR_CASE)):
                call()
        self.assertEqual((AuditEvent.objects.count(), Case.objects.get(pk=child.pk).owner_id), before)
