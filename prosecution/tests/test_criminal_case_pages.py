"""The criminal-case register through its pages: recording with defendants, assets and requests, who may read and
record, search, filters, downloads, audit, the linked victims shown by reference code, and the list's query budget."""

import csv
import io
from datetime import date

from openpyxl import load_workbook

from audit.models import AuditEvent
from prosecution.models import CriminalCase
from prosecution.tests.base import ProsecutionTestCase, criminal_case

CONVICTED = {
    "kind": "natural",
    "sex": "male",
    "age_band": "35_49",
    "citizenship": "AZ",
    "role": "organiser",
    "outcome": "convicted",
    "sentence_years": "8",
    "fine": "",
}
JUDGED = {
    "stage": "judgment",
    "investigation_completed_on": "2016-06-01",
    "sent_to_court_on": "2016-06-20",
    "judgment_on": "2016-11-02",
}


class RecordingTest(ProsecutionTestCase):
    def test_analyst_records_a_case_with_its_rows_for_its_organisation(self):
        self.login(self.paul)
        data = self.form_data(
            defendants=[CONVICTED, {**CONVICTED, "sex": "female", "outcome": "acquitted", "sentence_years": ""}],
            assets=[{"kind": "money", "seized_value": "1000", "confiscated_value": "800", "currency": "AZN"}],
            requests=[
                {
                    "kind": "extradition",
                    "direction": "sent",
                    "country": "Georgia",
                    "sent_on": "2016-04-01",
                    "status": "pending",
                    "answered_on": "",
                }
            ],
            victims=self.victim_case.reference.lower(),
            articles=["144-1", "193-1"],
            **JUDGED,
        )
        response = self.client.post("/prosecution/criminal-cases/new/", data)
        entry = CriminalCase.objects.get()
        self.assertRedirects(response, entry.get_absolute_url())
        self.assertEqual(entry.organisation, self.prosecutor_office)
        self.assertEqual(entry.created_by, self.paul)
        self.assertEqual(entry.articles, ["144-1", "193-1"])
        self.assertEqual([d.outcome for d in entry.defendants.all()], ["convicted", "acquitted"])
        self.assertEqual(entry.assets.get().confiscated_value, 800)
        self.assertEqual(entry.requests.get().country, "Georgia")
        self.assertEqual(list(entry.victims.all()), [self.victim_case])
        self.assertEqual([m.number for m in entry.measures.all()], ["13.3.4"])

    def test_the_form_shows_the_linked_victims_as_codes_and_keeps_them_unchanged(self):
        entry = criminal_case(self.prosecutor_office, number="7/2016", victims_count=1)
        entry.victims.add(self.victim_case)
        self.login(self.paul)
        response = self.client.get(f"/prosecution/criminal-cases/{entry.uid}/edit/")
        self.assertContains(response, f'value="{self.victim_case.reference}"')
        data = self.form_data(number="7/2016", victims=self.victim_case.reference, victims_count="1", court="Baku")
        self.client.post(f"/prosecution/criminal-cases/{entry.uid}/edit/", data)
        event = AuditEvent.objects.filter(action="criminal_cases.change").get()
        self.assertEqual(event.details, {"fields": ["court", "measures"]})

    def test_creating_and_changing_are_audited_by_field_name(self):
        self.login(self.paul)
        self.client.post("/prosecution/criminal-cases/new/", self.form_data())
        entry = CriminalCase.objects.get()
        self.client.post(f"/prosecution/criminal-cases/{entry.uid}/edit/", self.form_data(court="Baku"))
        events = AuditEvent.objects.filter(object_type="prosecution.criminalcase", object_id=str(entry.pk))
        actions = [e.action for e in events.order_by("sequence")]
        self.assertEqual(actions, ["criminal_cases.create", "criminal_cases.change"])
        self.assertEqual(events.order_by("sequence").last().details, {"fields": ["court"]})


