"""Demo partnership entries for 2015-2017: three donors, their support to the plan with transactions, four meetings of
the commission and the working group with follow-up actions, and international cooperation. Recorded by the demo
Coordinator and focal points through lib.registers.entry_save, so the rules and the audit trail apply. The donors
and amounts are fictional (IOM's and the OSCE's names are used, not their figures). Never for production."""

from datetime import date
from decimal import Decimal

from accounts.models import User
from accounts.roles import Role
from lib.registers import entry_save
from organisations.models import Organisation
from partners import registers
from partners.models import Cooperation, Donor, DonorSupport, FollowUpAction, Meeting, Transaction
from plans.models import Measure

COORDINATOR = "National Coordinator"
MIA = "Ministry of Internal Affairs"
LABOUR = "Ministry of Labor and Social Protection of Population"
FAMILY = "State Committee for Family, Woman and Child Problems"
JUSTICE = "Ministry of Justice"
FOREIGN = "Ministry of Foreign Affairs"
MIGRATION = "State Migration Service"
NGO = "Hope Support Union (demo NGO)"
DEMO_AUTHORS = {COORDINATOR: "coordinator", MIA: "focal.mia"}  # usernames in accounts.demo.DEMO_USERS

IOM, OSCE, EMBASSY = (
    "International Organization for Migration (IOM)",
    "OSCE Project Co-ordinator in Baku",
    "Embassy of Norvania Small Grants Fund (fictional)",
)
# (name, IATI identifier, organisation type, country)
DONORS = [
    (IOM, "XM-DAC-47066", "40", ""),
    (OSCE, "", "40", ""),  # not an IATI publisher: exported by name only
    (EMBASSY, "XI-IATI-DEMO01", "10", "Norvania"),
]

C, D, E = Transaction.Kind.COMMITMENT, Transaction.Kind.DISBURSEMENT, Transaction.Kind.EXPENDITURE
# (recording body, donor, implementing body, title, types, status, start, end, currency, pledged, committed,
#  disbursed, transactions, measure)
SUPPORTS = [
    (
        MIA,
        IOM,
        MIA,
        "Identification of victims by police officers",
        ["methodic", "consultative", "information"],
        "closed",
        date(2015, 3, 1),
        date(2016, 12, 31),
        "USD",
        "120000",
        "110000",
        "110000",
        [(C, date(2015, 2, 20), "110000"), (D, date(2015, 3, 16), "60000"), (D, date(2016, 2, 1), "50000")],
        "13.7.2",
    ),
    (
        MIA,
        OSCE,
        MIGRATION,
        "Trafficking indicators for border and migration officers",
        ["methodic", "organisational"],
        "closed",
        date(2016, 5, 1),
        date(2017, 6, 30),
        "EUR",
        "45000",
        "45000",
        "45000",
        [(C, date(2016, 4, 12), "45000"), (D, date(2016, 5, 20), "30000"), (D, date(2017, 1, 25), "15000")],
        "13.7.3",
    ),
    (
        LABOUR,
        IOM,
        LABOUR,
        "Reintegration grants for victims of trafficking",
        ["financial", "material"],
        "implementation",
        date(2016, 1, 1),
        date(2018, 12, 31),
        "USD",
        "200000",
        "150000",
        "90000",
        [
            (C, date(2015, 12, 10), "150000"),
            (D, date(2016, 2, 15), "50000"),
            (D, date(2017, 3, 1), "40000"),
            (E, date(2017, 9, 30), "36500"),
        ],
        "13.7.3",
    ),
    (
        FAMILY,
        EMBASSY,
        NGO,
        "Early marriage and trafficking: talks in rural schools",
        ["information", "financial"],
        "finalisation",
        date(2017, 2, 1),
        date(2017, 11, 30),
        "AZN",
        "30000",
        "30000",
        "28000",
        [(C, date(2017, 1, 20), "30000"), (D, date(2017, 2, 10), "28000")],
        "13.7.3",
    ),
    (
        COORDINATOR,
        EMBASSY,
        MIA,
        "Furniture and equipment for the shelter",
        ["material"],
        "closed",
        date(2015, 9, 1),
        date(2015, 12, 31),
        "AZN",
        "18000",
        "18000",
        "18000",
        [(D, date(2015, 9, 15), "18000")],
        "13.7.3",
    ),
    (
        MIA,
        OSCE,
        JUSTICE,
        "Expert review of the law on combating trafficking",
        ["consultative"],
        "implementation",
        date(2017, 9, 1),
        date(2018, 12, 31),
        "EUR",
        "25000",
        None,
        None,
        [],
        "13.7.2",
    ),
]

