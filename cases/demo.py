"""Demo victim cases: two facilities and five fictional cases at different stages, so the case pages, the checklists
and the referral workflow can be tried at once. Never for production.

`demo_cases` acts as the demo users of accounts.demo (`caseworker` of Hope Support Union, `caseworker2` of Clean Path
Public Union, `idofficer` of the MIA Main Department) and goes through cases.services, cases.care and
cases.protection for every step, so the demo obeys the same rules (need-to-know, consent, transitions) and leaves
the same audit trail as real work. Everything happens today; names are plainly fictional ("Demo-…").
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import care, protection, services
from cases.models import (
    AssistanceService,
    AuthorityNotification,
    Case,
    Consent,
    ExploitationForm,
    Facility,
    Guardian,
    RiskLevel,
    Sex,
)

Status = Case.Status

SHELTER = "Hope House (demo)"
CENTRE = "Clean Path Assistance Centre (demo)"
RISK_REVIEW_AFTER_DAYS = 14
CHILD_AGE_YEARS = 15

# The adult_labour indicators of the presumed case: positive recruitment (DR), exploitation (EXP) and coercion at
# destination (CD) dimensions, so the assessment suggests a presumed victim.
LABOUR_INDICATORS = {"DR-01", "DR-02", "EXP-01", "EXP-02", "CD-01", "CD-05"}


@dataclass(frozen=True)
class _Cast:
    caseworker: User
    caseworker2: User
    idofficer: User
    today: datetime.date

    @property
    def hope(self):
        return self.caseworker.organisation

    @property
    def clean_path(self):
        return self.caseworker2.organisation

    @property
    def main_department(self):
        return self.idofficer.organisation


def _cast() -> _Cast | None:
    users = {
        user.username: user for user in User.objects.filter(username__in=["caseworker", "caseworker2", "idofficer"])
    }
    if len(users) < 3 or any(user.organisation_id is None for user in users.values()):
        return None
    return _Cast(users["caseworker"], users["caseworker2"], users["idofficer"], timezone.localdate())


@transaction.atomic
def demo_cases() -> int:
    """Creates the demo facilities and cases; returns the number of cases created. Does nothing (returns 0) when any
    case exists already, or when the demo users are missing (run accounts.demo.demo_seed first)."""
    if Case.objects.exists():
        return 0
    cast = _cast()
    if cast is None:
        return 0
    shelter = care.facility_create(
        actor=cast.caseworker, organisation=cast.hope, name=SHELTER, region="Baku", capacity=12
    )
    care.facility_create(
        actor=cast.caseworker2,
        organisation=cast.clean_path,
        name=CENTRE,
        region="Ganja",
        capacity=8,
        kind=Facility.Kind.ASSISTANCE_CENTRE,
    )
    cases = [
        _potential(cast),
        _presumed(cast),
        _identified(cast, shelter),
        _child(cast),
        _referred_to_clean_path(cast),
    ]
    return len(cases)


def _new_case(cast: _Cast, given: str, family: str, sex: str, born: int, forms: list[str], **facts) -> Case:
    return services.case_create(
        actor=cast.caseworker,
        person={
            "given_name": given,
            "family_name": family,
            "sex": sex,
            "year_of_birth": born,
            "citizenship": "AZ",
            "languages": "az, ru",
        },
        source=facts.pop("source", Case.Source.NGO),
        exploitation_forms=forms,
        **facts,
    )


def _presume(cast: _Cast, case: Case, reason: str) -> Case:
    return services.case_change_status(case=case, actor=cast.caseworker, to_status=Status.PRESUMED, reason=reason)


def _consent_to_referral(cast: _Cast, case: Case) -> None:
    services.consent_record(
        case=case, actor=cast.caseworker, purpose=Consent.Purpose.REFERRAL, given=True, given_on=cast.today
    )


def _potential(cast: _Cast) -> Case:
    """A potential victim, just recorded from a hotline call."""
    return _new_case(
        cast,
        "Demo-Rauf",
        "Demo-Aliyev",
        Sex.MALE,
        cast.today.year - 34,
        [ExploitationForm.Form.FORCED_LABOUR],
        source=Case.Source.HOTLINE,
        scope=Case.Scope.TRANSNATIONAL,
        exploitation_countries="RU",
        recruitment_method="Job offer on a construction site abroad, found through an acquaintance.",
    )


def _presumed(cast: _Cast) -> Case:
    """Presumed (the reflection period runs), consent to referral given, indicators assessed, referred to the MIA
    Main Department, which has not answered yet."""
    case = _new_case(
        cast,
        "Demo-Aygun",
        "Demo-Mammadova",
        Sex.FEMALE,
        cast.today.year - 27,
        [ExploitationForm.Form.FORCED_LABOUR],
        scope=Case.Scope.TRANSNATIONAL,
        exploitation_countries="TR",
        recruitment_method="Advertisement for hotel work abroad.",
        means_of_control="Passport taken on arrival; wages withheld against a travel debt.",
    )
    _presume(cast, case, "Her account at the first interview shows deception, withheld documents and unpaid work.")
    _consent_to_referral(cast, case)
    services.indicators_assess(case=case, actor=cast.caseworker, profile="adult_labour", present=LABOUR_INDICATORS)
    services.referral_send(
        case=case,
        actor=cast.caseworker,
        to_organisation=cast.main_department,
        services="Identification as a victim of trafficking",
    )
    return case


def _identified(cast: _Cast, shelter: Facility) -> Case:
    """Referred to and identified by the MIA Main Department; placed in the shelter, receiving psychological and
    legal assistance, with an active medium risk to review in two weeks."""
    case = _new_case(
        cast,
        "Demo-Sevinj",
        "Demo-Huseynova",
        Sex.FEMALE,
        cast.today.year - 23,
        [ExploitationForm.Form.SEXUAL],
        scope=Case.Scope.TRANSNATIONAL,
        exploitation_countries="AE",
        recruitment_method="Promise of a job as a waitress abroad.",
    )
    _presume(cast, case, "Brought to the NGO by a relative after returning; indicators of sexual exploitation.")
    _consent_to_referral(cast, case)
    referral = services.referral_send(
        case=case,
        actor=cast.caseworker,
        to_organisation=cast.main_department,
        services="Identification as a victim of trafficking",
    )
    services.referral_answer(referral=referral, actor=cast.idofficer, accept=True)
    services.case_change_status(
        case=case,
        actor=cast.idofficer,
        to_status=Status.IDENTIFIED,
        reason="Interview and documents confirm recruitment by deception and sexual exploitation abroad.",
    )
    care.placement_open(case=case, actor=cast.caseworker, facility=shelter, placed_on=cast.today)
    for kind in (AssistanceService.Kind.PSYCHOLOGICAL, AssistanceService.Kind.LEGAL):
        care.service_record(case=case, actor=cast.caseworker, kind=kind, provider=cast.hope, starts_on=cast.today)
    protection.risk_assess(
        case=case,
        actor=cast.caseworker,
        level=RiskLevel.MEDIUM,
        assessed_on=cast.today,
        next_review_on=cast.today + datetime.timedelta(days=RISK_REVIEW_AFTER_DAYS),
        summary="The recruiter knows her home town; she stays in the shelter until the review.",
    )
    return case


def _child(cast: _Cast) -> Case:
    """A presumed child victim with a guardian; the guardianship authority is notified, the commission on minors'
    affairs not yet, so the child checklist shows gaps."""
    case = _new_case(
        cast,
        "Demo-Murad",
        "Demo-Ismayilov",
        Sex.MALE,
        cast.today.year - CHILD_AGE_YEARS,
        [ExploitationForm.Form.BEGGING],
        scope=Case.Scope.INTERNAL,
        exploitation_region="Baku",
    )
    _presume(cast, case, "Found begging daily under the control of an adult who takes the money.")
    protection.guardian_record(
        case=case,
        actor=cast.caseworker,
        kind=Guardian.Kind.TEMPORARY_GUARDIAN,
        name="Demo-Gulnara Demo-Ismayilova",
        appointed_on=cast.today,
    )
    protection.notification_record(
        case=case, actor=cast.caseworker, authority=AuthorityNotification.Authority.GUARDIANSHIP, notified_on=cast.today
    )
    return case


def _referred_to_clean_path(cast: _Cast) -> Case:
    """A potential victim referred to Clean Path Public Union, which accepted: its case worker sees the case."""
    case = _new_case(
        cast,
        "Demo-Lala",
        "Demo-Karimova",
        Sex.FEMALE,
        cast.today.year - 31,
        [ExploitationForm.Form.FORCED_LABOUR],
        scope=Case.Scope.INTERNAL,
        exploitation_region="Ganja",
    )
    _consent_to_referral(cast, case)
    referral = services.referral_send(
        case=case,
        actor=cast.caseworker,
        to_organisation=cast.clean_path,
        services="Social assistance and vocational training in Ganja",
    )
    services.referral_answer(referral=referral, actor=cast.caseworker2, accept=True)
    return case
