"""The API against its own OpenAPI schema, with schemathesis: for every operation, requests generated from the schema
(a bounded number, derandomised, so that a run is repeatable) as the National Coordinator, a case worker and a focal
point, each signed in with the second factor passed. No answer may be a server error, and every answer must be one
the schema documents: its status, its content type, its headers and its body.

The requests run in-process through Django's WSGI handler, inside the test's transaction, on data like a real
installation's: the bundled plan, an open round with its expected reports (one submitted), cases with a reflection
period, consents and referrals, and an entry in every register. Half of the requests name those objects in their
path; the others a generated id, which is a 404. Writes (POST, PUT, PATCH) run too, with the session cookie and the
CSRF token a browser sends, so that they reach the views instead of the CSRF refusal; the test database is thrown
away afterwards.

There is no sign-in through the API (sessions come from the login pages), so login throttling (django-axes) never
sees these requests and needs no relaxing here.
"""

import datetime
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases import services as case_services
from cases.models import Case, Referral, ReflectionPeriod
from hotline.tests.base import call
from lib.registers import REGISTERS
from monitoring import services as monitoring_services
from monitoring.models import ProgressReport, ReportingRound
from monitoring.tests.base import MonitoringTestCase
from partners.tests.helpers import cooperation, donor, meeting, support
from prevention.models import AwarenessActivity, LabourInspection, MediaFinding, Research
from prevention.tests.test_trainings import training
from prosecution.tests.base import criminal_case

# Requests per operation and user: with three users and 87 operations, about 2,100 requests and 80 seconds on two
# cores. Deeper runs (40 per operation, and invalid data as well) found nothing more.
EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class InProcessApp:
    """Django's WSGI handler as Django's test client runs it: inside the test's transaction, on its connection.

    Each request runs in a savepoint, so that a database error (on PostgreSQL it aborts the transaction) fails that
    request alone. Errors are kept with their tracebacks, to be shown with the server error they caused.
    """

    def __init__(self):
        self.handler = WSGIHandler()
        self.errors: list[str] = []

    def __call__(self, environ, start_response):
        body = b""
        # The handler would otherwise close the connection that holds the test's data, as the test client knows.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
        try:
            with transaction.atomic():
                response = self.handler(environ, start_response)
                body = b"".join(response)
                response.close()
        except DatabaseError:
            pass  # the savepoint is rolled back; the answer is already the 500 that the checks report
        finally:
            for signal in (request_started, request_finished):
                signal.connect(close_old_connections)
        return [body]

    def record_error(self, sender, request=None, **kwargs) -> None:
        self.errors.append(traceback.format_exc())


@dataclass
class Finding:
    operation: str
    user: str
    report: str
    errors: list[str]

    def __str__(self) -> str:
        return "\n".join([f"{self.operation} as {self.user}:", self.report, *self.errors[-1:]])


@dataclass
class Run:
    examples: int = 0
    statuses: dict = field(default_factory=lambda: defaultdict(Counter))  # operation → status → answers
    csrf_refusals: int = 0
    findings: dict = field(default_factory=dict)  # (operation, failure) → the first Finding

    def answered(self, operation: str) -> bool:
        return any(200 <= status < 300 for status in self.statuses[operation])


