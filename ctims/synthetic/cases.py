"""Victim cases with HTCDS-plausible distributions, and what happens in them: legal status, referrals, services,
shelter placements.

First each case's story is drawn (who, what exploitation, which organisation, how far its legal status got and
when); then each table is written from the stories with its own random stream. A story keeps to the rules the
services enforce: status moves forward only, the competent body decides identification, a referral has consent,
services fall within the case's life, a closed case has no open placement, a child is never returned.

Shares follow what counter-trafficking data show for the region (CTDC; the MIA's yearly figures): sexual
exploitation and forced labour about 40 % each; women and girls the large majority in sexual exploitation, men in
forced labour; 10–15 % children; mostly nationals, exploited abroad (Türkiye, the UAE, Russia …).
"""

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from cases.models import (
    AssistanceService,
    Case,
    Consent,
    ExploitationForm,
    Person,
    Placement,
    Referral,
    ReflectionPeriod,
    Sex,
    StatusChange,
)
from ctims.synthetic.organisations import CITIES, DISTRICTS
from ctims.synthetic.world import UTC, Weights, World, day_in, moment

Status = Case.Status
Form = ExploitationForm.Form
Kind = AssistanceService.Kind

FORMS = Weights({Form.SEXUAL: 40, Form.FORCED_LABOUR: 40, Form.BEGGING: 6, Form.CRIMINALITY: 4, Form.MARRIAGE: 5,
                 Form.ORGAN_REMOVAL: 1, Form.OTHER: 4})  # fmt: skip
MIXED_SHARE = 0.08  # cases with a second form, mostly sexual exploitation together with forced labour
SEX_BY_FORM = {
    Form.SEXUAL: Weights({Sex.FEMALE: 88, Sex.MALE: 10, Sex.OTHER: 1, Sex.UNKNOWN: 1}),
    Form.FORCED_LABOUR: Weights({Sex.MALE: 75, Sex.FEMALE: 24, Sex.UNKNOWN: 1}),
    Form.BEGGING: Weights({Sex.FEMALE: 50, Sex.MALE: 50}),
    Form.CRIMINALITY: Weights({Sex.MALE: 70, Sex.FEMALE: 30}),
    Form.MARRIAGE: Weights({Sex.FEMALE: 97, Sex.MALE: 3}),
    Form.ORGAN_REMOVAL: Weights({Sex.MALE: 70, Sex.FEMALE: 30}),
    Form.OTHER: Weights({Sex.FEMALE: 50, Sex.MALE: 45, Sex.UNKNOWN: 5}),
}
CHILD_SHARE_BY_FORM = {Form.SEXUAL: 0.12, Form.FORCED_LABOUR: 0.05, Form.BEGGING: 0.45, Form.CRIMINALITY: 0.2,
                       Form.MARRIAGE: 0.5, Form.ORGAN_REMOVAL: 0.0, Form.OTHER: 0.1}  # fmt: skip  # ≈ 12 % overall
NATIONAL_SHARE = 0.85
FOREIGN = Weights({"UZ": 20, "TJ": 15, "KG": 10, "TM": 8, "GE": 10, "RU": 8, "UA": 6, "IR": 8, "IN": 5, "NP": 4,
                   "PH": 4, "TR": 2})  # fmt: skip
LANGUAGES = {"UZ": "uz", "TJ": "tg", "KG": "ky", "TM": "tk", "GE": "ka", "RU": "ru", "UA": "uk", "IR": "fa",
             "IN": "hi", "NP": "ne", "PH": "tl", "TR": "tr"}  # fmt: skip
DESTINATIONS = Weights({"TR": 30, "AE": 22, "RU": 22, "IR": 6, "GE": 4, "KZ": 4, "UA": 2, "QA": 3, "DE": 2, "CY": 2,
                        "MY": 1, "TH": 2})  # fmt: skip
NATIONAL_SCOPE = Weights({Case.Scope.TRANSNATIONAL: 65, Case.Scope.INTERNAL: 30, Case.Scope.UNKNOWN: 5})
SOURCES = Weights({Case.Source.POLICE: 35, Case.Source.NGO: 20, Case.Source.HOTLINE: 18, Case.Source.CONSULATE: 10,
                   Case.Source.SELF: 10, Case.Source.OTHER: 7})  # fmt: skip
