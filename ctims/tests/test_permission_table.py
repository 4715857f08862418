"""The permission table (ctims/access.py) covers every route, and every route behaves as it says.

The matrix: one user of every role — and, for roles limited to their own organisation, one of the organisation that
holds the object and one of another — plus a user with no role and an anonymous visitor, against every route of the
project, reading (GET) and writing (POST, or PATCH for an API entry). A refused request is a 403 or a 404 (a login
redirect for the anonymous visitor), writes nothing to the database and shows nothing of the objects; an allowed
request gets past the permission checks (whatever the empty form then says). Lists show an object to exactly those
the table lets reach it.
"""

import datetime
import re

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from cases.api import REASON_HEADER
from cases.models import Referral
from cases.services import case_change_status, case_create
from ctims import access
from ctims.testing import PlanTestCase, make_user
from hotline.tests.base import call
from monitoring.models import Need, ProgressReport, ReportAttachment
from monitoring.tests.base import open_round
from organisations.models import Organisation
from partners.tests.helpers import cooperation, donor, meeting, support
from prevention.models import AwarenessActivity, LabourInspection, MediaFinding, Research
from prevention.tests.test_trainings import training
from prosecution.tests.base import criminal_case
from reports.build import report_build
from reports.models import IssuedReport


class TableTests(PlanTestCase):
    def test_every_route_has_a_declared_policy_and_every_policy_a_route(self):
        names = {name for name, _route, _pattern in access.url_patterns() if not name.startswith("admin:")}
        self.assertNotIn("", names, "a route without a name cannot be declared")
        self.assertEqual(names - access.ROUTES.keys(), set(), "routes missing from ctims/access.py")
        self.assertEqual(access.ROUTES.keys() - names, set(), "ctims/access.py declares routes that do not exist")

    def test_every_route_for_roles_names_the_permission_it_checks(self):
        """A view open to roles names a permission (function views) or checks one (API views); open views are
        only those the table declares open."""
        for name, _route, pattern in access.url_patterns():
            if name.startswith("admin:"):
                continue
            policy = access.ROUTES[name]
            view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
            with self.subTest(route=name):
                if policy.anonymous or policy.signed_in:
                    continue
                if view is None:
                    self.assertTrue(getattr(pattern.callback, "required_permission", None))
                else:
                    self.assertTrue(hasattr(view, "required_permission") or hasattr(view, "required_permissions"))

    def test_docs_permissions_md_is_the_table_as_it_is(self):
        from django.conf import settings
        from django.utils import translation

        from ctims.management.commands.permission_table import table

        with translation.override("en"):
            expected = table()
        written = (settings.BASE_DIR / "docs" / "permissions.md").read_text()
        self.assertEqual(written, expected, "run: manage.py permission_table > docs/permissions.md")
        self.assertIn("| `cases-detail` | `/cases/<uuid:uid>/` |", written)

    def test_the_table_names_only_roles_and_scopes(self):
        for name, policy in access.ROUTES.items():
            with self.subTest(route=name):
                self.assertLessEqual(set(policy.read) | set(policy.write), set(Role.values))
                self.assertLessEqual(set(policy.read.values()) | set(policy.write.values()), set(access.SCOPES))
                self.assertFalse((policy.anonymous or policy.signed_in) and (policy.read or policy.write))


MARK = "Zx7"  # starts every text the fixtures write, so that a leak of any of them shows


