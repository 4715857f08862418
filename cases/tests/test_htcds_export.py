import csv
import datetime
import os
import stat
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from cases.htcds import HEADINGS, age_band, country_codes, htcds_rows
from cases.models import Case, Consent
from cases.selectors import cases_pseudonymised
from cases.services import case_change_status, consent_record, referral_answer, referral_send
from cases.tests.base import CaseTestCase

EXPECTED_HEADINGS = [
    "recordId",
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isOrganRemoval",
    "typeOfLabourBegging",
    "typeOfLabourIllicitActivities",
    "Status",
    "legalStatus",
    "traffickingScope",
]
FLAGS = EXPECTED_HEADINGS[8:16]


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class HtcdsRowsTests(CaseTestCase):
    def rows(self, cases=None) -> list[dict]:
        headings, rows = htcds_rows(cases if cases is not None else Case.objects.all())
        return [dict(zip(headings, row, strict=True)) for row in rows]

    def row_of(self, case: Case) -> dict:
        [row] = self.rows(Case.objects.filter(pk=case.pk))
        return row

    def case_with(self, forms=(), **person) -> Case:
        case = self.new_case(**person)
        case.exploitation_forms.all().delete()
        for form in forms:
            case.exploitation_forms.create(form=form)
        return case

    def test_the_headings_are_the_htcds_ctdc_names(self):
        headings, rows = htcds_rows(Case.objects.all())
        self.assertEqual(headings, EXPECTED_HEADINGS)
        self.assertEqual(HEADINGS, EXPECTED_HEADINGS)
        self.assertEqual(len(rows), 1)

    def test_a_row_carries_facts_only(self):
        row = self.row_of(self.case)
        registered = timezone.localdate(self.case.created_at)
        self.assertEqual(row["yearOfRegistration"], registered.year)
        self.assertEqual(row["Datasource"], "Case Management")
        self.assertEqual(row["gender"], "Female")
        self.assertEqual(row["ageBroad"], age_band(registered.year - 1998))
        self.assertEqual(row["majorityStatus"], "Adult")
        self.assertEqual(
            (row["Status"], row["legalStatus"], row["traffickingScope"]), ("Active", "potential", "unknown")
        )
        self.assertNotIn(self.case.reference, row.values())

    def test_age_bands_at_their_edges(self):
        edges = {
            0: "0--8",
            8: "0--8",
            9: "9--17",
            17: "9--17",
            18: "18--20",
            20: "18--20",
            21: "21--23",
            23: "21--23",
            24: "24--26",
            26: "24--26",
            27: "27--29",
            29: "27--29",
            30: "30--38",
            38: "30--38",
            39: "39--47",
            47: "39--47",
            48: "48+",
            91: "48+",
        }
        self.assertEqual({age: age_band(age) for age in edges}, edges)
        self.assertEqual((age_band(None), age_band(-1)), ("", ""))

    def test_the_age_is_taken_on_the_day_of_registration_from_the_date_of_birth(self):
        registered = timezone.localdate()
        eighteen_today = self.case_with(date_of_birth=years_before(registered, 18), year_of_birth=None)
        eighteen_tomorrow = self.case_with(
            date_of_birth=years_before(registered, 18) + datetime.timedelta(days=1), year_of_birth=None
        )
        nine_today = self.case_with(date_of_birth=years_before(registered, 9), year_of_birth=None)
        eight = self.case_with(
            date_of_birth=years_before(registered, 9) + datetime.timedelta(days=1), year_of_birth=None
        )
        self.assertEqual(
            [
                (self.row_of(c)["ageBroad"], self.row_of(c)["majorityStatus"])
                for c in (eighteen_today, eighteen_tomorrow)
            ],
            [("18--20", "Adult"), ("9--17", "Minor")],
        )
        self.assertEqual([self.row_of(c)["ageBroad"] for c in (nine_today, eight)], ["9--17", "0--8"])

    def test_a_person_handled_as_a_child_counts_as_a_minor(self):
        case = self.case_with(year_of_birth=None, estimated_age=None)
        self.assertEqual((self.row_of(case)["ageBroad"], self.row_of(case)["majorityStatus"]), ("", ""))
        Case.objects.filter(pk=case.pk).update(presumed_child=True)
        self.assertEqual(self.row_of(case)["majorityStatus"], "Minor")
        estimated = self.case_with(year_of_birth=None, estimated_age=16)
        self.assertEqual(
            (self.row_of(estimated)["ageBroad"], self.row_of(estimated)["majorityStatus"]), ("9--17", "Minor")
        )

    def test_forms_of_exploitation_become_ctdc_flags(self):
        def flags(*forms) -> dict:
            row = self.row_of(self.case_with(forms))
            return {flag: row[flag] for flag in FLAGS if row[flag] == 1}

        self.assertEqual(flags("forced_labour"), {"isForcedLabour": 1})
        self.assertEqual(
            flags("sexual", "forced_labour"), {"isForcedLabour": 1, "isSexualExploit": 1, "isSexAndLabour": 1}
        )
        self.assertEqual(flags("begging"), {"isForcedLabour": 1, "typeOfLabourBegging": 1})
        self.assertEqual(flags("forced_criminality"), {"isForcedLabour": 1, "typeOfLabourIllicitActivities": 1})
        self.assertEqual(flags("forced_marriage"), {"isForcedMarriage": 1})
        self.assertEqual(flags("organ_removal"), {"isOrganRemoval": 1})
        self.assertEqual(flags("other"), {"isOtherExploit": 1})
        row = self.row_of(self.case_with(["sexual"]))
        self.assertEqual((row["isSexualExploit"], row["isForcedLabour"], row["isSexAndLabour"]), (1, 0, 0))

    def test_a_case_without_a_recorded_form_has_empty_flags_not_zeros(self):
        row = self.row_of(self.case_with())
        self.assertEqual({row[flag] for flag in FLAGS}, {""})

    def test_gender_follows_htcds(self):
        genders = [self.row_of(self.case_with(sex=sex))["gender"] for sex in ("male", "female", "other", "unknown")]
        self.assertEqual(genders, ["Male", "Female", "Transgender/NonConforming", "Unknown"])

    def test_countries_are_iso_codes_and_free_text_is_dropped(self):
        self.assertEqual(country_codes("RU, tr; ae"), "RU;TR;AE")
        self.assertEqual(country_codes("ru/RU"), "RU")
        self.assertEqual(country_codes("worked in Dubai"), "")  # "IN" is India: guessing would report it
        self.assertEqual(country_codes(""), "")
        case = self.case_with(citizenship="az")
        Case.objects.filter(pk=case.pk).update(exploitation_countries="TR, AE")
        row = self.row_of(case)
        self.assertEqual((row["citizenship"], row["CountryOfExploitation"]), ("AZ", "TR;AE"))

    def test_a_closed_case_keeps_the_legal_status_it_had(self):
        case = self.case
        case_change_status(case=case, actor=self.carol, to_status="presumed", reason="Indicators met.")
        consent_record(
            case=case, actor=self.carol, purpose=Consent.Purpose.REFERRAL, given=True, given_on=timezone.localdate()
        )
        referral = referral_send(case=case, actor=self.carol, to_organisation=self.main_department, services="Decision")
        referral_answer(referral=referral, actor=self.ivan, accept=True)
        case_change_status(case=case, actor=self.ivan, to_status="identified", reason="Forced labour established.")
        self.assertEqual(self.row_of(case)["legalStatus"], "identified")
        case_change_status(case=case, actor=self.carol, to_status="closed", reason="Reintegrated.")
        row = self.row_of(case)
        self.assertEqual((row["Status"], row["legalStatus"]), ("Closed", "identified"))

    def test_record_ids_are_random_per_export(self):
        for _ in range(4):
            self.new_case()
        first = [row["recordId"] for row in self.rows()]
        second = [row["recordId"] for row in self.rows()]
        self.assertEqual(len(set(first)), 5)
        self.assertEqual(first, sorted(first))  # the order follows the random id, not the registration order
        self.assertFalse(set(first) & set(second))
        references = set(Case.objects.values_list("reference", flat=True))
        self.assertFalse(any(reference in record_id for record_id in first for reference in references))

    def test_the_coordinators_pseudonymised_cases_can_be_exported(self):
        self.assertEqual(len(self.rows(cases_pseudonymised(self.alice))), 1)

    def test_the_queries_do_not_grow_with_the_number_of_cases(self):
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                htcds_rows(Case.objects.all())
            return len(captured)

        few = queries()
        for form in ("sexual", "begging", "other"):
            self.case_with([form])
        self.assertEqual(queries(), few)
        self.assertLessEqual(few, 3)


