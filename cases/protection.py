"""Protecting the person (plan §8) and the child (§7), and handing a case over. Same rules as cases.services: one
transaction per function, need-to-know checked first, the audit event recorded last, never an identifier in it.

Two gates other services call:

- `closure_blockers(case)`: why the case cannot be closed yet (an active risk, an open placement); empty when it can.
- `return_allowed(case)`: whether a return (repatriation, family reunification abroad, "returned home" at the end of
  the reflection period) may go ahead: always for an adult; for a child only once the latest risk and best-interest
  assessment says it is safe (Council of Europe Convention, Art. 16(7)).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import event_record
from cases.models import (
    CHILD_AGE,
    AgeVerification,
    AuthorityNotification,
    BestInterestAssessment,
    Case,
    Guardian,
    HandOver,
    ProtectionMeasure,
    RiskAssessment,
)

NOT_YOUR_CASE = _("Your organisation does not work on this case.")
ONLY_OWNER_HANDS_OVER = _("Only the organisation that owns the case can hand it over.")
HAND_OVER_TO_OWNER = _("The case already belongs to this organisation.")
REASON_REQUIRED = _("Say why.")
RISK_ALREADY_INACTIVE = _("This risk is already marked inactive.")
MEASURE_ALREADY_ENDED = _("This measure has already ended.")
GUARDIANSHIP_ALREADY_ENDED = _("This guardianship has already ended.")
NOT_A_CHILD = _("This is not a child's case: guardians, notifications and best-interest assessments are for children.")
AGE_CONFLICT = _(
    "The verified age contradicts the date or year of birth recorded for the person: correct the person's record "
    "first, then record the verification."
)
RETURN_NEEDS_ASSESSMENT = _(
    "A child cannot be returned before a risk and best-interest assessment says that the return is safe."
)
RETURN_NOT_SAFE = _(
    "The latest risk and best-interest assessment ({on}) found that a return is not safe or not in the child's "
    "best interests: the child cannot be returned."
)
BLOCKER_ACTIVE_RISK = _("A {level} risk assessed on {on} is still active: mark it inactive, giving the reason.")
BLOCKER_OPEN_PLACEMENT = _("The person is still placed in {facility}: record the discharge.")
GAP_GUARDIAN = _("No guardian or legal representative is recorded.")
GAP_GUARDIANSHIP_AUTHORITY = _("The guardianship and custody authority has not been notified.")
GAP_COMMISSION = _("The commission on minors' affairs has not been notified.")
GAP_EDUCATION = _("No school enrolment is recorded: education must go on.")
GAP_EDUCATION_INTERRUPTED = _("Schooling is interrupted.")
GAP_BEST_INTERESTS = _("No risk and best-interest assessment is recorded.")
GAP_AGE = _("The age is not verified yet: the person is handled as a child until it is.")


def require_case_access(actor, case: Case) -> None:
    """Need-to-know: only case workers of an organisation that works on the case change it."""
    if not actor.has_perm("cases.change_case", case):
        raise PermissionDenied(NOT_YOUR_CASE)


def _require_child(case: Case) -> None:
    if not case.is_child:
        raise ValidationError(NOT_A_CHILD)


def _required(text: str, field: str = "reason") -> str:
    if not text.strip():
        raise ValidationError({field: REASON_REQUIRED})
    return text.strip()


# Gates and checklists.


def return_allowed(case: Case) -> tuple[bool, str]:
    """(True, "") when a return may go ahead; (False, why) for a child without a safe, latest assessment."""
    if not case.is_child:
        return True, ""
    latest = case.best_interest_assessments.order_by("-assessed_on", "-recorded_at", "-pk").first()
    if latest is None:
        return False, str(RETURN_NEEDS_ASSESSMENT)
    if not latest.return_safe:
        return False, RETURN_NOT_SAFE.format(on=latest.assessed_on)
    return True, ""


def closure_blockers(case: Case) -> list[str]:
    """What stops the case from being closed: each active risk and the open placement. Empty when it may close."""
    blockers = [
        BLOCKER_ACTIVE_RISK.format(level=risk.get_level_display().lower(), on=risk.assessed_on)
        for risk in case.risk_assessments.filter(active=True).order_by("assessed_on", "pk")
    ]
    blockers += [
        BLOCKER_OPEN_PLACEMENT.format(facility=placement.facility)
        for placement in case.placements.filter(discharged_on__isnull=True).select_related("facility")
    ]
    return blockers


def child_gaps(case: Case) -> list[str]:
    """The child-case checklist (§7): what is still missing. Empty for an adult, or when nothing is missing."""
    if not case.is_child:
        return []
    gaps = []
    if not case.guardians.filter(ended_on__isnull=True).exists():
        gaps.append(str(GAP_GUARDIAN))
    notified = set(case.authority_notifications.values_list("authority", flat=True))
    if AuthorityNotification.Authority.GUARDIANSHIP not in notified:
        gaps.append(str(GAP_GUARDIANSHIP_AUTHORITY))
    if AuthorityNotification.Authority.COMMISSION_ON_MINORS not in notified:
        gaps.append(str(GAP_COMMISSION))
    latest_school = case.school_enrolments.order_by("-enrolled_on", "-pk").first()
    if latest_school is None:
        gaps.append(str(GAP_EDUCATION))
    elif latest_school.status == latest_school.Status.INTERRUPTED:
        gaps.append(str(GAP_EDUCATION_INTERRUPTED))
    if not case.best_interest_assessments.exists():
        gaps.append(str(GAP_BEST_INTERESTS))
    if case.presumed_child:
        gaps.append(str(GAP_AGE))
    return gaps


# Risk and protection measures.


@transaction.atomic
def risk_assess(
    *,
    case: Case,
    actor,
    level: str,
    assessed_on: datetime.date,
    summary: str = "",
    active: bool = True,
    next_review_on: datetime.date | None = None,
) -> RiskAssessment:
    """Records a risk assessment; earlier ones stay as they were (each is marked inactive on its own)."""
    require_case_access(actor, case)
    risk = RiskAssessment(
        case=case,
        level=level,
        active=active,
        assessed_on=assessed_on,
        next_review_on=next_review_on,
        assessed_by=actor,
        organisation=actor.organisation,
        summary=summary,
    )
    risk.full_clean()
    risk.save()
    event_record(
        actor=actor,
        action="case.risk_assess",
        obj=case,
        details={"risk": risk.pk, "level": level, "active": active, "assessed_on": str(assessed_on)},
    )
    return risk


@transaction.atomic
def risk_deactivate(*, risk: RiskAssessment, actor, reason: str) -> RiskAssessment:
    """Marks a risk as no longer active, with the reason: only then can the case close."""
    require_case_access(actor, risk.case)
    risk = RiskAssessment.objects.select_for_update().get(pk=risk.pk)
    if not risk.active:
        raise ValidationError(RISK_ALREADY_INACTIVE)
    risk.active = False
    risk.deactivated_at = timezone.now()
    risk.deactivated_by = actor
    risk.deactivation_reason = _required(reason)
    risk.save(update_fields=["active", "deactivated_at", "deactivated_by", "deactivation_reason"])
    event_record(
        actor=actor,
        action="case.risk_deactivate",
        obj=risk.case,
        reason=reason,
        details={"risk": risk.pk, "level": risk.level, "active": False},
    )
    return risk


@transaction.atomic
def measure_record(
    *, case: Case, actor, kind: str, body, starts_on: datetime.date, ends_on: datetime.date | None = None, note=""
) -> ProtectionMeasure:
    require_case_access(actor, case)
    measure = ProtectionMeasure(
        case=case, kind=kind, body=body, starts_on=starts_on, ends_on=ends_on, note=note, recorded_by=actor
    )
    measure.full_clean()
    measure.save()
    event_record(
        actor=actor,
        action="case.measure_record",
        obj=case,
        details={"measure": measure.pk, "kind": kind, "body": body.pk, "starts_on": str(starts_on)},
    )
    return measure


@transaction.atomic
def measure_end(*, measure: ProtectionMeasure, actor, ends_on: datetime.date) -> ProtectionMeasure:
    require_case_access(actor, measure.case)
    measure = ProtectionMeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.ends_on is not None:
        raise ValidationError(MEASURE_ALREADY_ENDED)
    measure.ends_on = ends_on
    measure.full_clean()
    measure.save(update_fields=["ends_on"])
    event_record(
        actor=actor,
        action="case.measure_end",
        obj=measure.case,
        details={"measure": measure.pk, "kind": measure.kind, "ends_on": str(ends_on)},
    )
    return measure


# Children (§7).


@transaction.atomic
def guardian_record(
    *, case: Case, actor, kind: str, name: str, appointed_on: datetime.date, contact: str = ""
) -> Guardian:
    """Records a child's guardian or legal representative. The name and contact never reach the audit trail."""
    require_case_access(actor, case)
    _require_child(case)
    guardian = Guardian(
        case=case, kind=kind, name=name.strip(), contact=contact.strip(), appointed_on=appointed_on, recorded_by=actor
    )
    guardian.full_clean()
    guardian.save()
    event_record(
        actor=actor,
        action="case.guardian_record",
        obj=case,
        details={"guardian": guardian.pk, "kind": kind, "appointed_on": str(appointed_on)},
    )
    return guardian


