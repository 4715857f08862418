import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ctims.testing import BaseTestCase
from hotline.models import Call
from monitoring.models import Need, ProgressReport, ReportingRound
from partners.models import Donor
from plans.models import Direction, Measure, Participation, Plan
from prevention.models import Training
from prosecution.models import CriminalCase
from reports.figures import plan as figures

UTC = datetime.UTC
Status = ProgressReport.Status
EXECUTOR, INVOLVED = Participation.Role.EXECUTOR, Participation.Role.INVOLVED

MINISTRY, NGO, PROSECUTOR = "Ministry of Internal Affairs", "Hope Support Union", "General Prosecutor's Office"


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


class PlanFiguresTests(BaseTestCase):
    """A plan 2016–2018 of six measures in three directions, two half-year rounds in 2016, a year round in 2017 and
    one in 2018 that must not count for 2017.

    Status at 2016 H2: 13.1.1 complete (both executors), 13.2.1 ongoing, the rest no evidence.
    Status at 2017: 13.1.1 still complete, 13.1.2 limited, 13.1.3 no evidence and overdue (ended 2016), 13.2.1
    substantial, 13.2.2 no evidence (submitted, not accepted), 13.3.1 no evidence (starts 2018).
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = Plan.objects.create(title="Test plan", country="Azerbaijan", start_year=2016, end_year=2018)
        directions = {
            number: Direction.objects.create(plan=cls.plan, number=number, title=title, position=position)
            for position, (number, title) in enumerate(
                [("13.1", "Legal framework"), ("13.2", "Prevention"), ("13.3", "Prosecution")]
            )
        }
        cls.measure = {}
        for position, (number, years, executors) in enumerate(
            [
                ("13.1.1", (2016, 2016), [cls.ministry, cls.ngo]),
                ("13.1.2", (2016, 2017), [cls.ministry]),
                ("13.1.3", (2016, 2016), [cls.ngo]),
                ("13.2.1", None, [cls.ministry]),
                ("13.2.2", (2017, 2018), [cls.ngo]),
                ("13.3.1", (2018, 2018), [cls.prosecutor_office]),
            ]
        ):
            start, end = years or (None, None)
            measure = Measure.objects.create(
                plan=cls.plan,
                direction=directions[number.rsplit(".", 1)[0]],
                number=number,
                text=f"Activity {number}",
                start_year=start,
                end_year=end,
                recurring=years is None,
                position=position,
            )
            for rank, organisation in enumerate(executors):
                Participation.objects.create(measure=measure, organisation=organisation, role=EXECUTOR, position=rank)
            cls.measure[number] = measure
        Participation.objects.create(measure=cls.measure["13.2.1"], organisation=cls.other_ngo, role=INVOLVED)

        h1 = cls.round(2016, "half", 1, due=datetime.date(2016, 7, 31))
        h2 = cls.round(2016, "half", 2, due=datetime.date(2017, 1, 31))
        cls.round_2017 = cls.round(2017, "year", 1, due=datetime.date(2018, 1, 31))
        round_2018 = cls.round(2018, "year", 1, due=datetime.date(2019, 1, 31))

        cls.report(h1, "13.1.1", cls.ministry, Status.ACCEPTED, "complete", accepted_at=at(2016, 7, 20))
        cls.report(h1, "13.1.1", cls.ngo, Status.ACCEPTED, "substantial", accepted_at=at(2016, 7, 21))
        cls.report(h1, "13.1.2", cls.ministry, Status.SUBMITTED, "limited", late=True)
        cls.report(h1, "13.1.3", cls.ngo, Status.RETURNED, "substantial")
        cls.report(h1, "13.2.1", cls.ministry, Status.ACCEPTED, "ongoing", accepted_at=at(2016, 7, 25))

        cls.report(h2, "13.1.1", cls.ministry, Status.ACCEPTED, "complete", accepted_at=at(2017, 1, 19))
        cls.report(h2, "13.1.1", cls.ngo, Status.ACCEPTED, "complete", accepted_at=at(2017, 1, 20, 10))
        cls.report(h2, "13.1.2", cls.ministry, Status.RETURNED, "limited", late=True)
        cls.report(h2, "13.1.3", cls.ngo, Status.DRAFT, "")
        # Accepted at 02:30 on 1 January 2017 in Baku.
        cls.report(h2, "13.2.1", cls.ministry, Status.ACCEPTED, "ongoing", accepted_at=at(2016, 12, 31, 22, 30))
        # An involved body's report informs but does not decide, and was not expected.
        cls.report(
            h2, "13.2.1", cls.other_ngo, Status.ACCEPTED, "not_started", accepted_at=at(2016, 12, 20), expected=False
        )

        cls.report(cls.round_2017, "13.1.2", cls.ministry, Status.ACCEPTED, "limited", accepted_at=at(2018, 2, 10))
        cls.report(cls.round_2017, "13.1.3", cls.ngo, Status.DRAFT, "")
        cls.report(cls.round_2017, "13.2.1", cls.ministry, Status.ACCEPTED, "substantial", accepted_at=at(2018, 1, 15))
        cls.report(cls.round_2017, "13.2.2", cls.ngo, Status.SUBMITTED, "limited", late=True)

        cls.report(round_2018, "13.1.2", cls.ministry, Status.ACCEPTED, "complete", accepted_at=at(2019, 1, 5))
        cls.report(round_2018, "13.2.2", cls.ngo, Status.ACCEPTED, "complete", accepted_at=at(2019, 1, 6))

    @classmethod
    def round(cls, year, period_type, number, *, due) -> ReportingRound:
        return ReportingRound.objects.create(
            plan=cls.plan,
            year=year,
            period_type=period_type,
            period_number=number,
            opens_on=due - datetime.timedelta(days=30),
            due_on=due,
            opened_by=cls.alice,
        )

    @classmethod
    def report(cls, reporting_round, number, organisation, status, progress, *, late=False, accepted_at=None, **kw):
        submitted = None if status == Status.DRAFT else at(reporting_round.due_on.year, 1, 2)
        return ProgressReport.objects.create(
            round=reporting_round,
            measure=cls.measure[number] if isinstance(number, str) else number,
            organisation=organisation,
            expected=kw.get("expected", True),
            status=status,
            progress=progress,
            narrative="Done." if progress else "",
            first_submitted_at=submitted,
            submitted_at=submitted,
            accepted_at=accepted_at,
            late=late,
        )

    def table(self, year, key):
        return next(table for table in figures.tables(year) if table.key == key)

    def rows(self, table):
        return [(row.key, row.label, row.values, row.previous, row.total) for row in table.rows]

    # S1 -------------------------------------------------------------------------------------------------------

    def test_s1_counts_each_direction_s_measures_by_status_at_the_last_round_of_the_year(self):
        table = self.table(2017, "S1")
        self.assertEqual(
            table.columns,
            [
                "No evidence",
                "Not started",
                "Limited",
                "Substantial",
                "Complete",
                "Ongoing",
                "All measures",
                "of which overdue",
            ],
        )
        self.assertEqual(
            self.rows(table),
            [
                ("13.1", "13.1 Legal framework", [1, 0, 1, 0, 1, 0, 3, 1], [2, 0, 0, 0, 1, 0, 3, 0], False),
                ("13.2", "13.2 Prevention", [1, 0, 0, 1, 0, 0, 2, 0], [1, 0, 0, 0, 0, 1, 2, 0], False),
                ("13.3", "13.3 Prosecution", [1, 0, 0, 0, 0, 0, 1, 0], [1, 0, 0, 0, 0, 0, 1, 0], False),
                ("total", "All directions", [3, 0, 1, 1, 1, 0, 6, 1], [4, 0, 0, 0, 1, 1, 6, 0], True),
            ],
        )
        self.assertEqual(table.check(), [])
        self.assertFalse(table.people)

    def test_s1_overdue_is_not_part_of_the_total(self):
        table = self.table(2017, "S1")
        self.assertEqual(table.total_column, 6)
        self.assertEqual(table.groups, [(0, 1, 2, 3, 4, 5)])
        self.assertEqual(
            table.note, "Status at the reporting round 2017. Overdue measures are also counted under their status."
        )

    def test_s1_of_a_year_without_a_round_has_zero_counts_and_says_why(self):
        ReportingRound.objects.filter(year=2017).update(year=2018, period_type="half", period_number=2)
        table = self.table(2017, "S1")
        self.assertEqual([row.values for row in table.rows], [[0] * 8] * 4)
        self.assertEqual([row.previous for row in table.rows][-1], [4, 0, 0, 0, 1, 1, 6, 0])
        self.assertIn("No reporting round was held for 2017", table.note)
        self.assertEqual(table.check(), [])

    def test_s1_of_the_plan_s_first_year_compares_with_zeros_the_year_before(self):
        table = self.table(2016, "S1")
        self.assertEqual(
            self.rows(table),
            [
                ("13.1", "13.1 Legal framework", [2, 0, 0, 0, 1, 0, 3, 0], [0] * 8, False),
                ("13.2", "13.2 Prevention", [1, 0, 0, 0, 0, 1, 2, 0], [0] * 8, False),
                ("13.3", "13.3 Prosecution", [1, 0, 0, 0, 0, 0, 1, 0], [0] * 8, False),
                ("total", "All directions", [4, 0, 0, 0, 1, 1, 6, 0], [0] * 8, True),
            ],
        )
        self.assertEqual(table.check(), [])

    # S2 -------------------------------------------------------------------------------------------------------

    def test_s2_lists_every_measure_with_its_status_and_last_accepted_report(self):
        table = self.table(2017, "S2")
        self.assertEqual(table.kind, "text")
        self.assertEqual(
            table.columns,
            ["Activity", "Executive bodies", "Duration", "Status", "Overdue", "Last report accepted on"],
        )
        self.assertEqual(
            self.rows(table),
            [
                (
                    "13.1.1",
                    "13.1.1",
                    ["Activity 13.1.1", f"{MINISTRY}; {NGO}", "2016", "Complete", "", "2017-01-20"],
                    None,
                    False,
                ),
                (
                    "13.1.2",
                    "13.1.2",
                    ["Activity 13.1.2", MINISTRY, "2016–2017", "Limited", "", "2018-02-10"],
                    None,
                    False,
                ),
                ("13.1.3", "13.1.3", ["Activity 13.1.3", NGO, "2016", "No evidence", "overdue", ""], None, False),
                (
                    "13.2.1",
                    "13.2.1",
                    ["Activity 13.2.1", MINISTRY, "regular", "Substantial", "", "2018-01-15"],
                    None,
                    False,
                ),
                ("13.2.2", "13.2.2", ["Activity 13.2.2", NGO, "2017–2018", "No evidence", "", ""], None, False),
                ("13.3.1", "13.3.1", ["Activity 13.3.1", PROSECUTOR, "2018", "No evidence", "", ""], None, False),
            ],
        )
        self.assertEqual(table.check(), [])

    def test_s2_dates_an_acceptance_in_the_project_s_time_zone(self):
        table = self.table(2016, "S2")
        self.assertEqual(
            [row.values for row in table.rows],
            [
                ["Activity 13.1.1", f"{MINISTRY}; {NGO}", "2016", "Complete", "", "2017-01-20"],
                ["Activity 13.1.2", MINISTRY, "2016–2017", "No evidence", "", ""],
                ["Activity 13.1.3", NGO, "2016", "No evidence", "", ""],
                ["Activity 13.2.1", MINISTRY, "regular", "Ongoing", "", "2017-01-01"],
                ["Activity 13.2.2", NGO, "2017–2018", "No evidence", "", ""],
                ["Activity 13.3.1", PROSECUTOR, "2018", "No evidence", "", ""],
            ],
        )

    # S3 -------------------------------------------------------------------------------------------------------

    def test_s3_sums_each_body_s_expected_reports_over_the_rounds_of_the_year(self):
        table = self.table(2017, "S3")
        self.assertEqual(
            table.columns, ["Expected", "Received", "Received on time", "Returned for correction", "Accepted"]
        )
        self.assertEqual(
            self.rows(table),
            [
                (str(self.ngo.pk), NGO, [2, 1, 0, 0, 0], [4, 3, 3, 1, 2], False),
                (str(self.ministry.pk), MINISTRY, [2, 2, 2, 0, 2], [6, 6, 4, 1, 4], False),
                ("total", "All bodies", [4, 3, 2, 0, 2], [10, 9, 7, 2, 6], True),
            ],
        )
        self.assertEqual(table.check(), [])
        self.assertFalse(table.people)

    # The other figures ------------------------------------------------------------------------------------------

    def test_implementation_rate_is_the_share_of_due_measures_complete_ongoing_or_substantial(self):
        self.assertEqual(
            figures.implementation(2017),
            {
                "year": 2017,
                "plan": "Test plan",
                "round": "2017",
                "measures": 6,
                "statuses": {
                    "no_evidence": 3,
                    "not_started": 0,
                    "limited": 1,
                    "substantial": 1,
                    "complete": 1,
                    "ongoing": 0,
                },
                "overdue": 1,
                "due": 5,
                "implemented": 2,
                "rate": Decimal("40.0"),
                "rate_definition": str(figures.IMPLEMENTATION_RATE),
            },
        )
        summary = figures.implementation(2016)
        self.assertEqual((summary["round"], summary["due"], summary["implemented"]), ("2016 H2", 4, 2))
        self.assertEqual(summary["rate"], Decimal("50.0"))

    def test_implementation_of_a_year_without_a_plan_has_no_rate(self):
        summary = figures.implementation(2015)
        self.assertEqual((summary["plan"], summary["measures"], summary["rate"]), (None, 0, None))

    def test_contributing_bodies_submitted_a_report_or_recorded_an_entry_dated_in_the_year(self):
        Training.objects.create(
            organisation=self.education,
            held_on=datetime.date(2017, 1, 1),
            topic="Indicators",
            audience="police",
            women=3,
        )
        Call.objects.create(  # 00:30 on 1 January 2017 in Baku
            organisation=self.other_ngo,
            received_at=at(2016, 12, 31, 20, 30),
            channel="phone",
            caller_type="family",
            signal_type="tip",
            summary="A tip.",
            action="information",
        )
        CriminalCase.objects.create(
            organisation=self.prosecutor_office,
            number="1/2016",
            articles=["144-1"],
            opened_on=datetime.date(2016, 12, 31),
        )
        Donor.objects.create(organisation=self.outside_org, name="A donor", org_type="40")
        self.assertEqual(
            figures.contributing_bodies(2017),
            ["Baku City Education Department", "Clean Path Public Union", NGO, MINISTRY],
        )
        self.assertEqual(figures.contributing_bodies(2016), ["Clean Path Public Union", PROSECUTOR, NGO, MINISTRY])

    def test_open_needs_are_those_raised_in_the_year_s_reports_and_not_closed(self):
        report = ProgressReport.objects.get(round=self.round_2017, measure__number="13.1.2")
        earlier = ProgressReport.objects.get(round__year=2016, round__period_number=2, measure__number="13.1.2")
        Need.objects.create(report=report, kind="funding", description="Money for shelters.", raised_by=self.bob)
        Need.objects.create(
            report=report, kind="staff", description="A lawyer.", state="in_progress", raised_by=self.bob
        )
        Need.objects.create(report=report, kind="legal", description="A law.", state="resolved", raised_by=self.bob)
        Need.objects.create(report=earlier, kind="other", description="Last year's.", raised_by=self.bob)
        self.assertEqual(
            figures.open_needs(2017),
            [
                {
                    "kind": "funding",
                    "kind_label": "Funding",
                    "description": "Money for shelters.",
                    "measure": "13.1.2",
                    "organisation": MINISTRY,
                    "state": "Open",
                },
                {
                    "kind": "staff",
                    "kind_label": "Staff",
                    "description": "A lawyer.",
                    "measure": "13.1.2",
                    "organisation": MINISTRY,
                    "state": "Being addressed",
                },
            ],
        )

    def test_definitions_are_plain_strings_once_translated(self):
        self.assertTrue(all(isinstance(str(term), str) and str(text) for term, text in figures.DEFINITIONS))

    # Queries ----------------------------------------------------------------------------------------------------

    def count_queries(self) -> int:
        with CaptureQueriesContext(connection) as queries:
            figures.tables(2017)
            figures.implementation(2017)
            figures.contributing_bodies(2017)
            figures.open_needs(2017)
        return len(queries)

    def test_queries_do_not_grow_with_the_data(self):
        before = self.count_queries()
        direction = Direction.objects.get(plan=self.plan, number="13.2")
        for position in range(10, 30):
            measure = Measure.objects.create(
                plan=self.plan,
                direction=direction,
                number=f"13.2.{position}",
                text="More",
                recurring=True,
                position=position,
            )
            Participation.objects.create(measure=measure, organisation=self.other_ngo, role=EXECUTOR)
            report = self.report(
                self.round_2017, measure, self.other_ngo, Status.ACCEPTED, "ongoing", accepted_at=at(2018, 1, 9)
            )
            Need.objects.create(report=report, kind="funding", description="More.", raised_by=self.bob)
        self.assertEqual(self.table(2017, "S1").rows[-1].values, [3, 0, 1, 1, 1, 20, 26, 1])
        self.assertEqual(self.count_queries(), before)