class ExportCommandTests(CaseTestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.path = Path(directory.name) / "htcds.csv"

    def export(self, *args) -> list[list[str]]:
        call_command("export_htcds", "--output", str(self.path), *args, stdout=StringIO())
        with self.path.open(newline="", encoding="utf-8") as file:
            return list(csv.reader(file))

    def test_the_file_has_the_headings_and_one_row_per_case(self):
        self.new_case()
        headings, *rows = self.export()
        self.assertEqual(headings, EXPECTED_HEADINGS)
        self.assertEqual(len(rows), 2)

    def test_no_identifier_reaches_the_file(self):
        born = datetime.date(1986, 10, 27)
        case = self.new_case(
            given_name="Zemfira",
            family_name="Xalilbeyova",
            date_of_birth=born,
            documents="Passport AZE C04871236",
            phone="+994 50 777 13 13",
            address="Nizami street 77, Ganja",
            region="Ganja-Dashkasan",
        )
        Case.objects.filter(pk=case.pk).update(
            means_of_control="Zemfira's passport kept by Rauf", vulnerabilities="Debts of Xalilbeyova family"
        )
        self.export()
        text = self.path.read_text(encoding="utf-8")
        forbidden = [
            "Zemfira",
            "Xalilbeyova",
            "Aynur",
            "Quliyeva",
            "C04871236",
            "777 13 13",
            "7771313",
            "Nizami",
            "Ganja",
            "Rauf",
            born.isoformat(),
            born.strftime("%d.%m.%Y"),
            born.strftime("%m/%d/%Y"),
            "1986-",
            case.reference,
            self.case.reference,
            "Hope Support Union",
        ]
        for value in forbidden:
            self.assertNotIn(value, text)

    def test_the_export_is_audited(self):
        self.new_case()
        self.export()
        event = AuditEvent.objects.order_by("-sequence").first()
        self.assertEqual(event.action, "cases.export_htcds")
        self.assertIsNone(event.actor)
        self.assertEqual(event.details, {"rows": 2, "year": None})

    def test_the_year_option_exports_the_cases_registered_that_year(self):
        older = self.new_case()
        Case.objects.filter(pk=older.pk).update(created_at=timezone.now().replace(year=2019, month=6, day=15))
        headings, *rows = self.export("--year", "2019")
        self.assertEqual([row[headings.index("yearOfRegistration")] for row in rows], ["2019"])
        self.assertEqual(AuditEvent.objects.order_by("-sequence").first().details, {"rows": 1, "year": 2019})

    def test_the_file_is_readable_by_its_owner_only(self):
        self.export()
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