RECRUITMENT = ("Job offer abroad through an acquaintance", "Online job advertisement", "Marriage proposal",
               "Private recruitment agency", "Offer of study abroad", "Recruited by a relative")  # fmt: skip
CONTROL = ("Documents withheld", "Debt bondage", "Threats against the family", "Isolation", "Physical violence")
VULNERABILITY = ("Unemployment", "Poverty", "Domestic violence", "Irregular migration status", "Disability", "Orphan")
GIVEN = {Sex.FEMALE: ("Aysel", "Leyla", "Nigar", "Sevda", "Gunay", "Narmin"), Sex.MALE: ("Elvin", "Rashad", "Tural")}
FAMILY = ("Aliyeva", "Mammadova", "Hasanova", "Huseynova", "Guliyeva", "Ismayilova", "Karimova", "Abbasova")
PRESUMED_CHILD_SHARE = 0.15  # of the children, those whose age is not known yet
NAMED_SHARE = 0.02  # people whose names are recorded (encrypted): the rest keep the optional identifiers empty

# The legal status a case has reached, by how long before the end of the history it was opened.
OUTCOMES = (
    (90, Weights({Status.POTENTIAL: 40, Status.PRESUMED: 35, Status.IDENTIFIED: 15, Status.NOT_IDENTIFIED: 5,
                  Status.CLOSED: 5})),
    (365, Weights({Status.POTENTIAL: 10, Status.PRESUMED: 15, Status.IDENTIFIED: 30, Status.NOT_IDENTIFIED: 10,
                   Status.CLOSED: 35})),
    (None, Weights({Status.POTENTIAL: 2, Status.PRESUMED: 4, Status.IDENTIFIED: 14, Status.NOT_IDENTIFIED: 10,
                    Status.CLOSED: 70})),
)  # fmt: skip
NOT_IDENTIFIED_DIRECTLY = 0.4  # of the not identified, those never presumed
IDENTIFIED_BEFORE_CLOSING = 0.85
MIA_REFERRAL_LATE = 0.1  # referrals to the Main Department after the 24 hours
REFERRAL_STATES = Weights({Referral.State.ACCEPTED: 75, Referral.State.DECLINED: 12, Referral.State.PENDING: 13})
SERVICE_WEIGHT = {Status.POTENTIAL: 1, Status.PRESUMED: 3, Status.IDENTIFIED: 6, Status.NOT_IDENTIFIED: 1,
                  Status.CLOSED: 6}  # fmt: skip
ADULT_SERVICES = Weights({Kind.PSYCHOLOGICAL: 16, Kind.MEDICAL: 16, Kind.LEGAL: 14, Kind.SOCIAL: 14, Kind.SHELTER: 10,
                          Kind.FINANCIAL_AID: 8, Kind.VOCATIONAL: 5, Kind.EMPLOYMENT: 4, Kind.ID_DOCUMENTS: 5,
                          Kind.EDUCATION: 1, Kind.FAMILY_REUNIFICATION: 2})  # fmt: skip
CHILD_SERVICES = Weights({Kind.PSYCHOLOGICAL: 18, Kind.MEDICAL: 16, Kind.LEGAL: 10, Kind.SOCIAL: 16, Kind.SHELTER: 10,
                          Kind.EDUCATION: 14, Kind.FAMILY_REUNIFICATION: 4, Kind.ID_DOCUMENTS: 4})  # fmt: skip
FOREIGN_SERVICES = Weights({Kind.INTERPRETATION: 40, Kind.REPATRIATION: 30, Kind.ID_DOCUMENTS: 30})
FOREIGN_SERVICE_SHARE = 0.3  # of a foreign adult's services, those only foreigners need
Outcome = AssistanceService.Outcome
SERVICE_OUTCOMES = Weights({Outcome.COMPLETED: 70, Outcome.PARTLY: 15, Outcome.INTERRUPTED: 10, Outcome.REFUSED: 5})
ONGOING_SHARE = 0.3  # of an open case's services, those still going on
PERIOD_DAYS = 30
PERIOD_DECISIONS = Weights({ReflectionPeriod.Decision.COOPERATES: 60, ReflectionPeriod.Decision.DOES_NOT: 20,
                            ReflectionPeriod.Decision.RETURNED: 10, ReflectionPeriod.Decision.OTHER: 10})  # fmt: skip
