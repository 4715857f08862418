"""criminal_case_figures: the annual report's prosecution tables P1–P7, against data built by hand."""

from datetime import date
from decimal import Decimal

from ctims.testing import BaseTestCase
from prosecution.models import Asset, CooperationRequest, CriminalCase, Defendant
from prosecution.selectors import criminal_case_figures


def case(number, opened_on, *, defendants=(), assets=(), requests=(), **fields) -> CriminalCase:
    entry = CriminalCase.objects.create(number=number, opened_on=opened_on, **{"articles": ["144-1"], **fields})
    for values in defendants:
        Defendant.objects.create(criminal_case=entry, **values)
    for values in assets:
        Asset.objects.create(criminal_case=entry, **values)
    for values in requests:
        CooperationRequest.objects.create(criminal_case=entry, **values)
    return entry


def person(sex, age_band, citizenship, outcome="pending", years=None, suspended=False) -> dict:
    sentence = Decimal(years) if years is not None else None
    return {
        "kind": "natural",
        "sex": sex,
        "age_band": age_band,
        "citizenship": citizenship,
        "outcome": outcome,
        "sentence_years": sentence,
        "suspended": suspended,
    }


def request(kind, direction, sent_on) -> dict:
    return {"kind": kind, "direction": direction, "country": "Georgia", "sent_on": sent_on}


class FiguresTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        office = {"organisation": cls.prosecutor_office}
        # Opened in 2015, investigated, tried and judged in 2016.
        case(
            "A",
            date(2015, 5, 1),
            articles=["144-1", "243"],
            stage="judgment",
            investigation_completed_on=date(2016, 1, 10),
            sent_to_court_on=date(2016, 2, 1),
            judgment_on=date(2016, 6, 1),
            organised_group=True,
            group_members=4,
            transnational=True,
            countries="Türkiye",
            defendants=[
                person("male", "35_49", "AZ", "convicted", "8"),
                person("female", "under_18", "TR", "convicted", "3", suspended=True),
                person("male", "50_plus", "", "acquitted"),
                {"kind": "legal", "outcome": "convicted", "fine": Decimal("1000")},
            ],
            assets=[
                {"kind": "money", "seized_value": Decimal("1000"), "confiscated_value": Decimal("800")},
                {"kind": "vehicle", "seized_value": Decimal("500"), "currency": "USD"},
            ],
            **office,
        )
        # Opened, investigated, tried and judged in 2016.
        case(
            "B",
            date(2016, 3, 1),
            articles=["144-2", "193-1"],
            stage="judgment",
            investigation_completed_on=date(2016, 8, 1),
            sent_to_court_on=date(2016, 9, 1),
            judgment_on=date(2016, 12, 1),
            organised_group=True,
            group_members=3,
            defendants=[
                person("female", "25_34", "AZ", "convicted", "12"),
                person("male", "35_49", "AZ", "convicted", "5"),
                person("unknown", "", ""),
            ],
            assets=[
                {"kind": "money", "seized_value": Decimal("2000"), "confiscated_value": Decimal("2000")},
                {"kind": "money", "seized_value": Decimal("300"), "currency": "EUR"},
            ],
            requests=[
                request("legal_assistance", "sent", date(2016, 4, 1)),
                request("extradition", "received", date(2016, 5, 1)),
                request("legal_assistance", "sent", date(2015, 12, 1)),
            ],
            **office,
        )
        # Opened in 2016, still under investigation.
        case(
            "C",
            date(2016, 10, 1),
            transnational=True,
            countries="Iran",
            defendants=[person("male", "25_34", "IR")],
            assets=[{"kind": "money", "seized_value": Decimal("700")}],
            requests=[request("joint_investigation", "sent", date(2016, 11, 1))],
            organisation=cls.ministry,
        )
        # Other years only.
        case("D", date(2017, 1, 10), requests=[request("legal_assistance", "received", date(2017, 2, 1))], **office)
        case(
            "E",
            date(2014, 6, 1),
            stage="judgment",
            investigation_completed_on=date(2015, 3, 1),
            sent_to_court_on=date(2015, 4, 1),
            judgment_on=date(2015, 9, 1),
            defendants=[person("male", "25_34", "AZ", "convicted", "7")],
            **office,
        )
        cls.figures = criminal_case_figures(year=2016)

    def test_p1_cases_opened_by_article(self):
        by_article = self.figures["by_article"]
        self.assertEqual({code: n for code, n in by_article.items() if n}, {"144-1": 1, "144-2": 1, "193-1": 1})
        self.assertEqual(by_article["243"], 0)

    def test_p2_cases_by_stage_reached_in_the_year(self):
        self.assertEqual(
            self.figures["stages"],
            {
                "opened": 2,
                "investigation_completed": 2,
                "investigation_completed_from_earlier_years": 1,
                "sent_to_court": 2,
            },
        )

    def test_p3_defendants_prosecuted_by_sex_age_and_citizenship(self):
        self.assertEqual(
            self.figures["defendants"]["prosecuted"],
            {
                "total": 7,
                "legal_persons": 1,
                "sex": {"female": 2, "male": 3, "unknown": 1},
                "age": {"adult": 4, "child": 1, "unknown": 1},
                "citizenship": {"national": 3, "foreign": 1, "unknown": 2},
            },
        )

    def test_p3_defendants_convicted_in_the_year(self):
        self.assertEqual(
            self.figures["defendants"]["convicted"],
            {
                "total": 5,
                "legal_persons": 1,
                "sex": {"female": 2, "male": 2, "unknown": 0},
                "age": {"adult": 3, "child": 1, "unknown": 0},
                "citizenship": {"national": 3, "foreign": 1, "unknown": 0},
            },
        )

    def test_p4_sentences_by_band(self):
        self.assertEqual(self.figures["sentences"], {"suspended": 1, "under_5": 0, "5_to_10": 2, "over_10": 1})

    def test_p5_organised_groups_and_transnational_cases_opened(self):
        self.assertEqual(self.figures["groups"], {"groups": 1, "members": 3})
        self.assertEqual(self.figures["transnational"], 1)

    def test_p6_money_laundering_and_assets_by_currency(self):
        assets = self.figures["assets"]
        self.assertEqual(assets["money_laundering_cases"], 1)
        self.assertEqual(assets["seized"], {"AZN": Decimal("2700"), "EUR": Decimal("300")})
        self.assertEqual(assets["confiscated"], {"AZN": Decimal("2800")})

    def test_p7_requests_by_kind_and_direction(self):
        self.assertEqual(
            self.figures["requests"],
            {
                "legal_assistance": {"sent": 1, "received": 0},
                "extradition": {"sent": 0, "received": 1},
                "joint_investigation": {"sent": 1, "received": 0},
            },
        )

    def test_a_year_without_cases_has_zeros(self):
        figures = criminal_case_figures(year=2010)
        self.assertEqual(figures["stages"]["opened"], 0)
        self.assertEqual(figures["defendants"]["convicted"]["total"], 0)
        self.assertEqual(figures["groups"], {"groups": 0, "members": 0})
        self.assertEqual(figures["assets"]["seized"], {})
