"""The IATI 2.03 export of donor support, the check of a file against IATI's rules, the download and the command."""

import datetime
import io
import tempfile
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ctims.testing import BaseTestCase
from partners.iati import (
    budget_periods,
    iati_activities_xml,
    iati_problems,
)
from partners.models import DonorSupport, Transaction
from partners.tests.helpers import donor, support

REF, NAME = "AZ-GOV-TEST", "National Coordinator"
NOW = datetime.datetime(2018, 3, 1, 9, 30, tzinfo=datetime.UTC)
TODAY = datetime.date(2018, 3, 1)
COMMITTED = [("commitment", datetime.date(2016, 2, 10), "10000"), ("disbursement", datetime.date(2016, 3, 15), "8000")]


def export(supports, now=NOW) -> bytes:
    return iati_activities_xml(supports, reporting_org_ref=REF, reporting_org_name=NAME, now=now)


def loaded(*supports):
    pks = [s.pk for s in supports]
    return (
        DonorSupport.objects.filter(pk__in=pks)
        .select_related("donor", "implementing_organisation")
        .prefetch_related("transactions")
        .order_by("pk")
    )


class IatiExportTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.iom = donor(cls.coordinator_org)
        cls.osce = donor(cls.coordinator_org, name="OSCE", iati_ref="", org_type="40")
        cls.closed = support(cls.ministry, donor=cls.iom, implementer=cls.ministry, transactions=COMMITTED)

    def activity(self, entry, now=NOW) -> ET.Element:
        return ET.fromstring(export(loaded(entry), now=now)).find("iati-activity")

    def test_file_has_the_version_and_one_activity_per_support(self):
        other = support(self.education, donor=self.osce, implementer=self.education)
        root = ET.fromstring(export(loaded(self.closed, other)))
        self.assertEqual(root.tag, "iati-activities")
        self.assertEqual(root.get("version"), "2.03")
        self.assertEqual(root.get("generated-datetime"), "2018-03-01T09:30:00+00:00")
        self.assertEqual(len(root.findall("iati-activity")), 2)

    def test_activity_names_the_reporting_organisation_donor_and_implementer(self):
        activity = self.activity(self.closed)
        self.assertEqual(activity.get("default-currency"), "USD")
        self.assertTrue(activity.get("last-updated-datetime"))
        self.assertEqual(activity.findtext("iati-identifier"), f"{REF}-{self.closed.uid}")
        reporting = activity.find("reporting-org")
        self.assertEqual((reporting.get("ref"), reporting.get("type")), (REF, "10"))
        self.assertEqual(reporting.findtext("narrative"), NAME)
        self.assertEqual(activity.findtext("title/narrative"), "Identification of victims")
        funding, implementing = activity.findall("participating-org")
        self.assertEqual((funding.get("role"), funding.get("ref"), funding.get("type")), ("1", "XM-DAC-47066", "40"))
        self.assertEqual(funding.findtext("narrative"), self.iom.name)
        self.assertEqual((implementing.get("role"), implementing.get("type")), ("4", "10"))
        self.assertEqual(implementing.findtext("narrative"), self.ministry.name)
        self.assertEqual(activity.find("activity-status").get("code"), "4")
        self.assertEqual(activity.find("recipient-country").attrib, {"code": "AZ", "percentage": "100"})
        sector = activity.find("sector")
        self.assertEqual((sector.get("vocabulary"), sector.get("code")), ("1", "15160"))

    def test_donor_without_iati_identifier_is_named_only(self):
        entry = support(self.ministry, donor=self.osce, implementer=self.ministry)
        funding = self.activity(entry).find("participating-org")
        self.assertIsNone(funding.get("ref"))
        self.assertEqual(funding.findtext("narrative"), "OSCE")

    def test_dates_are_actual_for_what_has_happened_and_planned_otherwise(self):
        cases = [
            ("closed", datetime.date(2016, 3, 1), datetime.date(2017, 6, 30), ["2", "4"]),
            ("implementation", datetime.date(2017, 3, 1), datetime.date(2019, 6, 30), ["2", "3"]),
            ("implementation", datetime.date(2018, 6, 1), datetime.date(2019, 6, 30), ["1", "3"]),
            ("pipeline", datetime.date(2017, 3, 1), datetime.date(2017, 6, 30), ["1", "3"]),
            ("cancelled", datetime.date(2017, 3, 1), None, ["1"]),
        ]
        for status, start, end, types in cases:
            with self.subTest(status=status, start=start):
                entry = support(
                    self.ministry, donor=self.iom, implementer=self.ministry, status=status, start_on=start, end_on=end
                )
                dates = self.activity(entry).findall("activity-date")
                self.assertEqual([d.get("type") for d in dates], types)
                self.assertEqual(dates[0].get("iso-date"), start.isoformat())

    def test_multi_year_budget_is_split_per_year_in_proportion_to_days(self):
        budgets = self.activity(self.closed).findall("budget")
        periods = [(b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date")) for b in budgets]
        self.assertEqual(periods, [("2016-03-01", "2016-12-31"), ("2017-01-01", "2017-06-30")])
        values = [b.find("value") for b in budgets]
        self.assertEqual(sum(Decimal(v.text) for v in values), Decimal("10000"))
        self.assertEqual([v.text for v in values], ["6283.37", "3716.63"])  # 306 and 181 of 487 days
        self.assertEqual((values[0].get("currency"), values[0].get("value-date")), ("USD", "2016-03-01"))
        self.assertEqual({b.get("status") for b in budgets}, {"2"})

    def test_pledge_alone_gives_an_indicative_budget_and_no_end_date_no_budget(self):
        pledged = support(
            self.ministry,
            donor=self.iom,
            implementer=self.ministry,
            amount_committed=None,
            amount_disbursed=None,
            amount_pledged=Decimal("500"),
        )
        self.assertEqual([b.get("status") for b in self.activity(pledged).findall("budget")], ["1", "1"])
        open_ended = support(self.ministry, donor=self.iom, implementer=self.ministry, end_on=None)
        self.assertEqual(self.activity(open_ended).findall("budget"), [])

    def test_budget_periods_are_the_calendar_years_of_the_support(self):
        day = datetime.date
        self.assertEqual(
            budget_periods(day(2015, 9, 1), day(2017, 2, 28)),
            [
                (day(2015, 9, 1), day(2015, 12, 31)),
                (day(2016, 1, 1), day(2016, 12, 31)),
                (day(2017, 1, 1), day(2017, 2, 28)),
            ],
        )
        self.assertEqual(budget_periods(day(2016, 5, 1), day(2016, 5, 1)), [(day(2016, 5, 1), day(2016, 5, 1))])

    def test_transactions_carry_their_iati_type_date_and_value(self):
        Transaction.objects.create(
            support=self.closed,
            kind="expenditure",
            date=datetime.date(2016, 9, 1),
            value=Decimal("120.5"),
            currency="AZN",
        )
        transactions = self.activity(self.closed).findall("transaction")
        self.assertEqual([t.find("transaction-type").get("code") for t in transactions], ["2", "3", "4"])
        value = transactions[2].find("value")
        self.assertEqual((value.text, value.get("currency"), value.get("value-date")), ("120.50", "AZN", "2016-09-01"))
        self.assertEqual(transactions[2].find("transaction-date").get("iso-date"), "2016-09-01")

    def test_export_of_demo_like_supports_has_no_problems(self):
        support(self.education, donor=self.osce, implementer=self.ngo, status="implementation", end_on=None)
        support(
            self.ministry,
            donor=self.iom,
            implementer=self.other_ngo,
            status="implementation",
            start_on=datetime.date(2016, 1, 1),
            end_on=datetime.date(2018, 12, 31),
            currency="EUR",
            transactions=COMMITTED,
        )
        support(self.ministry, donor=self.iom, implementer=self.ministry, status="pipeline", amount_committed=None)
        content = export(DonorSupport.objects.select_related("donor").prefetch_related("transactions"), now=NOW)
        self.assertEqual(iati_problems(content, today=TODAY), [])
        self.assertEqual(len(ET.fromstring(content).findall("iati-activity")), 4)

    def test_export_made_now_has_no_problems_today(self):
        content = iati_activities_xml(
            loaded(self.closed), reporting_org_ref=settings.IATI_REPORTING_ORG_REF, reporting_org_name="Coordinator"
        )
        self.assertEqual(iati_problems(content), [])


def _set(path, attribute, value):
    def change(activity):
        activity.find(path).set(attribute, value)

    return change


def _remove(path):
    def change(activity):
        for parent in activity.iter():
            for child in parent.findall(path):
                parent.remove(child)

    return change


def _add(tag, attributes, under=None):
    def change(activity):
        parent = activity.find(under) if under else activity
        ET.SubElement(parent, tag, attributes)

    return change


def _both(*changes):
    def change(activity):
        for each in changes:
            each(activity)

    return change


def _dates(*pairs):
    def change(activity):
        for element in activity.findall("activity-date"):
            activity.remove(element)
        for date_type, day in pairs:
            ET.SubElement(activity, "activity-date", {"type": date_type, "iso-date": day})

    return change


def _text(path, text):
    def change(activity):
        activity.find(path).text = text

    return change


def _unnamed_participant(activity):
    org = activity.find("participating-org")
    org.attrib.pop("ref", None)
    for narrative in org.findall("narrative"):
        org.remove(narrative)


class IatiProblemsTest(BaseTestCase):
    """Each rule, broken by hand in an otherwise good file, is reported."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        entry = support(
            cls.ministry, donor=donor(cls.coordinator_org), implementer=cls.ministry, transactions=COMMITTED
        )
        cls.document = export(loaded(entry))

    def problems_after(self, change) -> list[str]:
        root = ET.fromstring(self.document)
        change(root.find("iati-activity"))
        return iati_problems(ET.tostring(root), today=TODAY)

    def test_the_file_as_exported_has_no_problem(self):
        self.assertEqual(iati_problems(self.document, today=TODAY), [])

    def test_each_broken_rule_is_reported(self):
        cases = [
            ("title missing", _remove("title"), "<title> is missing"),
            ("identifier missing", _remove("iati-identifier"), "<iati-identifier> is missing"),
            ("activity status missing", _remove("activity-status"), "<activity-status> is missing"),
            ("empty title", _text("title/narrative", " "), "<title> has no narrative text"),
            ("reporting org without ref", lambda a: a.find("reporting-org").attrib.pop("ref"), "has no @ref"),
            ("foreign identifier", _text("iati-identifier", "GB-GOV-1-123"), "does not start with"),
            ("identifier with slash", _text("iati-identifier", f"{REF}-12/3"), "contains /, &, | or ?"),
            ("no start", _dates(("3", "2017-06-30")), "There is no start date"),
            ("planned order", _dates(("1", "2017-06-30"), ("3", "2016-01-01")), "planned start 2017-06-30 is after"),
            ("actual order", _dates(("2", "2017-06-30"), ("4", "2016-01-01")), "actual start 2017-06-30 is after"),
            ("actual in future", _dates(("2", "2018-03-02")), "actual date 2018-03-02 (type 2) is in the future"),
            (
                "transaction in future",
                _set("transaction/transaction-date", "iso-date", "2018-04-01"),
                "transaction date 2018-04-01 is in the future",
            ),
            ("bad date", _set("activity-date", "iso-date", "2016-13-45"), "has no valid @iso-date"),
            ("budget order", _set("budget/period-end", "iso-date", "2016-01-01"), "after it ends on 2016-01-01"),
            ("budget too long", _set("budget/period-end", "iso-date", "2017-03-01"), "longer than one year"),
            ("budget without end", _remove("period-end"), "<period-end> is missing"),
            (
                "no currency",
                _both(
                    lambda a: a.attrib.pop("default-currency"), lambda a: a.find("budget/value").attrib.pop("currency")
                ),
                "A <value> in <budget> has no @currency",
            ),
            ("unnamed participant", _unnamed_participant, "neither @ref nor a narrative"),
            ("role code", _set("participating-org", "role", "7"), "Participating organisation role 7 is not"),
            ("status code", _set("activity-status", "code", "9"), "Activity status 9 is not"),
            ("date type code", _set("activity-date", "type", "5"), "Activity date type 5 is not"),
            ("transaction code", _set("transaction/transaction-type", "code", "99"), "Transaction type 99 is not"),
            ("percentages", _set("recipient-country", "percentage", "60"), "add up to 60, not 100"),
            (
                "two countries without percentages",
                _both(
                    _remove("recipient-country"),
                    _add("recipient-country", {"code": "AZ"}),
                    _add("recipient-country", {"code": "GE"}),
                ),
                "add up to 0, not 100",
            ),
            ("no recipient", _remove("recipient-country"), "no recipient country or region"),
            (
                "recipient at both levels",
                _add("recipient-country", {"code": "AZ"}, under="transaction"),
                "both for the activity and for transactions",
            ),
            ("no sector", _remove("sector"), "There is no <sector>"),
        ]
        for name, change, expected in cases:
            with self.subTest(name):
                problems = self.problems_after(change)
                self.assertTrue(any(expected in problem for problem in problems), problems)

    def test_problems_name_their_activity(self):
        problems = self.problems_after(_set("activity-status", "code", "9"))
        identifier = ET.fromstring(self.document).findtext("iati-activity/iati-identifier")
        self.assertEqual(problems, [f"{identifier}: Activity status 9 is not in the IATI code list."])

    def test_values_with_their_own_currency_need_no_default_currency(self):
        self.assertEqual(self.problems_after(lambda a: a.attrib.pop("default-currency")), [])

    def test_a_single_recipient_country_needs_no_percentage(self):
        self.assertEqual(self.problems_after(lambda a: a.find("recipient-country").attrib.pop("percentage")), [])

    def test_a_file_that_is_not_xml_or_not_iati_is_reported(self):
        self.assertIn("not well-formed XML", iati_problems(b"<iati-activities>")[0])
        self.assertEqual(iati_problems(b"<activities/>"), ["The root element is not <iati-activities>."])


class IatiDownloadTest(BaseTestCase):
    URL = "/partners/donor-support/iati.xml"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.iom = donor(cls.coordinator_org)
        cls.osce = donor(cls.coordinator_org, name="OSCE", iati_ref="")
        cls.police = support(cls.ministry, donor=cls.iom, implementer=cls.ministry, title="Police manuals")
        cls.schools = support(cls.education, donor=cls.osce, implementer=cls.education, title="School talks")

    def titles(self, response) -> list[str]:
        return [a.findtext("title/narrative") for a in ET.fromstring(response.content).findall("iati-activity")]

    def test_coordinator_and_observer_download_the_file_with_the_lists_filters(self):
        for user in (self.alice, self.olga):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.URL)
                self.assertEqual(response["Content-Type"], "application/xml")
                self.assertIn("attachment", response["Content-Disposition"])
                self.assertEqual(self.titles(response), ["Police manuals", "School talks"])
                self.assertEqual(self.titles(self.client.get(self.URL, {"donor": self.osce.pk})), ["School talks"])
                self.assertEqual(self.titles(self.client.get(self.URL, {"q": "police"})), ["Police manuals"])

    def test_downloaded_file_has_no_problems(self):
        self.login(self.alice)
        self.assertEqual(iati_problems(self.client.get(self.URL).content), [])

    @override_settings(IATI_REPORTING_ORG_REF="XM-EXAMPLE-9", IATI_REPORTING_ORG_NAME="Coordinator's office")
    def test_reporting_organisation_comes_from_the_settings(self):
        self.login(self.alice)
        activity = ET.fromstring(self.client.get(self.URL).content).find("iati-activity")
        self.assertEqual(activity.find("reporting-org").get("ref"), "XM-EXAMPLE-9")
        self.assertEqual(activity.findtext("reporting-org/narrative"), "Coordinator's office")
        self.assertTrue(activity.findtext("iati-identifier").startswith("XM-EXAMPLE-9-"))

    def test_reporting_organisation_has_a_placeholder_default(self):
        self.login(self.alice)
        activity = ET.fromstring(self.client.get(self.URL).content).find("iati-activity")
        self.assertEqual(activity.find("reporting-org").get("ref"), settings.IATI_REPORTING_ORG_REF)

    def test_focal_points_and_other_roles_are_refused(self):
        for user in (self.bob, self.frank, self.carol, self.hana, self.paul, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.URL).status_code, 403)

    def test_download_query_count_does_not_grow_with_the_supports(self):
        self.login(self.alice)
        counts = []
        for _round in range(2):
            for number in range(10):
                support(
                    self.ministry, donor=self.iom, implementer=self.ministry, title=f"S{number}", transactions=COMMITTED
                )
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(self.URL).status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[0], 10)


class ExportIatiCommandTest(BaseTestCase):
    def test_command_writes_every_support_as_a_checked_file(self):
        support(self.ministry, donor=donor(self.coordinator_org), implementer=self.ministry, transactions=COMMITTED)
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "iati.xml"
            call_command("export_iati", "-o", str(path), stdout=io.StringIO())
            content = path.read_bytes()
        self.assertEqual(len(ET.fromstring(content).findall("iati-activity")), 1)
        self.assertEqual(iati_problems(content), [])

    def test_command_fails_on_a_file_that_breaks_the_rules(self):
        entry = support(self.ministry, donor=donor(self.coordinator_org), implementer=self.ministry)
        # Written directly: the form would refuse a transaction dated in the future.
        Transaction.objects.create(
            support=entry, kind="disbursement", date=timezone.localdate() + datetime.timedelta(days=3), value=1
        )
        with (
            tempfile.TemporaryDirectory() as directory,
            self.assertRaisesMessage(CommandError, "1 problems with IATI's rules"),
        ):
            call_command("export_iati", "-o", str(Path(directory) / "iati.xml"), stderr=io.StringIO())