REASONS = {
    Status.PRESUMED: "Indicators of trafficking found at the first interview.",
    Status.IDENTIFIED: "The competent body established the facts of trafficking.",
    Status.NOT_IDENTIFIED: "The facts do not show trafficking; the person was referred to general social services.",
    Status.CLOSED: "Assistance completed; the person is reintegrated and no risk remains.",
}
DECLINE_REASONS = ("No free places at the moment.", "The service is not offered in the person's region.")


@dataclass(slots=True)
class CaseStory:
    pk: int
    person: int
    reference: str
    created_at: datetime.datetime
    owner: int
    author: int
    forms: tuple[str, ...]
    child: bool
    foreign: bool
    source: str
    scope: str
    destination: str  # country of exploitation
    presumed_child: bool  # age uncertain, handled as a child
    steps: list[tuple[str, str, datetime.datetime]] = field(default_factory=list)  # (from, to, when)
    referrals: list[tuple] = field(default_factory=list)  # (to, state, sent_at, answered_at, services)
    services: int = 0

    @property
    def status(self) -> str:
        return self.steps[-1][1] if self.steps else Status.POTENTIAL

    def reached(self, status: str) -> datetime.datetime | None:
        return next((when for _from, to, when in self.steps if to == status), None)

    @property
    def closed_on(self) -> datetime.date | None:
        closed = self.reached(Status.CLOSED)
        return closed.date() if closed else None

    @property
    def providers(self) -> list[int]:
        accepted = [to for to, state, *_rest in self.referrals if state == Referral.State.ACCEPTED]
        return [self.owner, *dict.fromkeys(accepted)]


def cases_generate(*, world: World) -> None:
    stories = _stories(world)
    world.cases = stories
    people = _people(world, stories)
    write = world.writer.write
    write(Person, PERSON_FIELDS, people, total=len(stories))
    write(Case, CASE_FIELDS, _case_rows(world, stories), total=len(stories))
    write(ExploitationForm, ("case_id", "form"), _form_rows(stories))
    write(StatusChange, STATUS_FIELDS, _status_rows(world, stories))
    write(ReflectionPeriod, PERIOD_FIELDS, _period_rows(world, stories))
    write(Consent, CONSENT_FIELDS, _consent_rows(stories))
    write(Referral, REFERRAL_FIELDS, _referral_rows(world, stories))
    placements: list[tuple] = []
    write(AssistanceService, SERVICE_FIELDS, _Services(world, placements).rows(stories), total=world.scale.services)
    write(Placement, PLACEMENT_FIELDS, placements)


# Stories -------------------------------------------------------------------------------------------------------


def _stories(world: World) -> list[CaseStory]:
    rng = world.rng("cases")
    count = world.scale.cases
    days = (world.end - world.start).days
    # Registrations grow over the years, as identification improves: more cases towards the end.
    offsets = sorted(int(days * rng.random() ** 0.8) for _ in range(count))
    case_ids, person_ids = world.writer.ids(Case, count), world.writer.ids(Person, count)
    numbers: Counter = Counter()
    stories = []
    for offset, pk, person in zip(offsets, case_ids, person_ids, strict=True):
        created_at = moment(rng, world.start + datetime.timedelta(days=offset))
        numbers[created_at.year] += 1
        story = _story(world, rng, pk, person, created_at, f"NRM-{created_at.year}-{numbers[created_at.year]:05d}")
        _status_path(world, rng, story)
        _referrals(world, rng, story)
        stories.append(story)
    weights = [SERVICE_WEIGHT[story.status] for story in stories]
    for index in rng.choices(range(count), weights=weights, k=world.scale.services):
        stories[index].services += 1
    return stories


