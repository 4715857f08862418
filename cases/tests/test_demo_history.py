import datetime
from collections import Counter
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db.models import Min
from django.test import TestCase
from django.utils import timezone

from accounts.demo import demo_seed
from cases.demo import SHELTER, demo_cases
from cases.demo_history import demo_case_history, historic_cases
from cases.models import (
    AgeVerification,
    AssistanceService,
    AuthorityNotification,
    BestInterestAssessment,
    Case,
    Facility,
    Guardian,
    PeriodExtension,
    Person,
    Placement,
    ProtectionMeasure,
    Referral,
    ReflectionPeriod,
    ReintegrationOutcome,
    SchoolEnrolment,
    StatusChange,
)
from cases.selectors import CHILD_FILTER

Status = Case.Status
Kind = AssistanceService.Kind
YEARS = (2015, 2016, 2017)
MAIN_DEPARTMENT = "Main Department for Combating Trafficking in Human Beings"
CHILD_RECORDS = (Guardian, AuthorityNotification, BestInterestAssessment, AgeVerification, SchoolEnrolment)
CARE_AND_PROTECTION = (
    AssistanceService,
    Placement,
    SchoolEnrolment,
    ReintegrationOutcome,
    ProtectionMeasure,
    Guardian,
    AuthorityNotification,
    BestInterestAssessment,
    AgeVerification,
)
CASE_LOOKUPS = {Case: "pk__in", PeriodExtension: "period__case__in"}  # from a record to its case; "case__in" else


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("cases").get_models()}