class PermissionTest(ProsecutionTestCase):
    def test_analyst_of_another_organisation_reads_but_cannot_edit(self):
        entry = criminal_case(self.prosecutor_office, number="9/2016", court="Baku Serious Crimes Court")
        self.login(self.pia)
        self.assertContains(self.client.get("/prosecution/criminal-cases/"), "9/2016")
        self.assertContains(self.client.get(entry.get_absolute_url()), "Baku Serious Crimes Court")
        self.assertNotContains(self.client.get(entry.get_absolute_url()), "/edit/")
        self.assertEqual(self.client.get(f"/prosecution/criminal-cases/{entry.uid}/edit/").status_code, 403)
        response = self.client.post(f"/prosecution/criminal-cases/{entry.uid}/edit/", self.form_data(court="X"))
        self.assertEqual(response.status_code, 403)
        entry.refresh_from_db()
        self.assertEqual(entry.court, "Baku Serious Crimes Court")
        self.login(self.paul)
        self.assertEqual(self.client.get(f"/prosecution/criminal-cases/{entry.uid}/edit/").status_code, 200)

    def test_coordinator_reads_and_downloads_but_cannot_record(self):
        entry = criminal_case(self.prosecutor_office, number="9/2016")
        self.login(self.alice)
        self.assertContains(self.client.get("/prosecution/criminal-cases/"), "9/2016")
        self.assertContains(self.client.get(entry.get_absolute_url()), "9/2016")
        self.assertEqual(self.client.get("/prosecution/criminal-cases/", {"format": "csv"}).status_code, 200)
        self.assertEqual(self.client.get("/prosecution/criminal-cases/new/").status_code, 403)
        self.assertEqual(self.client.post("/prosecution/criminal-cases/new/", self.form_data()).status_code, 403)
        self.assertEqual(self.client.get(f"/prosecution/criminal-cases/{entry.uid}/edit/").status_code, 403)

    def test_every_other_role_and_no_role_is_refused_pages_and_downloads(self):
        entry = criminal_case(self.prosecutor_office)
        pages = [
            "/prosecution/criminal-cases/",
            "/prosecution/criminal-cases/?format=xlsx",
            "/prosecution/criminal-cases/?format=csv",
            entry.get_absolute_url(),
            f"/prosecution/criminal-cases/{entry.uid}/edit/",
            "/prosecution/criminal-cases/new/",
        ]
        for user in (self.bob, self.frank, self.olga, self.carol, self.dan, self.hana, self.hugo, self.sam, self.eve):
            self.login(user)
            for page in pages:
                with self.subTest(user=user.username, page=page):
                    self.assertEqual(self.client.get(page).status_code, 403)
            with self.subTest(user=user.username, page="new (POST)"):
                response = self.client.post("/prosecution/criminal-cases/new/", self.form_data(number="2/2016"))
                self.assertEqual(response.status_code, 403)
        self.assertEqual(CriminalCase.objects.count(), 1)

    def test_hotline_operator_cannot_read_prosecution_data(self):
        entry = criminal_case(self.prosecutor_office, number="HOT-1/2016", court="Sheki court")
        self.login(self.hana)
        for page in ("/prosecution/criminal-cases/", entry.get_absolute_url(), "/api/criminal-cases/"):
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertEqual(response.status_code, 403)
                self.assertNotIn(b"HOT-1/2016", response.content)
                self.assertNotIn(b"Sheki court", response.content)


class LinkedVictimTest(ProsecutionTestCase):
    def setUp(self):
        self.entry = criminal_case(self.prosecutor_office, victims_count=1)
        self.entry.victims.add(self.victim_case)
        self.case_url = self.victim_case.get_absolute_url()

    def test_an_analyst_sees_only_the_reference_code(self):
        self.login(self.paul)
        response = self.client.get(self.entry.get_absolute_url())
        self.assertContains(response, self.victim_case.reference)
        self.assertNotContains(response, self.case_url)
        self.assertNotContains(response, "Quliyeva")

    def test_the_coordinator_sees_only_the_reference_code(self):
        self.login(self.alice)
        response = self.client.get(self.entry.get_absolute_url())
        self.assertContains(response, self.victim_case.reference)
        self.assertNotContains(response, self.case_url)

    def test_a_reader_who_may_open_the_victims_case_gets_a_link_to_it(self):
        self.login(self.rita)
        response = self.client.get(self.entry.get_absolute_url())
        self.assertContains(response, f'<a href="{self.case_url}">{self.victim_case.reference}</a>', html=True)
        self.assertNotContains(response, "Quliyeva")

    def test_the_articles_are_shown_by_name_and_the_measures_once(self):
        self.entry.measures.add(self.plan.measures.get(number="13.3.5"))
        self.login(self.paul)
        response = self.client.get(self.entry.get_absolute_url())
        self.assertContains(response, "Art. 144-1: trafficking in human beings")
        self.assertContains(response, "<dt>Plan measures</dt>", count=1, html=False)
        self.assertContains(response, "13.3.5")