@override_settings(AXES_ENABLED=False)
class MatrixTestCase(PlanTestCase):
    """Objects of every kind, each held by one organisation, and a second user for the organisation-bound roles."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        main_department = Organisation.objects.create(
            name="Main Department for Combating Trafficking in Human Beings", kind="service", parent=cls.ministry
        )
        cls.ivan = make_user("ivan", main_department, Role.IDENTIFICATION_OFFICER)
        cls.pavel = make_user("pavel", cls.ministry, Role.PROSECUTION_ANALYST)

        reporting_round = open_round(cls.plan, cls.alice, 2015)
        report = ProgressReport.objects.filter(round=reporting_round, organisation=cls.ministry).first()
        ProgressReport.objects.filter(pk=report.pk).update(status="submitted")
        report.refresh_from_db()
        attachment = ReportAttachment(
            report=report, original_name=f"{MARK}-minutes.pdf", content_type="application/pdf", size=8,
            uploaded_by=cls.bob,
        )  # fmt: skip
        attachment.file.save("minutes.pdf", ContentFile(b"%PDF-1.4"), save=False)
        attachment.save()
        need = Need.objects.create(report=report, kind="funding", description=f"{MARK} need", raised_by=cls.bob)

        case = case_create(
            actor=cls.carol,
            person={"given_name": f"{MARK}aynur", "family_name": "Quliyeva", "sex": "female", "year_of_birth": 1998},
            source="ngo",
            exploitation_forms=["forced_labour"],
        )
        case_change_status(case=case, actor=cls.carol, to_status="presumed", reason="Indicators met.")
        period = case.reflection_periods.get()
        referral = Referral.objects.create(
            case=case, from_organisation=cls.ngo, to_organisation=cls.other_ngo, services=f"{MARK} shelter",
            sent_by=cls.carol,
        )  # fmt: skip

        day = datetime.date(2016, 5, 10)
        entries = {
            "trainings": training(cls.ministry, topic=f"{MARK} training"),
            "awareness": AwarenessActivity.objects.create(
                organisation=cls.ministry, started_on=day, kind="film", title=f"{MARK} film", channel="sea_port"
            ),
            "research": Research.objects.create(
                organisation=cls.ministry, started_on=day, kind="survey", title=f"{MARK} survey"
            ),
            "inspections": LabourInspection.objects.create(
                organisation=cls.ministry, started_on=day, region=f"{MARK} region", inspections=3
            ),
            "media-findings": MediaFinding.objects.create(
                organisation=cls.ministry,
                found_on=day,
                source="website",
                address="https://x.example",
                reason=f"{MARK} advert",
            ),  # fmt: skip
            "calls": call(cls.ministry, summary=f"{MARK} call"),
            "criminal-cases": criminal_case(cls.prosecutor_office, number=f"{MARK}/2016"),
            "meetings": meeting(cls.coordinator_org, agenda=f"{MARK} agenda"),
            "cooperation": cooperation(cls.ministry, title=f"{MARK} cooperation"),
        }
        entries["donors"] = donor(cls.coordinator_org, name=f"{MARK} donor")
        entries["donor-support"] = support(
            cls.ministry, donor=entries["donors"], implementer=cls.ministry, title=f"{MARK} support"
        )
        content = report_build(year=2016, edition="restricted", language="en").to_dict()
        issued = IssuedReport.objects.create(
            year=2016, edition="restricted", version=1, language="en", content=content, pdf=b"%PDF-1.4", docx=b"",
            xlsx=b"", issued_by=cls.alice,
        )  # fmt: skip

        # For every route: its URL arguments, and the object it reaches with the organisation that holds it.
        report_target = ({"report_id": report.pk}, report, cls.ministry)
        case_target = ({"uid": case.uid}, case, cls.ngo)
        cls.targets = {
            "plans-detail": {"plan_id": cls.plan.pk},
            "plans-export-xlsx": {"plan_id": cls.plan.pk},
            "plans-export-csv": {"plan_id": cls.plan.pk},
            "plans-measure": {"measure_id": report.measure_id},
            "organisations-detail": {"organisation_id": cls.ministry.pk},
            "monitoring-round": {"round_id": reporting_round.pk},
            "monitoring-round-close": {"round_id": reporting_round.pk},
            "monitoring-status-export": {"round_id": reporting_round.pk, "fmt": "csv"},
            "monitoring-compliance-export": {"round_id": reporting_round.pk, "fmt": "csv"},
            "monitoring-report": report_target,
            "monitoring-report-edit": report_target,
            "monitoring-report-submit": report_target,
            "monitoring-report-review": report_target,
            "monitoring-attachment-upload": report_target,
            "monitoring-need-create": report_target,
            "monitoring-attachment": ({"token": attachment.token}, report, cls.ministry),
            "monitoring-attachment-delete": ({"token": attachment.token}, report, cls.ministry),
            "monitoring-need": ({"need_id": need.pk}, report, cls.ministry),
            "cases-detail": case_target,
            "cases-status": case_target,
            "cases-assess": case_target,
            "cases-consent": case_target,
            "cases-refer": case_target,
            "cases-period-extend": ({"uid": case.uid, "period_id": period.pk}, case, cls.ngo),
            "cases-period-decide": ({"uid": case.uid, "period_id": period.pk}, case, cls.ngo),
            "cases-care": ({"uid": case.uid, "action": "service"}, case, cls.ngo),
            "cases-referral-answer": ({"uid": referral.uid}, referral, cls.other_ngo),
            "reports-draft": {"fmt": "xlsx"},
            "reports-issued": ({"uid": issued.uid}, issued, cls.coordinator_org),
            "reports-issued-file": ({"uid": issued.uid, "fmt": "pdf"}, issued, cls.coordinator_org),
            "api-dashboard": {"round_id": reporting_round.pk},
            "plan-detail": {"pk": cls.plan.pk},
            "direction-detail": {"pk": cls.plan.directions.first().pk},
            "measure-detail": {"pk": report.measure_id},
            "organisation-detail": {"pk": cls.ministry.pk},
            "round-detail": {"pk": reporting_round.pk},
            "round-close": {"pk": reporting_round.pk},
            "report-detail": ({"pk": report.pk}, report, cls.ministry),
            "report-submit": ({"pk": report.pk}, report, cls.ministry),
            "report-accept": ({"pk": report.pk}, report, cls.ministry),
            "report-return": ({"pk": report.pk}, report, cls.ministry),
            "case-detail": case_target,
            "case-status": case_target,
            "case-indicators": case_target,
            "case-consents": case_target,
            "case-referrals": case_target,
            "case-period-extend": ({"uid": case.uid, "period_id": period.pk}, case, cls.ngo),
            "case-period-decide": ({"uid": case.uid, "period_id": period.pk}, case, cls.ngo),
            "referral-answer": ({"uid": referral.uid}, referral, cls.other_ngo),
        }
        for name, entry in entries.items():
            target = ({"uid": entry.uid}, entry, entry.organisation)
            cls.targets |= {f"{name}-detail": target, f"{name}-edit": target, f"api-{name}-detail": target}
        # Query strings some pages need.
        cls.queries = {"reports-preview": "?year=2016&edition=public", "reports-draft": "?year=2016&edition=public"}
        # Lists that show an object: they must show it to exactly those who reach it.
        cls.listed = {
            "cases-list": (case, cls.ngo, case.reference),
            "case-list": (case, cls.ngo, case.reference),
            "cases-referrals": (referral, cls.other_ngo, f"{MARK} shelter"),
            "referral-list": (referral, cls.other_ngo, f"{MARK} shelter"),
            "monitoring-needs": (report, cls.ministry, f"{MARK} need"),
            # Register lists link each entry by its uid.
            **{f"{name}-list": (entry, entry.organisation, str(entry.uid)) for name, entry in entries.items()},
            **{f"api-{name}-list": (entry, entry.organisation, str(entry.uid)) for name, entry in entries.items()},
        }
        # (The uid of the case is not among them: a refused page may repeat its own address, in the language form.)
        cls.marks = [*MARKS.values(), case.reference, f"{MARK}aynur", f"{MARK} need", f"{MARK}-minutes"]

    def users(self):
        """(label, user or None for anonymous): one per role, two for the organisation-bound roles."""
        return [
            ("anonymous", None),
            ("no role", self.eve),
            ("coordinator", self.alice),
            ("focal point, ministry", self.bob),
            ("focal point, education", self.frank),
            ("case worker, NGO", self.carol),
            ("case worker, other NGO", self.dan),
            ("identification officer", self.ivan),
            ("observer", self.olga),
            ("system administrator", self.sam),
            ("hotline operator, ministry", self.hana),
            ("hotline operator, other NGO", self.hugo),
            ("prosecution analyst, prosecutor", self.paul),
            ("prosecution analyst, ministry", self.pavel),
        ]


# The text of each register entry that its list shows.
MARKS = {
    "trainings": f"{MARK} training",
    "awareness": f"{MARK} film",
    "research": f"{MARK} survey",
    "inspections": f"{MARK} region",
    "media-findings": f"{MARK} advert",
    "calls": f"{MARK} call",
    "criminal-cases": f"{MARK}/2016",
    "donors": f"{MARK} donor",
    "donor-support": f"{MARK} support",
    "meetings": f"{MARK} agenda",
    "cooperation": f"{MARK} cooperation",
}

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def reaches(scope: str, user, obj, holder) -> bool:
    """Whether `scope` lets `user` reach `obj`, held by the organisation `holder` — the table's words, in code."""
    if scope in (access.ANY, access.PSEUDONYMISED) or obj is None:
        return True
    if scope in (access.OWN, access.CASES):
        return user.organisation_id == holder.pk
    if scope == access.ACCEPTED:
        return obj.status == "accepted"
    if scope == access.PUBLIC_EDITION:
        return obj.edition == "public"
    raise AssertionError(scope)


