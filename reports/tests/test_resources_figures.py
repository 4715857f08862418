"""The resources and cooperation tables D1–D3, C1 of the annual report, for 2017 beside 2016, against entries built by
hand."""

import datetime
import json
from datetime import date
from decimal import Decimal

from django.utils import timezone

from ctims.testing import PlanTestCase
from monitoring.models import Need, ProgressReport, ReportingRound, ReportSpending
from partners.models import Cooperation, Donor, DonorSupport, FollowUpAction, Meeting
from reports.figures.resources import DEFINITIONS, tables
from reports.tables import MONEY, TEXT, Table


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the project's time zone (Asia/Baku)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def rows(table: Table) -> list[tuple]:
    return [(row.key, row.values, row.previous) for row in table.rows]


def money(*values) -> list[Decimal]:
    return [Decimal(value) for value in values]


class ResourcesTablesTest(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.rounds = {
            "2017": cls.round(2017),
            "2017-Q4": cls.round(2017, period_type="quarter", period_number=4),
            "2016": cls.round(2016),
            "2015": cls.round(2015),
        }
        cls.spending_fixture()
        cls.needs_fixture()
        cls.cooperation_fixture()
        cls.meetings_fixture()
        cls.support_fixture()

    @classmethod
    def round(cls, year, period_type="year", period_number=1) -> ReportingRound:
        return ReportingRound.objects.create(
            plan=cls.plan,
            period_type=period_type,
            year=year,
            period_number=period_number,
            opens_on=date(year + 1, 1, 10),
            due_on=date(year + 1, 2, 15),
        )

    @classmethod
    def report(cls, round_key, number, organisation, status="accepted", spending=()) -> ProgressReport:
        report = ProgressReport.objects.create(
            round=cls.rounds[round_key],
            measure=cls.plan.measures.get(number=number),
            organisation=organisation,
            expected=True,
            status=status,
        )
        for source, amount, currency in spending:
            ReportSpending.objects.create(report=report, source=source, amount=Decimal(amount), currency=currency)
        return report

    @classmethod
    def spending_fixture(cls):
        cls.accepted = cls.report(
            "2017", "13.7.2", cls.ministry, spending=[("state_budget", "1000", "AZN"), ("grants", "500", "USD")]
        )
        cls.report("2017-Q4", "13.7.2", cls.ministry, spending=[("state_budget", "250.50", "AZN")])
        cls.report("2017", "13.7.2", cls.ngo, "submitted", [("extra_budgetary", "999", "AZN")])
        cls.report("2017", "13.7.3", cls.ngo, "returned", [("state_budget", "999", "AZN")])
        cls.report("2016", "13.7.2", cls.ministry, spending=[("state_budget", "700", "AZN"), ("other", "100", "EUR")])
        cls.report("2015", "13.7.2", cls.ministry, spending=[("state_budget", "5", "AZN")])

    @classmethod
    def need(cls, kind, state, raised_at) -> Need:
        return Need.objects.create(
            report=cls.accepted,
            kind=kind,
            description="More shelter places",
            state=state,
            raised_by=cls.bob,
            raised_at=raised_at,
        )

    @classmethod
    def needs_fixture(cls):
        # 02:00 in Baku on 1 January 2017 is still 2016 in UTC; 00:30 on 1 January 2018 is 2017 in UTC.
        cls.need("funding", "open", at(2017, 1, 1, 2))
        cls.need("funding", "resolved", at(2017, 12, 31, 23, 30))
        cls.need("staff", "in_progress", at(2017, 6, 1))
        cls.need("legal", "declined", at(2016, 12, 31, 23, 30))
        cls.need("funding", "open", at(2016, 5, 5))
        cls.need("other", "open", at(2018, 1, 1, 0, 30))

    @classmethod
    def cooperation(cls, kind, status, day) -> Cooperation:
        return Cooperation.objects.create(
            organisation=cls.ministry, kind=kind, title="Police cooperation", partner="Georgia", date=day, status=status
        )

    @classmethod
    def cooperation_fixture(cls):
        cls.cooperation("agreement", "active", date(2017, 1, 1))
        cls.cooperation("memorandum", "planned", date(2017, 12, 31))
        cls.cooperation("agreement", "expired", date(2017, 5, 5))
        cls.cooperation("joint_event", "active", date(2016, 12, 31))
        cls.cooperation("meeting", "active", date(2018, 1, 1))
        cls.cooperation("study_visit", "cancelled", date(2015, 3, 3))

    @classmethod
    def meeting(cls, body, held_on, actions=()) -> Meeting:
        meeting = Meeting.objects.create(organisation=cls.coordinator_org, body=body, held_on=held_on, agenda="Agenda")
        for status, due_on, done_on in actions:
            FollowUpAction.objects.create(
                meeting=meeting,
                action="Draft the rules",
                responsible=cls.ministry,
                due_on=due_on,
                status=status,
                done_on=done_on,
            )
        return meeting

    @classmethod
    def meetings_fixture(cls):
        cls.meeting(
            "commission",
            date(2017, 1, 1),
            [
                ("done", date(2017, 3, 1), date(2017, 2, 1)),
                ("open", date(2017, 12, 31), None),  # due on the last day of the year: overdue
                ("in_progress", date(2018, 1, 1), None),  # due the next year: not overdue
                ("dropped", date(2017, 5, 1), None),
            ],
        )
        cls.meeting("commission", date(2017, 12, 31))
        cls.meeting("working_group", date(2017, 6, 1), [("open", date(2017, 6, 30), None)])
        cls.meeting(
            "commission",
            date(2016, 12, 31),
            [("open", date(2016, 12, 31), None), ("done", date(2017, 1, 15), date(2017, 1, 10))],
        )
        cls.meeting("other", date(2016, 3, 1))
        cls.meeting("commission", date(2018, 1, 1), [("open", date(2018, 2, 1), None)])

    @classmethod
    def support(cls, donor, implementer, start_on, end_on, currency, committed, disbursed, **fields) -> DonorSupport:
        values = {"title": "Identification of victims", "support_types": ["information"], "status": "implementation"}
        return DonorSupport.objects.create(
            organisation=cls.coordinator_org,
            donor=donor,
            implementing_organisation=implementer,
            start_on=start_on,
            end_on=end_on,
            currency=currency,
            amount_committed=None if committed is None else Decimal(committed),
            amount_disbursed=None if disbursed is None else Decimal(disbursed),
            **{**values, **fields},
        )

    @classmethod
    def support_fixture(cls):
        organisation = cls.coordinator_org
        cls.iom = Donor.objects.create(organisation=organisation, name="International Organization for Migration")
        cls.usa = Donor.objects.create(organisation=organisation, name="US Department of State", org_type="10")
        osce = Donor.objects.create(organisation=organisation, name="OSCE", org_type="40")
        cls.s1 = cls.support(
            cls.iom,
            cls.ministry,
            date(2016, 3, 1),
            date(2017, 6, 30),
            "USD",
            "10000",
            "8000",
            title="Training of police",
            support_types=["methodic", "information"],
            status="closed",
        )
        cls.s1.measures.set(cls.plan.measures.filter(number__in=["13.7.2", "13.2.10"]))
        cls.s2 = cls.support(
            cls.iom, cls.ngo, date(2017, 12, 31), None, "AZN", "5000", None, support_types=["financial"]
        )
        cls.support(cls.usa, cls.ngo, date(2015, 1, 1), date(2016, 12, 31), "USD", "20000", "20000", status="closed")
        cls.s6 = cls.support(
            cls.usa, cls.ministry, date(2017, 1, 1), date(2017, 1, 1), "EUR", None, None, status="cancelled"
        )
        cls.support(osce, cls.ministry, date(2018, 1, 1), None, "AZN", "1", "1")
        cls.support(osce, cls.education, date(2014, 1, 1), date(2015, 12, 31), "AZN", "1", "1")

    def setUp(self):
        self.tables = {table.key: table for table in tables(2017)}

    def test_the_tables_in_order(self):
        self.assertEqual([table.key for table in tables(2017)], ["D1", "D2", "D2b", "D3", "C1", "C1b"])

    def test_every_table_adds_up_and_counts_no_people(self):
        for table in self.tables.values():
            self.assertEqual(table.check(), [], table.key)
            self.assertFalse(table.people, table.key)

    def test_d1_spending_of_accepted_reports_of_the_rounds_of_the_year_by_currency(self):
        table = self.tables["D1"]
        self.assertEqual(
            rows(table),
            [
                ("state_budget", money("1250.50", 0, 0), money(700, 0, 0)),
                ("extra_budgetary", money(0, 0, 0), money(0, 0, 0)),
                ("grants", money(0, 500, 0), money(0, 0, 0)),
                ("other", money(0, 0, 0), money(0, 0, 100)),
                ("total", money("1250.50", 500, 0), money(700, 0, 100)),
            ],
        )
        self.assertEqual((table.columns, table.kind, table.total_column), (["AZN", "USD", "EUR"], MONEY, None))

    def test_d2_donor_support_overlapping_the_year(self):
        table = self.tables["D2"]
        self.assertEqual(table.kind, TEXT)
        self.assertEqual(
            [(row.key, row.label, row.values, row.previous) for row in table.rows],
            [
                (
                    str(self.s1.uid),
                    "Training of police",
                    [
                        "International Organization for Migration",
                        "Ministry of Internal Affairs",
                        "13.2.10, 13.7.2",
                        "Methodic, Information",
                        "10,000.00 USD",
                        "8,000.00 USD",
                        "Closed",
                    ],
                    None,
                ),
                (
                    str(self.s2.uid),
                    "Identification of victims",
                    [
                        "International Organization for Migration",
                        "Hope Support Union",
                        "",
                        "Financial",
                        "5,000.00 AZN",
                        "—",
                        "Implementation",
                    ],
                    None,
                ),
                (
                    str(self.s6.uid),
                    "Identification of victims",
                    [
                        "US Department of State",
                        "Ministry of Internal Affairs",
                        "",
                        "Information",
                        "—",
                        "—",
                        "Cancelled",
                    ],
                    None,
                ),
            ],
        )
        self.assertEqual(table.relations(), [])

    def test_d2b_amounts_of_the_supports_by_donor_and_currency(self):
        table = self.tables["D2b"]
        self.assertEqual(
            rows(table),
            [
                (f"donor-{self.iom.pk}", money(5000, 10000, 0, 0, 8000, 0), money(0, 10000, 0, 0, 8000, 0)),
                (f"donor-{self.usa.pk}", money(0, 0, 0, 0, 0, 0), money(0, 20000, 0, 0, 20000, 0)),
                ("total", money(5000, 10000, 0, 0, 8000, 0), money(0, 30000, 0, 0, 28000, 0)),
            ],
        )
        self.assertEqual(table.columns[0], "Committed, AZN")
        self.assertEqual(table.columns[5], "Disbursed, EUR")

    def test_d3_needs_raised_in_the_year_in_local_time_by_kind_and_state(self):
        zero = [0, 0, 0, 0, 0]
        self.assertEqual(
            rows(self.tables["D3"]),
            [
                ("funding", [1, 0, 1, 0, 2], [1, 0, 0, 0, 1]),
                ("staff", [0, 1, 0, 0, 1], zero),
                ("legal", zero, [0, 0, 0, 1, 1]),
                ("cooperation", zero, zero),
                ("other", zero, zero),
                ("total", [1, 1, 1, 0, 3], [1, 0, 0, 1, 2]),
            ],
        )
        self.assertEqual(self.tables["D3"].total_column, 4)

    def test_c1_international_cooperation_by_kind_and_status(self):
        zero = [0, 0, 0, 0, 0]
        self.assertEqual(
            rows(self.tables["C1"]),
            [
                ("agreement", [0, 1, 1, 0, 2], zero),
                ("memorandum", [1, 0, 0, 0, 1], zero),
                ("joint_event", zero, [0, 1, 0, 0, 1]),
                ("meeting", zero, zero),
                ("study_visit", zero, zero),
                ("other", zero, zero),
                ("total", [1, 1, 1, 0, 3], [0, 1, 0, 0, 1]),
            ],
        )

    def test_c1b_meetings_held_and_their_follow_up_actions(self):
        table = self.tables["C1b"]
        # meetings held, actions decided, done, open or in progress, of which overdue, dropped
        self.assertEqual(
            rows(table),
            [
                ("commission", [2, 4, 1, 2, 1, 1], [1, 2, 1, 1, 1, 0]),
                ("working_group", [1, 1, 0, 1, 1, 0], [0, 0, 0, 0, 0, 0]),
                ("other", [0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0]),
                ("total", [3, 5, 1, 3, 2, 1], [2, 2, 1, 1, 1, 0]),
            ],
        )
        self.assertEqual((table.total_column, table.groups), (1, [(2, 3, 5)]))

    def test_tables_are_plain_data(self):
        built = tables(2017)
        dumped = json.loads(json.dumps([table.to_dict() for table in built]))
        self.assertEqual([Table.from_dict(data) for data in dumped], built)
        self.assertTrue(all(str(term) and str(text) for term, text in DEFINITIONS))

    def test_a_year_without_entries_has_an_empty_donor_list_and_zeros(self):
        built = {table.key: table for table in tables(2012)}
        self.assertEqual(built["D2"].rows, [])
        self.assertEqual(rows(built["D2b"]), [("total", money(0, 0, 0, 0, 0, 0), money(0, 0, 0, 0, 0, 0))])
        self.assertEqual(built["C1b"].rows[-1].values, [0, 0, 0, 0, 0, 0])

    def test_query_count_does_not_grow_with_the_data(self):
        with self.assertNumQueries(14):
            tables(2017)
        measures = list(self.plan.measures.filter(number__in=["13.7.1", "13.7.3"]))
        for year in (2016, 2017):
            donor = Donor.objects.create(organisation=self.coordinator_org, name=f"Donor {year}", org_type="60")
            for n in range(3):
                support = self.support(donor, self.ngo, date(year, 2, 1), None, "EUR", "10", "5")
                support.measures.set(measures)
                self.report(str(year), f"13.8.{n + 1}", self.other_ngo, spending=[("grants", "3", "EUR")])
                self.need("cooperation", "open", at(year, 3, n + 1))
                self.cooperation("other", "planned", date(year, 3, n + 1))
                self.meeting("working_group", date(year, 4, n + 1), [("done", date(year, 5, 1), date(year, 4, 20))])
        with self.assertNumQueries(14):
            tables(2017)
