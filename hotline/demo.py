"""Demo hotline calls: about forty fictional calls over 2015–2017 recorded by the demo operator ("hotline"), so the
call register, the statistics page and the annual reports for 2016 and 2017 have figures. Never for production.

The calls go through lib.registers.entry_save, so the model's rules and the audit trail apply as for real work.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from hotline.models import REFERRAL_ACTIONS, Action, Call, CallerType, Channel, Indicator, Language, SignalType
from hotline.registers import calls
from lib.registers import entry_save
from organisations.models import Organisation
from plans.models import Measure

CALLS_PER_YEAR = {2015: 11, 2016: 14, 2017: 15}
REGIONS = ["Baku", "Sumgait", "Ganja", "Lankaran", "Shaki", "Mingachevir", "Guba", "Shirvan", ""]

# (signal type, caller type, summary, indicators, THB-relevant, action) — no names or identifiers, as in real use.
STORIES = [
    (
        SignalType.HELP,
        CallerType.POTENTIAL_VICTIM,
        "Works at a construction site abroad; passport kept by the employer, wages unpaid for three months.",
        ["documents", "no_pay", "deception"],
        True,
        Action.POLICE,
    ),
    (
        SignalType.TIP,
        CallerType.THIRD_PARTY,
        "Neighbour reports young women brought to a flat at night and not allowed to leave.",
        ["movement", "sexual"],
        True,
        Action.POLICE,
    ),
    (
        SignalType.HELP,
        CallerType.FAMILY,
        "Mother says her daughter went abroad for a waitress job and now cannot "
        "come home; she owes a large 'travel debt'.",
        ["deception", "debt", "movement"],
        True,
        Action.NGO,
    ),
    (
        SignalType.INFORMATION,
        CallerType.POTENTIAL_VICTIM,
        "Asks how to check a job offer in Turkey and an agency's licence before travelling.",
        [],
        False,
        Action.INFORMATION,
    ),
    (
        SignalType.TIP,
        CallerType.PROFESSIONAL,
        "Teacher reports a pupil missing school, working at a market for an adult who keeps his earnings.",
        ["child", "no_pay"],
        True,
        Action.POLICE,
    ),
    (
        SignalType.HELP,
        CallerType.POTENTIAL_VICTIM,
        "Migrant worker in a farm, threatened when asking to leave, no contract.",
        ["threats", "movement", "no_pay"],
        True,
        Action.CONSULATE,
    ),
    (
        SignalType.INFORMATION,
        CallerType.FAMILY,
        "Asks which documents are needed to work legally in Russia.",
        [],
        False,
        Action.INFORMATION,
    ),
    (SignalType.OTHER, CallerType.ANONYMOUS, "Silent call, line dropped after a minute.", [], False, Action.NONE),
    (
        SignalType.TIP,
        CallerType.ANONYMOUS,
        "Advertisement on a social network offers well-paid modelling work abroad with tickets paid in advance.",
        ["deception"],
        True,
        Action.POLICE,
    ),
    (
        SignalType.HELP,
        CallerType.POTENTIAL_VICTIM,
        "Returned from abroad after exploitation in a restaurant; needs shelter and medical help.",
        ["no_pay", "threats"],
        True,
        Action.CASE_OPENED,
    ),
    (
        SignalType.OTHER,
        CallerType.THIRD_PARTY,
        "Complaint about unpaid wages at a local shop; no sign of coercion.",
        [],
        False,
        Action.INFORMATION,
    ),
    (
        SignalType.HELP,
        CallerType.FAMILY,
        "Brother in a workshop abroad, documents taken, calls home only under supervision.",
        ["documents", "movement"],
        True,
        Action.NGO,
    ),
]
NO_ACTION_REASON = "The caller hung up before any detail was given; no way to call back."


def _measure(year: int):
    return Measure.objects.filter(number="13.2.1", plan__start_year__lte=year, plan__end_year__gte=year).first()


def _organisations() -> dict:
    def named(*words):
        for word in words:
            found = Organisation.objects.filter(name__icontains=word, is_class=False).order_by("name").first()
            if found:
                return found
        return None

    return {
        Action.POLICE: named("Ministry of Internal Affairs", "Main Department"),
        Action.NGO: named("Hope Support Union", "Clean Path"),
        Action.CONSULATE: named("Foreign Affairs"),
    }


def _call(rng: random.Random, year: int, index: int, referral_to: dict, case) -> Call:
    signal, caller_type, summary, indicators, relevant, action = STORIES[index % len(STORIES)]
    if action in REFERRAL_ACTIONS and referral_to[action] is None:
        action = Action.INFORMATION
    if action == Action.CASE_OPENED and case is None:
        action = Action.POLICE if referral_to[Action.POLICE] else Action.INFORMATION
    received = datetime.datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 21), rng.randint(0, 59))
    call = Call(
        received_at=timezone.make_aware(received),
        channel=rng.choice([Channel.PHONE] * 5 + list(Channel.values)),
        language=rng.choice([Language.AZ] * 4 + [Language.RU] * 2 + [Language.EN, Language.OTHER]),
        region=rng.choice(REGIONS),
        caller_type=caller_type,
        signal_type=signal,
        summary=summary,
        indicators=[code for code in indicators if code in Indicator.values],
        thb_relevant=relevant,
        action=action,
        referred_to=referral_to.get(action),
        case=case if action == Action.CASE_OPENED else None,
        no_action_reason=NO_ACTION_REASON if action == Action.NONE else "",
    )
    if index % 9 == 2:  # a few callers agreed to leave details so that the hotline could call back
        call.anonymous = False
        call.caller_name = f"Demo-Caller {year}-{index}"
        call.caller_phone = f"+994 50 000 {index:02d} {year % 100:02d}"
    return call


@transaction.atomic
def demo_hotline() -> int:
    """Creates the demo calls; returns the number created. Does nothing (returns 0) when any call exists already or
    the demo operator is missing (run accounts.demo.demo_seed first)."""
    if Call.objects.exists():
        return 0
    operator = User.objects.filter(username="hotline", organisation__isnull=False).first()
    if operator is None:
        return 0
    rng = random.Random(2016)  # the same demo every time
    referral_to = _organisations()
    case_to_link = Case.objects.order_by("created_at", "pk").first()  # a case is opened from one call only
    created = 0
    for year, count in CALLS_PER_YEAR.items():
        measure = _measure(year)
        for index in range(count):
            call = _call(rng, year, index, referral_to, case_to_link)
            given = [f.name for f in Call._meta.concrete_fields if getattr(call, f.attname) not in (None, "", [])]
            changed = [name for name in given if name in calls.form.base_fields] + ["measures"]
            entry_save(
                register=calls,
                actor=operator,
                entry=call,
                m2m={"measures": [measure] if measure else []},
                children={},
                changed=changed,
            )
            if call.case_id is not None:
                case_to_link = None
            created += 1
    return created