def allowed(policy: access.Access, method: str, user, obj, holder) -> bool:
    if policy.anonymous or (policy.signed_in and user is not None):
        return True
    if user is None:
        return False
    roles = policy.read if method == "get" else policy.write
    return any(reaches(roles[role], user, obj, holder) for role in user.roles if role in roles)


class MatrixMixin:
    def route(self, name: str):
        target = self.targets.get(name, {})
        kwargs, obj, holder = target if isinstance(target, tuple) else (target, None, None)
        return reverse(name, kwargs=kwargs) + self.queries.get(name, ""), obj, holder

    def sign_in(self, user):
        self.client.logout()
        if user is not None:
            self.login(user)

    def request(self, method: str, url: str):
        """The request in a transaction rolled back afterwards: an allowed write changes nothing for the next one.
        A case is opened through the API with a reason (cases/api.py), as a user who did not register it must."""
        headers = {REASON_HEADER: "Checking who may read the case."}
        connection.queries_log.clear()  # a full log (9,000 queries) would capture nothing
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            if method == "patch":
                response = self.client.patch(url, {}, content_type="application/json", headers=headers)
            else:
                response = getattr(self.client, method)(url, headers=headers)
            transaction.set_rollback(True)
        return response, [q["sql"] for q in queries if WRITES.match(q["sql"])]

    def check(self, names):
        checked = 0
        for label, user in self.users():
            self.sign_in(user)
            for name in names:
                policy = access.ROUTES[name]
                url, obj, holder = self.route(name)
                methods = (["get"] if policy.read or policy.anonymous or policy.signed_in else []) + (
                    ["patch" if name.startswith("api-") and name.endswith("-detail") or name == "report-detail"
                     else "post"] if policy.write else []
                )  # fmt: skip
                for method in methods:
                    with self.subTest(user=label, route=name, method=method):
                        response, writes = self.request(method, url)
                        self.assertLess(response.status_code, 500)
                        if allowed(policy, method, user, obj, holder):
                            self.assertNotIn(response.status_code, (401, 403, 404), url)
                            self.assertFalse(_to_login(response), url)
                        else:
                            self.assertRefused(response, user, url)
                            self.assertEqual(writes, [], "a refused request wrote to the database")
                        if method == "get" and name in self.listed and response.status_code == 200:
                            self.assertListed(response, policy, user, name)
                    checked += 1
        return checked

    def assertRefused(self, response, user, url):
        if user is None:
            self.assertTrue(response.status_code in (401, 403) or _to_login(response), (response.status_code, url))
        else:
            self.assertIn(response.status_code, (403, 404), url)
        body = response.content.decode(errors="replace")
        self.assertEqual([mark for mark in self.marks if mark in body], [], "a refused request showed an object")

    def assertListed(self, response, policy, user, name):
        obj, holder, mark = self.listed[name]
        shown = mark in response.content.decode()
        self.assertEqual(shown, allowed(policy, "get", user, obj, holder), f"{mark!r} listed in {name}")


