"""Caring for the person: services delivered, shelters and placements, schooling, outcomes at closure and follow-ups.

Same rules as cases.services: one transaction per function, need-to-know checked first, the audit event recorded
last, never an identifier (nor a float) in its details.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import event_record
from cases.models import (
    AssistanceService,
    Case,
    Facility,
    FollowUp,
    Placement,
    ReintegrationOutcome,
    SchoolEnrolment,
)
from cases.protection import require_case_access, return_allowed
from cases.rules import CASE_ROLES

FACILITY_NOT_YOURS = _("Only case workers of the organisation that runs a facility may change it.")
FACILITY_FULL = _("{facility} is full: all {capacity} places are taken. Choose another facility.")
ALREADY_PLACED = _("The person is already placed in {facility} since {placed_on}: record the discharge first.")
ALREADY_DISCHARGED = _("This placement has already ended with a discharge.")
SERVICE_ALREADY_ENDED = _("This service has already ended.")
AMOUNT_NOT_DECIMAL = _("Give the amount as a decimal number (a Decimal or a string such as “150.00”), not a float.")
FOLLOW_UP_BEFORE_CLOSURE = _("Follow-ups are recorded after the case is closed.")
REASON_REQUIRED = _("Say why.")


def _require_facility_staff(actor, organisation) -> None:
    if not (actor.has_role(*CASE_ROLES) and actor.organisation_id == organisation.pk):
        raise PermissionDenied(FACILITY_NOT_YOURS)


def _not_float(amount):
    """A float is refused: 0.1 + 0.2 is not 0.3, and money must add up. Strings are parsed by the model field."""
    if isinstance(amount, float):
        raise ValidationError({"amount": AMOUNT_NOT_DECIMAL})
    return amount


# Facilities and placements.


@transaction.atomic
def facility_create(*, actor, organisation, name: str, region: str, capacity: int, kind: str = "shelter") -> Facility:
    _require_facility_staff(actor, organisation)
    facility = Facility(
        organisation=organisation, kind=kind, name=name.strip(), region=region.strip(), capacity=capacity
    )
    facility.full_clean()
    facility.save()
    event_record(actor=actor, action="facility.create", obj=facility, details={"kind": kind, "capacity": capacity})
    return facility


@transaction.atomic
def facility_change_capacity(*, facility: Facility, actor, capacity: int, reason: str) -> Facility:
    """Changes the number of places. Lowering it below the occupancy discharges nobody: it only stops new placements."""
    _require_facility_staff(actor, facility.organisation)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    previous, facility.capacity = facility.capacity, capacity
    facility.full_clean()
    facility.save(update_fields=["capacity"])
    event_record(
        actor=actor, action="facility.capacity", obj=facility, reason=reason, details={"capacity": [previous, capacity]}
    )
    return facility


@transaction.atomic
def placement_open(*, case: Case, actor, facility: Facility, placed_on: datetime.date | None = None) -> Placement:
    """Places the person in a facility: refused when the person is already placed, or when the facility is full."""
    require_case_access(actor, case)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)  # two placements never take the last place
    current = case.placements.filter(discharged_on__isnull=True).select_related("facility").first()
    if current is not None:
        raise ValidationError(ALREADY_PLACED.format(facility=current.facility, placed_on=current.placed_on))
    if facility.occupancy >= facility.capacity:
        raise ValidationError(FACILITY_FULL.format(facility=facility, capacity=facility.capacity))
    placement = Placement(case=case, facility=facility, placed_on=placed_on or timezone.localdate(), placed_by=actor)
    placement.full_clean()
    placement.save()
    event_record(
        actor=actor,
        action="case.placement_open",
        obj=case,
        details={"placement": placement.pk, "facility": facility.pk, "placed_on": str(placement.placed_on)},
    )
    return placement


@transaction.atomic
def placement_discharge(
    *, placement: Placement, actor, discharged_on: datetime.date | None = None, reason: str = ""
) -> Placement:
    """Ends a placement, which frees its place."""
    require_case_access(actor, placement.case)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not placement.is_open:
        raise ValidationError(ALREADY_DISCHARGED)
    placement.discharged_on = discharged_on or timezone.localdate()
    placement.discharged_by = actor
    placement.discharge_reason = reason.strip()
    placement.full_clean()
    placement.save(update_fields=["discharged_on", "discharged_by", "discharge_reason"])
    event_record(
        actor=actor,
        action="case.placement_discharge",
        obj=placement.case,
        reason=reason,
        details={
            "placement": placement.pk,
            "facility": placement.facility_id,
            "discharged_on": str(placement.discharged_on),
        },
    )
    return placement


# Services delivered.


@transaction.atomic
def service_record(
    *,
    case: Case,
    actor,
    kind: str,
    provider,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    outcome: str = "",
    outcome_note: str = "",
    amount: Decimal | str | None = None,
    currency: str = "AZN",
    abroad: bool = False,
) -> AssistanceService:
    """Records a service delivered. A return (repatriation, family reunification abroad) of a child is refused until
    a risk and best-interest assessment says it is safe."""
    require_case_access(actor, case)
    service = AssistanceService(
        case=case,
        kind=kind,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        outcome=outcome,
        outcome_note=outcome_note,
        amount=_not_float(amount),
        currency=currency.upper(),
        abroad=abroad,
        recorded_by=actor,
    )
    service.full_clean()
    if service.is_return:
        allowed, why = return_allowed(case)
        if not allowed:
            raise ValidationError(why)
    service.save()
    details = {"service": service.pk, "kind": kind, "provider": provider.pk, "starts_on": str(starts_on)}
    if service.amount is not None:
        details |= {"amount": str(service.amount), "currency": service.currency}
    if abroad:
        details["abroad"] = True
    event_record(actor=actor, action="case.service_record", obj=case, details=details)
    return service


@transaction.atomic
def service_end(
    *, service: AssistanceService, actor, ends_on: datetime.date, outcome: str, outcome_note: str = ""
) -> AssistanceService:
    require_case_access(actor, service.case)
    service = AssistanceService.objects.select_for_update().get(pk=service.pk)
    if service.ends_on is not None:
        raise ValidationError(SERVICE_ALREADY_ENDED)
    service.ends_on = ends_on
    service.outcome = outcome
    service.outcome_note = outcome_note
    service.full_clean()
    service.save(update_fields=["ends_on", "outcome", "outcome_note"])
    event_record(
        actor=actor,
        action="case.service_end",
        obj=service.case,
        details={"service": service.pk, "kind": service.kind, "ends_on": str(ends_on), "outcome": outcome},
    )
    return service


# Education continuity.


@transaction.atomic
def enrolment_record(
    *, case: Case, actor, enrolled_on: datetime.date, school_kind: str, region: str, status: str = "attending"
) -> SchoolEnrolment:
    require_case_access(actor, case)
    enrolment = SchoolEnrolment(
        case=case,
        enrolled_on=enrolled_on,
        school_kind=school_kind,
        region=region.strip(),
        status=status,
        status_on=enrolled_on,
        recorded_by=actor,
    )
    enrolment.full_clean()
    enrolment.save()
    event_record(
        actor=actor,
        action="case.enrolment_record",
        obj=case,
        details={"enrolment": enrolment.pk, "school_kind": school_kind, "status": status},
    )
    return enrolment


@transaction.atomic
def enrolment_change_status(
    *, enrolment: SchoolEnrolment, actor, status: str, status_on: datetime.date | None = None
) -> SchoolEnrolment:
    require_case_access(actor, enrolment.case)
    enrolment = SchoolEnrolment.objects.select_for_update().get(pk=enrolment.pk)
    previous = enrolment.status
    enrolment.status = status
    enrolment.status_on = status_on or timezone.localdate()
    enrolment.full_clean()
    enrolment.save(update_fields=["status", "status_on"])
    event_record(
        actor=actor,
        action="case.enrolment_status",
        obj=enrolment.case,
        details={"enrolment": enrolment.pk, "status": [previous, status], "status_on": str(enrolment.status_on)},
    )
    return enrolment


# Closure and reintegration.


@transaction.atomic
def outcome_record(*, case: Case, actor, area: str, status: str, note: str = "") -> ReintegrationOutcome:
    """Records (or updates) where the person stands in one area (employment, housing, education, family)."""
    require_case_access(actor, case)
    outcome = ReintegrationOutcome.objects.select_for_update().filter(case=case, area=area).first()
    previous = outcome.status if outcome else ""
    outcome = outcome or ReintegrationOutcome(case=case, area=area)
    outcome.status = status
    outcome.note = note
    outcome.recorded_on = timezone.localdate()
    outcome.recorded_by = actor
    outcome.full_clean()
    outcome.save()
    event_record(
        actor=actor, action="case.outcome_record", obj=case, details={"area": area, "status": [previous, status]}
    )
    return outcome


@transaction.atomic
def follow_up_record(
    *, case: Case, actor, on: datetime.date, note: str = "", next_due: datetime.date | None = None
) -> FollowUp:
    """Records a follow-up after closure and when the next one is due."""
    require_case_access(actor, case)
    if not Case.objects.filter(pk=case.pk, status=Case.Status.CLOSED).exists():
        raise ValidationError(FOLLOW_UP_BEFORE_CLOSURE)
    follow_up = FollowUp(case=case, on=on, by=actor, organisation=actor.organisation, note=note, next_due=next_due)
    follow_up.full_clean()
    follow_up.save()
    event_record(
        actor=actor,
        action="case.follow_up",
        obj=case,
        details={"on": str(on), "next_due": str(next_due) if next_due else None},
    )
    return follow_up