def _story(world: World, rng, pk: int, person: int, created_at, reference: str) -> CaseStory:
    form = FORMS.pick(rng)
    forms = (form,)
    if rng.random() < MIXED_SHARE:
        second = Form.FORCED_LABOUR if form == Form.SEXUAL else Form.SEXUAL
        forms = (form, second)
    foreign = rng.random() >= NATIONAL_SHARE
    scope = Case.Scope.TRANSNATIONAL if foreign else NATIONAL_SCOPE.pick(rng)
    source = SOURCES.pick(rng)
    if source == Case.Source.CONSULATE and (foreign or scope != Case.Scope.TRANSNATIONAL):
        source = Case.Source.POLICE  # consulates meet nationals exploited abroad
    owner = _owner(world, rng, source)
    child = rng.random() < CHILD_SHARE_BY_FORM[form]
    national_abroad = not foreign and scope == Case.Scope.TRANSNATIONAL
    return CaseStory(
        pk=pk,
        person=person,
        reference=reference,
        created_at=created_at,
        owner=owner,
        author=rng.choice(world.case_workers[owner]),
        forms=forms,
        child=child,
        foreign=foreign,
        source=source,
        scope=scope,
        destination=DESTINATIONS.pick(rng) if national_abroad else "AZ",
        presumed_child=child and rng.random() < PRESUMED_CHILD_SHARE,
    )


def _owner(world: World, rng, source: str) -> int:
    """The police and consulates bring people to the Main Department; the rest go to NGOs and the centre too."""
    if source in (Case.Source.POLICE, Case.Source.CONSULATE) and rng.random() < 0.9:
        return world.identifying_organisation
    share = rng.random()
    if share < 0.3:
        return world.identifying_organisation
    if share < 0.4:
        return world.case_owners[1]
    return rng.choice(world.case_owners[2:])


def _status_path(world: World, rng, story: CaseStory) -> None:
    """The steps up to the status drawn for the case's age, each later than the one before; a step that would
    fall after the end of the history is not taken, so the case stays where it was."""
    age = (world.end - story.created_at.date()).days
    target = next(weights for limit, weights in OUTCOMES if limit is None or age <= limit).pick(rng)
    path = _path_to(rng, target)
    end = datetime.datetime.combine(world.end, datetime.time(), tzinfo=UTC)
    when, status = story.created_at, Status.POTENTIAL
    delays = {Status.PRESUMED: (0, 10), Status.IDENTIFIED: (10, 60), Status.NOT_IDENTIFIED: (10, 60),
              Status.CLOSED: (30, 540)}  # fmt: skip
    for to_status in path:
        when = _later(rng, when, *delays[to_status])
        if when >= end:
            return
        story.steps.append((status, to_status, when))
        status = to_status


def _path_to(rng, target: str) -> list[str]:
    if target == Status.POTENTIAL:
        return []
    if target == Status.CLOSED:
        decision = Status.IDENTIFIED if rng.random() < IDENTIFIED_BEFORE_CLOSING else Status.NOT_IDENTIFIED
        return [*_path_to(rng, decision), Status.CLOSED]
    if target == Status.NOT_IDENTIFIED and rng.random() < NOT_IDENTIFIED_DIRECTLY:
        return [Status.NOT_IDENTIFIED]
    return [Status.PRESUMED] if target == Status.PRESUMED else [Status.PRESUMED, target]


def _later(rng, when: datetime.datetime, least_days: int, most_days: int) -> datetime.datetime:
    """A moment `least_days` to `most_days` days after `when`; on the same day, within two hours."""
    days = rng.randint(least_days, most_days)
    if days == 0:
        return when + datetime.timedelta(minutes=rng.randint(5, 120))
    return moment(rng, when.date() + datetime.timedelta(days=days))


def _referrals(world: World, rng, story: CaseStory) -> None:
    """A presumed victim is referred to the Main Department (within 24 hours, mostly); identified ones to one or two
    service providers, who accept, decline or have not answered yet."""
    presumed = story.reached(Status.PRESUMED)
    if presumed is None:
        return
    limit = story.reached(Status.CLOSED) or datetime.datetime.combine(world.end, datetime.time(), tzinfo=UTC)
    mia = world.identifying_organisation
    if story.owner != mia:
        hours = rng.randint(25, 72) if rng.random() < MIA_REFERRAL_LATE else rng.randint(1, 20)
        sent = presumed + datetime.timedelta(hours=hours, minutes=rng.randint(0, 59))
        _refer(rng, story, mia, sent, limit, "Identification of the legal status", accept=True)
    if story.reached(Status.IDENTIFIED) is None:
        return
    candidates = [owner for owner in world.case_owners[1:] if owner != story.owner]
    for to in rng.sample(candidates, k=min(len(candidates), rng.choice((0, 1, 1, 2)))):
        sent = _later(rng, story.reached(Status.IDENTIFIED), 0, 20)
        _refer(rng, story, to, sent, limit, "Shelter, psychological and social assistance")


