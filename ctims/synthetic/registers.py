"""The registers (lib.registers entries): hotline calls, criminal cases with their defendants, trainings, awareness
activities, donors and their support. Each entry belongs to the organisation of the user who recorded it, is linked
to the measure it carries out (of the plan in force on its date), and keeps to its model's clean() rules."""

import bisect
import datetime
import uuid
from decimal import Decimal

from cases.models import Case
from ctims.synthetic.organisations import CITIES, SUFFIX
from ctims.synthetic.world import Weights, World, day_in, moment
from hotline.models import Action, Call, CallerType, Channel, Indicator, Language, SignalType
from monitoring.models import Currency, FundingSource
from partners.models import Donor, DonorSupport, SupportType
from prevention.models import Audience, AwarenessActivity, Training
from prosecution.models import CriminalCase, Defendant

ENTRY_FIELDS = ("id", "uid", "organisation_id", "created_by_id", "created_at", "updated_at")
FOREIGN_AFFAIRS = "Ministry of Foreign Affairs"


def registers_generate(*, world: World) -> None:
    _calls_generate(world)
    _criminal_cases_generate(world)
    _trainings_generate(world)
    _awareness_generate(world)
    _donors_generate(world)


class _Entries:
    """Entry columns and measure links for one register, drawn from one random stream."""

    def __init__(self, world: World, model, measure_number: str):
        self.world = world
        self.model = model
        self.rng = world.rng(model._meta.label)
        self.measure_number = measure_number
        self.links: list[tuple[int, int]] = []  # (entry id, measure id)

    def entry(self, pk: int, organisation: int, author: int, day: datetime.date) -> tuple:
        """The Entry columns; the entry is recorded on the day it happened, and linked to its measure."""
        measure = self.world.measure(self.measure_number, day)
        if measure is not None:
            self.links.append((pk, measure))
        recorded_at = moment(self.rng, day)
        return pk, uuid.UUID(int=self.rng.getrandbits(128), version=4), organisation, author, recorded_at, recorded_at

    def write(self, fields: tuple[str, ...], rows, total: int) -> None:
        writer = self.world.writer
        writer.write(self.model, ENTRY_FIELDS + fields, rows, total=total)
        through = self.model.measures.through
        owner = f"{self.model._meta.model_name}_id"
        writer.write(through, (owner, "measure_id"), self.links, total=len(self.links))


# Hotline -------------------------------------------------------------------------------------------------------

CALL_FIELDS = ("received_at", "channel", "language", "region", "caller_type", "signal_type", "summary", "indicators",
               "thb_relevant", "action", "referred_to_id", "case_id", "no_action_reason", "anonymous", "caller_name",
               "caller_phone", "caller_email", "caller_notes")  # fmt: skip
CHANNELS = Weights({Channel.PHONE: 70, Channel.SMS: 5, Channel.WEB: 10, Channel.EMAIL: 5, Channel.MESSENGER: 10})
LANGUAGES = Weights({Language.AZ: 75, Language.RU: 20, Language.EN: 3, Language.OTHER: 2})
CALLERS = Weights({CallerType.POTENTIAL_VICTIM: 25, CallerType.FAMILY: 30, CallerType.THIRD_PARTY: 20,
                   CallerType.PROFESSIONAL: 10, CallerType.ANONYMOUS: 15})  # fmt: skip
SIGNALS = Weights({SignalType.TIP: 30, SignalType.HELP: 30, SignalType.INFORMATION: 35, SignalType.OTHER: 5})
ACTIONS = Weights({Action.POLICE: 15, Action.NGO: 15, Action.CONSULATE: 3, Action.INFORMATION: 50, Action.NONE: 17})
SUMMARIES = {
    SignalType.TIP: "Caller reports a job offer abroad that looks like recruitment for exploitation.",
    SignalType.HELP: "Caller asks for help for a relative held by an employer abroad.",
    SignalType.INFORMATION: "Caller asks how to check a recruitment agency before working abroad.",
    SignalType.OTHER: "Call about labour rights, not about trafficking.",
}
NAMED_CALLER_SHARE = 0.05
HOTLINE_MIA_SHARE = 0.7