class SchemaConformanceTests(MonitoringTestCase):
    """The cast, the plan and its 2015 round (MonitoringTestCase), with cases, referrals and register entries."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = datetime.date.today()
        case = case_services.case_create(
            actor=cls.carol,
            person={"given_name": "Aynur", "family_name": "Quliyeva", "sex": "female", "year_of_birth": 1998},
            source="ngo",
            exploitation_forms=["forced_labour"],
        )
        case_services.case_change_status(case=case, actor=cls.carol, to_status="presumed", reason="Indicators.")
        case_services.consent_record(case=case, actor=cls.carol, purpose="referral", given=True, given_on=today)
        case_services.referral_send(case=case, actor=cls.carol, to_organisation=cls.ministry, services="shelter")
        # Dan's case, referred to Carol's NGO and waiting for its answer.
        referred = case_services.case_create(
            actor=cls.dan, person={"given_name": "Leyla", "sex": "female", "estimated_age": 15}, source="hotline"
        )
        case_services.consent_record(case=referred, actor=cls.dan, purpose="referral", given=True, given_on=today)
        case_services.referral_send(case=referred, actor=cls.dan, to_organisation=cls.ngo, services="care")
        reports = ProgressReport.objects.filter(round=cls.round, organisation=cls.ministry, measure__recurring=False)
        report = reports.order_by("pk").first()
        monitoring_services.report_update(report=report, actor=cls.bob, progress="limited", narrative="Begun.")
        monitoring_services.report_submit(report=report, actor=cls.bob)
        training(cls.ministry)
        call(cls.ministry)
        criminal_case(cls.prosecutor_office)
        support(cls.ministry, donor=donor(cls.ministry), implementer=cls.ngo)
        meeting(cls.ministry)
        cooperation(cls.ministry)
        day = datetime.date(2016, 4, 1)
        for entry in (
            AwarenessActivity(started_on=day, kind="event", title="Safe migration", channel="public"),
            Research(kind="survey", title="Labour migration", started_on=day),
            LabourInspection(started_on=day, inspections=12),
            MediaFinding(found_on=day, source="website", address="example.org/jobs", reason="A visa for a fee."),
        ):
            entry.organisation = cls.ministry
            entry.full_clean()
            entry.save()

    def setUp(self):
        self.app = InProcessApp()
        got_request_exception.connect(self.app.record_error)
        self.addCleanup(got_request_exception.disconnect, self.app.record_error)
        self.known = self.known_objects()

    def schema(self):
        """The schema as the API serves it (to signed-in users)."""
        self.client = Client()
        self.login(self.alice)
        return schemathesis.openapi.from_dict(self.client.get("/api/schema/?format=json").json())

    def credentials(self, user) -> tuple[dict, dict]:
        """The cookies and headers a browser sends for `user`: the session, and the CSRF cookie with its token.

        Given on every call, so that they replace the random `sessionid` cookie that the schema's cookie security
        scheme makes schemathesis generate."""
        self.client = Client()
        self.login(user)
        request = HttpRequest()
        token = get_token(request)
        cookies = {"sessionid": self.client.cookies["sessionid"].value, "csrftoken": request.META["CSRF_COOKIE"]}
        return cookies, {"X-CSRFToken": token}

    def known_objects(self) -> dict[str, list]:
        """Ids of objects of the test data, by the collection under /api/ that serves them."""
        rounds = list(ReportingRound.objects.values_list("pk", flat=True))
        reports = ProgressReport.objects.filter(organisation=self.ministry)
        known = {
            "cases": [str(uid) for uid in Case.objects.values_list("uid", flat=True)],
            "referrals": [str(uid) for uid in Referral.objects.values_list("uid", flat=True)],
            # The ministry's, which its focal point may read and write: the submitted one, then drafts.
            "reports": list(reports.order_by("-status", "pk").values_list("pk", flat=True)[:10]),
            "rounds": rounds,
            "dashboard": rounds,
            "plans": [self.plan.pk],
            "directions": list(self.plan.directions.values_list("pk", flat=True)[:5]),
            "measures": list(self.plan.measures.values_list("pk", flat=True)[:10]),
            "organisations": [self.ministry.pk, self.ngo.pk],
        }
        for register in REGISTERS.values():
            known[register.name] = [str(uid) for uid in register.model.objects.values_list("uid", flat=True)]
        return known

    def known_path_parameters(self, operation) -> list[dict]:
        names = [parameter.name for parameter in operation.path_parameters]
        if not names:
            return []
        if "period_id" in names:
            periods = ReflectionPeriod.objects.select_related("case")
            return [{"uid": str(period.case.uid), "period_id": period.pk} for period in periods]
        collection = operation.path.split("/")[2]
        return [{names[0]: value} for value in self.known.get(collection, [])]

    def strategy(self, operation):
        """Generated requests; for an operation on one object, half of them name an object of the test data."""
        generated = operation.as_strategy()
        known = self.known_path_parameters(operation)
        if not known:
            return generated
        return st.one_of(generated, st.sampled_from(known).flatmap(lambda p: operation.as_strategy(path_parameters=p)))

    def run_as(self, user) -> Run:
        run = Run()
        schema = self.schema()
        cookies, headers = self.credentials(user)
        for result in schema.get_all_operations():
            self.run_operation(result.ok(), run, user, cookies=cookies, headers=headers)
        return run

    def run_operation(self, operation, run: Run, user, *, cookies: dict, headers: dict) -> None:
        # No shrinking: a failure is reported as first met, and the run stays bounded. A request takes tens of
        # milliseconds and a body can be large, which Hypothesis's health checks would take for a slow strategy.
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
                HealthCheck.data_too_large,
                HealthCheck.large_base_example,
            ],
        )
        @given(case=self.strategy(operation))
        def check(case):
            run.examples += 1
            errors = len(self.app.errors)
            response = case.call(app=self.app, headers=headers, cookies=cookies)
            run.statuses[operation.label][response.status_code] += 1
            run.csrf_refusals += response.status_code == 403 and b"CSRF Failed" in response.content
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:
                for failure in group.exceptions:
                    run.findings.setdefault(
                        (operation.label, failure.title),
                        Finding(operation.label, user.username, str(group).strip(), self.app.errors[errors:]),
                    )

        check()

    def assert_conforms(self, user, *, reaches: list[str]) -> None:
        """Every answer to `user` is documented. The run really was signed in: `reaches` (operations of the user's
        role) answered 2xx at least once, some write succeeded, and no write was refused for want of a CSRF token."""
        run = self.run_as(user)
        self.assertGreaterEqual(len(run.statuses), 87)
        self.assertGreaterEqual(run.examples, EXAMPLES * len(run.statuses) // 2)
        for label in reaches:
            self.assertTrue(run.answered(label), f"{label}: {dict(run.statuses[label])}")
        self.assertTrue(any(run.answered(label) for label in run.statuses if not label.startswith("GET ")))
        self.assertEqual(run.csrf_refusals, 0)
        report = "\n\n".join(str(finding) for finding in run.findings.values())
        self.assertEqual(len(run.findings), 0, f"{len(run.findings)} kinds of undocumented answer:\n\n{report}")

    def test_the_coordinator_gets_only_documented_answers(self):
        self.assert_conforms(
            self.alice, reaches=["GET /api/cases/", "GET /api/reports/{id}/", "GET /api/dashboard/{round_id}/"]
        )

    def test_a_case_worker_gets_only_documented_answers(self):
        self.assert_conforms(self.carol, reaches=["GET /api/cases/", "GET /api/referrals/"])

    def test_a_focal_point_gets_only_documented_answers(self):
        self.assert_conforms(
            self.bob, reaches=["GET /api/trainings/{uid}/", "GET /api/reports/{id}/", "GET /api/dashboard/{round_id}/"]
        )
