"""A hand-built set of cases over 2015–2018 with their care and protection records, shared by the tests of the
victim tables and of the whole report.

The cast of cases (Asia/Baku local times):
- c1: woman, AZ, internal, police, sexual exploitation; registered and identified in 2016, and an "identified" status
  change again in 2017 that must not count a second time.
- c2: girl (born 2000), GE, transnational to "TR; AE", NGO, two forms; identified 2016-12-31 23:30 local.
- c3: man (born 1999: 18 in 2017, though registered 2016-12-31 in UTC), citizenship "uz", transnational to RU,
  hotline, forced labour; registered 2017-01-01 00:30 local, identified 2017.
- c4: sex unknown, citizenship "XX" (no country), scope unknown, self-referral, no form, a country field in words;
  registered 2016, identified 2017.
- c5: boy (handled as a child), AZ, internal, consulate, begging; registered and identified in 2017.
- c6: woman, UZ, NGO, no form; registered 2017, found not identified 2017.
- c7: sex "other", aged 15, AZ, police; registered 2017-12-31, identified 2018-01-01 00:10 local.
- c8: woman, 2015: registered and identified in 2015, nothing counts in 2016 or 2017.
- c9: man (born 1998: 18 in 2016), AZ, source other; registered 2016, never decided.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from cases.models import (
    AgeVerification,
    AssistanceService,
    AuthorityNotification,
    BestInterestAssessment,
    Case,
    ExploitationForm,
    Facility,
    Guardian,
    PeriodExtension,
    Person,
    Placement,
    ProtectionMeasure,
    ReflectionPeriod,
    SchoolEnrolment,
    StatusChange,
)
from ctims.testing import BaseTestCase
from plans.importers import BUNDLED_PLAN, import_plan_file
from reports.figures.victims import tables

D = datetime.date


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the project's time zone (Asia/Baku)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


class VictimFixture(BaseTestCase):
    """Nine cases over 2015–2018 (see the module docstring); no tests of its own."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shelter = Facility.objects.create(organisation=cls.ngo, name="Shelter", region="Baku", capacity=10)
        cls.cases = 0
        c1 = cls.case(
            at(2016, 3, 10), "female", "police", yob=1990, citizenship="AZ", scope="internal", forms=["sexual"]
        )
        cls.decide(c1, "identified", at(2016, 4, 1))
        cls.decide(c1, "identified", at(2017, 5, 5))
        c2 = cls.case(
            at(2016, 5, 1),
            "female",
            "ngo",
            yob=2000,
            citizenship="GE",
            scope="transnational",
            forms=["sexual", "forced_labour"],
            countries="TR; AE",
        )
        cls.decide(c2, "identified", at(2016, 12, 31, 23, 30))
        c3 = cls.case(
            at(2017, 1, 1, 0, 30),
            "male",
            "hotline",
            yob=1999,
            citizenship="uz",
            scope="transnational",
            forms=["forced_labour"],
            countries="RU",
        )
        cls.decide(c3, "identified", at(2017, 2, 1))
        c4 = cls.case(at(2016, 11, 1), "unknown", "self", citizenship="XX", countries="worked in Dubai")
        cls.decide(c4, "identified", at(2017, 1, 10))
        c5 = cls.case(
            at(2017, 3, 1), "male", "consulate", child=True, citizenship="AZ", scope="internal", forms=["begging"]
        )
        cls.decide(c5, "identified", at(2017, 6, 1))
        c6 = cls.case(at(2017, 4, 1), "female", "ngo", yob=1985, citizenship="UZ", scope="transnational")
        cls.decide(c6, "not_identified", at(2017, 5, 1))
        c7 = cls.case(at(2017, 12, 31), "other", "police", age=15, citizenship="AZ", scope="internal", forms=["sexual"])
        cls.decide(c7, "identified", at(2018, 1, 1, 0, 10))
        c8 = cls.case(
            at(2015, 6, 1), "female", "police", yob=1980, citizenship="AZ", scope="internal", forms=["forced_labour"]
        )
        cls.decide(c8, "identified", at(2015, 7, 1))
        c9 = cls.case(at(2016, 8, 1), "male", "other", yob=1998, citizenship="AZ")

        cls.service(c1, "medical", D(2016, 6, 1))
        cls.service(c1, "medical", D(2017, 1, 1))
        cls.service(c1, "psychological", D(2017, 2, 1))
        cls.service(c3, "medical", D(2017, 3, 1))
        cls.service(c5, "financial_aid", D(2017, 6, 10), amount=Decimal("150.00"))
        cls.service(c5, "financial_aid", D(2017, 7, 10), amount=Decimal("100.50"))
        cls.service(c3, "financial_aid", D(2017, 3, 5), amount=Decimal("200"), currency="USD")
        cls.service(c2, "financial_aid", D(2016, 12, 31), amount=Decimal("300.00"))
        cls.service(c8, "financial_aid", D(2018, 1, 1), amount=Decimal("50"))
        cls.service(c3, "repatriation", D(2017, 4, 1))
        cls.service(c5, "repatriation", D(2017, 5, 1), abroad=True)
        cls.service(c4, "repatriation", D(2017, 8, 1))
        cls.service(c2, "repatriation", D(2016, 9, 1))
        cls.service(c8, "medical", D(2015, 5, 1))
        cls.service(c5, "family_reunification", D(2017, 9, 1), abroad=True)
        Placement.objects.create(
            case=c1, facility=cls.shelter, placed_on=D(2016, 3, 15), placed_by=cls.carol, discharged_on=D(2016, 5, 1)
        )
        Placement.objects.create(case=c6, facility=cls.shelter, placed_on=D(2017, 4, 2), placed_by=cls.carol)

        cls.period(c1, D(2016, 3, 20))
        r2 = cls.period(c5, D(2017, 3, 2))
        cls.period(c6, D(2017, 4, 1))
        r4 = cls.period(c9, D(2016, 12, 15))
        r5 = cls.period(c8, D(2015, 6, 5))
        cls.extend(r2, at(2017, 3, 25))
        cls.extend(r2, at(2017, 4, 20))
        cls.extend(r4, at(2017, 1, 1, 0, 30))
        cls.extend(r5, at(2015, 7, 1))

        cls.guardian(c5, D(2017, 3, 5), D(2017, 10, 1))
        cls.guardian(c5, D(2017, 10, 1))
        cls.guardian(c2, D(2016, 5, 10), D(2017, 6, 30))
        cls.guardian(c7, D(2018, 1, 2))
        cls.notify(c5, "guardianship_authority", D(2017, 3, 2))
        cls.notify(c5, "commission_on_minors", D(2017, 3, 2))
        cls.notify(c7, "commission_on_minors", D(2017, 12, 31))
        cls.notify(c2, "guardianship_authority", D(2016, 5, 2))
        cls.best_interests(c5, D(2017, 4, 15))
        cls.best_interests(c5, D(2017, 4, 25))
        cls.verify_age(c5, D(2017, 3, 20))
        cls.verify_age(c7, D(2018, 1, 5))
        cls.enrol(c5, D(2017, 9, 15))
        cls.enrol(c2, D(2016, 9, 1))

        cls.measure(c3, "police_protection", D(2017, 2, 5))
        cls.measure(c3, "witness_protection", D(2017, 6, 1))
        cls.measure(c6, "police_protection", D(2017, 5, 1))
        cls.measure(c1, "confidentiality", D(2016, 10, 1))

    # The fixture's makers: model rows written directly, with the dates the tables count by.

    @classmethod
    def case(
        cls,
        created,
        sex,
        source,
        *,
        yob=None,
        age=None,
        child=False,
        citizenship="",
        scope="unknown",
        forms=(),
        countries="",
    ):
        cls.cases += 1
        person = Person.objects.create(sex=sex, year_of_birth=yob, estimated_age=age, citizenship=citizenship)
        case = Case.objects.create(
            reference=f"NRM-TEST-{cls.cases:05d}",
            person=person,
            owner=cls.ngo,
            status="presumed",
            source=source,
            scope=scope,
            exploitation_countries=countries,
            presumed_child=child,
            created_by=cls.carol,
            created_at=created,
        )
        ExploitationForm.objects.bulk_create(ExploitationForm(case=case, form=form) for form in forms)
        return case

    @classmethod
    def decide(cls, case, status, when):
        StatusChange.objects.create(
            case=case,
            from_status="presumed",
            to_status=status,
            actor=cls.carol,
            organisation=cls.ngo,
            at=when,
            reason="Decided.",
        )
        Case.objects.filter(pk=case.pk).update(status=status)

    @classmethod
    def service(cls, case, kind, starts_on, *, amount=None, currency="AZN", abroad=False):
        return AssistanceService.objects.create(
            case=case,
            kind=kind,
            provider=cls.ngo,
            starts_on=starts_on,
            amount=amount,
            currency=currency,
            abroad=abroad,
            recorded_by=cls.carol,
        )

    @classmethod
    def period(cls, case, starts_on):
        return ReflectionPeriod.objects.create(
            case=case, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=29)
        )

    @classmethod
    def extend(cls, period, when):
        new_end = period.ends_on + datetime.timedelta(days=30)
        PeriodExtension.objects.create(
            period=period, previous_end=period.ends_on, new_end=new_end, reason="Needs time.", actor=cls.carol, at=when
        )
        period.ends_on = new_end
        period.save(update_fields=["ends_on"])

    @classmethod
    def guardian(cls, case, appointed_on, ended_on=None):
        Guardian.objects.create(
            case=case,
            kind="guardian",
            name="Guardian",
            appointed_on=appointed_on,
            ended_on=ended_on,
            recorded_by=cls.carol,
        )

    @classmethod
    def notify(cls, case, authority, notified_on):
        AuthorityNotification.objects.create(
            case=case, authority=authority, notified_on=notified_on, notified_by=cls.carol, organisation=cls.ngo
        )

    @classmethod
    def best_interests(cls, case, assessed_on):
        BestInterestAssessment.objects.create(
            case=case, assessed_on=assessed_on, assessed_by=cls.carol, organisation=cls.ngo, return_safe=False
        )

    @classmethod
    def verify_age(cls, case, verified_on):
        AgeVerification.objects.create(
            case=case, verified_on=verified_on, method="documents", age=16, reason="Passport.", verified_by=cls.carol
        )

    @classmethod
    def enrol(cls, case, enrolled_on):
        SchoolEnrolment.objects.create(
            case=case,
            enrolled_on=enrolled_on,
            school_kind="general",
            region="Baku",
            status_on=enrolled_on,
            recorded_by=cls.carol,
        )

    @classmethod
    def measure(cls, case, kind, starts_on):
        ProtectionMeasure.objects.create(
            case=case, kind=kind, body=cls.ministry, starts_on=starts_on, recorded_by=cls.carol
        )

    # The tables.

    def setUp(self):
        self.tables = {table.key: table for table in tables(2017)}


class ReportFixture(VictimFixture):
    """The cases, and the bundled plan for the plan tables."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = import_plan_file(BUNDLED_PLAN).plan

    def identify_another_man(self, year: int = 2017):
        case = self.case(at(year, 2, 2), "male", "police", yob=1980, citizenship="AZ", scope="internal")
        self.decide(case, "identified", at(year, 3, 3))
