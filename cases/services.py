"""Changing cases. Each function runs in one transaction and records an audit event in the same transaction.

Audit details name fields and statuses, never identifiers.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import event_record
from cases import indicators
from cases.models import (
    Case,
    Consent,
    ExploitationForm,
    IndicatorAssessment,
    PeriodExtension,
    Person,
    Referral,
    ReflectionPeriod,
    StatusChange,
)
from cases.protection import closure_blockers, require_case_access, return_allowed

Status = Case.Status

TRANSITION_NOT_ALLOWED = _("A case cannot go from “{from_status}” to “{to_status}”.")
REASON_REQUIRED = _("Say why: every change of legal status records its reason.")
ONLY_COMPETENT_BODY = _(
    "Only an identification officer of the competent body decides whether a person is identified as a victim."
)
EXTENSION_NOT_LATER = _("An extension must end after the current end date ({end}).")
PERIOD_ALREADY_DECIDED = _("The period has ended with a decision; start a new one if needed.")
CONSENT_MISSING = _(
    "There is no recorded consent to refer this person. Record the consent first, or, if you hold the right to "
    "override, give the reason."
)
OVERRIDE_NOT_ALLOWED = _("You do not hold the right to refer without consent.")
REFER_TO_SELF = _("A case cannot be referred to the organisation that already holds it.")
REFERRAL_ALREADY_ANSWERED = _("This referral has already been answered.")
DECLINE_NEEDS_REASON = _("Say why the referral is declined.")

# Legal status moves forward only; "closed" comes last, once protection.closure_blockers finds nothing in the way.
TRANSITIONS = {
    Status.POTENTIAL: {Status.PRESUMED, Status.NOT_IDENTIFIED},
    Status.PRESUMED: {Status.IDENTIFIED, Status.NOT_IDENTIFIED},
    Status.IDENTIFIED: {Status.CLOSED},
    Status.NOT_IDENTIFIED: {Status.CLOSED},
    Status.CLOSED: set(),
}
DECISIONS = {Status.IDENTIFIED, Status.NOT_IDENTIFIED}


def next_reference(year: int) -> str:
    """The next free reference of `year`: NRM-2016-00042. Numbers past 99999 get longer, so the longest sorts last."""
    prefix = f"NRM-{year}-"
    last = (
        Case.objects.filter(reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
    )
    number = int(last[0].rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


@transaction.atomic
def case_create(*, actor, person: dict, source: str, exploitation_forms: list[str] = (), **facts) -> Case:
    """Records a potential victim for the actor's organisation; the case gets a reference code, never a name."""
    new_person = Person(**person)
    if new_person.date_of_birth and not new_person.year_of_birth:
        # The year alone is no identifier and lets lists and statistics tell children from adults.
        new_person.year_of_birth = new_person.date_of_birth.year
    new_person.full_clean()
    new_person.save()
    case = Case(person=new_person, owner=actor.organisation, source=source, created_by=actor, **facts)
    case.reference = next_reference(timezone.localdate().year)
    case.full_clean()
    case.save()
    ExploitationForm.objects.bulk_create(
        ExploitationForm(case=case, form=form) for form in dict.fromkeys(exploitation_forms)
    )
    event_record(actor=actor, action="case.create", obj=case, details={"source": source})
    return case


