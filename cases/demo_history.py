"""Demo case history: fifty fictional victim cases registered in 2015, 2016 and 2017, with their identification,
care and protection, so that the annual reports of 2016 and 2017 (and 2015, their previous year) have figures in
every table. Never for production.

The victims are listed in VICTIMS, one line each: sex, age, citizenship, forms of exploitation, who identified them,
the country of exploitation and what became of the case. Everything else follows from those facts by the rules of
the National Referral Mechanism, with dates drawn from random.Random(SEED), so the history is the same every time:

- the case is registered and becomes presumed (the 30-day recovery and reflection period starts, ended with a
  decision; one period a year is extended); a case of an NGO is referred to the MIA Main Department within 24 hours
  (with consent), a case of the Main Department's own to Hope Support Union for assistance;
- the Main Department's identification officer decides: most victims are identified in the year they were
  registered, one a year only early the next year; a few are not identified, and a few still await the decision;
- services start after the case becomes presumed (an allowance after the identification), in the demo shelter for
  some, and end before the case closes; nationals coming home through a consulate and foreign nationals going home
  are repatriated; children get a guardian, the notifications, a best-interest assessment (before any return), school
  and, when only an estimated age is known, an age verification;
- a case closes after its last service, placement and measure ended.

cases.demo replays today through the services, which stamp every step with the current time; this history lies in the
past, so its rows are written directly with their own dates, each validated with full_clean() first. Like the replay
of monitoring.demo, it writes no audit events: they would carry the time of seeding, not the replayed dates.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from cases.demo import CENTRE, SHELTER, _Cast, _cast
from cases.models import (
    CHILD_AGE,
    AgeVerification,
    AssistanceService,
    AuthorityNotification,
    BestInterestAssessment,
    Case,
    Consent,
    ExploitationForm,
    Facility,
    Guardian,
    PeriodExtension,
    Person,
    Placement,
    ProtectionMeasure,
    Referral,
    ReflectionPeriod,
    ReintegrationOutcome,
    SchoolEnrolment,
    Sex,
    StatusChange,
)
from cases.services import next_reference
from organisations.models import Organisation

SEED = 2015
ASSISTANCE_CENTRE = "Assistance Centre for Victims of Trafficking (demo)"  # of accounts.demo: a state body, no users
NATIONAL = "AZ"

Status = Case.Status
Kind = AssistanceService.Kind
F, M, U = Sex.FEMALE, Sex.MALE, Sex.UNKNOWN
SEXUAL, LABOUR, BEGGING = (
    ExploitationForm.Form.SEXUAL,
    ExploitationForm.Form.FORCED_LABOUR,
    ExploitationForm.Form.BEGGING,
)
CRIMINALITY, MARRIAGE, ORGANS = (
    ExploitationForm.Form.CRIMINALITY,
    ExploitationForm.Form.MARRIAGE,
    ExploitationForm.Form.ORGAN_REMOVAL,
)
POLICE, NGO, HOTLINE, CONSULATE, SELF = (
    Case.Source.POLICE,
    Case.Source.NGO,
    Case.Source.HOTLINE,
    Case.Source.CONSULATE,
    Case.Source.SELF,
)

# What became of a case.
IDENTIFIED = "identified"  # in the year it was registered
NEXT_YEAR = "identified next year"  # registered at the end of the year, identified in January or February
NOT_IDENTIFIED = "not identified"
AWAITING = "awaiting"  # still presumed: the decision has not been taken


@dataclass(frozen=True)
class Victim:
    sex: str
    age: int  # when the case was registered
    citizenship: str
    forms: tuple[str, ...]
    source: str
    country: str  # of exploitation; Azerbaijan for a national is internal trafficking
    outcome: str
    closed: bool = False  # not-identified cases always close
    estimated: bool = False  # only an estimated age is known (no year of birth)
    extended: bool = False  # the recovery and reflection period was extended

    @property
    def child(self) -> bool:
        return self.age < CHILD_AGE

    @property
    def national(self) -> bool:
        return self.citizenship == NATIONAL

    @property
    def identified(self) -> bool:
        return self.outcome in (IDENTIFIED, NEXT_YEAR)

    @property
    def repatriated(self) -> bool:
        """Nationals come home through a consulate; identified foreign nationals go home when their case closes."""
        return self.source == CONSULATE or (not self.national and self.identified and self.closed)


# In the order of registration within each year.
VICTIMS = {
    2015: (
        Victim(F, 24, "AZ", (SEXUAL,), NGO, "TR", IDENTIFIED, closed=True),
        Victim(F, 19, "AZ", (SEXUAL,), POLICE, "AE", IDENTIFIED, closed=True),
        Victim(M, 34, "AZ", (LABOUR,), CONSULATE, "RU", IDENTIFIED, closed=True),
        Victim(M, 15, "AZ", (BEGGING,), POLICE, "AZ", IDENTIFIED, closed=True),
        Victim(F, 16, "AZ", (SEXUAL,), HOTLINE, "AZ", IDENTIFIED, closed=True),
        Victim(M, 41, "UZ", (LABOUR,), POLICE, "AZ", IDENTIFIED, closed=True),
        Victim(F, 28, "AZ", (SEXUAL, LABOUR), NGO, "AE", IDENTIFIED, extended=True),
        Victim(F, 14, "AZ", (BEGGING, CRIMINALITY), POLICE, "AZ", IDENTIFIED, closed=True, estimated=True),
        Victim(M, 38, "AZ", (LABOUR,), SELF, "RU", IDENTIFIED),
        Victim(F, 22, "AZ", (MARRIAGE,), NGO, "AZ", IDENTIFIED, closed=True),
        Victim(U, 30, "AZ", (LABOUR,), HOTLINE, "RU", NOT_IDENTIFIED),
        Victim(F, 26, "TJ", (SEXUAL,), POLICE, "AZ", IDENTIFIED),
        Victim(M, 17, "AZ", (LABOUR,), NGO, "AZ", IDENTIFIED),
        Victim(F, 33, "AZ", (SEXUAL,), CONSULATE, "TR", NEXT_YEAR),
    ),
    2016: (
        Victim(F, 21, "AZ", (SEXUAL,), NGO, "TR", IDENTIFIED, closed=True),
        Victim(F, 25, "AZ", (SEXUAL,), CONSULATE, "AE", IDENTIFIED, closed=True),
        Victim(M, 36, "AZ", (LABOUR,), POLICE, "RU", IDENTIFIED, closed=True),
        Victim(M, 44, "KG", (LABOUR,), POLICE, "AZ", IDENTIFIED, closed=True),
        Victim(F, 15, "AZ", (SEXUAL,), POLICE, "AZ", IDENTIFIED),
        Victim(M, 13, "AZ", (BEGGING,), HOTLINE, "AZ", IDENTIFIED, closed=True),
        Victim(F, 16, "UZ", (SEXUAL, LABOUR), POLICE, "AZ", IDENTIFIED, closed=True, estimated=True),
        Victim(F, 29, "AZ", (LABOUR,), SELF, "RU", IDENTIFIED, extended=True),
        Victim(M, 27, "AZ", (CRIMINALITY,), POLICE, "AZ", IDENTIFIED),
        Victim(F, 23, "RU", (SEXUAL,), NGO, "AZ", IDENTIFIED, closed=True),
        Victim(F, 35, "AZ", (MARRIAGE,), NGO, "AZ", IDENTIFIED),
        Victim(M, 40, "AZ", (LABOUR,), CONSULATE, "TR", IDENTIFIED, closed=True),
        Victim(U, 20, "TR", (LABOUR,), HOTLINE, "AZ", NOT_IDENTIFIED, estimated=True),
        Victim(F, 30, "AZ", (SEXUAL,), HOTLINE, "AE", NOT_IDENTIFIED),
        Victim(F, 17, "AZ", (MARRIAGE,), NGO, "AZ", IDENTIFIED),
        Victim(F, 27, "AZ", (SEXUAL,), NGO, "AE", AWAITING),
        Victim(M, 33, "AZ", (ORGANS,), POLICE, "TR", NEXT_YEAR),
    ),
    2017: (
        Victim(F, 20, "AZ", (SEXUAL,), NGO, "TR", IDENTIFIED, closed=True),
        Victim(F, 24, "AZ", (SEXUAL, LABOUR), CONSULATE, "AE", IDENTIFIED),
        Victim(M, 39, "AZ", (LABOUR,), POLICE, "RU", IDENTIFIED, closed=True),
        Victim(M, 29, "TJ", (LABOUR,), POLICE, "AZ", IDENTIFIED, closed=True),
        Victim(M, 14, "AZ", (BEGGING, CRIMINALITY), POLICE, "AZ", IDENTIFIED),
        Victim(F, 16, "AZ", (SEXUAL,), HOTLINE, "AZ", IDENTIFIED),
        Victim(M, 15, "KG", (LABOUR,), POLICE, "AZ", IDENTIFIED, closed=True, estimated=True),
        Victim(F, 13, "AZ", (BEGGING,), NGO, "AZ", IDENTIFIED),
        Victim(F, 32, "AZ", (LABOUR,), SELF, "RU", IDENTIFIED, extended=True),
        Victim(F, 26, "UZ", (SEXUAL,), NGO, "AZ", IDENTIFIED),
        Victim(F, 22, "AZ", (MARRIAGE,), NGO, "AZ", IDENTIFIED),
        Victim(M, 37, "AZ", (LABOUR,), CONSULATE, "RU", IDENTIFIED),
        Victim(F, 34, "AZ", (LABOUR,), HOTLINE, "AZ", IDENTIFIED, estimated=True),
        Victim(F, 30, "AE", (LABOUR,), SELF, "AZ", IDENTIFIED),
        Victim(U, 25, "AZ", (LABOUR,), HOTLINE, "RU", NOT_IDENTIFIED),
        Victim(F, 31, "AZ", (SEXUAL,), NGO, "TR", NOT_IDENTIFIED),
        Victim(M, 17, "AZ", (LABOUR,), NGO, "AZ", AWAITING),
        Victim(U, 30, "AZ", (LABOUR,), HOTLINE, "RU", AWAITING, estimated=True),
        Victim(F, 23, "AZ", (SEXUAL,), POLICE, "AE", NEXT_YEAR),
    ),
}
YEARS = tuple(VICTIMS)

# Plainly fictional names (given names by sex, family names in the masculine form), by citizenship.
NAMES = {
    "AZ": (
        ("Aytan", "Gunay", "Sabina", "Kamala", "Narmin", "Fidan", "Lamiya", "Ulviyya", "Sevda", "Konul", "Samira"),
        ("Elchin", "Tural", "Anar", "Ramil", "Vugar", "Samir", "Kamran", "Orkhan", "Ilkin", "Namig"),
        ("Aliyev", "Mammadov", "Hasanov", "Guliyev", "Babayev", "Rzayev", "Abbasov", "Jafarov", "Safarov", "Orujov"),
    ),
    "UZ": (("Dilnoza", "Malika"), ("Bakhtiyor", "Jasur"), ("Rakhimov", "Yusupov")),
    "TJ": (("Madina", "Nigora"), ("Firdavs", "Rustam"), ("Saidov", "Nazarov")),
    "KG": (("Aigerim", "Cholpon"), ("Nurlan", "Azamat"), ("Abdyldayev", "Toktogulov")),
    "RU": (("Olga", "Irina"), ("Sergei", "Dmitri"), ("Ivanov", "Petrov")),
    "TR": (("Elif", "Zeynep"), ("Emre", "Murat"), ("Yilmaz", "Demir")),
    "AE": (("Mariam", "Fatima"), ("Khalid", "Omar"), ("Al-Mansouri", "Al-Hashimi")),
}
LANGUAGES = {"AZ": "az, ru", "UZ": "uz, ru", "TJ": "tg, ru", "KG": "ky, ru", "RU": "ru", "TR": "tr", "AE": "ar, en"}
REGIONS = ["Baku", "Ganja", "Sumgayit", "Lankaran", "Shaki", "Mingachevir", "Guba", "Shirvan", "Barda", "Jalilabad"]
RECRUITMENT = {
    SEXUAL: "Promise of a job as a waitress or a dancer, through an acquaintance.",
    LABOUR: "Job offer on a construction site or a farm, with the travel paid in advance.",
    BEGGING: "Taken from the family by a relative who promised schooling in the city.",
    CRIMINALITY: "Drawn in by an older acquaintance who paid for small errands at first.",
    MARRIAGE: "Married against her will in a religious ceremony arranged by relatives.",
    ORGANS: "Offered a well-paid job abroad, then told to repay the travel debt by selling a kidney.",
}
CONTROL = {
    SEXUAL: "Passport taken; debt for travel and lodging; threats against the family.",
    LABOUR: "Documents withheld; wages unpaid; not allowed to leave the site.",
    BEGGING: "Earnings taken every evening; beaten when the sum was too small.",
    CRIMINALITY: "Threats and debts; kept away from the family.",
    MARRIAGE: "Not allowed to leave the house or to see her family.",
    ORGANS: "Threats and a travel debt; documents withheld.",
}
VULNERABILITIES = [
    "Unemployed; debts of the family.",
    "Left school early; no income of her or his own.",
    "Single parent with small children.",
    "Grew up in a boarding school; no family support.",
    "Irregular migration status; does not speak Azerbaijani.",
    "Violence in the family.",
]

PRESUMED_REASON = "The first interview shows recruitment by deception and exploitation: indicators of trafficking."
DECISION_REASONS = {
    Status.IDENTIFIED: "The interview, the documents and the investigation confirm that the person was trafficked.",
    Status.NOT_IDENTIFIED: "Irregular work without deception or coercion: no evidence of trafficking was found.",
}
CLOSURE_REASONS = {
    Status.IDENTIFIED: "The assistance plan is completed and the person lives independently.",
    Status.NOT_IDENTIFIED: "Not a victim of trafficking; referred to the social services of the district.",
}
EXTENSION_DAYS = 30
EXTENSION_REASON = "Still recovering from the injuries; she needs more time to decide on cooperating."
DECLINED_REASON = "No place is left in the course that starts this month."
DISCHARGE_REASON = "Left the shelter to live with relatives."
DISCHARGE_HOME = "Went home."
STATE_ALLOWANCE = Decimal("400.00")  # the state's one-time allowance to an identified victim, in AZN
NGO_AID = Decimal("150.00")


def historic_cases():
    """The cases of the demo history: those with a reference of 2015–2017 (the demo cases are of today's year)."""
    registered = Q()
    for year in YEARS:
        registered |= Q(reference__startswith=f"NRM-{year}-")
    return Case.objects.filter(registered)


@transaction.atomic
def demo_case_history() -> int:
    """Creates the demo history; returns the number of cases created. Does nothing (returns 0) when a case of
    2015–2017 exists already, or when the demo users, organisations or facilities are missing (run
    accounts.demo.demo_seed, then cases.demo.demo_cases, first)."""
    if historic_cases().exists():
        return 0
    cast = _cast()
    if cast is None:
        return 0
    organisations = _Organisations.of(cast)
    if organisations is None:
        return 0
    history = _History(cast, organisations)
    return sum(history.play(year, victims) for year, victims in VICTIMS.items())


@dataclass(frozen=True)
class _Organisations:
    """The demo organisations and facilities the history needs, and who records for each."""

    cast: _Cast
    assistance_centre: Organisation
    shelter: Facility
    centre: Facility

    @classmethod
    def of(cls, cast: _Cast) -> "_Organisations | None":
        assistance_centre = Organisation.objects.filter(name=ASSISTANCE_CENTRE).first()
        shelter = Facility.objects.filter(organisation=cast.hope, name=SHELTER).first()
        centre = Facility.objects.filter(organisation=cast.clean_path, name=CENTRE).first()
        if assistance_centre is None or shelter is None or centre is None:
            return None
        return cls(cast, assistance_centre, shelter, centre)

    def facility(self, organisation: Organisation) -> Facility:
        return self.shelter if organisation == self.cast.hope else self.centre

    def worker(self, organisation: Organisation):
        """The demo user who records for `organisation` (a case worker, or the identification officer)."""
        return {
            self.cast.hope.pk: self.cast.caseworker,
            self.cast.clean_path.pk: self.cast.caseworker2,
            self.cast.main_department.pk: self.cast.idofficer,
        }[organisation.pk]


@dataclass
class _Timeline:
    """The days of one case, drawn before anything is written; `last` is the latest day anything ended."""

    registered: datetime.datetime
    presumed: datetime.datetime
    decided: datetime.datetime | None
    last: datetime.date

    @property
    def presumed_on(self) -> datetime.date:
        return timezone.localdate(self.presumed)

    @property
    def decided_on(self) -> datetime.date | None:
        return timezone.localdate(self.decided) if self.decided else None

    def ended(self, day: datetime.date | None) -> datetime.date | None:
        if day is not None:
            self.last = max(self.last, day)
        return day


def _save(record: models.Model) -> models.Model:
    record.full_clean()
    record.save()
    return record


def _days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


class _History:
    def __init__(self, cast: _Cast, organisations: _Organisations):
        self.rng = random.Random(SEED)
        self.cast = cast
        self.organisations = organisations
        self.count = 0  # cases written so far: turns the owners, names and some choices in order
        self.declined = False  # whether Clean Path declined a referral yet

    def at(self, day: datetime.date) -> datetime.datetime:
        """A moment in working hours on `day`."""
        moment = datetime.time(self.rng.randint(9, 17), self.rng.randint(0, 59))
        return timezone.make_aware(datetime.datetime.combine(day, moment))

    def play(self, year: int, victims: tuple[Victim, ...]) -> int:
        for victim, day in zip(victims, self.registration_days(year, victims), strict=True):
            _Story(self, victim, day).write()
            self.count += 1
        return len(victims)

    def registration_days(self, year: int, victims: tuple[Victim, ...]) -> list[datetime.date]:
        """Spread over January to October, in order; a case identified the next year in November or December."""
        during = [victim for victim in victims if victim.outcome != NEXT_YEAR]
        step = 280 // len(during)
        days, counts = [], {True: 0, False: 0}
        for victim in victims:
            late = victim.outcome == NEXT_YEAR
            first, gap = (datetime.date(year, 11, 20), 12) if late else (datetime.date(year, 1, 12), step)
            days.append(_days(first, counts[late] * gap + self.rng.randint(0, 6)))
            counts[late] += 1
        return days


class _Story:
    """Writes one victim's case, from the registration to the closure."""

    def __init__(self, history: _History, victim: Victim, registered_on: datetime.date):
        self.history = history
        self.cast = history.cast
        self.organisations = history.organisations
        self.rng = history.rng
        self.victim = victim
        self.index = history.count
        self.owner = self.owner_of(victim)
        self.worker = self.organisations.worker(self.owner)
        # The Main Department's own cases are assisted by Hope Support Union, which records their care.
        self.carer = self.cast.hope if self.owner == self.cast.main_department else self.owner
        self.time = self.timeline(registered_on)

    def owner_of(self, victim: Victim) -> Organisation:
        if victim.source == POLICE:
            return self.cast.main_department
        return self.cast.clean_path if self.index % 3 == 1 else self.cast.hope

    def timeline(self, registered_on: datetime.date) -> _Timeline:
        registered = self.history.at(registered_on)
        presumed = registered + datetime.timedelta(days=self.rng.randint(0, 2), hours=self.rng.randint(1, 3))
        decided = None
        if self.victim.outcome == NEXT_YEAR:
            decided = self.history.at(datetime.date(registered_on.year + 1, 1, self.rng.randint(10, 28)))
        elif self.victim.outcome in (IDENTIFIED, NOT_IDENTIFIED):
            decided = self.history.at(_days(timezone.localdate(presumed), self.rng.randint(12, 40)))
        return _Timeline(registered=registered, presumed=presumed, decided=decided, last=timezone.localdate(presumed))

    def after(self, day: datetime.date, least: int, most: int) -> datetime.date:
        return _days(day, self.rng.randint(least, most))

    def write(self) -> None:
        self.case = self.write_case()
        self.write_status(Status.PRESUMED, self.time.presumed, self.worker, PRESUMED_REASON)
        self.write_consents()
        self.write_referrals()
        self.write_period()
        if self.victim.child:
            _Child(self).write()
        if self.time.decided:
            decision = Status.IDENTIFIED if self.victim.identified else Status.NOT_IDENTIFIED
            self.write_status(decision, self.time.decided, self.cast.idofficer, DECISION_REASONS[decision])
        _Care(self).write()
        self.write_measures()
        if self.victim.closed or self.victim.outcome == NOT_IDENTIFIED:
            self.close()

    # The case and its legal status.

    def write_case(self) -> Case:
        victim = self.victim
        given, family = self.name()
        person = _save(
            Person(
                given_name=given,
                family_name=family,
                sex=victim.sex,
                year_of_birth=None if victim.estimated else self.time.registered.year - victim.age,
                estimated_age=victim.age if victim.estimated else None,
                citizenship=victim.citizenship,
                languages=LANGUAGES[victim.citizenship],
                region=REGIONS[self.index % len(REGIONS)] if victim.national else "Baku",
            )
        )
        case = _save(
            Case(
                reference=next_reference(self.time.registered.year),
                person=person,
                owner=self.owner,
                status=Status.POTENTIAL,
                source=victim.source,
                created_by=self.worker,
                created_at=self.time.registered,
                **self.places(),
                **self.account(),
            )
        )
        ExploitationForm.objects.bulk_create(ExploitationForm(case=case, form=form) for form in victim.forms)
        return case

    def name(self) -> tuple[str, str]:
        female, male, families = NAMES[self.victim.citizenship]
        family = families[self.index % len(families)]
        if self.victim.sex == U:
            return "", f"Demo-{family}"  # no given name was told
        if self.victim.sex == M:
            return f"Demo-{male[self.index % len(male)]}", f"Demo-{family}"
        feminine = f"{family}a" if family.endswith(("ev", "ov")) else family
        return f"Demo-{female[self.index % len(female)]}", f"Demo-{feminine}"

    def places(self) -> dict:
        victim = self.victim
        if victim.national and victim.country == NATIONAL:
            return {
                "scope": Case.Scope.INTERNAL,
                "exploitation_countries": NATIONAL,
                "exploitation_region": REGIONS[(self.index + 3) % len(REGIONS)],
            }
        return {
            "scope": Case.Scope.TRANSNATIONAL,
            "recruitment_countries": victim.citizenship,
            "exploitation_countries": victim.country,
            "exploitation_region": "Baku" if victim.country == NATIONAL else "",
        }

    def account(self) -> dict:
        form = self.victim.forms[0]
        return {
            "recruitment_method": RECRUITMENT[form],
            "means_of_control": CONTROL[form],
            "vulnerabilities": VULNERABILITIES[self.index % len(VULNERABILITIES)],
        }

    def write_status(self, to_status: str, at: datetime.datetime, actor, reason: str) -> None:
        """The change of legal status, and the case's status and dates with it (as case_change_status does)."""
        case = self.case
        _save(
            StatusChange(
                case=case,
                from_status=case.status,
                to_status=to_status,
                actor=actor,
                organisation=actor.organisation,
                at=at,
                reason=reason,
            )
        )
        case.status = to_status
        if to_status == Status.PRESUMED:
            case.presumed_at = at
        if to_status == Status.CLOSED:
            case.closed_at = at
        case.save(update_fields=["status", "presumed_at", "closed_at"])

    def close(self) -> None:
        """After everything else ended; the guardianship ends with the case."""
        closed_on = self.after(self.time.last, 10, 40)
        reason = CLOSURE_REASONS[self.case.status]
        self.write_status(Status.CLOSED, self.history.at(closed_on), self.worker, reason)
        for guardian in self.case.guardians.all():
            guardian.ended_on = closed_on
            _save(guardian)
        if self.victim.identified:
            self.write_outcomes(closed_on)

    def write_outcomes(self, closed_on: datetime.date) -> None:
        Area, Achieved = ReintegrationOutcome.Area, ReintegrationOutcome.Status
        areas = [Area.EDUCATION if self.victim.child else Area.EMPLOYMENT, Area.HOUSING, Area.FAMILY]
        for area in areas[: self.rng.randint(1, 3)]:
            status = self.rng.choice([Achieved.ACHIEVED, Achieved.ACHIEVED, Achieved.PARTLY, Achieved.NOT_ACHIEVED])
            _save(
                ReintegrationOutcome(
                    case=self.case, area=area, status=status, recorded_on=closed_on, recorded_by=self.worker
                )
            )

    # Consent, referrals and the recovery and reflection period.

    def write_consents(self) -> None:
        for purpose in (Consent.Purpose.ASSISTANCE, Consent.Purpose.REFERRAL):
            _save(
                Consent(
                    case=self.case,
                    purpose=purpose,
                    given=True,
                    given_on=self.time.presumed_on,
                    taken_by=self.worker,
                    recorded_at=self.time.presumed,
                )
            )

    def write_referrals(self) -> None:
        """To the Main Department for identification within 24 hours; its own cases to Hope Support Union."""
        sent = self.time.presumed + datetime.timedelta(hours=self.rng.randint(2, 20))
        if self.owner == self.cast.main_department:
            self.refer(self.cast.hope, sent, "Shelter, medical, psychological and legal assistance")
            return
        self.refer(self.cast.main_department, sent, "Identification as a victim of trafficking")
        self.case.referred_to_mia_at = sent
        self.case.save(update_fields=["referred_to_mia_at"])

    def refer(self, to: Organisation, sent: datetime.datetime, services: str, decline: str = "") -> Referral:
        answered = sent + datetime.timedelta(days=self.rng.randint(1, 3), hours=self.rng.randint(0, 4))
        return _save(
            Referral(
                case=self.case,
                from_organisation=self.owner,
                to_organisation=to,
                services=services,
                state=Referral.State.DECLINED if decline else Referral.State.ACCEPTED,
                sent_by=self.worker,
                sent_at=sent,
                answered_by=self.organisations.worker(to),
                answered_at=answered,
                answer_reason=decline,
            )
        )

    def write_period(self) -> None:
        starts_on = self.time.presumed_on
        ends_on = _days(starts_on, settings.REFLECTION_PERIOD_DAYS - 1)
        period = ReflectionPeriod(case=self.case, starts_on=starts_on, ends_on=ends_on)
        if self.victim.extended:
            period.ends_on = _days(ends_on, EXTENSION_DAYS)
        period.end_decision, period.end_note = self.period_decision()
        period.decided_at = self.history.at(period.ends_on)
        _save(period)
        self.time.ended(period.ends_on)
        if self.victim.extended:
            extended_at = self.history.at(_days(ends_on, -5))
            _save(
                PeriodExtension(
                    period=period,
                    previous_end=ends_on,
                    new_end=period.ends_on,
                    reason=EXTENSION_REASON,
                    actor=self.worker,
                    at=extended_at,
                )
            )

    def period_decision(self) -> tuple[str, str]:
        Decision = ReflectionPeriod.Decision
        if self.victim.outcome == NOT_IDENTIFIED:
            return Decision.OTHER, "Not identified as a victim of trafficking; referred to social services."
        if self.victim.outcome == AWAITING:
            return Decision.DOES_NOT, "Does not want to take part in criminal proceedings for now."
        if not self.victim.national and self.victim.repatriated:
            return Decision.RETURNED, "Wishes to go home; the return is being arranged."
        return Decision.COOPERATES, "Gave a statement to the investigator."

    # Protection.

    def write_measures(self) -> None:
        for kind, starts_on, days in self.measures():
            _save(
                ProtectionMeasure(
                    case=self.case,
                    kind=kind,
                    body=self.cast.main_department,
                    starts_on=starts_on,
                    ends_on=self.time.ended(_days(starts_on, days)),
                    recorded_by=self.cast.idofficer,
                    recorded_at=self.history.at(starts_on),
                )
            )

    def measures(self) -> list[tuple[str, datetime.date, int]]:
        """(kind, first day, days): protection in the criminal proceedings of the police's cases, an escort home
        from the consulate, protection of women trafficked for sexual exploitation, an order against a forced
        marriage, a safe place for a child taken from begging."""
        Kind, victim, presumed_on = ProtectionMeasure.Kind, self.victim, self.time.presumed_on
        measures = []
        if victim.source == POLICE and victim.identified:
            kind = Kind.CONFIDENTIALITY if self.index % 2 else Kind.WITNESS_PROTECTION
            measures.append((kind, self.time.decided_on, self.rng.randint(60, 150)))
        if victim.source == CONSULATE:
            measures.append((Kind.ESCORT, timezone.localdate(self.time.registered), 1))
        if SEXUAL in victim.forms and victim.identified and not victim.child:
            measures.append((Kind.POLICE_PROTECTION, self.after(presumed_on, 1, 5), self.rng.randint(30, 90)))
        if MARRIAGE in victim.forms and victim.identified:
            measures.append((Kind.PROTECTION_ORDER, self.after(presumed_on, 3, 10), 180))
        if BEGGING in victim.forms and victim.identified:
            measures.append((Kind.SAFE_ACCOMMODATION, presumed_on, self.rng.randint(60, 120)))
        return measures


class _Child:
    """A child's guardian, the notifications, the best-interest assessment, the age verification and school."""

    def __init__(self, story: _Story):
        self.story = story
        self.case = story.case
        self.worker = story.organisations.worker(story.carer)

    def write(self) -> None:
        story, presumed_on = self.story, self.story.time.presumed_on
        kind = Guardian.Kind.LEGAL_REPRESENTATIVE if story.index % 4 == 0 else Guardian.Kind.TEMPORARY_GUARDIAN
        name = f"Demo-Guardian {story.index + 1}"
        _save(Guardian(case=self.case, kind=kind, name=name, appointed_on=presumed_on, recorded_by=self.worker))
        self.notify(AuthorityNotification.Authority.GUARDIANSHIP, presumed_on)
        self.notify(AuthorityNotification.Authority.COMMISSION_ON_MINORS, story.after(presumed_on, 1, 4))
        if story.victim.estimated:
            self.verify_age(story.after(presumed_on, 2, 4))
        _save(
            BestInterestAssessment(
                case=self.case,
                assessed_on=story.after(presumed_on, 5, 12),
                assessed_by=self.worker,
                organisation=self.worker.organisation,
                return_safe=return_safe(story.victim),
            )
        )
        self.enrol(story.after(presumed_on, 20, 40))

    def notify(self, authority: str, notified_on: datetime.date) -> None:
        _save(
            AuthorityNotification(
                case=self.case,
                authority=authority,
                notified_on=notified_on,
                notified_by=self.worker,
                organisation=self.worker.organisation,
            )
        )

    def verify_age(self, verified_on: datetime.date) -> None:
        _save(
            AgeVerification(
                case=self.case,
                verified_on=verified_on,
                method=AgeVerification.Method.MULTIDISCIPLINARY,
                age=self.story.victim.age,
                reason="No identity documents: a psychologist, a doctor and a social worker assessed the age.",
                verified_by=self.worker,
            )
        )

    def enrol(self, enrolled_on: datetime.date) -> None:
        victim = self.story.victim
        if not victim.national:
            kind = SchoolEnrolment.SchoolKind.NON_FORMAL
        else:
            kind = SchoolEnrolment.SchoolKind.VOCATIONAL if victim.age >= 16 else SchoolEnrolment.SchoolKind.GENERAL
        _save(
            SchoolEnrolment(
                case=self.case,
                enrolled_on=enrolled_on,
                school_kind=kind,
                region="Baku",
                status_on=enrolled_on,
                recorded_by=self.worker,
            )
        )


def return_safe(victim: Victim) -> bool:
    """A child is not sent back to a family that sent it begging."""
    return BEGGING not in victim.forms


class _Care:
    """The services delivered, the placement in a shelter and the referral for vocational training."""

    def __init__(self, story: _Story):
        self.story = story
        self.victim = story.victim
        self.time = story.time
        self.rng = story.rng
        self.organisations = story.organisations
        self.cast = story.cast
        self.recorder = story.organisations.worker(story.carer)
        self.centre = story.organisations.assistance_centre
        self.leaves_on = None  # the day a foreign national goes home: every service ends by then

    def write(self) -> None:
        if self.victim.outcome == NOT_IDENTIFIED:
            self.while_presumed()
            return
        if self.victim.source == CONSULATE:
            self.repatriate(timezone.localdate(self.story.time.registered), abroad=True)
        if self.victim.repatriated and not self.victim.national:
            self.leaves_on = self.story.after(max(self.time.last, self.time.decided_on), 3, 15)
        if SEXUAL in self.victim.forms or self.victim.child or not self.victim.national:
            self.place()
        self.assist()
        if self.victim.identified:
            self.allowance()
        if self.leaves_on:
            self.repatriate(self.leaves_on, abroad=False)

    def service(
        self, kind: str, provider: Organisation, starts_on: datetime.date, days: int | None, **facts
    ) -> AssistanceService:
        """A service from `starts_on`, for `days` (None: still going on), with an outcome when it ended."""
        ends_on = _days(starts_on, days) if days is not None else None
        if self.leaves_on and kind != Kind.REPATRIATION:
            starts_on = min(starts_on, self.leaves_on)
            ends_on = min(ends_on, self.leaves_on) if ends_on else self.leaves_on
        self.time.ended(ends_on)
        outcome = (facts.pop("outcome", None) or self.outcome()) if ends_on else ""
        return _save(
            AssistanceService(
                case=self.story.case,
                kind=kind,
                provider=provider,
                starts_on=starts_on,
                ends_on=ends_on,
                outcome=outcome,
                recorded_by=self.recorder,
                recorded_at=self.story.history.at(starts_on),
                **facts,
            )
        )

    def while_presumed(self) -> None:
        """Counselling and legal advice until the decision."""
        presumed_on, decided_on = self.time.presumed_on, self.time.decided_on
        for kind, provider in ((Kind.PSYCHOLOGICAL, self.story.carer), (Kind.LEGAL, self.story.carer)):
            starts_on = self.story.after(presumed_on, 0, 4)
            self.service(kind, provider, starts_on, (decided_on - starts_on).days)

    def assist(self) -> None:
        story, presumed_on, carer, centre = self.story, self.time.presumed_on, self.story.carer, self.centre
        medical = self.service(Kind.MEDICAL, centre, story.after(presumed_on, 0, 3), self.days(5, 30))
        if story.index % 3 == 0:  # a check-up some weeks later
            self.service(Kind.MEDICAL, centre, story.after(medical.ends_on, 20, 40), self.days(1, 5))
        self.service(Kind.PSYCHOLOGICAL, carer, story.after(presumed_on, 1, 5), self.days(30, 120))
        self.service(Kind.LEGAL, carer, story.after(presumed_on, 2, 10), self.days(30, 150))
        if not self.victim.national:
            self.for_foreigner()
        if story.index % 2:
            self.service(Kind.SOCIAL, centre, story.after(presumed_on, 5, 20), self.days(20, 60))
        if self.victim.child:
            self.for_child()
        elif self.victim.national and self.victim.identified:
            self.towards_work()

    def for_foreigner(self) -> None:
        if self.victim.citizenship != "RU":
            self.service(Kind.INTERPRETATION, self.cast.hope, self.time.presumed_on, self.days(10, 40))
        starts_on = self.story.after(self.time.presumed_on, 3, 15)
        self.service(Kind.ID_DOCUMENTS, self.cast.main_department, starts_on, self.days(10, 45))

    def days(self, least: int, most: int) -> int:
        return self.rng.randint(least, most)

    def outcome(self) -> str:
        Outcome = AssistanceService.Outcome
        return self.rng.choices([Outcome.COMPLETED, Outcome.PARTLY, Outcome.INTERRUPTED], weights=[80, 14, 6])[0]

    def for_child(self) -> None:
        story, presumed_on = self.story, self.time.presumed_on
        ongoing = not self.victim.closed
        self.service(
            Kind.EDUCATION,
            self.cast.clean_path,
            story.after(presumed_on, 20, 40),
            None if ongoing else self.days(90, 200),
        )
        if self.victim.national and return_safe(self.victim):
            self.service(Kind.FAMILY_REUNIFICATION, self.cast.hope, story.after(presumed_on, 30, 60), self.days(1, 5))

    def towards_work(self) -> None:
        """Vocational training (Clean Path's course in Ganja) for two adults in three, then, for most, help to find
        work."""
        if self.story.index % 3 == 2:
            return
        starts_on = self.story.after(max(self.time.presumed_on, self.time.decided_on or self.time.presumed_on), 5, 20)
        provider = self.cast.clean_path
        if self.story.owner == self.cast.hope:  # referred to Clean Path, which declined the first time (it was full)
            history = self.story.history
            declined, history.declined = not history.declined, True
            sent = history.at(_days(starts_on, -7))
            self.story.refer(
                provider, sent, "Vocational training in Ganja", decline=DECLINED_REASON if declined else ""
            )
            if declined:
                provider = self.organisations.assistance_centre
        self.service(Kind.VOCATIONAL, provider, starts_on, self.days(60, 120))
        if self.story.index % 4:
            self.service(
                Kind.EMPLOYMENT,
                self.organisations.assistance_centre,
                self.story.after(self.time.last, 5, 20),
                self.days(20, 60),
            )

    def allowance(self) -> None:
        """The state's one-time allowance to an identified national; a small aid from the NGO to a foreigner."""
        paid_on = self.story.after(self.time.decided_on, 7, 30)
        paid = AssistanceService.Outcome.COMPLETED
        if self.victim.national:
            provider, amount = self.organisations.assistance_centre, STATE_ALLOWANCE
        else:
            provider, amount = self.cast.hope, NGO_AID
        self.service(Kind.FINANCIAL_AID, provider, paid_on, 0, amount=amount, outcome=paid)

    def place(self) -> None:
        """A stay in the carer's facility (Hope House or Clean Path's centre), with the shelter service."""
        facility = self.organisations.facility(self.story.carer)
        placed_on = self.story.after(self.time.presumed_on, 0, 2)
        discharged_on = self.leaves_on or self.story.after(placed_on, 25, 100)
        _save(
            Placement(
                case=self.story.case,
                facility=facility,
                placed_on=placed_on,
                placed_by=self.recorder,
                discharged_on=self.time.ended(discharged_on),
                discharged_by=self.recorder,
                discharge_reason=DISCHARGE_HOME if self.leaves_on else DISCHARGE_REASON,
            )
        )
        days, completed = (discharged_on - placed_on).days, AssistanceService.Outcome.COMPLETED
        self.service(Kind.SHELTER, facility.organisation, placed_on, days, outcome=completed)

    def repatriate(self, starts_on: datetime.date, *, abroad: bool) -> None:
        completed = AssistanceService.Outcome.COMPLETED
        self.service(
            Kind.REPATRIATION, self.cast.main_department, starts_on, self.days(1, 3), abroad=abroad, outcome=completed
        )
