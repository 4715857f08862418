"""SQL injection through the filters: every filter of every list page, download and API list endpoint gets the classic
payloads, from a reader who may use it.

For each, the answer must be no server error; no row the reader cannot see without any filter (other organisations'
rows never appear); when the filter accepts the value, no more rows than a harmless value of the same filter gives
(a payload that rewrote the query would widen it); when the filter refuses the value, the API answers 400, a page
says what is wrong and a register's page or download shows nothing; the value, when the page echoes it, only
escaped; and the database unchanged. The ordering and search parameters of Django REST framework and django-filter
(`ordering`, `o`, `search`), and `sort` with a lookup, change neither the list nor its order, even asked to sort by
`password`.

PostgreSQL refuses text with a NUL byte (psycopg raises DataError) where SQLite reads the text as ending there (so
that "\x00" in a search matches everything): a NUL must be refused before it reaches a query, and CI runs this module
on both databases.
"""

import csv
import datetime
import io
from decimal import Decimal
from xml.etree import ElementTree

from django.apps import apps
from django.db import models
from django.urls import reverse

from cases.models import Facility
from cases.services import case_create
from ctims.testing import BaseTestCase
from ctims.tests.test_attacks_xss import runnable_markup
from hotline.models import Call
from lib.registers import REGISTERS
from monitoring.models import Need, ProgressReport
from monitoring.tests.base import open_round
from partners.models import Cooperation, Donor, DonorSupport, FollowUpAction, Meeting
from plans.models import Direction, Measure, Participation, Plan
from prevention.models import AwarenessActivity, LabourInspection, MediaFinding, Research, Training
from prosecution.models import CriminalCase

PAYLOADS = (
    "' OR '1'='1",
    "1; DROP TABLE cases_case--",
    "1) OR (1=1",
    "%27",
    "\x00",
    "x" * 5000,
    "١٢٣ Ünïcödé 𝔘 ✓",  # Arabic-Indic digits, which int() reads as 123
    "9" * 30,  # an id beyond a 64-bit integer
    "\"'><script>alert(1)</script>",  # echoed into the filter form
)
# The payloads that reach a register's filters differently: SQL in text, a NUL byte, too long a value. The register
# pages and downloads filter with the code the register API runs every payload through (Register.filtered).
DOWNLOAD_PAYLOADS = ("' OR '1'='1", "\x00", "x" * 5000)
PAGE_PAYLOADS = (*DOWNLOAD_PAYLOADS, "\"'><script>alert(1)</script>")
HARMLESS = "nothing-matches-this"
# What Django REST framework's and django-filter's ordering and search backends read, were they switched on.
INJECTED_PARAMETERS = {
    "ordering": "password",
    "o": "-created_by__password",
    "search": "' OR '1'='1",
    "sort": "created_by__password",
}
# The apps whose rows must not change. The audit trail is left out: it records every read of a case.
DATA_APPS = ("accounts", "plans", "organisations", "monitoring", "cases", "prevention", "hotline", "prosecution",
             "partners", "reports")  # fmt: skip

D = datetime.date


def filter_parameters(register) -> tuple[str, ...]:
    """The query parameters of a register's filter form."""
    names = ["q", "organisation", "measure"]
    for name in register.filters:
        field = register.model._meta.get_field(name)
        dated = isinstance(field, models.DateField | models.DateTimeField)
        names += [f"{name}_from", f"{name}_to"] if dated else [name]
    return tuple(names)


def database_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.app_label in DATA_APPS
    }


def rows_of(response) -> list[str] | None:
    """The identities of every row the answer lists (all pages of it) in its order, or None for an answer that is no
    list."""
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json"):
        data = response.json()
        items = data.get("results") if isinstance(data, dict) else data
        if not isinstance(items, list):
            return None
        return [str(item.get("uid") or item.get("id") or item) for item in items]
    if content_type.startswith("text/csv"):
        lines = list(csv.reader(io.StringIO(response.content.decode())))
        return ["|".join(line) for line in lines[1:]]
    if content_type.startswith("application/xml"):
        root = ElementTree.fromstring(response.content)
        return [element.text for element in root.iter("iati-identifier")]
    context = response.context or {}
    if "page" in context and hasattr(context["page"], "paginator"):
        return [str(getattr(row, "pk", row)) for row in context["page"].paginator.object_list]
    rows = context.get("rows") if "rows" in context else None
    if isinstance(rows, list) and all(isinstance(row, tuple) and hasattr(row[0], "pk") for row in rows):
        return [str(row[0].pk) for row in rows]  # a table of (object, figures)
    return None