class DemoCaseHistoryTests(TestCase):
    """The demo users and the five demo cases of today, then the history of 2015–2017, as seed_demo makes them."""

    @classmethod
    def setUpTestData(cls):
        demo_seed(password="x")
        demo_cases()
        cls.today_cases = list(Case.objects.order_by("pk").values_list("pk", "reference", "status", "created_at"))
        cls.created = demo_case_history()

    def cases(self):
        return historic_cases().select_related("person", "owner")

    def identifications(self):
        return StatusChange.objects.filter(case__in=historic_cases(), to_status=Status.IDENTIFIED)

    def test_it_creates_about_fifty_cases_spread_over_2015_to_2017_with_references_of_the_year_registered(self):
        self.assertEqual(self.created, 50)
        self.assertEqual(historic_cases().count(), 50)
        by_year = {year: [] for year in YEARS}
        for case in self.cases().order_by("created_at"):
            by_year[local_day(case.created_at).year].append(case.reference)
            self.assertTrue(case.person.family_name.startswith("Demo-"), case)
            self.assertTrue(case.person.given_name == "" or case.person.given_name.startswith("Demo-"), case)
        for year, references in by_year.items():
            self.assertGreaterEqual(len(references), 14, year)
            self.assertEqual(references, [f"NRM-{year}-{number:05d}" for number in range(1, len(references) + 1)])

    def test_the_five_demo_cases_of_today_are_untouched(self):
        today = Case.objects.exclude(pk__in=historic_cases()).order_by("pk")
        self.assertEqual(list(today.values_list("pk", "reference", "status", "created_at")), self.today_cases)

    def test_cases_are_owned_by_the_demo_organisations_and_identified_by_the_identification_officer(self):
        owners = set(self.cases().values_list("owner__name", flat=True))
        self.assertEqual(
            owners, {"Hope Support Union (demo NGO)", "Clean Path Public Union (demo NGO)", MAIN_DEPARTMENT}
        )
        decisions = StatusChange.objects.filter(
            case__in=historic_cases(), to_status__in=[Status.IDENTIFIED, Status.NOT_IDENTIFIED]
        )
        self.assertEqual(
            set(decisions.values_list("actor__username", "organisation__name")), {("idofficer", MAIN_DEPARTMENT)}
        )
        self.assertEqual(
            set(self.cases().values_list("source", flat=True)),
            {Case.Source.POLICE, Case.Source.NGO, Case.Source.HOTLINE, Case.Source.CONSULATE, Case.Source.SELF},
        )

    def test_each_year_most_are_identified_in_the_year_some_the_next_year_some_not_and_a_few_still_wait(self):
        first = {
            row["case"]: local_day(row["first"])
            for row in self.identifications().values("case").annotate(first=Min("at"))
        }
        for year in YEARS:
            with self.subTest(year=year):
                registered = self.cases().filter(created_at__year=year)
                identified_in_year = [case for case in registered if first.get(case.pk, datetime.date.max).year == year]
                self.assertGreater(len(identified_in_year), registered.count() / 2)
                next_year = [case for case in registered if first.get(case.pk, datetime.date.max).year == year + 1]
                self.assertEqual(len(next_year), 1)
                self.assertGreaterEqual(registered.filter(status_changes__to_status=Status.NOT_IDENTIFIED).count(), 1)
                self.assertTrue(registered.filter(status=Status.CLOSED).exists())
        self.assertGreaterEqual(self.cases().filter(status=Status.PRESUMED).count(), 2)

    def test_every_status_history_goes_forward_in_time_and_leads_to_the_status(self):
        for case in self.cases().prefetch_related("status_changes"):
            changes = list(case.status_changes.order_by("at", "pk"))
            status, moment = Status.POTENTIAL, case.created_at
            for change in changes:
                self.assertEqual(change.from_status, status, case)
                self.assertGreater(change.at, moment, case)
                status, moment = change.to_status, change.at
            self.assertEqual(status, case.status, case)
            self.assertEqual(case.presumed_at, changes[0].at, case)
            self.assertEqual(case.closed_at, changes[-1].at if status == Status.CLOSED else None, case)

    def test_about_a_quarter_are_children_and_only_children_have_child_records(self):
        children = set(self.cases().filter(CHILD_FILTER).values_list("pk", flat=True))
        self.assertTrue(0.2 <= len(children) / 50 <= 0.3, len(children))
        for year in YEARS:
            self.assertTrue(self.identifications().filter(case__in=children, at__year=year).exists(), year)
        for model in CHILD_RECORDS:
            concerned = set(model.objects.filter(case__in=historic_cases()).values_list("case", flat=True))
            self.assertTrue(concerned <= children, model.__name__)
        for case in self.cases().filter(pk__in=children):
            self.assertTrue(case.guardians.exists(), case)
            self.assertEqual(len(set(case.authority_notifications.values_list("authority", flat=True))), 2, case)
            self.assertTrue(case.best_interest_assessments.exists() and case.school_enrolments.exists(), case)
            self.assertEqual(case.age_verifications.exists(), case.person.year_of_birth is None, case)
            self.assertFalse(case.presumed_child, case)

    def test_citizenship_is_mostly_azerbaijani_with_foreign_nationals_of_the_region(self):
        citizenships = list(self.cases().values_list("person__citizenship", flat=True))
        self.assertGreater(citizenships.count("AZ"), 0.7 * len(citizenships))
        self.assertEqual(set(citizenships) - {"AZ"}, {"UZ", "TJ", "KG", "RU", "TR", "AE"})
        for case in self.cases():
            self.assertIn(case.scope, (Case.Scope.INTERNAL, Case.Scope.TRANSNATIONAL), case)
            self.assertTrue(case.exploitation_countries, case)
            if case.person.citizenship != "AZ":
                self.assertEqual(case.scope, Case.Scope.TRANSNATIONAL, case)

    def test_sex_and_age_are_mixed_and_recorded_for_every_identified_victim(self):
        self.assertEqual(set(self.cases().values_list("person__sex", flat=True)), {"female", "male", "unknown"})
        identified = self.cases().filter(pk__in=self.identifications().values("case"))
        self.assertFalse(identified.exclude(person__sex__in=["female", "male"]).exists())
        estimated = self.cases().filter(person__year_of_birth__isnull=True)
        self.assertGreaterEqual(estimated.count(), 3)
        self.assertFalse(estimated.filter(person__estimated_age__isnull=True).exists())
        several = [
            case for case in self.cases().prefetch_related("exploitation_forms") if case.exploitation_forms.count() > 1
        ]
        self.assertGreaterEqual(len(several), 3)

    def test_each_year_has_services_of_many_kinds_an_allowance_a_repatriation_and_shelter_placements(self):
        services = AssistanceService.objects.filter(case__in=historic_cases())
        for year in YEARS:
            with self.subTest(year=year):
                kinds = set(services.filter(starts_on__year=year).values_list("kind", flat=True))
                self.assertGreaterEqual(len(kinds), 10)
                self.assertTrue({Kind.FINANCIAL_AID, Kind.REPATRIATION, Kind.SHELTER} <= kinds)
                self.assertTrue(Placement.objects.filter(facility__name=SHELTER, placed_on__year=year).exists())
                self.assertTrue(
                    PeriodExtension.objects.filter(period__case__in=historic_cases(), at__year=year).exists()
                )
        for aid in services.filter(kind=Kind.FINANCIAL_AID):
            self.assertGreater(aid.amount, Decimal(0))
            self.assertEqual(aid.currency, "AZN")
        self.assertFalse(services.exclude(kind=Kind.FINANCIAL_AID).filter(amount__isnull=False).exists())
        abroad = services.filter(abroad=True)
        self.assertTrue(abroad.exists())
        self.assertEqual(set(abroad.values_list("case__source", flat=True)), {Case.Source.CONSULATE})

    def test_referrals_go_between_the_demo_organisations_and_are_answered(self):
        referrals = Referral.objects.filter(case__in=historic_cases()).select_related("case", "to_organisation")
        self.assertFalse(referrals.filter(state=Referral.State.PENDING).exists())
        self.assertEqual(referrals.filter(state=Referral.State.DECLINED).count(), 1)
        hope, clean_path = "Hope Support Union (demo NGO)", "Clean Path Public Union (demo NGO)"
        self.assertEqual(
            set(referrals.values_list("from_organisation__name", "to_organisation__name")),
            {(hope, MAIN_DEPARTMENT), (clean_path, MAIN_DEPARTMENT), (MAIN_DEPARTMENT, hope), (hope, clean_path)},
        )
        for referral in referrals:
            self.assertTrue(referral.case.consents.filter(purpose="referral", given=True).exists(), referral)
            self.assertGreater(referral.answered_at, referral.sent_at, referral)
            self.assertEqual(referral.answered_by.organisation_id, referral.to_organisation_id, referral)
        for case in self.cases().exclude(owner__name=MAIN_DEPARTMENT):
            self.assertLessEqual(case.referred_to_mia_at - case.presumed_at, datetime.timedelta(hours=24), case)

    def test_the_data_is_consistent_so_the_reports_data_quality_annex_finds_nothing_in_it(self):
        for case in self.cases().prefetch_related("assistance_services", "placements", "protection_measures"):
            registered = local_day(case.created_at)
            closed = local_day(case.closed_at) if case.closed_at else datetime.date.max
            for service in case.assistance_services.all():
                self.assertGreaterEqual(service.starts_on, registered, service)
                self.assertLessEqual(service.ends_on or service.starts_on, closed, service)
                self.assertGreaterEqual(service.ends_on or service.starts_on, service.starts_on, service)
            for placement in case.placements.all():
                self.assertIsNotNone(placement.discharged_on, placement)  # the shelter's places are free today
                self.assertLessEqual(placement.discharged_on, closed, placement)
            for measure in case.protection_measures.all():
                self.assertLessEqual(measure.ends_on, closed, measure)
        periods = ReflectionPeriod.objects.filter(case__in=historic_cases())
        self.assertEqual(periods.count(), 50)
        for period in periods:
            self.assertGreaterEqual(period.days, settings.REFLECTION_PERIOD_DAYS, period)
            self.assertTrue(period.end_decision and period.decided_at, period)  # no alert about a period ending

    def test_every_record_passes_full_clean(self):
        checked = Counter()
        for model in apps.get_app_config("cases").get_models():
            if model is Facility:
                continue
            for record in model.objects.filter(**{CASE_LOOKUPS.get(model, "case__in"): historic_cases()}):
                record.full_clean()
                checked[model] += 1
        for model in (Person, Case, StatusChange, ReflectionPeriod, Referral, *CARE_AND_PROTECTION):
            self.assertGreater(checked[model], 0, model.__name__)

    def test_running_it_again_creates_nothing(self):
        before = counts()
        self.assertEqual(demo_case_history(), 0)
        self.assertEqual(counts(), before)


class DemoCaseHistoryWithoutTheDemoCasesTests(TestCase):
    def test_without_the_demo_facilities_it_creates_nothing(self):
        demo_seed(password="x")
        self.assertEqual(demo_case_history(), 0)
        self.assertFalse(Case.objects.exists())

    def test_without_the_demo_users_it_creates_nothing(self):
        self.assertEqual(demo_case_history(), 0)
        self.assertFalse(Case.objects.exists())