@transaction.atomic
def guardian_end(*, guardian: Guardian, actor, ended_on: datetime.date, reason: str) -> Guardian:
    require_case_access(actor, guardian.case)
    guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
    if guardian.ended_on is not None:
        raise ValidationError(GUARDIANSHIP_ALREADY_ENDED)
    reason = _required(reason)
    guardian.ended_on = ended_on
    guardian.full_clean()
    guardian.save(update_fields=["ended_on"])
    event_record(
        actor=actor,
        action="case.guardian_end",
        obj=guardian.case,
        reason=reason,
        details={"guardian": guardian.pk, "kind": guardian.kind, "ended_on": str(ended_on)},
    )
    return guardian


@transaction.atomic
def notification_record(*, case: Case, actor, authority: str, notified_on: datetime.date) -> AuthorityNotification:
    """Records that the guardianship authority or the commission on minors was notified of the child, and by whom."""
    require_case_access(actor, case)
    _require_child(case)
    notification = AuthorityNotification(
        case=case, authority=authority, notified_on=notified_on, notified_by=actor, organisation=actor.organisation
    )
    notification.full_clean()
    notification.save()
    event_record(
        actor=actor,
        action="case.notification_record",
        obj=case,
        details={"authority": authority, "notified_on": str(notified_on)},
    )
    return notification


