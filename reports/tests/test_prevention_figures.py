"""The prevention tables R1–R4 of the annual report, for 2017 beside 2016, against entries built by hand."""

import datetime
import json
from datetime import date

from django.utils import timezone

from ctims.testing import BaseTestCase
from hotline.models import Call
from prevention.models import AwarenessActivity, LabourInspection, MediaFinding, Training
from reports.figures.prevention import DEFINITIONS, tables
from reports.tables import Table


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the project's time zone (Asia/Baku)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def activity(organisation, started_on, channel, *, quantity=None, reach=None, kind="booklet") -> AwarenessActivity:
    return AwarenessActivity.objects.create(
        organisation=organisation,
        started_on=started_on,
        kind=kind,
        title="Know your rights abroad",
        channel=channel,
        quantity=quantity,
        reach=reach,
    )


def training(organisation, held_on, audience, women, men) -> Training:
    return Training.objects.create(
        organisation=organisation, held_on=held_on, topic="Indicators", audience=audience, women=women, men=men
    )


def call(organisation, received_at, channel, *, thb_relevant=True, action="information", referred_to=None) -> Call:
    return Call.objects.create(
        organisation=organisation,
        received_at=received_at,
        channel=channel,
        caller_type="potential_victim",
        signal_type="help",
        summary="Work abroad",
        thb_relevant=thb_relevant,
        action=action,
        referred_to=referred_to,
    )


def inspection(organisation, started_on, *figures) -> LabourInspection:
    names = ("inspections", "with_violations", "workers_checked", "migrant_workers", "indicators_found")
    return LabourInspection.objects.create(
        organisation=organisation,
        started_on=started_on,
        sent_to_police=figures[-1],
        **dict(zip(names, figures[:-1], strict=True)),
    )


def finding(organisation, found_on, source, action) -> MediaFinding:
    return MediaFinding.objects.create(
        organisation=organisation,
        found_on=found_on,
        source=source,
        address="https://example.org/jobs",
        reason="Work abroad, no skills needed",
        action=action,
    )


def rows(table: Table) -> list[tuple]:
    return [(row.key, row.values, row.previous) for row in table.rows]


class PreventionTablesTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ministry, ngo, education, other_ngo = cls.ministry, cls.ngo, cls.education, cls.other_ngo
        # Awareness: a quantity without a reach, a reach without a quantity, 1 January and 31 December.
        activity(ministry, date(2017, 1, 1), "border", quantity=500)
        activity(education, date(2017, 12, 31), "schools", reach=120, kind="event")
        activity(ngo, date(2017, 6, 1), "border", quantity=100, reach=1000, kind="poster")
        activity(other_ngo, date(2016, 12, 31), "internet", reach=5000, kind="online")  # a body only in 2016
        activity(ministry, date(2016, 3, 1), "border", quantity=200, reach=150)
        activity(ministry, date(2015, 5, 5), "media", quantity=9)
        activity(ministry, date(2018, 1, 1), "media", quantity=9)
        # Trainings.
        training(ministry, date(2017, 1, 1), "police", 3, 10)
        training(ministry, date(2017, 12, 31), "police", 2, 0)
        training(ngo, date(2017, 5, 5), "social", 7, 1)
        training(ministry, date(2016, 12, 31), "police", 1, 4)
        training(ngo, date(2016, 6, 6), "media", 5, 5)
        training(ministry, date(2018, 1, 1), "police", 9, 9)
        # Calls: 02:00 in Baku on 1 January 2017 is still 2016 in UTC; 00:30 on 1 January 2018 is 2017 in UTC.
        call(ministry, at(2017, 1, 1, 2), "phone", action="police", referred_to=ministry)
        call(ministry, at(2017, 12, 31, 23, 30), "sms", thb_relevant=False)
        call(other_ngo, at(2017, 6, 1), "web", action="ngo", referred_to=ngo)
        call(ministry, at(2016, 12, 31, 23, 30), "phone")
        call(ministry, at(2016, 3, 1), "email", thb_relevant=False, action="none")
        call(ministry, at(2018, 1, 1, 0, 30), "phone", action="police", referred_to=ministry)
        # Inspections: inspected, with violations, workers checked, migrants, with indicators, sent to police.
        inspection(ministry, date(2017, 1, 1), 10, 3, 50, 20, 2, 1)
        inspection(ngo, date(2017, 12, 31), 5, 1, 12, 12, 0, 0)
        inspection(ministry, date(2016, 7, 1), 8, 2, 40, 10, 1, 1)
        inspection(ministry, date(2015, 1, 1), 99, 9, 99, 9, 9, 9)
        # Media and internet findings.
        finding(ministry, date(2017, 1, 1), "website", "police")
        finding(ministry, date(2017, 3, 3), "website", "removal")
        finding(ngo, date(2017, 12, 31), "social", "none")
        finding(ministry, date(2016, 12, 31), "messenger", "monitored")
        finding(ministry, date(2018, 1, 1), "website", "police")

    def setUp(self):
        self.tables = {table.key: table for table in tables(2017)}

    def test_the_tables_in_order(self):
        self.assertEqual([table.key for table in tables(2017)], ["R1", "R1b", "R2", "R3", "R4", "R4b"])

    def test_every_table_adds_up_and_counts_activities_not_people(self):
        for table in self.tables.values():
            self.assertEqual(table.check(), [], table.key)
            self.assertFalse(table.people, table.key)

    def test_r1_awareness_by_channel_started_in_the_year(self):
        zero = [0, 0, 0]
        self.assertEqual(
            rows(self.tables["R1"]),
            [
                ("border", [2, 600, 1000], [1, 200, 150]),
                ("airport", zero, zero),
                ("sea_port", zero, zero),
                ("tourism", zero, zero),
                ("schools", [1, 0, 120], zero),
                ("companies", zero, zero),
                ("media", zero, zero),
                ("internet", zero, [1, 0, 5000]),
                ("public", zero, zero),
                ("other", zero, zero),
                ("total", [3, 600, 1120], [2, 200, 5150]),
            ],
        )
        self.assertTrue(self.tables["R1"].total_row)
        self.assertIsNone(self.tables["R1"].total_column)

    def test_r1b_awareness_by_body_keeps_a_body_of_the_previous_year_only(self):
        table = self.tables["R1b"]
        self.assertEqual(
            [(row.key, row.label, row.values, row.previous) for row in table.rows],
            [
                (f"org-{self.education.pk}", "Baku City Education Department", [1, 0, 120], [0, 0, 0]),
                (f"org-{self.ngo.pk}", "Hope Support Union", [1, 100, 1000], [0, 0, 0]),
                (f"org-{self.ministry.pk}", "Ministry of Internal Affairs", [1, 500, 0], [1, 200, 150]),
                (f"org-{self.other_ngo.pk}", "Clean Path Public Union", [0, 0, 0], [1, 0, 5000]),
                ("total", "Total", [3, 600, 1120], [2, 200, 5150]),
            ],
        )

    def test_r2_persons_trained_by_audience_women_men_and_total(self):
        table = self.tables["R2"]
        zero = [0, 0, 0, 0]
        expected = {
            "police": ([2, 5, 10, 15], [1, 1, 4, 5]),
            "social": ([1, 7, 1, 8], zero),
            "media": (zero, [1, 5, 5, 10]),
            "total": ([3, 12, 11, 23], [2, 6, 9, 15]),
        }
        keys = ["police", "border", "customs", "migration", "social", "health", "education", "media", "ngo"]
        keys += ["judiciary", "other", "total"]
        self.assertEqual(rows(table), [(key, *expected.get(key, (zero, zero))) for key in keys])
        self.assertEqual(table.columns, ["Trainings held", "Women", "Men", "Persons trained"])
        self.assertEqual((table.total_column, table.groups, table.total_row), (3, [(1, 2)], True))

    def test_r3_hotline_calls_in_local_time_with_channels_adding_up_to_the_calls(self):
        table = self.tables["R3"]
        # received, concerning trafficking, referred; then phone, SMS, web form, e-mail, messenger
        self.assertEqual(rows(table), [("calls", [3, 2, 2, 1, 1, 1, 0, 0], [2, 1, 0, 1, 0, 0, 1, 0])])
        referred = "of which referred to the police, an NGO or a consulate"
        self.assertEqual(table.columns[:3], ["Calls received", "of which concerning trafficking", referred])
        self.assertEqual(table.relations(), [([(0, 3), (0, 4), (0, 5), (0, 6), (0, 7)], (0, 0))])

    def test_r4_labour_inspections_by_body(self):
        self.assertEqual(
            rows(self.tables["R4"]),
            [
                (f"org-{self.ngo.pk}", [5, 1, 12, 12, 0, 0], [0, 0, 0, 0, 0, 0]),
                (f"org-{self.ministry.pk}", [10, 3, 50, 20, 2, 1], [8, 2, 40, 10, 1, 1]),
                ("total", [15, 4, 62, 32, 2, 1], [8, 2, 40, 10, 1, 1]),
            ],
        )

    def test_r4b_media_findings_by_source_and_action(self):
        table = self.tables["R4b"]
        zero = [0, 0, 0, 0, 0, 0]
        self.assertEqual(
            rows(table),
            [
                ("website", [0, 1, 1, 0, 0, 2], zero),
                ("social", [1, 0, 0, 0, 0, 1], zero),
                ("messenger", zero, [0, 0, 0, 0, 1, 1]),
                ("newspaper", zero, zero),
                ("broadcast", zero, zero),
                ("other", zero, zero),
                ("total", [1, 1, 1, 0, 0, 3], [0, 0, 0, 0, 1, 1]),
            ],
        )
        self.assertEqual(table.total_column, 5)

    def test_a_year_without_entries_gives_zeros(self):
        built = {table.key: table for table in tables(2011)}
        self.assertEqual(built["R1"].rows[-1].values, [0, 0, 0])
        self.assertEqual(rows(built["R1b"]), [("total", [0, 0, 0], [0, 0, 0])])
        self.assertEqual(rows(built["R3"]), [("calls", [0] * 8, [0] * 8)])

    def test_tables_are_plain_data(self):
        built = tables(2017)
        dumped = json.loads(json.dumps([table.to_dict() for table in built]))
        self.assertEqual([Table.from_dict(data) for data in dumped], built)
        self.assertTrue(DEFINITIONS)
        self.assertTrue(all(str(term) and str(text) for term, text in DEFINITIONS))

    def test_query_count_does_not_grow_with_the_data(self):
        with self.assertNumQueries(22):
            tables(2017)
        for year in (2016, 2017):
            for day in (1, 2, 3):
                when = date(year, 2, day)
                activity(self.other_ngo, when, "tourism", quantity=5, reach=5)
                training(self.other_ngo, when, "health", 1, 1)
                call(self.other_ngo, at(year, 2, day), "messenger")
                inspection(self.other_ngo, when, 1, 1, 1, 1, 1, 1)
                finding(self.other_ngo, when, "newspaper", "provider")
        with self.assertNumQueries(22):
            tables(2017)