def _refer(rng, story: CaseStory, to: int, sent, limit, services: str, *, accept: bool = False) -> None:
    if sent >= limit:
        return
    state = Referral.State.ACCEPTED if accept else REFERRAL_STATES.pick(rng)
    answered = sent + datetime.timedelta(hours=rng.randint(1, 96))
    if state != Referral.State.PENDING and answered >= limit:
        state = Referral.State.PENDING
    if state == Referral.State.PENDING:
        if story.status == Status.CLOSED:
            return  # a closed case has no referral still waiting
        answered = None
    story.referrals.append((to, state, sent, answered, services))


# People --------------------------------------------------------------------------------------------------------

PERSON_FIELDS = ("id", "sex", "year_of_birth", "estimated_age", "citizenship", "languages", "region", "given_name",
                 "family_name", "date_of_birth", "documents", "address", "phone")  # fmt: skip


def _people(world: World, stories: list[CaseStory]):
    rng = world.rng("people")
    for story in stories:
        sex = SEX_BY_FORM[story.forms[0]].pick(rng)
        age = rng.randint(10, 17) if story.child else min(18 + int(rng.expovariate(1 / 11)), 70)
        citizenship = FOREIGN.pick(rng) if story.foreign else "AZ"
        year_of_birth, estimated_age = _age_known(rng, story, age)
        given = family = ""
        date_of_birth = None
        if year_of_birth and sex in GIVEN and rng.random() < NAMED_SHARE:
            given, family = rng.choice(GIVEN[sex]), rng.choice(FAMILY)
            date_of_birth = datetime.date(year_of_birth, rng.randint(1, 12), rng.randint(1, 28))
        languages = LANGUAGES[citizenship] if story.foreign else "az"
        region = "" if story.foreign else rng.choice(CITIES + DISTRICTS)
        yield (story.person, sex, year_of_birth, estimated_age, citizenship, languages, region, given, family,
               date_of_birth, "", "", "")  # fmt: skip


def _age_known(rng, story: CaseStory, age: int) -> tuple[int | None, int | None]:
    """(year of birth, estimated age): the year for most, an estimate for some, nothing for a few."""
    if story.presumed_child:
        return None, rng.randint(15, 17)
    known = rng.random()
    if known < 0.7:
        return story.created_at.year - age, None
    return (None, age) if known < 0.95 else (None, None)


# Cases and their legal status ------------------------------------------------------------------------------------

CASE_FIELDS = ("id", "reference", "uid", "person_id", "owner_id", "status", "source", "scope", "recruitment_countries",
               "transit_countries", "exploitation_countries", "exploitation_region", "recruitment_method",
               "means_of_control", "vulnerabilities", "presumed_child", "created_by_id", "created_at", "presumed_at",
               "referred_to_mia_at", "closed_at")  # fmt: skip
STATUS_FIELDS = ("case_id", "from_status", "to_status", "actor_id", "organisation_id", "at", "reason")
PERIOD_FIELDS = ("case_id", "starts_on", "ends_on", "no_removal", "end_decision", "end_note", "decided_at")


def _case_rows(world: World, stories: list[CaseStory]):
    rng = world.rng("case-details")
    uids = world.rng("case-uids")  # a stream of its own, so that the other details stay as they were
    mia = world.identifying_organisation
    for story in stories:
        abroad = story.scope == Case.Scope.TRANSNATIONAL
        internal = story.scope == Case.Scope.INTERNAL
        citizenship_country = "AZ" if not story.foreign else ""
        referred = next((sent for to, _state, sent, *_rest in story.referrals if to == mia), None)
        yield (
            story.pk,
            story.reference,
            _uid(uids),
            story.person,
            story.owner,
            story.status,
            story.source,
            story.scope,
            citizenship_country if abroad else "",
            rng.choice(("", "", "", "GE", "IR")) if abroad else "",
            story.destination if abroad or internal else "",
            rng.choice(CITIES) if internal else "",
            rng.choice(RECRUITMENT) if rng.random() < 0.7 else "",
            rng.choice(CONTROL) if rng.random() < 0.6 else "",
            rng.choice(VULNERABILITY) if rng.random() < 0.5 else "",
            story.presumed_child,
            story.author,
            story.created_at,
            story.reached(Status.PRESUMED),
            referred,
            story.reached(Status.CLOSED),
        )