def _to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts-login"))


def _routes(prefix: tuple[str, ...], api: bool) -> list[str]:
    names = [n for n in access.ROUTES if n.startswith(prefix)]
    return [n for n in names if n.startswith(("api-", "plan-", "direction-", "measure-", "organisation-", "round-",
                                               "report-", "case-", "referral-")) == api]  # fmt: skip


class AccountAndPlanRouteTests(MatrixMixin, MatrixTestCase):
    def test_accounts_plans_organisations_and_registers(self):
        names = _routes(("accounts-", "home", "ping", "plans-", "organisations-", "registers", "set_language"), False)
        self.assertGreater(self.check([n for n in names if n not in ("accounts-logout", "accounts-login")]), 100)


class MonitoringRouteTests(MatrixMixin, MatrixTestCase):
    def test_monitoring_pages(self):
        self.assertGreater(self.check(_routes(("monitoring-",), False)), 200)


class CaseRouteTests(MatrixMixin, MatrixTestCase):
    def test_case_pages(self):
        self.assertGreater(self.check(_routes(("cases-",), False)), 150)


class RegisterRouteTests(MatrixMixin, MatrixTestCase):
    def test_register_pages(self):
        prefixes = tuple(f"{name}-" for name in access.REGISTER_ROUTES) + ("hotline-", "partners-", "donor-support-")
        self.assertGreater(self.check(_routes(prefixes, False)), 500)


class ReportRouteTests(MatrixMixin, MatrixTestCase):
    def test_annual_report_pages(self):
        self.assertGreater(self.check(_routes(("reports-",), False)), 50)


class ApiRouteTests(MatrixMixin, MatrixTestCase):
    def test_api(self):
        self.assertGreater(self.check(_routes(("",), True)), 500)