def _calls_generate(world: World) -> None:
    entries = _Entries(world, Call, "13.2.1")
    opened = [story for story in world.cases if story.source == Case.Source.HOTLINE]
    total = max(world.scale.calls, len(opened))
    ids = world.writer.ids(Call, total)
    rows = (_call(entries, pk, opened[index] if index < len(opened) else None) for index, pk in enumerate(ids))
    entries.write(CALL_FIELDS, rows, total)


def _call(entries: _Entries, pk: int, story) -> tuple:
    """A call; the first ones are those that opened the cases brought by the hotline, minutes before the case."""
    world, rng = entries.world, entries.rng
    signal = SIGNALS.pick(rng)
    if story is not None:
        received_at = story.created_at - datetime.timedelta(minutes=rng.randint(10, 90))
        action, case, signal = Action.CASE_OPENED, story.pk, SignalType.HELP
    else:
        received_at = moment(rng, day_in(rng, world.start, world.last_day))
        action, case = ACTIONS.pick(rng), None
    organisation = _hotline(world, rng, story)
    referred_to = _call_referral(world, rng, action)
    named = rng.random() < NAMED_CALLER_SHARE
    indicators = rng.sample(Indicator.values, rng.choice((0, 1, 2, 3))) if signal != SignalType.OTHER else []
    return (
        *entries.entry(pk, organisation, rng.choice(world.hotline_operators[organisation]), received_at.date()),
        received_at,
        CHANNELS.pick(rng),
        LANGUAGES.pick(rng),
        rng.choice(CITIES) if rng.random() < 0.6 else "",
        CALLERS.pick(rng) if not named else CallerType.FAMILY,
        signal,
        SUMMARIES[signal],
        indicators,
        signal in (SignalType.TIP, SignalType.HELP) and rng.random() < 0.7 or action == Action.CASE_OPENED,
        action,
        referred_to,
        case,
        "The caller wanted no action." if action == Action.NONE else "",
        not named,
        "Caller (synthetic)" if named else None,
        f"+99450{rng.randrange(10**6, 10**7)}" if named else None,
        None,
        None,
    )


def _hotline(world: World, rng, story) -> int:
    if story is not None and story.owner in world.hotline_operators:
        return story.owner
    if rng.random() < HOTLINE_MIA_SHARE:
        return world.identifying_organisation
    return rng.choice(tuple(world.hotline_operators))


def _call_referral(world: World, rng, action: str) -> int | None:
    if action == Action.POLICE:
        return world.identifying_organisation
    if action == Action.NGO:
        return rng.choice(world.case_owners[2:])
    if action == Action.CONSULATE:
        names = {name: pk for pk, name in world.organisation_names.items()}
        return names.get(FOREIGN_AFFAIRS, world.identifying_organisation)
    return None


# Prosecution ---------------------------------------------------------------------------------------------------

CRIMINAL_FIELDS = ("number", "articles", "stage", "opened_on", "investigation_completed_on", "sent_to_court_on",
                   "judgment_on", "appeal_on", "court", "organised_group", "group_members", "transnational",
                   "countries", "victims_count")  # fmt: skip
DEFENDANT_FIELDS = ("criminal_case_id", "kind", "sex", "age_band", "citizenship", "role", "outcome",
                    "sentence_years", "suspended", "fine")  # fmt: skip
ARTICLES = Weights({"144-1": 60, "144-2": 20, "243": 8, "244": 4, "171": 3, "173": 2, "106": 1, "144-3": 1,
                    "193-1": 1})  # fmt: skip