@transaction.atomic
def best_interest_assess(
    *, case: Case, actor, return_safe: bool, assessed_on: datetime.date, summary: str = ""
) -> BestInterestAssessment:
    """Records a child's risk and best-interest assessment; the latest one decides whether a return may go ahead."""
    require_case_access(actor, case)
    _require_child(case)
    assessment = BestInterestAssessment(
        case=case,
        assessed_on=assessed_on,
        assessed_by=actor,
        organisation=actor.organisation,
        return_safe=return_safe,
        summary=summary,
    )
    assessment.full_clean()
    assessment.save()
    event_record(
        actor=actor,
        action="case.best_interest_assess",
        obj=case,
        details={"assessment": assessment.pk, "return_safe": return_safe, "assessed_on": str(assessed_on)},
    )
    return assessment


@transaction.atomic
def age_verify(
    *, case: Case, actor, age: int, method: str, reason: str, verified_on: datetime.date | None = None
) -> AgeVerification:
    """Records the verified age when identified, which ends the presumption that the person is a child.

    A verified age that contradicts a recorded date or year of birth is refused (correct the person first); without
    either, it becomes the person's estimated age, so `Case.is_child` follows the verification.
    """
    require_case_access(actor, case)
    reason = _required(reason)
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    person = case.person
    if person.date_of_birth or person.year_of_birth:
        recorded = person.age_on(timezone.localdate(case.created_at))
        if (recorded < CHILD_AGE) != (age < CHILD_AGE):
            raise ValidationError({"age": AGE_CONFLICT})
    else:
        person.estimated_age = age
        person.full_clean()
        person.save(update_fields=["estimated_age"])
    verification = AgeVerification(
        case=case,
        verified_on=verified_on or timezone.localdate(),
        method=method,
        age=age,
        reason=reason,
        verified_by=actor,
    )
    verification.full_clean()
    verification.save()
    was_presumed, case.presumed_child = case.presumed_child, False
    case.save(update_fields=["presumed_child"])
    event_record(
        actor=actor,
        action="case.age_verify",
        obj=case,
        reason=reason,
        details={"method": method, "child": verification.child, "presumed_child": [was_presumed, False]},
    )
    return verification


# Hand-over.


@transaction.atomic
def case_hand_over(*, case: Case, actor, to_organisation, reason: str) -> Case:
    """Hands the case to another organisation, which becomes its owner; the previous owner loses access (unless it
    accepted a referral of the case). Used by a consulate when the person comes home."""
    require_case_access(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if actor.organisation_id != case.owner_id:
        raise PermissionDenied(ONLY_OWNER_HANDS_OVER)
    if to_organisation.pk == case.owner_id:
        raise ValidationError({"to_organisation": HAND_OVER_TO_OWNER})
    reason = _required(reason)
    previous = case.owner_id
    HandOver.objects.create(
        case=case, from_organisation_id=previous, to_organisation=to_organisation, actor=actor, reason=reason
    )
    case.owner = to_organisation
    case.save(update_fields=["owner"])
    event_record(
        actor=actor,
        action="case.hand_over",
        obj=case,
        reason=reason,
        details={"from": previous, "to": to_organisation.pk},
    )
    return case