@transaction.atomic
def case_change_status(*, case: Case, actor, to_status: str, reason: str) -> Case:
    """Moves the legal status one step, recording who, when and why.

    Becoming presumed starts the recovery and reflection period and the 24-hour clock for the referral to the MIA.
    Identified / not identified is decided only by the competent body's identification officer.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to_status not in TRANSITIONS[case.status]:
        raise ValidationError(
            TRANSITION_NOT_ALLOWED.format(from_status=case.get_status_display(), to_status=Status(to_status).label)
        )
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    if to_status in DECISIONS and not actor.has_perm("cases.decide_identification", case):
        raise PermissionDenied(ONLY_COMPETENT_BODY)
    require_case_access(actor, case)
    if to_status == Status.CLOSED and (blockers := closure_blockers(case)):
        raise ValidationError(blockers)
    StatusChange.objects.create(
        case=case,
        from_status=case.status,
        to_status=to_status,
        actor=actor,
        organisation=actor.organisation,
        reason=reason.strip(),
    )
    previous, case.status = case.status, to_status
    fields = ["status"]
    if to_status == Status.PRESUMED:
        case.presumed_at = timezone.now()
        fields.append("presumed_at")
        _start_period(case, timezone.localdate())
    if to_status == Status.CLOSED:
        case.closed_at = timezone.now()
        fields.append("closed_at")
    case.save(update_fields=fields)
    event_record(
        actor=actor, action="case.status", obj=case, reason=reason, details={"from": previous, "to": to_status}
    )
    return case


def _start_period(case: Case, starts_on: datetime.date) -> ReflectionPeriod:
    days = settings.REFLECTION_PERIOD_DAYS
    return ReflectionPeriod.objects.create(
        case=case, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=days - 1)
    )


def _period_locked(period: ReflectionPeriod) -> ReflectionPeriod:
    """The period as it is now, locked until the transaction ends: of two decisions at once, the second sees the
    first (a copy loaded earlier may be stale)."""
    return ReflectionPeriod.objects.select_for_update().select_related("case").get(pk=period.pk)


@transaction.atomic
def period_extend(*, period: ReflectionPeriod, actor, new_end: datetime.date, reason: str) -> ReflectionPeriod:
    require_case_access(actor, period.case)
    period = _period_locked(period)
    if period.end_decision:
        raise ValidationError(PERIOD_ALREADY_DECIDED)
    if new_end <= period.ends_on:
        raise ValidationError({"new_end": EXTENSION_NOT_LATER.format(end=period.ends_on)})
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    PeriodExtension.objects.create(
        period=period, previous_end=period.ends_on, new_end=new_end, reason=reason, actor=actor
    )
    period.ends_on = new_end
    period.save(update_fields=["ends_on"])
    event_record(
        actor=actor, action="case.period_extend", obj=period.case, reason=reason, details={"ends_on": str(new_end)}
    )
    return period


@transaction.atomic
def period_decide(*, period: ReflectionPeriod, actor, decision: str, note: str = "") -> ReflectionPeriod:
    """Records how the period ended. Assistance never depends on it: nothing else in the case changes."""
    require_case_access(actor, period.case)
    period = _period_locked(period)
    if period.end_decision:
        raise ValidationError(PERIOD_ALREADY_DECIDED)
    if decision == ReflectionPeriod.Decision.RETURNED:
        allowed, why = return_allowed(period.case)
        if not allowed:
            raise ValidationError({"decision": why})
    period.end_decision = decision
    period.end_note = note
    period.decided_at = timezone.now()
    period.full_clean()
    period.save(update_fields=["end_decision", "end_note", "decided_at"])
    event_record(actor=actor, action="case.period_decide", obj=period.case, details={"decision": decision})
    return period


@transaction.atomic
def consent_record(*, case: Case, actor, purpose: str, given: bool, given_on: datetime.date, note: str = "") -> Consent:
    require_case_access(actor, case)
    consent = Consent(case=case, purpose=purpose, given=given, given_on=given_on, taken_by=actor, note=note)
    consent.full_clean()
    consent.save()
    event_record(actor=actor, action="case.consent", obj=case, details={"purpose": purpose, "given": given})
    return consent


def has_consent(case: Case, purpose: str) -> bool:
    """The latest recorded answer for the purpose is yes."""
    latest = case.consents.filter(purpose=purpose).order_by("-given_on", "-recorded_at").first()
    return bool(latest and latest.given)


@transaction.atomic
def referral_send(
    *, case: Case, actor, to_organisation, services: str, note: str = "", override_reason: str = ""
) -> Referral:
    """Refers the case; blocked without consent to referral, unless a user with the override right gives a reason."""
    require_case_access(actor, case)
    if to_organisation.pk in {case.owner_id, actor.organisation_id}:
        raise ValidationError({"to_organisation": REFER_TO_SELF})
    override_reason = override_reason.strip()
    if not has_consent(case, Consent.Purpose.REFERRAL):
        if not override_reason:
            raise ValidationError(CONSENT_MISSING)
        if not actor.has_perm("cases.override_consent"):
            raise PermissionDenied(OVERRIDE_NOT_ALLOWED)
    referral = Referral(
        case=case,
        from_organisation=actor.organisation,
        to_organisation=to_organisation,
        services=services,
        note=note,
        sent_by=actor,
        consent_override_reason=override_reason if not has_consent(case, Consent.Purpose.REFERRAL) else "",
    )
    referral.full_clean()
    referral.save()
    if to_organisation.name in settings.IDENTIFYING_ORGANISATIONS and case.referred_to_mia_at is None:
        case.referred_to_mia_at = referral.sent_at
        case.save(update_fields=["referred_to_mia_at"])
    event_record(
        actor=actor,
        action="referral.send",
        obj=case,
        reason=referral.consent_override_reason,
        details={"to": to_organisation.pk, "consent_override": bool(referral.consent_override_reason)},
    )
    return referral


@transaction.atomic
def referral_answer(*, referral: Referral, actor, accept: bool, reason: str = "") -> Referral:
    """The receiving organisation accepts (and so gets access to the case) or declines with a reason."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.state != Referral.State.PENDING:
        raise ValidationError(REFERRAL_ALREADY_ANSWERED)
    if actor.organisation_id != referral.to_organisation_id:
        raise PermissionDenied
    if not accept and not reason.strip():
        raise ValidationError({"reason": DECLINE_NEEDS_REASON})
    referral.state = Referral.State.ACCEPTED if accept else Referral.State.DECLINED
    referral.answered_by = actor
    referral.answered_at = timezone.now()
    referral.answer_reason = reason.strip()
    referral.save(update_fields=["state", "answered_by", "answered_at", "answer_reason"])
    event_record(actor=actor, action=f"referral.{referral.state}", obj=referral.case, reason=reason)
    return referral


@transaction.atomic
def indicators_assess(*, case: Case, actor, profile: str, present: set[str], act_documented: bool = False):
    """Runs the ILO/EC indicator assessment. It informs the officer; it never changes the legal status."""
    require_case_access(actor, case)
    assessment = indicators.assess(profile=profile, present=set(present), act_documented=act_documented)
    IndicatorAssessment.objects.create(
        case=case,
        version=assessment.version,
        profile=profile,
        indicators=sorted(present),
        act_documented=act_documented,
        victim_rule_met=assessment.victim_rule_met,
        conclusion=assessment.conclusion,
        dimensions=[dataclasses.asdict(result) for result in assessment.dimensions],
        explanation=list(assessment.explanation),
        assessed_by=actor,
    )
    event_record(
        actor=actor,
        action="case.indicators",
        obj=case,
        details={"profile": profile, "indicators": sorted(present), "victim_rule_met": assessment.victim_rule_met},
    )
    return assessment