Stage = CriminalCase.Stage
FINAL_STAGES = Weights({Stage.REGISTERED: 5, Stage.INVESTIGATION: 15, Stage.INVESTIGATION_COMPLETED: 5,
                        Stage.SENT_TO_COURT: 10, Stage.JUDGMENT: 45, Stage.APPEAL: 10, Stage.CLOSED: 10})  # fmt: skip
# Each dated stage, the days it takes after the one before.
STAGE_DAYS = ((Stage.INVESTIGATION_COMPLETED, (30, 180)), (Stage.SENT_TO_COURT, (5, 30)), (Stage.JUDGMENT, (30, 200)),
              (Stage.APPEAL, (10, 60)))  # fmt: skip
ROLES = Weights({Defendant.Role.ORGANISER: 20, Defendant.Role.RECRUITER: 30, Defendant.Role.TRANSPORTER: 10,
                 Defendant.Role.EXPLOITER: 20, Defendant.Role.ACCOMPLICE: 15, Defendant.Role.OTHER: 5})  # fmt: skip
AGE_BANDS = Weights({Defendant.AgeBand.FROM_18: 10, Defendant.AgeBand.FROM_25: 35, Defendant.AgeBand.FROM_35: 40,
                     Defendant.AgeBand.FROM_50: 15})  # fmt: skip
LINKED_VICTIM_SHARE = 0.3


def _criminal_cases_generate(world: World) -> None:
    entries = _Entries(world, CriminalCase, "13.3.4")
    count = world.scale.criminal_cases
    ids = world.writer.ids(CriminalCase, count)
    prosecution = _Prosecution(world, entries)
    entries.write(CRIMINAL_FIELDS, (prosecution.criminal_case(pk, n) for n, pk in enumerate(ids, 1)), count)
    world.writer.write(Defendant, DEFENDANT_FIELDS, prosecution.defendants, total=len(prosecution.defendants))
    through = CriminalCase.victims.through
    world.writer.write(through, ("criminalcase_id", "case_id"), prosecution.victims, total=len(prosecution.victims))


class _Prosecution:
    def __init__(self, world: World, entries: _Entries):
        self.world, self.entries, self.rng = world, entries, entries.rng
        self.defendants: list[tuple] = []
        self.victims: list[tuple[int, int]] = []
        self.identified = [story for story in world.cases if story.reached(Case.Status.IDENTIFIED)]
        self.identified_days = [story.created_at.date() for story in self.identified]

    def criminal_case(self, pk: int, number: int) -> tuple:
        world, rng = self.world, self.rng
        organisation = rng.choice(tuple(world.analysts))
        opened_on = day_in(rng, world.start, world.last_day)
        dates, stage = self._stages(opened_on)
        transnational = rng.random() < 0.6
        organised = rng.random() < 0.3
        victims = rng.randint(1, 5)
        self._link_victim(pk, opened_on)
        self._defendants(pk, stage, dates)
        return (
            *self.entries.entry(pk, organisation, rng.choice(world.analysts[organisation]), opened_on),
            f"{opened_on.year}-{number:06d}",
            [ARTICLES.pick(rng)] if rng.random() < 0.7 else _two_articles(rng),
            stage,
            opened_on,
            *dates,
            "Baku Grave Crimes Court" if dates[1] else "",
            organised,
            rng.randint(2, 8) if organised else None,
            transnational,
            ", ".join(sorted({"TR", rng.choice(("AE", "RU", "GE", "IR"))})) if transnational else "",
            victims,
        )

    def _stages(self, opened_on: datetime.date) -> tuple[list, str]:
        """The dates of the stages reached (None after), and the stage; a date after the history is not reached."""
        final = FINAL_STAGES.pick(self.rng)
        dates, stage, day = [None] * len(STAGE_DAYS), Stage.INVESTIGATION, opened_on
        if final in (Stage.REGISTERED, Stage.INVESTIGATION, Stage.CLOSED):
            return dates, final
        for position, (dated_stage, (least, most)) in enumerate(STAGE_DAYS):
            day = day + datetime.timedelta(days=self.rng.randint(least, most))
            if day > self.world.last_day:
                break
            dates[position], stage = day, dated_stage
            if dated_stage == final:
                break
        return dates, stage

    def _link_victim(self, pk: int, opened_on: datetime.date) -> None:
        before = bisect.bisect_right(self.identified_days, opened_on)
        if before and self.rng.random() < LINKED_VICTIM_SHARE:
            self.victims.append((pk, self.identified[self.rng.randrange(before)].pk))

    def _defendants(self, pk: int, stage: str, dates: list) -> None:
        rng = self.rng
        judged = dates[2] is not None
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            natural = rng.random() < 0.95
            outcome = Defendant.Outcome.PENDING
            if judged:
                outcome = rng.choices(("convicted", "acquitted", "dismissed"), weights=(85, 10, 5))[0]
            elif stage == Stage.CLOSED:
                outcome = Defendant.Outcome.DISMISSED
            convicted = outcome == Defendant.Outcome.CONVICTED
            sentence = Decimal(rng.randrange(10, 25)) / 2 if natural and convicted else None
            self.defendants.append((
                pk,
                Defendant.Kind.NATURAL if natural else Defendant.Kind.LEGAL,
                rng.choice(("male", "male", "male", "female")) if natural else "",
                AGE_BANDS.pick(rng) if natural else "",
                ("AZ" if rng.random() < 0.85 else rng.choice(("TR", "RU", "GE", "IR"))) if natural else "",
                ROLES.pick(rng),
                outcome,
                sentence,
                sentence is not None and rng.random() < 0.1,
                Decimal(rng.randrange(5000, 50000, 500)) if convicted and not natural else None,
            ))  # fmt: skip