def refused(response) -> bool:
    """Whether the answer says that a filter value is not one it takes."""
    if response.status_code == 400:
        return True
    form = (response.context or {}).get("form")
    return bool(form is not None and form.is_bound and form.errors)


class Target:
    """One page or endpoint under attack, and the problems found so far."""

    def __init__(self, client, path: str, fixed: dict, name: str):
        self.client, self.path, self.fixed, self.name = client, path, fixed, name
        self.problems: list[str] = []

    def get(self, params: dict):
        response = self.client.get(self.path, {**self.fixed, **params})
        if response.status_code >= 500:
            self.problems.append(f"{self.name}: {params!r:.60} answers {response.status_code}")
        return response

    def rows(self, params: dict) -> set[str] | None:
        found = rows_of(self.get(params))
        return None if found is None else set(found)

    def check(self, parameter: str, payload: str, *, visible, harmless, strict: bool) -> None:
        response = self.get({parameter: payload})
        where = f"{self.name}: {parameter}={payload!r:.40}"
        if "html" in response.get("Content-Type", "") and (found := runnable_markup(response.content.decode())):
            self.problems.append(f"{where} is echoed as markup {found}")
        rows = rows_of(response) if response.status_code < 500 else None
        rows = None if rows is None else set(rows)
        if rows is None or visible is None:
            return
        if not rows <= visible:
            self.problems.append(f"{where} lists rows the reader does not see without filters")
        elif refused(response):
            if strict and rows:
                self.problems.append(f"{where} is refused, yet filters nothing")
        elif harmless is not None and not rows <= harmless:
            self.problems.append(f"{where} lists more rows than a harmless value")


class InjectionTestCase(BaseTestCase):
    """The cast, a small plan with a round, two organisations' rows in every list a reader sees only part of (cases,
    hotline calls, reports and needs), and an entry in every register."""

    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = Plan.objects.create(title="Plan", country="Azerbaijan", start_year=2016, end_year=2018)
        direction = Direction.objects.create(plan=cls.plan, number="13.1", title="Identification")
        cls.measure = Measure.objects.create(
            plan=cls.plan, direction=direction, number="13.1.1", text="Training", start_year=2016, end_year=2018
        )
        for organisation in (cls.ministry, cls.ngo):
            Participation.objects.create(measure=cls.measure, organisation=organisation, role="executor")
        cls.round = open_round(cls.plan, cls.alice, 2017)
        for report in ProgressReport.objects.filter(round=cls.round):
            Need.objects.create(report=report, kind="funding", description="Money", raised_by=cls.alice)
        cls.carol_case = case_create(actor=cls.carol, person={"sex": "female"}, source="ngo")
        cls.dan_case = case_create(actor=cls.dan, person={"sex": "male"}, source="ngo")
        Facility.objects.create(organisation=cls.ngo, name="Shelter", region="Baku", capacity=4)
        received = datetime.datetime(2017, 3, 1, 10, tzinfo=datetime.UTC)
        call = {"received_at": received, "channel": "phone", "caller_type": "third_party", "signal_type": "tip"}
        cls.hana_call = Call.objects.create(organisation=cls.ministry, summary="Call", action="none", **call)
        cls.hugo_call = Call.objects.create(organisation=cls.other_ngo, summary="Call", action="none", **call)
        cls.plant_registers()

    @classmethod
    def plant_registers(cls):
        ministry = {"organisation": cls.ministry}
        day = {"started_on": D(2017, 3, 1)}
        for held_on in (D(2017, 3, 1), D(2017, 4, 1)):  # two, so that an order asked for would show
            Training.objects.create(**ministry, held_on=held_on, topic="Training", audience="police", women=1)
        AwarenessActivity.objects.create(**ministry, **day, kind="booklet", title="Booklet", channel="media")
        Research.objects.create(**ministry, **day, kind="survey", title="Survey")
        LabourInspection.objects.create(**ministry, **day, region="Baku", inspections=1)
        MediaFinding.objects.create(**ministry, found_on=D(2017, 3, 1), source="website", address="a", reason="b")
        CriminalCase.objects.create(
            organisation=cls.prosecutor_office, number="1/2017", articles=["144-1"], opened_on=D(2017, 3, 1)
        )
        donor = Donor.objects.create(organisation=cls.coordinator_org, name="IOM", org_type="40")
        DonorSupport.objects.create(
            **ministry,
            title="Support",
            donor=donor,
            implementing_organisation=cls.ngo,
            support_types=["methodic"],
            start_on=D(2017, 1, 1),
            amount_committed=Decimal("10"),
        )
        meeting = Meeting.objects.create(organisation=cls.coordinator_org, body="commission", held_on=D(2017, 3, 1))
        FollowUpAction.objects.create(meeting=meeting, action="Act", responsible=cls.ngo, due_on=D(2017, 6, 1))
        Cooperation.objects.create(
            **ministry, kind="agreement", title="Agreement", partner="Georgia", date=D(2017, 1, 1)
        )

    def attack(self, reader, name: str, parameters, args=(), fixed=None, *, payloads=PAYLOADS, strict: bool = False):
        """Sends every payload in every parameter of the page or endpoint `name` as `reader`; returns the problems.
        `strict`: a refused value must leave the list empty (a register's page, download or API)."""
        self.login(reader)
        self.client.raise_request_exception = False  # a server error is a problem found, and the attack goes on
        target = Target(self.client, reverse(name, args=args), fixed or {}, f"{name} as {reader.username}")
        listed = rows_of(target.get({}))
        visible = None if listed is None else set(listed)
        for parameter in parameters:
            harmless = target.rows({parameter: HARMLESS})
            for payload in payloads:
                target.check(parameter, payload, visible=visible, harmless=harmless, strict=strict)
        for parameter, value in INJECTED_PARAMETERS.items():
            if rows_of(target.get({parameter: value})) != listed:
                target.problems.append(f"{target.name}: {parameter}={value} changes the list or its order")
        self.client.logout()
        return target.problems

    def assertNoInjection(self, attacks) -> None:
        before = database_counts()
        problems = [problem for attack in attacks for problem in self.attack(*attack[:3], **attack[3])]
        self.assertEqual(problems, [])
        self.assertEqual(database_counts(), before, "the attacks changed the database")


