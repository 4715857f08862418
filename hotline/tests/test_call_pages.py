"""The call register's pages: recording, the rules a call must keep, who may see calls, search, filters, downloads,
audit and the list's query budget."""

import csv
import datetime
import io

from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from hotline.forms import NO_SUCH_CASE
from hotline.models import (
    ANONYMOUS_WITH_IDENTIFIERS,
    CASE_ONLY_WHEN_OPENED,
    CASE_REQUIRED,
    NO_ACTION_NEEDS_REASON,
    RECEIVED_IN_FUTURE,
    REFERRAL_NEEDS_ORGANISATION,
    Call,
)
from hotline.tests.base import HotlineTestCase, at, call

CALLER_NAME = "Zaur Nadirli-Testov"
CALLER_PHONE = "+994 55 123 45 67"


class RecordingTest(HotlineTestCase):
    def test_operator_records_a_call_for_its_organisation(self):
        self.login(self.hana)
        response = self.client.post("/hotline/calls/new/", self.form_data())
        entry = Call.objects.get()
        self.assertRedirects(response, entry.get_absolute_url())
        self.assertEqual(entry.organisation, self.ministry)
        self.assertEqual(entry.created_by, self.hana)
        self.assertEqual(entry.received_at, at(2016, 5, 10, 14, 30))
        self.assertEqual(entry.indicators, ["documents", "no_pay"])
        self.assertEqual(entry.referred_to, self.ministry)
        self.assertTrue(entry.anonymous)
        self.assertIsNone(entry.caller_name)
        self.assertEqual([m.number for m in entry.measures.all()], ["13.2.1"])

    def test_the_form_offers_the_indicators_as_checkboxes_and_warns_against_names_in_the_summary(self):
        self.login(self.hana)
        response = self.client.get("/hotline/calls/new/")
        self.assertContains(response, 'type="checkbox" name="indicators" value="documents"')
        self.assertContains(response, "Do not write names, phone numbers")

    def test_a_case_is_entered_and_shown_by_its_reference(self):
        self.login(self.hana)
        data = self.form_data(action="case_opened", referred_to="", case=f" {self.case.reference.lower()} ")
        response = self.client.post("/hotline/calls/new/", data)
        entry = Call.objects.get()
        self.assertRedirects(response, entry.get_absolute_url())
        self.assertEqual(entry.case, self.case)
        self.assertContains(self.client.get(entry.get_absolute_url()), self.case.reference)
        edit = self.client.get(f"/hotline/calls/{entry.uid}/edit/")
        self.assertContains(edit, f'value="{self.case.reference}"')
        self.assertNotContains(edit, f'name="case" value="{self.case.pk}"')

    def test_an_unknown_case_reference_is_refused_next_to_the_field(self):
        self.login(self.hana)
        response = self.client.post(
            "/hotline/calls/new/", self.form_data(action="case_opened", referred_to="", case="NRM-2016-99999")
        )
        self.assertFormError(response.context["form"], "case", str(NO_SUCH_CASE))
        self.assertFalse(Call.objects.exists())

    def test_the_entry_page_shows_indicators_by_their_labels(self):
        self.login(self.hana)
        self.client.post("/hotline/calls/new/", self.form_data())
        response = self.client.get(Call.objects.get().get_absolute_url())
        self.assertContains(response, "Identity or travel documents withheld, No pay or wages withheld")

    def test_creating_and_changing_are_audited_by_field_name(self):
        self.login(self.hana)
        self.client.post("/hotline/calls/new/", self.form_data())
        entry = Call.objects.get()
        self.client.post(f"/hotline/calls/{entry.uid}/edit/", self.form_data(region="Shaki"))
        events = AuditEvent.objects.filter(object_type="hotline.call", object_id=str(entry.pk)).order_by("sequence")
        self.assertEqual([e.action for e in events], ["calls.create", "calls.change"])
        self.assertEqual(events.last().details, {"fields": ["region"]})