DONE, OPEN, DROPPED = FollowUpAction.Status.DONE, FollowUpAction.Status.OPEN, FollowUpAction.Status.DROPPED
# (body, date, place, participants, agenda, decisions, actions: (text, responsible, measure, due, status, done),
#  measure)
MEETINGS = [
    (
        "commission",
        date(2015, 4, 14),
        "Baku, Ministry of Internal Affairs",
        [MIA, LABOUR, FAMILY, MIGRATION, NGO],
        "Referral of victims between the police, the shelter and the assistance centre.",
        "A common referral form is to be used by every body of the National Referral Mechanism.",
        [("Prepare the common referral form", LABOUR, "13.1.5", date(2015, 7, 1), DONE, date(2015, 6, 22))],
        "13.8.2",
    ),
    (
        "working_group",
        date(2016, 3, 10),
        "Baku, Ministry of Justice",
        [MIA, JUSTICE, FOREIGN],
        "The 30-day recovery and reflection period in the law.",
        "Draft amendments are to be prepared; court practice to be collected first.",
        [
            ("Draft amendments on the reflection period", JUSTICE, "13.1.7", date(2016, 9, 30), DONE, date(2016, 9, 2)),
            ("Collect court practice on victims' status", MIA, "13.1.7", date(2016, 6, 30), DROPPED, None),
        ],
        "13.8.5",
    ),
    (
        "commission",
        date(2017, 2, 22),
        "Baku, Ministry of Internal Affairs",
        [MIA, LABOUR, FAMILY, NGO],
        "Statistics on victims for the annual report.",
        "The bodies are to report victims by sex, age and form of exploitation in one form.",
        [
            ("Agree a shared form for statistics on victims", MIA, "13.7.1", date(2017, 6, 30), OPEN, None),
            ("Send 2016 figures on services given", LABOUR, "13.7.1", date(2017, 3, 31), DONE, date(2017, 3, 28)),
        ],
        "13.8.2",
    ),
    (
        "other",
        date(2017, 10, 18),
        "Baku, National Coordinator",
        [MIA, LABOUR, FAMILY],
        "Coordination of donor support for 2018.",
        "Donor support for 2018 to concentrate on reintegration and on the law review.",
        [("List the needs for 2018 by body", MIA, "13.7.1", date(2017, 12, 1), DONE, date(2017, 11, 27))],
        "13.7.3",
    ),
]

# (recording body, kind, title, partner, date, ends on, status, measure)
COOPERATION = [
    (MIA, "agreement", "Police cooperation against trafficking", "Georgia", date(2015, 6, 3), None, "active", "13.8.1"),
    (
        LABOUR,
        "memorandum",
        "Memorandum on the return and reintegration of victims",
        "International Organization for Migration",
        date(2016, 4, 20),
        date(2018, 12, 31),
        "active",
        "13.8.3",
    ),
    (
        MIA,
        "joint_event",
        "International conference on preventing trafficking",
        "OSCE",
        date(2016, 11, 16),
        None,
        "active",
        "13.8.4",
    ),
    (
        MIGRATION,
        "study_visit",
        "Study visit on migrant workers' protection",
        "Republic of Moldova",
        date(2017, 5, 8),
        date(2017, 5, 12),
        "active",
        "13.8.1",
    ),
]


def demo_partners() -> int:
    """Records the demo entries once; returns how many entries were created (0 when donors exist)."""
    if Donor.objects.exists():
        return 0
    created = 0
    donors = {}
    for name, ref, org_type, country in DONORS:
        donor = Donor(name=name, iati_ref=ref, org_type=org_type, country=country)
        if _save(registers.donors, COORDINATOR, donor, "13.7.2"):
            donors[name] = donor
            created += 1
    for row in SUPPORTS:
        created += _support(row, donors)
    for row in MEETINGS:
        created += _meeting(row)
    for body, kind, title, partner, day, ends_on, status, number in COOPERATION:
        entry = Cooperation(kind=kind, title=title, partner=partner, date=day, ends_on=ends_on, status=status)
        created += _save(registers.cooperation, body, entry, number)
    return created


def _support(row, donors: dict) -> int:
    (
        body,
        donor,
        implementer,
        title,
        types,
        status,
        start,
        end,
        currency,
        pledged,
        committed,
        disbursed,
        rows,
        number,
    ) = row
    implementing = Organisation.objects.filter(name=implementer).first()
    if donor not in donors or implementing is None:
        return 0
    entry = DonorSupport(
        title=title,
        donor=donors[donor],
        implementing_organisation=implementing,
        support_types=types,
        status=status,
        start_on=start,
        end_on=end,
        currency=currency,
        amount_pledged=_amount(pledged),
        amount_committed=_amount(committed),
        amount_disbursed=_amount(disbursed),
    )
    transactions = [
        Transaction(kind=kind, date=day, value=Decimal(value), currency=currency) for kind, day, value in rows
    ]
    return _save(registers.donor_support, body, entry, number, children={"transactions": transactions})


def _meeting(row) -> int:
    body, held_on, place, participants, agenda, decisions, actions, number = row
    entry = Meeting(body=body, held_on=held_on, place=place, agenda=agenda, decisions=decisions)
    organisations = {
        org.name: org for org in Organisation.objects.filter(name__in=[*participants, *[a[1] for a in actions]])
    }
    rows = [
        FollowUpAction(
            action=text,
            responsible=organisations[responsible],
            measure=next(iter(_measures(measure)), None),
            due_on=due_on,
            status=status,
            done_on=done_on,
        )
        for text, responsible, measure, due_on, status, done_on in actions
        if responsible in organisations
    ]
    m2m = {"participants": [organisations[name] for name in participants if name in organisations]}
    return _save(registers.meetings, COORDINATOR, entry, number, children={"actions": rows}, m2m=m2m)


def _save(register, body: str, entry, measure_number: str, children=None, m2m=None) -> int:
    """Saves `entry` as the demo Coordinator or focal point of `body`; a body without one is left out."""
    author = _author(body)
    if author is None:
        return 0
    entry_save(
        register=register,
        actor=author,
        entry=entry,
        m2m={"measures": _measures(measure_number), **(m2m or {})},
        children=children or {},
        changed=[],
    )
    return 1


def _author(body: str) -> User | None:
    """The demo user of accounts.demo for the Coordinator and the Ministry, else the body's first focal point."""
    named = User.objects.filter(username=DEMO_AUTHORS.get(body, ""), organisation__name=body).first()
    if named is not None:
        return named
    recorders = User.objects.filter(organisation__name=body, groups__name__in=[Role.FOCAL_POINT, Role.COORDINATOR])
    return recorders.order_by("pk").first()


def _measures(number: str) -> list:
    return list(Measure.objects.filter(number=number).order_by("-plan__start_year")[:1])


def _amount(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
