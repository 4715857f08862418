"""`manage.py generate_synthetic`: valid data through the models, deterministic for a seed, never mixed with data."""

import datetime
import hashlib
import io
import re

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import TestCase
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.models import (
    AssistanceService,
    Case,
    Consent,
    ExploitationForm,
    Facility,
    Person,
    Placement,
    Referral,
    ReflectionPeriod,
    StatusChange,
)
from cases.services import next_reference
from ctims.synthetic import NOT_EMPTY, SCALES
from hotline.models import Call
from lib.crypto import TOKEN_PREFIX
from monitoring.models import ProgressReport, ReportingRound, ReportTransition
from organisations.models import Organisation
from partners.models import Donor, DonorSupport
from plans.importers import BUNDLED_PLAN, import_plan_file
from prevention.models import AwarenessActivity, Training
from prosecution.models import CriminalCase, Defendant
from prosecution.registers import criminal_case_check

DEMO = SCALES["demo"]
SAMPLE = 25
Status = Case.Status


def generate(seed: int) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("generate_synthetic", scale="demo", seed=seed, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def digest() -> str:
    """A fingerprint of the generated rows by their natural keys (never by primary keys or random tokens)."""
    rows = [
        *Case.objects.values_list(
            "reference", "status", "owner__name", "source", "scope", "created_at", "presumed_child", "person__sex",
            "person__year_of_birth", "person__citizenship",
        ),
        *ExploitationForm.objects.values_list("case__reference", "form"),
        *AssistanceService.objects.values_list(
            "case__reference", "kind", "provider__name", "starts_on", "ends_on", "outcome", "amount"
        ),
        *Referral.objects.values_list("case__reference", "to_organisation__name", "state", "sent_at"),
        *ProgressReport.objects.values_list(
            "round__year", "round__period_number", "measure__number", "organisation__name", "status", "progress",
            "late", "narrative",
        ),
        *ReportTransition.objects.values_list(
            "report__measure__number", "report__organisation__name", "to_status", "at"
        ),
        *Call.objects.values_list("uid", "received_at", "action", "channel", "case__reference"),
        *CriminalCase.objects.values_list("number", "stage", "opened_on", "judgment_on"),
        *Training.objects.values_list("held_on", "topic", "women", "men", "organisation__name"),
        *DonorSupport.objects.values_list("title", "start_on", "amount_committed", "donor__name"),
    ]  # fmt: skip
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


def digest_of_a_run(seed: int) -> str:
    """Generates in a transaction that is rolled back afterwards, so the next run starts from an empty database."""
    with transaction.atomic():
        generate(seed)
        result = digest()
        transaction.set_rollback(True)
    return result


class GeneratedDataTests(TestCase):
    """One demo run, checked against the models' rules and the scale table."""

    @classmethod
    def setUpTestData(cls):
        cls.stdout, cls.stderr = generate(seed=7)

    def test_counts_follow_the_scale_table(self):
        self.assertEqual(Case.objects.count(), DEMO.cases)
        self.assertEqual(Person.objects.count(), DEMO.cases)
        self.assertEqual(AssistanceService.objects.count(), DEMO.services)
        self.assertTrue(DEMO.reports / 2 <= ProgressReport.objects.count() <= DEMO.reports * 1.5)
        self.assertEqual(ReportingRound.objects.count(), 4 * DEMO.years)
        hotline_cases = Case.objects.filter(source=Case.Source.HOTLINE).count()
        self.assertEqual(Call.objects.count(), max(DEMO.calls, hotline_cases))
        self.assertEqual(CriminalCase.objects.count(), DEMO.criminal_cases)
        self.assertEqual(Training.objects.count(), DEMO.trainings)
        self.assertEqual(AwarenessActivity.objects.count(), DEMO.awareness)
        self.assertEqual(Donor.objects.count(), DEMO.donors)
        self.assertEqual(DonorSupport.objects.count(), DEMO.supports)

    def test_a_sample_of_every_model_passes_full_clean(self):
        models = [Person, Case, ExploitationForm, StatusChange, ReflectionPeriod, Consent, Referral, AssistanceService,
                  Placement, Facility, ReportingRound, ProgressReport, ReportTransition, Call, CriminalCase, Defendant,
                  Training, AwarenessActivity, Donor, DonorSupport, User]  # fmt: skip
        for model in models:
            sample = list(model.objects.order_by("pk")[:SAMPLE])
            self.assertTrue(sample, model)
            for instance in sample:
                with self.subTest(model=model._meta.label, pk=instance.pk):
                    instance.full_clean()

    def test_criminal_cases_keep_the_rules_across_their_rows(self):
        for criminal_case in CriminalCase.objects.all():
            criminal_case_check(criminal_case)
        self.assertTrue(Defendant.objects.filter(outcome=Defendant.Outcome.CONVICTED).exists())

    def test_statuses_are_mixed(self):
        self.assertGreaterEqual(len(set(Case.objects.values_list("status", flat=True))), 4)
        report_statuses = set(ProgressReport.objects.values_list("status", flat=True))
        self.assertEqual(report_statuses, set(ProgressReport.Status.values))
        self.assertTrue(ProgressReport.objects.filter(late=True).exists())
        self.assertTrue(ProgressReport.objects.filter(late=False, status=ProgressReport.Status.ACCEPTED).exists())
        self.assertGreater(len(set(Referral.objects.values_list("state", flat=True))), 1)

    def test_every_case_has_a_person_and_an_exploitation_form(self):
        self.assertFalse(Case.objects.filter(exploitation_forms__isnull=True).exists())
        self.assertEqual(Person.objects.filter(case__isnull=False).count(), DEMO.cases)

    def test_services_fall_within_the_life_of_their_case(self):
        for service in AssistanceService.objects.select_related("case"):
            case = service.case
            self.assertGreaterEqual(service.starts_on, timezone.localdate(case.created_at))
            if case.closed_at:
                self.assertIsNotNone(service.ends_on)
                self.assertLessEqual(service.ends_on, timezone.localdate(case.closed_at))

    def test_status_history_leads_to_the_status_and_the_competent_body_decides(self):
        decisions = {Status.IDENTIFIED, Status.NOT_IDENTIFIED}
        main_department = settings.IDENTIFYING_ORGANISATIONS[0]
        for case in Case.objects.prefetch_related("status_changes__organisation"):
            changes = list(case.status_changes.all())
            self.assertEqual(changes[-1].to_status if changes else Status.POTENTIAL, case.status, case.reference)
            self.assertEqual([change.at for change in changes], sorted(change.at for change in changes))
            for change in changes:
                if change.to_status in decisions:
                    self.assertEqual(change.organisation.name, main_department)
            self.assertEqual(case.closed_at is not None, case.status == Status.CLOSED)

    def test_closed_cases_have_no_open_placement_and_shelters_are_not_overfull(self):
        open_placements = Placement.objects.filter(discharged_on__isnull=True)
        self.assertFalse(open_placements.filter(case__status=Status.CLOSED).exists())
        for facility in Facility.objects.with_occupancy():
            self.assertLessEqual(facility.occupancy, facility.capacity)

    def test_each_report_has_the_transitions_of_its_status(self):
        for report in ProgressReport.objects.prefetch_related("transitions"):
            steps = [transition.to_status for transition in report.transitions.all()]
            self.assertEqual(steps[-1] if steps else ProgressReport.Status.DRAFT, report.status)
            first = report.first_submitted_at
            self.assertEqual(report.late, first is not None and timezone.localdate(first) > report.round.due_on)

    def test_references_keep_the_format_the_application_continues(self):
        references = list(Case.objects.values_list("reference", flat=True))
        self.assertTrue(all(re.fullmatch(r"NRM-\d{4}-\d{5}", reference) for reference in references))
        year = Case.objects.order_by("created_at").first().created_at.year
        count = Case.objects.filter(reference__startswith=f"NRM-{year}-").count()
        self.assertEqual(next_reference(year), f"NRM-{year}-{count + 1:05d}")

    def test_identifiers_are_encrypted_at_rest(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT given_name, family_name, address FROM cases_person")
            columns = [value for row in cursor.fetchall() for value in row]
        self.assertTrue(columns)
        self.assertTrue(all(value.startswith(TOKEN_PREFIX) for value in columns))
        names = [person.given_name for person in Person.objects.all()]  # decrypted
        self.assertGreaterEqual(names.count(""), DEMO.cases * 0.8)

    def test_new_rows_get_free_ids_after_the_generated_ones(self):
        person = Person.objects.create(sex="female")
        self.assertGreater(person.pk, Person.objects.exclude(pk=person.pk).order_by("-pk").first().pk)

    def test_users_sign_in_with_the_password_and_hold_their_roles(self):
        case_worker = User.objects.filter(username__startswith="synthetic.caseworker.").first()
        self.assertTrue(case_worker.check_password(settings.DEMO_PASSWORD))
        self.assertTrue(case_worker.has_role(Role.CASE_WORKER))
        self.assertTrue(User.objects.filter(groups__name=Role.FOCAL_POINT, username="focal.mia").exists())

    def test_command_prints_a_line_per_table_and_a_summary(self):
        self.assertIn("Synthetic data, scale demo, seed 7:", self.stdout)
        self.assertRegex(self.stdout, rf"cases_case\s+{DEMO.cases} rows")
        self.assertRegex(self.stdout, r"total\s+[\d,]+ rows\s+[\d.]+ s")
        self.assertIn(f"cases_assistanceservice: {DEMO.services} rows in", self.stderr)


class DeterminismAndRefusalTests(TestCase):
    def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(self):
        first = digest_of_a_run(3)
        self.assertEqual(digest_of_a_run(3), first)
        self.assertNotEqual(digest_of_a_run(4), first)

    def test_refuses_a_database_that_holds_cases(self):
        generate(seed=1)
        before = (Case.objects.count(), ProgressReport.objects.count())
        with self.assertRaisesMessage(CommandError, NOT_EMPTY.format(what="cases")):
            generate(seed=2)
        self.assertEqual((Case.objects.count(), ProgressReport.objects.count()), before)

    def test_refuses_a_database_that_holds_progress_reports(self):
        plan = import_plan_file(BUNDLED_PLAN).plan
        reporting_round = ReportingRound.objects.create(
            plan=plan, year=2014, opens_on=datetime.date(2015, 1, 1), due_on=datetime.date(2015, 1, 20)
        )
        body = Organisation.objects.create(name="Ministry of Justice (test)")
        ProgressReport.objects.create(round=reporting_round, measure=plan.measures.first(), organisation=body)
        with self.assertRaisesMessage(CommandError, NOT_EMPTY.format(what="progress reports")):
            generate(seed=2)
