"""The victim, assistance, child and protection tables (V1–V4, A1, A2, A4, PR1), for 2017 beside 2016, against
the cases built by hand in `reports.tests.fixtures` (its docstring lists them)."""

import json
from decimal import Decimal

from reports.figures.victims import DEFINITIONS, tables
from reports.tables import MONEY, Table
from reports.tests.fixtures import D, VictimFixture, at

QUERIES = 44  # 22 per year, whatever the data


def rows(table: Table) -> list[tuple]:
    return [(row.key, row.values, row.previous) for row in table.rows]


def zeros(*keys: str, width: int = 2) -> list[tuple]:
    return [(key, [0] * width, [0] * width) for key in keys]


class VictimTablesTest(VictimFixture):
    def test_every_table_is_built_in_order_and_adds_up(self):
        self.assertEqual(list(self.tables), ["V1", "V2", "V3", "V3b", "V4", "V4b", "A1", "A1b", "A2", "A4", "PR1"])
        for table in self.tables.values():
            with self.subTest(table.key):
                self.assertEqual(table.check(), [])
                self.assertTrue(all(len(row.values) == len(table.columns) for row in table.rows))

    def test_tables_count_people_except_money(self):
        self.assertEqual(
            {key: (table.people, table.kind) for key, table in self.tables.items()},
            {key: (key != "A1b", MONEY if key == "A1b" else "count") for key in self.tables},
        )
        self.assertEqual(self.tables["V1"].feeds, ("TIP", "GLOTIP", "SDG16.2.2"))
        self.assertEqual(self.tables["V2"].feeds, ("GLOTIP", "SDG16.2.2", "Eurostat"))
        self.assertEqual(self.tables["V3"].feeds, ("GRETA-III", "Eurostat"))
        self.assertEqual(self.tables["A2"].feeds, ("GRETA-III",))

    def test_v1_presumed_and_identified_victims_by_sex_and_age(self):
        table = self.tables["V1"]
        self.assertEqual(table.columns[:5], ["Women", "Men", "Girls", "Boys", "Sex not recorded"])
        self.assertEqual((table.total_column, table.total_row), (5, False))
        self.assertEqual(
            rows(table),
            [
                ("presumed", [1, 1, 0, 1, 1, 4], [1, 1, 1, 0, 1, 4]),
                ("identified", [0, 1, 0, 1, 1, 3], [1, 0, 1, 0, 0, 2]),
            ],
        )

    def test_v2_identified_victims_by_form_count_a_person_once(self):
        table = self.tables["V2"]
        self.assertTrue(table.total_row)
        self.assertEqual(
            rows(table),
            [
                ("sexual", [0] * 6, [1, 0, 0, 0, 0, 1]),
                ("forced_labour", [0, 1, 0, 0, 0, 1], [0] * 6),
                ("begging", [0, 0, 0, 1, 0, 1], [0] * 6),
                *zeros("forced_criminality", "forced_marriage", "organ_removal", "other", width=6),
                ("several", [0] * 6, [0, 0, 1, 0, 0, 1]),
                ("not_recorded", [0, 0, 0, 0, 1, 1], [0] * 6),
                ("total", [0, 1, 0, 1, 1, 3], [1, 0, 1, 0, 0, 2]),
            ],
        )

    def test_v3_identified_victims_by_citizenship_and_scope(self):
        self.assertEqual(
            rows(self.tables["V3"]),
            [
                ("AZ", [1, 0, 0, 1], [1, 0, 0, 1]),
                ("UZ", [0, 1, 0, 1], [0, 0, 0, 0]),
                ("not_recorded", [0, 0, 1, 1], [0, 0, 0, 0]),
                ("GE", [0, 0, 0, 0], [0, 1, 0, 1]),
                ("total", [1, 1, 1, 3], [1, 1, 0, 2]),
            ],
        )

    def test_v3b_identified_victims_by_first_country_of_exploitation(self):
        self.assertEqual(
            rows(self.tables["V3b"]),
            [
                ("AZ", [1, 0, 0, 1], [1, 0, 0, 1]),
                ("RU", [0, 1, 0, 1], [0, 0, 0, 0]),
                ("not_recorded", [0, 0, 1, 1], [0, 0, 0, 0]),
                ("TR", [0, 0, 0, 0], [0, 1, 0, 1]),
                ("total", [1, 1, 1, 3], [1, 1, 0, 2]),
            ],
        )

    def test_v4_registered_cases_by_source_and_decision_by_31_december(self):
        table = self.tables["V4"]
        self.assertEqual(
            table.columns, ["Identified", "Not identified", "Awaiting a decision", "Presumed victims registered"]
        )
        self.assertEqual(
            rows(table),
            [
                ("police", [0, 0, 1, 1], [1, 0, 0, 1]),
                ("ngo", [0, 1, 0, 1], [1, 0, 0, 1]),
                ("hotline", [1, 0, 0, 1], [0, 0, 0, 0]),
                ("consulate", [1, 0, 0, 1], [0, 0, 0, 0]),
                ("self", [0, 0, 0, 0], [0, 0, 1, 1]),
                ("other", [0, 0, 0, 0], [0, 0, 1, 1]),
                ("total", [2, 1, 1, 4], [2, 0, 2, 4]),
            ],
        )

    def test_v4b_identified_victims_by_source(self):
        self.assertEqual(
            rows(self.tables["V4b"]),
            [
                ("police", [0] * 6, [1, 0, 0, 0, 0, 1]),
                ("ngo", [0] * 6, [0, 0, 1, 0, 0, 1]),
                ("hotline", [0, 1, 0, 0, 0, 1], [0] * 6),
                ("consulate", [0, 0, 0, 1, 0, 1], [0] * 6),
                ("self", [0, 0, 0, 0, 1, 1], [0] * 6),
                ("other", [0] * 6, [0] * 6),
                ("total", [0, 1, 0, 1, 1, 3], [1, 0, 1, 0, 0, 2]),
            ],
        )

    def test_a1_persons_assisted_and_services_started_have_no_totals(self):
        table = self.tables["A1"]
        self.assertEqual((table.total_column, table.total_row), (None, False))
        self.assertEqual(
            rows(table),
            [
                ("shelter", [0, 0], [0, 0]),
                ("medical", [2, 2], [1, 1]),
                ("psychological", [1, 1], [0, 0]),
                *zeros("legal", "social", "education", "vocational_training", "employment"),
                ("financial_aid", [2, 3], [1, 1]),
                ("id_documents", [0, 0], [0, 0]),
                ("family_reunification", [1, 1], [0, 0]),
                ("repatriation", [3, 3], [1, 1]),
                ("interpretation", [0, 0], [0, 0]),
                ("placement", [1, 1], [1, 1]),
            ],
        )

    def test_a1b_allowances_are_summed_per_currency(self):
        table = self.tables["A1b"]
        self.assertEqual((table.kind, table.people, table.total_row), (MONEY, False, False))
        self.assertEqual(
            rows(table),
            [
                ("AZN", [Decimal("250.50")], [Decimal("300.00")]),
                ("USD", [Decimal("200")], [Decimal("0")]),
            ],
        )
        self.assertTrue(all(isinstance(v, Decimal) for row in table.rows for v in row.values + row.previous))

    def test_a2_repatriation_by_citizenship_and_reflection_periods(self):
        self.assertEqual(
            rows(self.tables["A2"]),
            [
                ("repatriation_in", [1, 1], [0, 0]),
                ("repatriation_out", [1, 1], [1, 1]),
                ("repatriation_unknown", [1, 1], [0, 0]),
                ("period_granted", [2, 2], [2, 2]),
                ("period_extended", [2, 3], [0, 0]),
            ],
        )

    def test_a4_children(self):
        self.assertEqual(
            rows(self.tables["A4"]),
            [
                ("identified", [1, 1], [1, 1]),
                ("guardian_appointed", [1, 2], [1, 1]),
                ("under_guardianship", [1, 1], [1, 1]),
                ("notified_guardianship_authority", [1, 1], [1, 1]),
                ("notified_commission_on_minors", [2, 2], [0, 0]),
                ("best_interest", [1, 2], [0, 0]),
                ("age_verified", [1, 1], [0, 0]),
                ("school", [1, 1], [1, 1]),
            ],
        )

    def test_pr1_protection_measures_and_consular_cases(self):
        self.assertEqual(
            rows(self.tables["PR1"]),
            [
                ("police_protection", [2, 2], [0, 0]),
                ("protection_order", [0, 0], [0, 0]),
                ("witness_protection", [1, 1], [0, 0]),
                ("safe_accommodation", [0, 0], [0, 0]),
                ("confidentiality", [0, 0], [1, 1]),
                ("escort", [0, 0], [0, 0]),
                ("other", [0, 0], [0, 0]),
                ("consular_cases", [1, 1], [0, 0]),
                ("services_abroad", [1, 2], [0, 0]),
            ],
        )

    def test_labels_are_plain_strings_and_tables_survive_json(self):
        for table in self.tables.values():
            with self.subTest(table.key):
                texts = [table.title, table.row_heading, table.note, *table.columns, *(r.label for r in table.rows)]
                self.assertTrue(all(type(text) is str for text in texts))
                self.assertEqual(Table.from_dict(json.loads(json.dumps(table.to_dict()))), table)

    def test_definitions_name_every_term(self):
        self.assertGreaterEqual(len(DEFINITIONS), 10)
        self.assertTrue(all(str(term) and len(str(text)) > 20 for term, text in DEFINITIONS))

    def test_query_count_does_not_grow_with_the_data(self):
        with self.assertNumQueries(QUERIES):
            tables(2017)
        for year in (2016, 2017):
            for number, (citizenship, forms) in enumerate([("KZ", ["other", "organ_removal"]), ("TR", ["sexual"])]):
                case = self.case(
                    at(year, 2, 1),
                    "male",
                    "ngo",
                    age=12 + number * 20,
                    citizenship=citizenship,
                    scope="transnational",
                    forms=forms,
                    countries="DE, FR",
                )
                self.decide(case, "identified", at(year, 3, 1))
                self.service(case, "legal", D(year, 3, 2))
                self.service(case, "financial_aid", D(year, 3, 3), amount=Decimal("10"), currency="EUR")
                self.service(case, "repatriation", D(year, 4, 1), abroad=True)
                self.extend(self.period(case, D(year, 3, 1)), at(year, 3, 20))
                self.guardian(case, D(year, 3, 5))
                self.notify(case, "commission_on_minors", D(year, 3, 5))
                self.best_interests(case, D(year, 3, 6))
                self.verify_age(case, D(year, 3, 7))
                self.enrol(case, D(year, 9, 1))
                self.measure(case, "escort", D(year, 4, 1))
        with self.assertNumQueries(QUERIES):
            grown = {table.key: table for table in tables(2017)}
        self.assertEqual(grown["V1"].rows[1].values, [0, 2, 0, 2, 1, 5])
        self.assertEqual([row.key for row in grown["V3"].rows], ["AZ", "KZ", "TR", "UZ", "not_recorded", "GE", "total"])