class FormPageTest(ProsecutionTestCase):
    def test_the_new_case_form_offers_articles_to_tick_codes_to_type_and_rows(self):
        self.login(self.paul)
        response = self.client.get("/prosecution/criminal-cases/new/")
        self.assertContains(response, 'type="checkbox" name="articles" value="144-3"')
        self.assertContains(response, 'name="victims"')
        for prefix in ("defendants", "assets", "requests"):
            self.assertContains(response, f'name="{prefix}-TOTAL_FORMS"')


class ListTest(ProsecutionTestCase):
    def test_search_finds_number_court_and_countries(self):
        criminal_case(self.prosecutor_office, number="A-1", court="Ganja court")
        criminal_case(self.prosecutor_office, number="B-2", transnational=True, countries="Georgia")
        self.login(self.paul)
        for words, found, absent in (("a-1", "A-1", "B-2"), ("ganja", "A-1", "B-2"), ("georgia", "B-2", "A-1")):
            with self.subTest(words=words):
                response = self.client.get("/prosecution/criminal-cases/", {"q": words})
                self.assertContains(response, found)
                self.assertNotContains(response, absent)

    def test_filters_narrow_the_list(self):
        criminal_case(self.prosecutor_office, number="A-1", stage="closed", opened_on=date(2015, 1, 5))
        criminal_case(
            self.prosecutor_office,
            number="B-2",
            organised_group=True,
            transnational=True,
            countries="Iran",
            opened_on=date(2017, 1, 5),
        )
        self.login(self.alice)
        for query, found, absent in (
            ({"stage": "closed"}, "A-1", "B-2"),
            ({"organised_group": "true"}, "B-2", "A-1"),
            ({"transnational": "false"}, "A-1", "B-2"),
            ({"opened_on_from": "2016-01-01"}, "B-2", "A-1"),
            ({"opened_on_to": "2016-01-01"}, "A-1", "B-2"),
        ):
            with self.subTest(query=query):
                response = self.client.get("/prosecution/criminal-cases/", query)
                self.assertContains(response, found)
                self.assertNotContains(response, absent)

    def test_download_as_xlsx_and_csv_counts_defendants_and_convicted(self):
        convicted = {"kind": "natural", "sex": "male", "outcome": "convicted"}
        pending = {"kind": "natural", "sex": "female"}
        criminal_case(
            self.prosecutor_office,
            number="A-1",
            articles=["144-1", "193-1"],
            defendants=[convicted, convicted, pending],
            stage="judgment",
            investigation_completed_on=date(2016, 5, 1),
            sent_to_court_on=date(2016, 6, 1),
            judgment_on=date(2016, 9, 1),
        )
        criminal_case(self.prosecutor_office, number="B-2", stage="closed")
        self.login(self.alice)
        response = self.client.get("/prosecution/criminal-cases/", {"format": "xlsx", "stage": "judgment"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        table = list(sheet.iter_rows(values_only=True))
        self.assertEqual(
            table[0][:7], ("Case number", "Articles", "Stage", "Date opened", "Defendants", "Convicted", "Recorded by")
        )
        self.assertEqual(len(table), 2)
        self.assertEqual(table[1][:3], ("A-1", "144-1, 193-1", "Judgment"))
        self.assertEqual(table[1][4:7], (3, 2, "General Prosecutor's Office"))
        response = self.client.get("/prosecution/criminal-cases/", {"format": "csv"})
        self.assertEqual(len(list(csv.reader(io.StringIO(response.content.decode())))), 3)

    def test_list_query_count_does_not_grow_with_the_entries(self):
        measure = self.plan.measures.get(number="13.3.4")
        for number in range(60):
            entry = criminal_case(
                self.prosecutor_office, number=f"{number}/2016", defendants=[{"kind": "natural", "sex": "male"}] * 2
            )
            entry.measures.add(measure)
            entry.victims.add(self.victim_case)
        self.login(self.alice)
        self.assertQueriesDoNotGrow(
            lambda size: self.client.get("/prosecution/criminal-cases/", {"per_page": size}), budget=14
        )
        self.assertQueriesDoNotGrow(lambda size: self.client.get("/api/criminal-cases/", {"per_page": size}), budget=14)