def _two_articles(rng) -> list[str]:
    first = ARTICLES.pick(rng)
    second = ARTICLES.pick(rng)
    return [first] if second == first else [first, second]


# Prevention ----------------------------------------------------------------------------------------------------

TRAINING_FIELDS = ("held_on", "ends_on", "topic", "audience", "place", "organiser", "women", "men", "hours")
TOPICS = ("Identifying victims of trafficking", "Interviewing child victims", "Labour exploitation indicators",
          "The National Referral Mechanism", "Trafficking cases in court", "Profiling at checkpoints")  # fmt: skip
AWARENESS_FIELDS = ("started_on", "ended_on", "kind", "title", "channel", "place", "language", "quantity", "reach")
TITLES = ("Safe travel", "Legal work abroad", "Know your rights", "Do not let them sell you", "Ask before you go")
PRINTED = (AwarenessActivity.Kind.BOOKLET, AwarenessActivity.Kind.POSTER)


def _bodies(world: World) -> list[tuple[int, int]]:
    """(organisation, focal point) of the bodies that record their own activities."""
    return sorted(world.focal_points.items())


def _trainings_generate(world: World) -> None:
    entries = _Entries(world, Training, "13.2.10")
    bodies = _bodies(world)
    count = world.scale.trainings
    ids = world.writer.ids(Training, count)

    def rows():
        rng = entries.rng
        for pk in ids:
            organisation, author = rng.choice(bodies)
            held_on = day_in(rng, world.start, world.last_day)
            women = rng.randint(0, 40)
            yield (
                *entries.entry(pk, organisation, author, held_on),
                held_on,
                held_on + datetime.timedelta(days=rng.randint(0, 4)),
                rng.choice(TOPICS),
                rng.choice(Audience.values),
                rng.choice(CITIES),
                "",
                women,
                rng.randint(0 if women else 1, 40),
                rng.randint(4, 40),
            )

    entries.write(TRAINING_FIELDS, rows(), count)