def _status_rows(world: World, stories: list[CaseStory]):
    rng = world.rng("status-changes")
    for story in stories:
        for from_status, to_status, when in story.steps:
            if to_status in (Status.IDENTIFIED, Status.NOT_IDENTIFIED):
                actor, organisation = rng.choice(world.id_officers), world.identifying_organisation
            else:
                actor, organisation = rng.choice(world.case_workers[story.owner]), story.owner
            yield story.pk, from_status, to_status, actor, organisation, when, REASONS[to_status]


def _form_rows(stories: list[CaseStory]):
    for story in stories:
        for form in story.forms:
            yield story.pk, form


def _period_rows(world: World, stories: list[CaseStory]):
    """The recovery and reflection period starts when the person is presumed a victim; it ends with a decision
    unless it is still running at the end of the history. A child is never returned home from it."""
    rng = world.rng("periods")
    for story in stories:
        if not story.reached(Status.PRESUMED):
            continue
        starts_on = story.reached(Status.PRESUMED).date()
        ends_on = starts_on + datetime.timedelta(days=PERIOD_DAYS - 1)
        decision, decided_at = "", None
        if ends_on < world.last_day:
            decision = PERIOD_DECISIONS.pick(rng)
            if decision == ReflectionPeriod.Decision.RETURNED and story.child:
                decision = ReflectionPeriod.Decision.COOPERATES
            decided_at = moment(rng, ends_on)
        yield story.pk, starts_on, ends_on, True, decision, "", decided_at


