import datetime
import itertools
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AssistanceService, Case, Person, ReflectionPeriod, StatusChange
from ctims.testing import BaseTestCase
from monitoring.models import ProgressReport, ReportingRound
from partners.models import Donor, DonorSupport
from plans.models import Direction, Measure, Participation, Plan
from prevention.models import Training
from prosecution.models import CriminalCase, Defendant
from reports.quality import Problem, problems, table_problems
from reports.tables import Row, Table, counts_table

UTC = datetime.UTC
date = datetime.date
Status = Case.Status
Outcome = Defendant.Outcome
numbers = itertools.count(1)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


class QualityTests(BaseTestCase):
    """A clean year 2016, with the records next to each check's boundary that must not fire, and records of 2015
    and 2017 that would fire in their own year. `add_faults` adds one record that each check of 2016 finds."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = Plan.objects.create(title="Test plan", country="Azerbaijan", start_year=2016, end_year=2018)
        direction = Direction.objects.create(plan=cls.plan, number="13.1", title="Legal framework")
        cls.measure = Measure.objects.create(
            plan=cls.plan, direction=direction, number="13.1.1", text="Activity", recurring=True
        )
        cls.other_measure = Measure.objects.create(
            plan=cls.plan, direction=direction, number="13.1.2", text="Other", recurring=True, position=1
        )
        for measure in (cls.measure, cls.other_measure):
            Participation.objects.create(measure=measure, organisation=cls.ministry, role="executor")
        cls.round_2016 = cls.reporting_round(2016)
        round_2017 = cls.reporting_round(2017)
        cls.donor = Donor.objects.create(organisation=cls.coordinator_org, name="IOM", org_type="40")

        # Victims: recorded sex and age, or handled as a child; a victim of unknown sex identified in 2015, and one
        # identified at 01:00 on 1 January 2017 in Baku.
        cls.victim("female", year_of_birth=1990, identified=at(2016, 1, 1, 10))
        cls.victim("male", estimated_age=30, identified=at(2016, 6, 1))
        cls.victim("female", presumed_child=True, identified=at(2016, 12, 31, 19))
        cls.victim("unknown", identified=at(2015, 5, 1))
        cls.victim("unknown", identified=at(2016, 12, 31, 21))
        cls.victim("unknown")  # presumed, never identified

        # Closed at 01:00 on 1 January 2017 in Baku: a service ending that day ends on the day of closure.
        closed = cls.victim("female", year_of_birth=1980, identified=at(2016, 2, 1), closed=at(2016, 12, 31, 21))
        cls.service(closed, date(2016, 12, 1), date(2017, 1, 1))
        cls.service(closed, date(2016, 12, 31))
        # A service of 2015 that ends before it starts, and one of 2017 after closure: other years' problems.
        cls.service(closed, date(2015, 3, 10), date(2015, 3, 1))
        cls.service(closed, date(2017, 2, 1))

        # Prosecution: 2 prosecuted and 1 convicted in 2016; a case with every date in order.
        judged = cls.criminal_case(date(2016, 1, 10), investigated=date(2016, 2, 1), sent=date(2016, 3, 1))
        judged.judgment_on = date(2016, 9, 1)
        judged.save()
        cls.defendant(judged, Outcome.CONVICTED)
        cls.defendant(judged, Outcome.ACQUITTED)
        cls.criminal_case(date(2016, 4, 1), investigated=date(2016, 4, 1))
        cls.criminal_case(date(2015, 4, 1), investigated=date(2015, 3, 1))  # out of order, but all in 2015
        later = cls.criminal_case(date(2017, 1, 5))
        cls.defendant(later, Outcome.CONVICTED)  # no judgment yet, in a case opened in 2017

        # Reflection periods of exactly 30 days, and a short one of 2015.
        ReflectionPeriod.objects.create(case=closed, starts_on=date(2016, 3, 1), ends_on=date(2016, 3, 30))
        ReflectionPeriod.objects.create(case=closed, starts_on=date(2015, 2, 1), ends_on=date(2015, 2, 10))

        # Reports: on time; an unasked report never submitted; a late one of 2017.
        cls.report(cls.round_2016, cls.measure, submitted=at(2017, 1, 10))
        cls.report(cls.round_2016, cls.other_measure, organisation=cls.ngo, expected=False)
        cls.report(round_2017, cls.measure, submitted=at(2018, 3, 1), late=True)

        # Donor support: disbursed as committed; disbursed over committed, but ended in 2015.
        cls.support(date(2016, 1, 1), committed=Decimal(100), disbursed=Decimal(100))
        cls.support(date(2014, 1, 1), end=date(2015, 12, 31), committed=Decimal(10), disbursed=Decimal(20))
        cls.support(date(2016, 1, 1), committed=None, disbursed=Decimal(20))

        # Trainings: with participants; without, in 2015.
        cls.training(date(2016, 5, 1), women=1)
        cls.training(date(2015, 5, 1))

    # Builders ---------------------------------------------------------------------------------------------------

    @classmethod
    def reporting_round(cls, year) -> ReportingRound:
        return ReportingRound.objects.create(
            plan=cls.plan, year=year, opens_on=date(year + 1, 1, 1), due_on=date(year + 1, 1, 31), opened_by=cls.alice
        )

    @classmethod
    def victim(cls, sex, *, identified=None, closed=None, presumed_child=False, **person) -> Case:
        number = next(numbers)
        case = Case.objects.create(
            reference=f"NRM-2016-{number:05d}",
            person=Person.objects.create(sex=sex, **person),
            owner=cls.ngo,
            source=Case.Source.NGO,
            status=Status.CLOSED if closed else Status.IDENTIFIED if identified else Status.PRESUMED,
            presumed_child=presumed_child,
            created_by=cls.carol,
            closed_at=closed,
        )
        if identified:
            StatusChange.objects.create(
                case=case,
                from_status=Status.PRESUMED,
                to_status=Status.IDENTIFIED,
                actor=cls.carol,
                organisation=cls.ngo,
                at=identified,
                reason="Decided.",
            )
        return case

    @classmethod
    def service(cls, case, starts_on, ends_on=None) -> AssistanceService:
        return AssistanceService.objects.create(
            case=case, kind="medical", provider=cls.ngo, starts_on=starts_on, ends_on=ends_on, recorded_by=cls.carol
        )

    @classmethod
    def criminal_case(cls, opened_on, **dates) -> CriminalCase:
        fields = {"investigated": "investigation_completed_on", "sent": "sent_to_court_on"}
        return CriminalCase.objects.create(
            organisation=cls.prosecutor_office,
            number=f"{next(numbers)}/{opened_on.year}",
            articles=["144-1"],
            opened_on=opened_on,
            **{fields[name]: value for name, value in dates.items()},
        )

    @classmethod
    def defendant(cls, criminal_case, outcome) -> Defendant:
        return Defendant.objects.create(criminal_case=criminal_case, sex="male", outcome=outcome)

    @classmethod
    def report(cls, reporting_round, measure, *, organisation=None, submitted=None, late=False, expected=True):
        return ProgressReport.objects.create(
            round=reporting_round,
            measure=measure,
            organisation=organisation or cls.ministry,
            expected=expected,
            status=ProgressReport.Status.SUBMITTED if submitted else ProgressReport.Status.DRAFT,
            first_submitted_at=submitted,
            submitted_at=submitted,
            late=late,
        )

    @classmethod
    def support(cls, start_on, *, end=None, committed, disbursed) -> DonorSupport:
        return DonorSupport.objects.create(
            organisation=cls.coordinator_org,
            title="Shelter support",
            donor=cls.donor,
            implementing_organisation=cls.ngo,
            support_types=["financial"],
            start_on=start_on,
            end_on=end,
            amount_committed=committed,
            amount_disbursed=disbursed,
        )

    @classmethod
    def training(cls, held_on, women=0) -> Training:
        return Training.objects.create(
            organisation=cls.ministry, held_on=held_on, topic="Indicators", audience="police", women=women
        )

    def add_faults(self) -> dict[str, list[str]]:
        """One record that each check of 2016 finds; {code: references}."""
        no_sex = self.victim("unknown", year_of_birth=1995, identified=at(2016, 3, 1))
        no_age = self.victim("female", identified=at(2016, 3, 2))
        closed = self.victim("male", estimated_age=40, closed=at(2016, 6, 30, 10))
        self.service(closed, date(2016, 7, 5))
        wrong_way = self.victim("male", estimated_age=40)
        self.service(wrong_way, date(2016, 3, 10), date(2016, 3, 1))
        judged = self.criminal_case(date(2015, 1, 10), investigated=date(2015, 2, 1), sent=date(2015, 11, 1))
        judged.judgment_on = date(2016, 2, 1)
        judged.save()
        self.defendant(judged, Outcome.CONVICTED)
        self.defendant(judged, Outcome.CONVICTED)
        no_judgment = self.criminal_case(date(2016, 5, 1))
        self.defendant(no_judgment, Outcome.CONVICTED)
        disordered = self.criminal_case(date(2016, 5, 1), investigated=date(2016, 4, 1))
        short = self.victim("female", estimated_age=20)
        ReflectionPeriod.objects.create(case=short, starts_on=date(2016, 2, 1), ends_on=date(2016, 2, 29))
        measure = Measure.objects.create(
            plan=self.plan,
            direction=self.measure.direction,
            number=f"13.1.{next(numbers)}",
            text="More",
            recurring=True,
        )
        self.report(self.round_2016, measure, submitted=at(2017, 2, 10), late=True)
        self.report(self.round_2016, measure, organisation=self.ngo)
        support = self.support(date(2015, 6, 1), committed=Decimal(100), disbursed=Decimal("100.01"))
        training = self.training(date(2016, 12, 31))
        return {
            "sex_not_recorded": [no_sex.reference],
            "age_not_recorded": [no_age.reference],
            "service_after_closure": [closed.reference],
            "service_ends_before_start": [wrong_way.reference],
            "convicted_over_prosecuted": [str(judged.uid)],
            "convicted_without_judgment": [str(no_judgment.uid)],
            "stage_dates_out_of_order": [str(disordered.uid)],
            "short_reflection_period": [short.reference],
            "late_reports": [f"{measure.number} · Ministry of Internal Affairs · 2016"],
            "missing_reports": [f"{measure.number} · Hope Support Union · 2016"],
            "disbursed_over_committed": [str(support.uid)],
            "training_without_participants": [str(training.uid)],
        }

    # Tests ------------------------------------------------------------------------------------------------------

    def test_a_clean_year_has_no_problems(self):
        self.assertEqual(problems(2016), [])

    def test_every_check_finds_its_fault(self):
        references = self.add_faults()
        found = problems(2016)
        self.assertEqual([(p.code, p.count, p.references) for p in found], [(c, 1, r) for c, r in references.items()])

    def test_each_finding_says_what_is_wrong_with_the_count(self):
        self.add_faults()
        self.assertEqual(
            [problem.message for problem in problems(2016)],
            [
                "1 of the 6 victims identified in 2016 is recorded neither as female nor as male: the tables by sex "
                "count this person under “sex not recorded”.",
                "1 of the 6 victims identified in 2016 has no recorded age and is not handled as a child: the tables "
                "by age count this person as an adult.",
                "1 assistance service of 2016 starts or ends after its case was closed.",
                "1 assistance service of 2016 ends before it starts.",
                "3 persons were convicted in 2016 but 2 prosecuted: convictions of cases sent to court in an earlier "
                "year, or a missing date of sending to court.",
                "1 defendant is recorded as convicted in a criminal case with no date of judgment, so no year counts "
                "the conviction.",
                "1 criminal case with a stage in 2016 has the date of a later stage before an earlier one.",
                "1 recovery and reflection period starting in 2016 is shorter than 30 days.",
                "1 expected progress report of the rounds of 2016 was submitted after the due date.",
                "1 expected progress report of the rounds of 2016 was never submitted.",
                "1 donor support running in 2016 has disbursed more than was committed.",
                "1 training held in 2016 has no participants recorded.",
            ],
        )

    def test_counts_are_records_and_references_are_distinct(self):
        self.add_faults()
        case = Case.objects.get(person__sex="male", closed_at=at(2016, 6, 30, 10))
        self.service(case, date(2016, 8, 1), date(2016, 8, 2))
        found = {problem.code: problem for problem in problems(2016)}
        self.assertEqual(found["service_after_closure"].count, 2)
        self.assertEqual(found["service_after_closure"].references, [case.reference])
        self.assertEqual(found["service_after_closure"].message.split(" ", 1)[0], "2")

    def test_queries_do_not_grow_with_the_data(self):
        self.add_faults()
        with CaptureQueriesContext(connection) as queries:
            problems(2016)
        small = len(queries)
        for _repeat in range(5):
            self.add_faults()
        with CaptureQueriesContext(connection) as queries:
            found = problems(2016)
        self.assertEqual(len(queries), small)
        self.assertEqual(len(found), 12)
        self.assertEqual(found[0].count, 6)


class TableProblemsTests(BaseTestCase):
    def test_tables_that_add_up_have_no_problem(self):
        table = counts_table("X1", "T", ["a", "b"], [("r", "R", [1, 2])], total_label="All", total_column_label="Σ")
        self.assertEqual(table_problems([table]), [])

    def test_totals_that_do_not_add_up_are_one_finding(self):
        good = counts_table("X1", "T", ["a", "b"], [("r", "R", [1, 2])], total_label="All", total_column_label="Σ")
        bad = Table(
            key="X2",
            title="T",
            columns=["a", "b", "Σ"],
            rows=[Row("r", "R", [1, 2, 4]), Row("s", "S", [1, 1, 2]), Row("total", "All", [2, 3, 5], total=True)],
            total_column=2,
            total_row=True,
        )
        self.assertEqual(
            table_problems([good, bad]),
            [
                Problem(
                    "table_relations",
                    "2 totals in the tables X2 do not equal the sum of their parts.",
                    2,
                    ["X2: [(0, 0), (0, 1)] do not add up to (0, 2)", "X2: [(0, 2), (1, 2)] do not add up to (2, 2)"],
                )
            ],
        )