class ValidationTest(HotlineTestCase):
    """Each rule: the error next to its field, the summary at the top, nothing saved."""

    def assertRefused(self, data: dict, field: str, message) -> None:
        self.login(self.hana)
        response = self.client.post("/hotline/calls/new/", data)
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["form"], field, str(message))
        self.assertContains(response, "There is a problem")
        self.assertFalse(Call.objects.exists())

    def test_case_opened_requires_a_case(self):
        self.assertRefused(self.form_data(action="case_opened", referred_to=""), "case", CASE_REQUIRED)

    def test_a_case_is_only_given_with_case_opened(self):
        data = self.form_data(action="information", referred_to="", case=self.case.reference)
        self.assertRefused(data, "case", CASE_ONLY_WHEN_OPENED)

    def test_a_referral_requires_the_organisation_referred_to(self):
        for action in ("police", "ngo", "consulate"):
            with self.subTest(action=action):
                self.assertRefused(
                    self.form_data(action=action, referred_to=""), "referred_to", REFERRAL_NEEDS_ORGANISATION
                )

    def test_no_action_requires_the_reason(self):
        data = self.form_data(action="none", referred_to="", no_action_reason="  ")
        self.assertRefused(data, "no_action_reason", NO_ACTION_NEEDS_REASON)

    def test_a_call_cannot_be_received_in_the_future(self):
        tomorrow = timezone.localtime() + datetime.timedelta(days=1)
        data = self.form_data(received_at=f"{tomorrow:%Y-%m-%dT%H:%M}")
        self.assertRefused(data, "received_at", RECEIVED_IN_FUTURE)

    def test_an_anonymous_caller_has_no_details(self):
        self.assertRefused(self.form_data(caller_phone=CALLER_PHONE), "caller_phone", ANONYMOUS_WITH_IDENTIFIERS)

    def test_an_unknown_indicator_is_refused(self):
        self.login(self.hana)
        response = self.client.post("/hotline/calls/new/", self.form_data(indicators=["organ_removal"]))
        self.assertIn("indicators", response.context["form"].errors)
        self.assertFalse(Call.objects.exists())

    def test_the_rules_pass_when_kept(self):
        for changes in (
            {"action": "case_opened", "referred_to": "", "case": "NRM-placeholder"},
            {"action": "none", "referred_to": "", "no_action_reason": "The caller hung up."},
            {"action": "information", "referred_to": ""},
            {"anonymous": None, "caller_phone": CALLER_PHONE},
        ):
            changes = {k: (self.case.reference if v == "NRM-placeholder" else v) for k, v in changes.items()}
            with self.subTest(changes=changes):
                self.login(self.hana)
                response = self.client.post("/hotline/calls/new/", self.form_data(**changes))
                self.assertEqual(response.status_code, 302, response.context and response.context["form"].errors)


class CallerConfidentialityTest(HotlineTestCase):
    def test_caller_details_are_encrypted_in_the_database(self):
        self.login(self.hana)
        self.client.post(
            "/hotline/calls/new/",
            self.form_data(anonymous=None, caller_name=CALLER_NAME, caller_phone=CALLER_PHONE),
        )
        entry = Call.objects.get()
        self.assertEqual((entry.caller_name, entry.caller_phone), (CALLER_NAME, CALLER_PHONE))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT caller_name, caller_phone, caller_email FROM {Call._meta.db_table} WHERE id = %s", [entry.pk]
            )
            name, phone, email = cursor.fetchone()
        self.assertTrue(name and phone)
        self.assertNotIn("Nadirli", name)
        self.assertNotIn("123 45 67", phone)
        self.assertIsNone(email)  # not given: NULL, not an encrypted empty string

    def test_the_audit_event_names_the_changed_caller_field_but_never_its_value(self):
        self.login(self.hana)
        self.client.post("/hotline/calls/new/", self.form_data(anonymous=None, caller_name=CALLER_NAME))
        entry = Call.objects.get()
        self.client.post(
            f"/hotline/calls/{entry.uid}/edit/",
            self.form_data(anonymous=None, caller_name=CALLER_NAME, caller_phone=CALLER_PHONE),
        )
        events = AuditEvent.objects.filter(object_type="hotline.call", object_id=str(entry.pk)).order_by("sequence")
        self.assertIn("caller_name", events.first().details["fields"])
        self.assertEqual(events.last().details, {"fields": ["caller_phone"]})
        for event in events:
            trail = str([event.details, event.reason, event.object_id])
            self.assertNotIn("Nadirli", trail)
            self.assertNotIn("123 45 67", trail)

    def test_the_call_title_shows_when_it_came_never_what_was_said(self):
        entry = call(self.ministry, received_at=at(2016, 5, 10, 9, 5), summary="Secret words")
        self.assertEqual(str(entry), "Call of 2016-05-10 09:05")