class PlanAndOrganisationFilterTests(InjectionTestCase):
    def test_plan_page_and_its_download_take_no_injection(self):
        parameters = ("q", "organisation", "role", "direction", "page", "per_page")
        self.assertNoInjection(
            [
                (self.bob, "plans-detail", parameters, {"args": [self.plan.pk]}),
                (self.bob, "plans-export-csv", parameters[:4], {"args": [self.plan.pk]}),
            ]
        )

    def test_organisation_list_takes_no_injection(self):
        self.assertNoInjection([(self.alice, "organisations-list", ("q", "kind", "sort", "page", "per_page"), {})])

    def test_plan_and_organisation_api_take_no_injection(self):
        self.assertNoInjection(
            [
                (self.bob, "plan-list", ("page", "per_page"), {}),
                (self.bob, "direction-list", ("plan",), {}),
                (self.bob, "measure-list", ("plan", "direction", "recurring", "organisation", "role", "q"), {}),
                (self.bob, "organisation-list", ("kind", "is_class", "q"), {}),
            ]
        )


class MonitoringFilterTests(InjectionTestCase):
    def test_monitoring_pages_take_no_injection(self):
        round_args = {"args": [self.round.pk]}
        self.assertNoInjection(
            [
                (self.alice, "monitoring-dashboard", ("round",), {}),
                (self.alice, "monitoring-round", ("direction", "status", "overdue"), round_args),
                (
                    self.alice,
                    "monitoring-status-export",
                    ("direction", "status", "overdue"),
                    {"args": [self.round.pk, "csv"]},
                ),  # fmt: skip
                (self.alice, "monitoring-rounds", ("page", "per_page"), {}),
            ]
        )

    def test_a_focal_point_sees_only_the_reports_and_needs_of_the_own_body_whatever_the_filter(self):
        parameters = ("round", "organisation", "measure", "flag", "expected", "page")
        self.assertNoInjection(
            [
                (self.bob, "monitoring-reports", parameters, {}),
                (self.bob, "monitoring-needs", ("state", "page"), {}),
                (self.alice, "monitoring-reports", parameters, {}),
            ]
        )

    def test_monitoring_api_takes_no_injection(self):
        parameters = ("round", "measure", "organisation", "status", "expected")
        self.assertNoInjection(
            [
                (self.alice, "round-list", ("plan", "state"), {}),
                (self.bob, "report-list", parameters, {}),
                (self.alice, "api-dashboard", ("page",), {"args": [self.round.pk]}),
            ]
        )


