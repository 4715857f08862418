"""Retention: closed cases past CASE_RETENTION_YEARS lose their identifiers; the statistics keep their figures."""

import datetime
import io

from django.core.management import call_command
from django.test import override_settings

from audit.models import AuditEvent
from cases.models import Case, Guardian, Person
from cases.retention import identifiers_erase
from reports.figures.victims import tables
from reports.tests.fixtures import VictimFixture, at


@override_settings(CASE_RETENTION_YEARS=5)
class RetentionTest(VictimFixture):
    """The fixture's cases were identified in 2015–2018; two of them are closed here, in 2016 and 2024."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.old, cls.recent, cls.open_case = Case.objects.order_by("pk")[:3]
        for case, closed in ((cls.old, at(2016, 6, 1)), (cls.recent, at(2024, 6, 1))):
            Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=closed)
        for case in (cls.old, cls.recent, cls.open_case):
            person = Person.objects.get(pk=case.person_id)
            person.given_name, person.family_name = "Demo-Leyla", "Demo-Aliyeva"
            person.date_of_birth, person.phone = datetime.date(1990, 2, 3), "+994 50 000 00 00"
            person.save()
        Guardian.objects.create(
            case=cls.old,
            kind="guardian",
            name="Demo-Guardian",
            contact="Baku",
            appointed_on=datetime.date(2016, 1, 1),
            recorded_by=cls.carol,
        )

    def test_a_case_closed_longer_ago_than_the_retention_period_loses_its_identifiers(self):
        erased = identifiers_erase()
        self.assertEqual(erased, [self.old.reference])
        person = Person.objects.get(pk=self.old.person_id)
        self.assertEqual(
            (person.given_name, person.family_name, person.date_of_birth, person.phone, person.documents),
            ("", "", None, "", ""),
        )
        self.assertIsNotNone(person.identifiers_erased_at)
        self.assertEqual(Guardian.objects.get(case=self.old).name, "")
        for kept in (self.recent, self.open_case):
            self.assertEqual(Person.objects.get(pk=kept.person_id).given_name, "Demo-Leyla")

    def test_statistics_are_the_same_after_the_erasure(self):
        before = {year: [t.to_dict() for t in tables(year)] for year in (2016, 2017)}
        identifiers_erase()
        self.assertEqual({year: [t.to_dict() for t in tables(year)] for year in (2016, 2017)}, before)

    def test_the_erasure_is_audited_without_values(self):
        identifiers_erase()
        event = AuditEvent.objects.get(action="case.identifiers_erase")
        self.assertEqual(event.object_id, str(self.old.pk))
        self.assertIn("given_name", event.details["fields"])
        self.assertNotIn("Demo-Leyla", str(event.details) + event.reason)

    def test_the_command_counts_first_and_erases_once(self):
        out = io.StringIO()
        call_command("erase_expired_identifiers", "--dry-run", stdout=out)
        self.assertIn("1 closed cases are past the retention period of 5 years", out.getvalue())
        self.assertEqual(Person.objects.get(pk=self.old.person_id).given_name, "Demo-Leyla")
        call_command("erase_expired_identifiers", stdout=out)
        call_command("erase_expired_identifiers", stdout=out)
        self.assertIn("Identifiers erased from 1 cases", out.getvalue())
        self.assertIn("Identifiers erased from 0 cases", out.getvalue())
        self.assertEqual(AuditEvent.objects.filter(action="case.identifiers_erase").count(), 1)
