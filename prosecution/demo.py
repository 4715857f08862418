"""Demo criminal cases, 2015–2017, recorded by the demo prosecution analyst ("prosecution"), so the register and the
prosecution tables of the annual reports for 2016 and 2017 have data. Never for production.

Every case goes through lib.registers.entry_save, so the register's rules and the audit apply. The numbers, courts
and figures are fictional; no victim is linked (the demo victims' cases are of the current year).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from lib.registers import entry_save
from plans.models import Measure, Plan
from prosecution.models import Asset, CooperationRequest, CriminalCase, Defendant
from prosecution.registers import criminal_cases

Stage = CriminalCase.Stage
D = datetime.date


def natural(sex, age, citizenship="AZ", role="other", outcome="pending", years=None, suspended=False) -> Defendant:
    sentence = Decimal(str(years)) if years is not None else None
    return Defendant(
        kind="natural",
        sex=sex,
        age_band=age,
        citizenship=citizenship,
        role=role,
        outcome=outcome,
        sentence_years=sentence,
        suspended=suspended,
    )


def company(outcome="pending", fine=None) -> Defendant:
    return Defendant(kind="legal", citizenship="AZ", role="exploiter", outcome=outcome, fine=fine)


@dataclass
class DemoCase:
    number: str
    articles: list[str]
    stage: str
    dates: tuple  # opened, investigation completed, sent to court, judgment, appeal (None when not reached)
    measures: list[str]
    defendants: list[Defendant]
    facts: dict = field(default_factory=dict)
    assets: list[Asset] = field(default_factory=list)
    requests: list[CooperationRequest] = field(default_factory=list)


SERIOUS_CRIMES_COURT = "Baku Serious Crimes Court"


def demo_cases() -> list[DemoCase]:
    """Fresh instances each time: entry_save gives the rows their primary keys."""
    return [
        DemoCase(
            "15-0107/2015",
            ["144-1"],
            Stage.JUDGMENT,
            (D(2015, 2, 11), D(2015, 6, 30), D(2015, 7, 14), D(2015, 11, 20), None),
            ["13.3.4"],
            [
                natural("male", "35_49", role="organiser", outcome="convicted", years=9),
                natural("female", "25_34", role="recruiter", outcome="convicted", years=6),
            ],
            {
                "court": SERIOUS_CRIMES_COURT,
                "transnational": True,
                "countries": "United Arab Emirates",
                "victims_count": 3,
            },
            assets=[Asset(kind="money", seized_value=Decimal("18000"), confiscated_value=Decimal("15000"))],
        ),
        DemoCase(
            "15-0342/2015",
            ["144-1", "243"],
            Stage.APPEAL,
            (D(2015, 5, 4), D(2015, 10, 1), D(2015, 10, 20), D(2016, 2, 18), D(2016, 3, 10)),
            ["13.3.5"],
            [
                natural("male", "35_49", role="organiser", outcome="convicted", years=11),
                natural("male", "25_34", role="transporter", outcome="convicted", years=7),
                natural("female", "35_49", citizenship="TR", role="exploiter", outcome="convicted", years=8),
                natural("male", "18_24", role="accomplice", outcome="convicted", years=3, suspended=True),
            ],
            {
                "court": SERIOUS_CRIMES_COURT,
                "organised_group": True,
                "group_members": 4,
                "transnational": True,
                "countries": "Türkiye",
                "victims_count": 5,
            },
            assets=[
                Asset(kind="vehicle", seized_value=Decimal("24000"), confiscated_value=Decimal("24000")),
                Asset(kind="money", seized_value=Decimal("6500"), confiscated_value=Decimal("6500"), currency="USD"),
            ],
            requests=[
                CooperationRequest(
                    kind="legal_assistance",
                    direction="sent",
                    country="Türkiye",
                    sent_on=D(2015, 7, 2),
                    status="executed",
                    answered_on=D(2015, 9, 15),
                )
            ],
        ),
        DemoCase(
            "15-0518/2015",
            ["144-2"],
            Stage.JUDGMENT,
            (D(2015, 9, 8), D(2016, 1, 22), D(2016, 2, 5), D(2016, 5, 27), None),
            ["13.3.7"],
            [
                natural("male", "50_plus", role="exploiter", outcome="convicted", years=5),
                company(outcome="convicted", fine=Decimal("20000")),
            ],
            {"court": "Ganja Serious Crimes Court", "victims_count": 7},
        ),
        DemoCase(
            "15-0630/2015",
            ["144-1"],
            Stage.CLOSED,
            (D(2015, 11, 16), None, None, None, None),
            ["13.3.6"],
            [natural("female", "25_34", role="recruiter", outcome="dismissed")],
            {"victims_count": 1},
        ),
        DemoCase(
            "16-0041/2016",
            ["144-1", "193-1"],
            Stage.JUDGMENT,
            (D(2016, 1, 19), D(2016, 5, 31), D(2016, 6, 15), D(2016, 10, 28), None),
            ["13.3.9"],
            [
                natural("male", "35_49", role="organiser", outcome="convicted", years=12),
                natural("male", "25_34", role="accomplice", outcome="acquitted"),
            ],
            {"court": SERIOUS_CRIMES_COURT, "transnational": True, "countries": "Russia", "victims_count": 2},
            assets=[Asset(kind="real_estate", seized_value=Decimal("95000"), confiscated_value=Decimal("80000"))],
        ),
        DemoCase(
            "16-0187/2016",
            ["144-1"],
            Stage.SENT_TO_COURT,
            (D(2016, 4, 6), D(2016, 9, 9), D(2016, 9, 30), None, None),
            ["13.3.5", "13.3.8"],
            [
                natural("male", "25_34", citizenship="IR", role="transporter"),
                natural("female", "35_49", role="recruiter"),
                natural("male", "35_49", role="organiser"),
            ],
            {
                "court": "Lankaran Serious Crimes Court",
                "organised_group": True,
                "group_members": 3,
                "transnational": True,
                "countries": "Iran",
                "victims_count": 4,
            },
            requests=[
                CooperationRequest(
                    kind="legal_assistance",
                    direction="sent",
                    country="Iran",
                    sent_on=D(2016, 6, 14),
                    status="partly_executed",
                    answered_on=D(2016, 10, 3),
                ),
                CooperationRequest(kind="extradition", direction="sent", country="Iran", sent_on=D(2016, 8, 1)),
            ],
        ),
        DemoCase(
            "16-0305/2016",
            ["144-2"],
            Stage.INVESTIGATION,
            (D(2016, 7, 12), None, None, None, None),
            ["13.3.7"],
            [natural("male", "50_plus", role="exploiter"), natural("male", "35_49", role="accomplice")],
            {"victims_count": 9},
        ),
        DemoCase(
            "16-0412/2016",
            ["144-1", "171"],
            Stage.JUDGMENT,
            (D(2016, 10, 3), D(2017, 1, 20), D(2017, 2, 8), D(2017, 6, 2), None),
            ["13.3.6"],
            [natural("female", "35_49", role="exploiter", outcome="convicted", years=10)],
            {"court": SERIOUS_CRIMES_COURT, "victims_count": 1},
        ),
        DemoCase(
            "17-0026/2017",
            ["144-1", "144-3"],
            Stage.JUDGMENT,
            (D(2017, 1, 24), D(2017, 5, 5), D(2017, 5, 22), D(2017, 10, 12), None),
            ["13.3.4", "13.3.8"],
            [
                natural("male", "35_49", citizenship="GE", role="organiser", outcome="convicted", years=8),
                natural("female", "18_24", role="recruiter", outcome="convicted", years=4, suspended=True),
            ],
            {"court": SERIOUS_CRIMES_COURT, "transnational": True, "countries": "Georgia", "victims_count": 2},
            requests=[
                CooperationRequest(
                    kind="joint_investigation",
                    direction="received",
                    country="Georgia",
                    sent_on=D(2017, 2, 27),
                    status="executed",
                    answered_on=D(2017, 4, 12),
                )
            ],
        ),
        DemoCase(
            "17-0158/2017",
            ["144-2"],
            Stage.INVESTIGATION_COMPLETED,
            (D(2017, 3, 14), D(2017, 9, 1), None, None, None),
            ["13.3.7"],
            [natural("male", "35_49", role="exploiter"), company()],
            {"victims_count": 6},
            assets=[Asset(kind="money", seized_value=Decimal("12000"))],
        ),
        DemoCase(
            "17-0290/2017",
            ["144-1", "193-1"],
            Stage.SENT_TO_COURT,
            (D(2017, 6, 20), D(2017, 11, 3), D(2017, 11, 24), None, None),
            ["13.3.5", "13.3.9"],
            [
                natural("male", "25_34", role="organiser"),
                natural("male", "25_34", role="recruiter"),
                natural("female", "35_49", role="accomplice"),
            ],
            {
                "court": SERIOUS_CRIMES_COURT,
                "organised_group": True,
                "group_members": 5,
                "transnational": True,
                "countries": "United Arab Emirates, Türkiye",
                "victims_count": 6,
            },
            assets=[Asset(kind="money", seized_value=Decimal("40000"), currency="EUR")],
            requests=[
                CooperationRequest(
                    kind="legal_assistance", direction="sent", country="United Arab Emirates", sent_on=D(2017, 8, 9)
                )
            ],
        ),
        DemoCase(
            "17-0377/2017",
            ["144-1"],
            Stage.REGISTERED,
            (D(2017, 11, 28), None, None, None, None),
            ["13.3.6"],
            [natural("female", "under_18", role="recruiter")],
            {"victims_count": 1},
        ),
    ]


DATE_FIELDS = ("opened_on", "investigation_completed_on", "sent_to_court_on", "judgment_on", "appeal_on")


def demo_plan() -> Plan | None:
    """The plan in force in the demo's years."""
    plans = Plan.objects.filter(measures__isnull=False, start_year__lte=2015, end_year__gte=2017)
    return plans.distinct().order_by("-start_year", "pk").first()


@transaction.atomic
def demo_prosecution() -> int:
    """Records the demo criminal cases; returns how many. Does nothing (returns 0) when any criminal case exists, or
    when the demo user "prosecution" is missing (run accounts.demo.demo_seed first)."""
    analyst = User.objects.filter(username="prosecution", organisation__isnull=False).first()
    if analyst is None or CriminalCase.objects.exists():
        return 0
    plan = demo_plan()
    cases = demo_cases()
    for demo in cases:
        entry = CriminalCase(
            number=demo.number,
            articles=demo.articles,
            stage=demo.stage,
            **dict(zip(DATE_FIELDS, demo.dates, strict=True)),
            **demo.facts,
        )
        measures = list(Measure.objects.filter(plan=plan, number__in=demo.measures)) if plan else []
        entry_save(
            register=criminal_cases,
            actor=analyst,
            entry=entry,
            m2m={"measures": measures, "victims": []},
            children={"defendants": demo.defendants, "assets": demo.assets, "requests": demo.requests},
            changed=["number", "articles", "stage", "opened_on", "defendants"],
        )
    return len(cases)