class CaseFilterTests(InjectionTestCase):
    def test_a_case_worker_sees_only_the_own_organisations_cases_whatever_the_filter(self):
        parameters = ("status", "form", "child", "owner", "facility", "page")
        self.assertNoInjection(
            [
                (self.dan, "cases-list", parameters, {}),
                (self.dan, "case-list", ("status", "form", "owner", "child"), {}),
                (self.alice, "cases-list", parameters, {}),
            ]
        )
        self.login(self.dan)
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                listed = self.client.get(reverse("case-list"), {"owner": payload}).content.decode()
                self.assertNotIn(str(self.carol_case.uid), listed)

    def test_referral_and_facility_lists_take_no_injection(self):
        self.assertNoInjection(
            [
                (self.dan, "cases-referrals", ("page", "per_page"), {}),
                (self.dan, "referral-list", ("page", "state"), {}),
                (self.carol, "cases-facilities", ("page", "per_page"), {}),
            ]
        )

    def test_the_reason_for_opening_someone_elses_case_takes_no_injection(self):
        """The case API takes the reason from the query string and writes it into the audit trail."""
        self.login(self.alice)
        self.client.raise_request_exception = False
        path = reverse("case-detail", args=[self.dan_case.uid])
        answers = {payload: self.client.get(path, {"reason": payload}).status_code for payload in PAYLOADS}
        self.assertEqual({payload: code for payload, code in answers.items() if code not in (200, 400)}, {})


class RegisterFilterTests(InjectionTestCase):
    """Registers share one filter machinery (lib.registers): its pages, downloads and API, and the IATI file."""

    def register_attacks(self, name: str, *, payloads=PAYLOADS, fixed=None) -> list:
        """Every register's own filters (`name` is "{}-list" or "api-{}-list"), from a reader of the register."""
        readers = {"calls": self.hugo, "criminal-cases": self.paul}
        options = {"payloads": payloads, "fixed": fixed, "strict": True}
        return [
            (readers.get(register.name, self.bob), name.format(register.name), filter_parameters(register), options)
            for register in REGISTERS.values()
        ]

    def test_register_api_takes_no_injection(self):
        self.assertNoInjection(self.register_attacks("api-{}-list"))

    def test_register_pages_take_no_injection(self):
        """Sorting and paging are the same code for every register: tried on one, with every payload."""
        self.assertNoInjection(
            [
                *self.register_attacks("{}-list", payloads=PAGE_PAYLOADS),
                (self.bob, "trainings-list", ("sort", "page", "per_page", "format"), {}),
            ]
        )

    def test_register_downloads_take_no_injection(self):
        self.assertNoInjection(self.register_attacks("{}-list", payloads=DOWNLOAD_PAYLOADS, fixed={"format": "csv"}))

    def test_an_operator_never_sees_another_organisations_calls_whatever_the_filter(self):
        self.login(self.hugo)
        self.client.raise_request_exception = False
        for parameter in filter_parameters(REGISTERS["calls"]):
            for payload in PAYLOADS:
                with self.subTest(parameter=parameter, payload=payload):
                    for name in ("calls-list", "api-calls-list"):
                        response = self.client.get(reverse(name), {parameter: payload})
                        self.assertLess(response.status_code, 500)
                        self.assertNotIn(str(self.hana_call.uid), response.content.decode())

    def test_the_iati_file_and_the_follow_up_list_take_no_injection(self):
        parameters = filter_parameters(REGISTERS["donor-support"])
        self.assertNoInjection(
            [
                (self.alice, "donor-support-iati", parameters, {"strict": True}),
                (self.alice, "partners-follow-up", ("responsible", "page"), {}),
            ]
        )


class FigureFilterTests(InjectionTestCase):
    def test_statistics_and_report_pages_take_no_injection(self):
        self.assertNoInjection(
            [
                (self.alice, "hotline-statistics", ("year",), {}),
                (self.hugo, "hotline-statistics", ("year",), {}),
                (self.alice, "reports-preview", ("year", "edition"), {"fixed": {"year": 2017, "edition": "public"}}),
                (self.alice, "reports-index", ("page",), {}),
            ]
        )