class AccessTest(HotlineTestCase):
    def test_operator_of_another_organisation_neither_sees_nor_edits_the_call(self):
        entry = call(self.ministry, summary="Ministry hotline call")
        self.login(self.hugo)
        self.assertNotContains(self.client.get("/hotline/calls/"), entry.uid)
        self.assertEqual(self.client.get(entry.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(f"/hotline/calls/{entry.uid}/edit/").status_code, 404)
        response = self.client.post(f"/hotline/calls/{entry.uid}/edit/", self.form_data(region="Changed"))
        self.assertEqual(response.status_code, 404)
        rows = list(csv.reader(io.StringIO(self.client.get("/hotline/calls/", {"format": "csv"}).content.decode())))
        self.assertEqual(len(rows), 1)
        entry.refresh_from_db()
        self.assertEqual(entry.region, "")
        self.login(self.hana)
        self.assertEqual(self.client.get(f"/hotline/calls/{entry.uid}/edit/").status_code, 200)

    def test_every_other_role_is_refused_every_call_page(self):
        entry = call(self.ministry)
        pages = ["/hotline/calls/", "/hotline/calls/?format=xlsx", "/hotline/calls/new/", entry.get_absolute_url()]
        pages.append(f"/hotline/calls/{entry.uid}/edit/")
        for user in (self.alice, self.bob, self.frank, self.carol, self.dan, self.olga, self.sam, self.paul, self.eve):
            self.login(user)
            for page in pages:
                with self.subTest(user=user.username, page=page):
                    self.assertEqual(self.client.get(page).status_code, 403)
            with self.subTest(user=user.username, page="POST new"):
                self.assertEqual(self.client.post("/hotline/calls/new/", self.form_data()).status_code, 403)
        self.assertEqual(Call.objects.count(), 1)


class ListTest(HotlineTestCase):
    def test_search_finds_words_in_the_summary_and_the_region(self):
        farm = call(self.ministry, summary="Passport kept at a farm", region="Lankaran")
        visas = call(self.ministry, summary="Asked about visas", region="Ganja")
        self.login(self.hana)
        response = self.client.get("/hotline/calls/", {"q": "passport"})
        self.assertContains(response, farm.uid)
        self.assertNotContains(response, visas.uid)
        response = self.client.get("/hotline/calls/", {"q": "ganja"})
        self.assertContains(response, visas.uid)
        self.assertNotContains(response, farm.uid)

    def test_filters_narrow_the_list(self):
        first = {"channel": "sms", "caller_type": "family", "signal_type": "tip", "action": "information"}
        early = call(self.ministry, received_at=at(2015, 3, 1), thb_relevant=False, **first)
        late = call(self.ministry, received_at=at(2017, 3, 1), action="none", no_action_reason="Hung up")
        self.login(self.hana)
        for query in (
            {"channel": "sms"},
            {"caller_type": "family"},
            {"signal_type": "tip"},
            {"action": "information"},
            {"thb_relevant": "false"},
            {"received_at_to": "2016-01-01"},
        ):
            with self.subTest(query=query):
                response = self.client.get("/hotline/calls/", query)
                self.assertContains(response, early.uid)
                self.assertNotContains(response, late.uid)
        response = self.client.get("/hotline/calls/", {"received_at_from": "2016-01-01", "thb_relevant": "true"})
        self.assertContains(response, late.uid)
        self.assertNotContains(response, early.uid)

    def test_download_as_xlsx_and_csv_follows_the_filters(self):
        call(self.ministry, action="case_opened", case=self.case, channel="web", received_at=at(2016, 2, 3, 10))
        call(self.ministry, channel="phone", summary="Never in a download")
        self.login(self.hana)
        response = self.client.get("/hotline/calls/", {"format": "xlsx", "channel": "web"})
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(
            rows[0],
            (
                "Received at",
                "Channel",
                "Caller type",
                "Signal",
                "Action",
                "Concerns trafficking",
                "Case reference",
                "Recorded by",
                "Plan measures",
            ),
        )
        self.assertEqual(len(rows), 2)
        self.assertEqual(
            rows[1][1:8],
            (
                "Web form",
                "Potential victim",
                "Request for help",
                "Case opened",
                "Yes",
                self.case.reference,
                self.ministry.name,
            ),
        )
        response = self.client.get("/hotline/calls/", {"format": "csv"})
        self.assertNotIn("Never in a download", response.content.decode())
        self.assertEqual(len(list(csv.reader(io.StringIO(response.content.decode())))), 3)

    def test_list_query_count_does_not_grow_with_the_calls(self):
        measure = self.measures["13.2.1"]
        for number in range(60):
            entry = call(self.ministry, action="case_opened", case=self.case, received_at=at(2016, 1, 1 + number % 28))
            entry.measures.add(measure)
        self.login(self.hana)
        self.assertQueriesDoNotGrow(lambda size: self.client.get("/hotline/calls/", {"per_page": size}), budget=14)
