"""The criminal-prosecution tables P1–P7 of the annual report, for 2017 beside 2016, against cases built by hand."""

import json
from datetime import date
from decimal import Decimal

from ctims.testing import BaseTestCase
from prosecution.models import Asset, CooperationRequest, CriminalCase, Defendant
from reports.figures.prosecution import DEFINITIONS, tables
from reports.tables import MONEY, Table


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
    return {
        "kind": "natural",
        "sex": sex,
        "age_band": age_band,
        "citizenship": citizenship,
        "outcome": outcome,
        "sentence_years": None if years is None else Decimal(years),
        "suspended": suspended,
    }


def request(kind, direction, sent_on) -> dict:
    return {"kind": kind, "direction": direction, "country": "Georgia", "sent_on": sent_on}


def rows(table: Table) -> list[tuple]:
    return [(row.key, row.values, row.previous) for row in table.rows]


def money(*values) -> list[Decimal]:
    return [Decimal(value) for value in values]


class ProsecutionTablesTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.office = {"organisation": cls.prosecutor_office}
        # Opened on 31 December 2016 under two articles; investigated, tried and judged in 2017.
        case(
            "A",
            date(2016, 12, 31),
            articles=["144-1", "243"],
            stage="judgment",
            investigation_completed_on=date(2017, 1, 1),
            sent_to_court_on=date(2017, 2, 1),
            judgment_on=date(2017, 6, 1),
            organised_group=True,
            group_members=4,
            transnational=True,
            countries="Türkiye",
            defendants=[
                person("male", "35_49", "AZ", "convicted", "8"),
                person("female", "under_18", "TR", "convicted", "3", suspended=True),
                person("male", "25_34", "AZ", "convicted", "4.5"),
                person("unknown", "", "", "acquitted"),
                {"kind": "legal", "outcome": "convicted", "fine": Decimal("1000")},
            ],
            assets=[
                {"kind": "money", "seized_value": Decimal("1000"), "confiscated_value": Decimal("800")},
                {"kind": "vehicle", "seized_value": Decimal("500"), "currency": "USD"},
            ],
            requests=[
                request("legal_assistance", "sent", date(2017, 1, 1)),
                request("extradition", "received", date(2016, 12, 31)),
            ],
            **cls.office,
        )
        # Opened on 1 January 2017 (forced labour and money laundering), sent to court on 31 December.
        case(
            "B",
            date(2017, 1, 1),
            articles=["144-2", "193-1"],
            stage="sent_to_court",
            investigation_completed_on=date(2017, 5, 1),
            sent_to_court_on=date(2017, 12, 31),
            organised_group=True,
            group_members=3,
            defendants=[person("female", "25_34", "AZ"), person("male", "18_24", "GE")],
            assets=[{"kind": "money", "seized_value": Decimal("300"), "currency": "EUR"}],
            requests=[request("joint_investigation", "sent", date(2017, 12, 31))],
            **cls.office,
        )
        # Opened on 31 December 2017, transnational, still under investigation.
        case(
            "C",
            date(2017, 12, 31),
            stage="investigation",
            transnational=True,
            countries="Iran",
            defendants=[person("male", "25_34", "IR")],
            organisation=cls.ministry,
        )
        # Opened in 2015, judged on 31 December 2016: a 5-year sentence and a conviction without prison.
        case(
            "D",
            date(2015, 3, 1),
            stage="judgment",
            investigation_completed_on=date(2016, 1, 10),
            sent_to_court_on=date(2016, 2, 1),
            judgment_on=date(2016, 12, 31),
            defendants=[
                person("male", "50_plus", "AZ", "convicted", "12"),
                person("female", "35_49", "AZ", "convicted", "5"),
                person("male", "25_34", "AZ", "convicted"),
            ],
            assets=[{"kind": "money", "seized_value": Decimal("2000"), "confiscated_value": Decimal("2000")}],
            **cls.office,
        )
        # Opened in 2016: a money-laundering case of an organised group.
        case(
            "E",
            date(2016, 6, 1),
            articles=["144-3", "193-1"],
            organised_group=True,
            group_members=2,
            requests=[request("legal_assistance", "received", date(2016, 7, 1))],
            **cls.office,
        )
        # Other years only.
        case(
            "F",
            date(2018, 1, 1),
            articles=["193-1"],
            defendants=[person("male", "25_34", "AZ")],
            assets=[{"kind": "money", "seized_value": Decimal("9")}],
            requests=[request("extradition", "sent", date(2018, 1, 2))],
            **cls.office,
        )
        case(
            "G",
            date(2014, 6, 1),
            stage="judgment",
            investigation_completed_on=date(2015, 3, 1),
            sent_to_court_on=date(2015, 4, 1),
            judgment_on=date(2015, 9, 1),
            defendants=[person("male", "25_34", "AZ", "convicted", "7")],
            **cls.office,
        )

    def setUp(self):
        self.tables = {table.key: table for table in tables(2017)}

    def test_the_tables_in_order(self):
        self.assertEqual([table.key for table in tables(2017)], ["P1", "P2", "P3", "P4", "P5", "P6", "P6b", "P7"])

    def test_every_table_adds_up(self):
        for table in self.tables.values():
            self.assertEqual(table.check(), [], table.key)

    def test_only_the_tables_of_defendants_count_people(self):
        self.assertEqual([key for key, table in self.tables.items() if table.people], ["P3", "P4"])

    def test_p1_cases_by_article_without_a_total(self):
        table = self.tables["P1"]
        counts = {"144-1": ([1], [1]), "144-2": ([1], [0]), "144-3": ([0], [1]), "193-1": ([1], [1])}
        counts["243"] = ([0], [1])
        articles = ["144-1", "144-2", "144-3", "106", "171", "173", "193-1", "243", "244"]
        self.assertEqual(rows(table), [(code, *counts.get(code, ([0], [0]))) for code in articles])
        self.assertEqual((table.total_row, table.total_column, table.relations()), (False, None, []))
        self.assertIn("several articles", table.note)
        self.assertEqual(table.feeds, ("TIP", "GLOTIP"))

    def test_p2_cases_by_stage_reached_in_the_year(self):
        self.assertEqual(
            rows(self.tables["P2"]),
            [
                ("opened", [2], [2]),
                ("investigation_completed", [2], [1]),
                ("investigation_completed_from_earlier_years", [1], [1]),
                ("sent_to_court", [2], [1]),
            ],
        )
        self.assertEqual(self.tables["P2"].relations(), [])

    def test_p3_prosecuted_and_convicted_by_sex_age_and_citizenship_with_legal_persons(self):
        table = self.tables["P3"]
        # women, men, sex unknown | adults, children, age unknown | nationals, foreign, unknown | legal | total
        self.assertEqual(
            rows(table),
            [
                ("prosecuted", [2, 3, 1, 4, 1, 1, 3, 2, 1, 1, 7], [1, 2, 0, 3, 0, 0, 3, 0, 0, 0, 3]),
                ("convicted", [1, 2, 0, 2, 1, 0, 2, 1, 0, 1, 4], [1, 2, 0, 3, 0, 0, 3, 0, 0, 0, 3]),
            ],
        )
        self.assertEqual(table.total_column, 10)
        self.assertEqual(table.groups, [(0, 1, 2, 9), (3, 4, 5, 9), (6, 7, 8, 9)])
        self.assertFalse(table.total_row)
        self.assertEqual(table.feeds, ("TIP", "GLOTIP", "GRETA-III", "Eurostat"))

    def test_p4_sentences_by_band_add_up_to_natural_persons_convicted(self):
        table = self.tables["P4"]
        self.assertEqual(
            rows(table),
            [
                ("suspended", [1], [0]),
                ("under_5", [1], [0]),
                ("5_to_10", [1], [1]),
                ("over_10", [0], [1]),
                ("no_prison", [0], [1]),
                ("total", [3], [3]),
            ],
        )
        self.assertTrue(table.total_row)

    def test_p5_organised_groups_and_transnational_cases_opened(self):
        self.assertEqual(
            rows(self.tables["P5"]), [("groups", [1], [2]), ("members", [3], [6]), ("transnational", [1], [1])]
        )

    def test_p6_money_laundering_cases_opened(self):
        self.assertEqual(rows(self.tables["P6"]), [("193-1", [1], [1])])
        self.assertEqual(self.tables["P6"].feeds, ("GLOTIP",))

    def test_p6b_assets_seized_and_confiscated_by_currency(self):
        table = self.tables["P6b"]
        self.assertEqual(
            rows(table),
            [
                ("AZN", money(0, 800), money(1000, 2000)),
                ("USD", money(0, 0), money(500, 0)),
                ("EUR", money(300, 0), money(0, 0)),
            ],
        )
        self.assertEqual(table.kind, MONEY)
        self.assertEqual(table.relations(), [])  # currencies are not added together
        self.assertTrue(all(isinstance(value, Decimal) for row in table.rows for value in row.values + row.previous))

    def test_p7_international_requests_by_kind_and_direction(self):
        table = self.tables["P7"]
        self.assertEqual(
            rows(table),
            [
                ("legal_assistance", [1, 0, 1], [0, 1, 1]),
                ("extradition", [0, 0, 0], [0, 1, 1]),
                ("joint_investigation", [1, 0, 1], [0, 0, 0]),
                ("total", [2, 0, 2], [0, 2, 2]),
            ],
        )
        self.assertEqual(table.columns, ["Sent", "Received", "Total"])

    def test_tables_are_plain_data(self):
        built = tables(2017)
        dumped = json.loads(json.dumps([table.to_dict() for table in built]))
        self.assertEqual([Table.from_dict(data) for data in dumped], built)
        self.assertTrue(all(str(term) and str(text) for term, text in DEFINITIONS))

    def test_query_count_does_not_grow_with_the_data(self):
        with self.assertNumQueries(22):
            tables(2017)
        for year in (2016, 2017):
            for n in range(3):
                case(
                    f"X{year}-{n}",
                    date(year, 3, 1),
                    articles=["144-1", "193-1"],
                    stage="judgment",
                    investigation_completed_on=date(year, 4, 1),
                    sent_to_court_on=date(year, 5, 1),
                    judgment_on=date(year, 6, 1),
                    organised_group=True,
                    group_members=2,
                    defendants=[person("female", "18_24", "UZ", "convicted", "11"), person("male", "", "AZ")],
                    assets=[{"kind": "money", "seized_value": Decimal("10"), "currency": "USD"}],
                    requests=[request("extradition", "sent", date(year, 7, 1))],
                    **self.office,
                )
        with self.assertNumQueries(22):
            tables(2017)