def _awareness_generate(world: World) -> None:
    entries = _Entries(world, AwarenessActivity, "13.9.1")
    bodies = _bodies(world)
    count = world.scale.awareness
    ids = world.writer.ids(AwarenessActivity, count)

    def rows():
        rng = entries.rng
        for pk in ids:
            organisation, author = rng.choice(bodies)
            started_on = day_in(rng, world.start, world.last_day)
            kind = rng.choice(AwarenessActivity.Kind.values)
            yield (
                *entries.entry(pk, organisation, author, started_on),
                started_on,
                started_on + datetime.timedelta(days=rng.randint(0, 60)),
                kind,
                rng.choice(TITLES),
                rng.choice(AwarenessActivity.Channel.values),
                rng.choice(CITIES),
                "az",
                rng.randrange(500, 20000, 100) if kind in PRINTED else None,
                rng.randrange(1000, 200000, 100),
            )

    entries.write(AWARENESS_FIELDS, rows(), count)


# Partners ------------------------------------------------------------------------------------------------------

DONOR_FIELDS = ("name", "iati_ref", "org_type", "country")
SUPPORT_FIELDS = ("title", "description", "donor_id", "implementing_organisation_id", "support_types",
                  "funding_source", "status", "start_on", "end_on", "currency", "amount_pledged", "amount_committed",
                  "amount_disbursed")  # fmt: skip
DONORS = ("Migration Partnership Fund", "Children's Futures Foundation", "Safe Labour Initiative", "Rights Trust",
          "Regional Cooperation Fund", "Women's Empowerment Fund")  # fmt: skip
ORG_TYPES = Weights({Donor.OrgType.GOVERNMENT: 30, Donor.OrgType.MULTILATERAL: 30, Donor.OrgType.FOUNDATION: 20,
                     Donor.OrgType.INTERNATIONAL_NGO: 20})  # fmt: skip


def _donors_generate(world: World) -> None:
    entries = _Entries(world, Donor, "13.7.2")
    rng = entries.rng
    donor_ids = world.writer.ids(Donor, world.scale.donors)
    organisation, author = world.coordinator_organisation, world.coordinator
    rows = [
        (
            *entries.entry(pk, organisation, author, world.start),
            f"{DONORS[n % len(DONORS)]} No. {n // len(DONORS) + 1}{SUFFIX}",
            "",
            ORG_TYPES.pick(rng),
            "" if n % 3 else rng.choice(("US", "GB", "DE", "NO")),
        )
        for n, pk in enumerate(donor_ids)
    ]
    entries.write(DONOR_FIELDS, rows, len(rows))
    supports = _Entries(world, DonorSupport, "13.7.2")
    count = world.scale.supports
    ids = world.writer.ids(DonorSupport, count)
    rows = (_support(world, supports, pk, donor_ids) for pk in ids)
    supports.write(SUPPORT_FIELDS, rows, count)


def _support(world: World, entries: _Entries, pk: int, donor_ids: range) -> tuple:
    rng = entries.rng
    start_on = day_in(rng, world.start, world.last_day)
    end_on = start_on + datetime.timedelta(days=rng.randint(180, 900))
    pledged = Decimal(rng.randrange(10_000, 500_000, 1_000))
    committed = pledged * Decimal(rng.randint(60, 100)) / 100
    disbursed = committed * Decimal(rng.randint(0, 100)) / 100
    status = DonorSupport.Status.CLOSED if end_on < world.last_day else DonorSupport.Status.IMPLEMENTATION
    return (
        *entries.entry(pk, world.coordinator_organisation, world.coordinator, start_on),
        f"Support to victims' assistance {start_on.year}",
        "",
        rng.choice(donor_ids),
        rng.choice(world.case_owners),
        sorted(rng.sample(SupportType.values, rng.randint(1, 3))),
        FundingSource.GRANTS,
        status,
        start_on,
        end_on,
        rng.choice(Currency.values),
        pledged,
        committed.quantize(Decimal("0.01")),
        disbursed.quantize(Decimal("0.01")),
    )