def _uid(rng) -> uuid.UUID:
    """A random-looking uid drawn from the seeded `rng`: the same seed gives the same data."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


# Consent and referrals -----------------------------------------------------------------------------------------

CONSENT_FIELDS = ("case_id", "purpose", "given", "given_on", "taken_by_id", "note", "recorded_at")
REFERRAL_FIELDS = ("uid", "case_id", "from_organisation_id", "to_organisation_id", "services", "note", "state",
                   "sent_by_id", "sent_at", "answered_by_id", "answered_at", "answer_reason",
                   "consent_override_reason")  # fmt: skip


def _consent_rows(stories: list[CaseStory]):
    """Consent to assistance when the case is opened, and to referral before the first referral is sent."""
    for story in stories:
        day = story.created_at.date()
        yield story.pk, Consent.Purpose.ASSISTANCE, True, day, story.author, "", story.created_at
        if story.referrals:
            yield story.pk, Consent.Purpose.REFERRAL, True, day, story.author, "", story.created_at


def _referral_rows(world: World, stories: list[CaseStory]):
    rng = world.rng("referrals")
    uids = world.rng("referral-uids")
    for story in stories:
        for to, state, sent, answered, services in story.referrals:
            answered_by = rng.choice(world.case_workers[to]) if answered else None
            reason = rng.choice(DECLINE_REASONS) if state == Referral.State.DECLINED else ""
            sender = rng.choice(world.case_workers[story.owner])
            yield (_uid(uids), story.pk, story.owner, to, services, "", state, sender, sent, answered_by, answered,
                   reason, "")  # fmt: skip


# Services and placements ---------------------------------------------------------------------------------------

SERVICE_FIELDS = ("case_id", "kind", "provider_id", "starts_on", "ends_on", "outcome", "outcome_note", "amount",
                  "currency", "abroad", "recorded_by_id", "recorded_at")  # fmt: skip
PLACEMENT_FIELDS = ("case_id", "facility_id", "placed_on", "placed_by_id", "discharged_on", "discharged_by_id",
                    "discharge_reason")  # fmt: skip
DISCHARGE_REASONS = ("Moved to own housing.", "Returned to the family.", "Moved to another facility.")


class _Services:
    """Each case's services, from the day the case was opened (or the provider accepted the referral) to the day it
    was closed; a shelter stay is also a placement in one of the provider's facilities while places are free."""

    def __init__(self, world: World, placements: list[tuple]):
        self.world = world
        self.rng = world.rng("services")
        self.placements = placements
        shelters = [(pk, owner, capacity) for pk, owner, capacity, kind in world.facilities if kind == "shelter"]
        self.shelters_of = {owner: pk for pk, owner, _capacity in reversed(shelters)}
        self.any_shelter = [pk for pk, _owner, _capacity in shelters]
        self.free = {pk: capacity for pk, _owner, capacity in shelters}

    def rows(self, stories: list[CaseStory]):
        for story in stories:
            starts = self._starts(story)
            open_stay = False
            for _ in range(story.services):
                row = self._service(story, starts, open_stay)
                open_stay = open_stay or (row[1] == Kind.SHELTER and row[4] is None)
                yield row

    def _starts(self, story: CaseStory) -> dict[int, datetime.date]:
        """The first day each provider may deliver: the opening for the owner, the answer for a referral."""
        starts = {story.owner: story.created_at.date()}
        for to, state, _sent, answered, _services in story.referrals:
            if state == Referral.State.ACCEPTED:
                starts.setdefault(to, answered.date())
        return starts

    def _service(self, story: CaseStory, starts: dict, open_stay: bool) -> tuple:
        rng = self.rng
        provider = rng.choice(tuple(starts))
        kind = self._kind(story)
        last = story.closed_on or self.world.last_day
        starts_on = day_in(rng, starts[provider], last)
        ends_on = self._end(story, starts_on, last)
        if kind == Kind.SHELTER and ends_on is None:
            ends_on = self._stay(story, provider, starts_on, open_stay)
        elif kind == Kind.SHELTER:
            self._placement(story, self._facility(provider), provider, starts_on, ends_on)
        outcome = SERVICE_OUTCOMES.pick(rng) if ends_on else ""
        amount = Decimal(rng.randrange(100, 1500, 50)) if kind == Kind.FINANCIAL_AID else None
        abroad = kind == Kind.REPATRIATION or (kind == Kind.FAMILY_REUNIFICATION and story.foreign and not story.child)
        recorded_by = rng.choice(self.world.case_workers[provider])
        recorded_at = max(moment(rng, starts_on), story.created_at + datetime.timedelta(minutes=1))
        return (story.pk, kind, provider, starts_on, ends_on, outcome, "", amount, "AZN", abroad, recorded_by,
                recorded_at)  # fmt: skip

    def _kind(self, story: CaseStory) -> str:
        if story.child:
            return CHILD_SERVICES.pick(self.rng)
        if story.foreign and self.rng.random() < FOREIGN_SERVICE_SHARE:
            return FOREIGN_SERVICES.pick(self.rng)
        return ADULT_SERVICES.pick(self.rng)

    def _end(self, story: CaseStory, starts_on: datetime.date, last: datetime.date) -> datetime.date | None:
        """A closed case's services have all ended by the closing; an open case's may still go on."""
        if story.closed_on is None and self.rng.random() < ONGOING_SHARE:
            return None
        return day_in(self.rng, starts_on, min(last, starts_on + datetime.timedelta(days=180)))

    def _stay(self, story: CaseStory, provider: int, starts_on, open_stay: bool) -> datetime.date | None:
        """An ongoing shelter stay: an open placement if the shelter has a free place and the person has no other
        open placement; otherwise the stay has ended."""
        facility = self._facility(provider)
        if facility is not None and not open_stay and self.free[facility] > 0:
            self.free[facility] -= 1
            self._placement(story, facility, provider, starts_on, None)
            return None
        ends_on = day_in(self.rng, starts_on, min(self.world.last_day, starts_on + datetime.timedelta(days=90)))
        self._placement(story, facility, provider, starts_on, ends_on)
        return ends_on

    def _facility(self, provider: int) -> int | None:
        return self.shelters_of.get(provider) or (self.rng.choice(self.any_shelter) if self.any_shelter else None)

    def _placement(self, story: CaseStory, facility: int | None, provider: int, placed_on, discharged_on) -> None:
        if facility is None:
            return
        placed_by = self.rng.choice(self.world.case_workers[provider])
        reason = self.rng.choice(DISCHARGE_REASONS) if discharged_on else ""
        discharged_by = placed_by if discharged_on else None
        self.placements.append((story.pk, facility, placed_on, placed_by, discharged_on, discharged_by, reason))
