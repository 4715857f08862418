"""The donor support register, through its pages and its API: who may read and record, the rules on amounts,
support types and transactions, search, filters, downloads, audit, and a query budget."""

import csv
import io
from datetime import date, timedelta

from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from ctims.testing import PlanTestCase
from partners.models import (
    DATE_IN_FUTURE,
    DISBURSED_OVER_COMMITTED,
    END_BEFORE_START,
    DonorSupport,
    Transaction,
)
from partners.tests.helpers import donor, support

URL = "/partners/donor-support/"


def management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


class DonorSupportPagesTest(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.iom = donor(cls.coordinator_org)
        cls.osce = donor(cls.coordinator_org, name="OSCE", iati_ref="")

    def form_data(self, rows=(), **changes):
        data = {
            "title": "Identification of victims by the police",
            "description": "Trainers and manuals",
            "donor": str(self.iom.pk),
            "implementing_organisation": str(self.ministry.pk),
            "support_types": ["methodic", "information"],
            "funding_source": "grants",
            "status": "implementation",
            "start_on": "2016-03-01",
            "end_on": "2017-06-30",
            "currency": "USD",
            "amount_pledged": "12000",
            "amount_committed": "10000",
            "amount_disbursed": "6000",
            "measures": [str(self.plan.measures.get(number="13.7.2").pk)],
            **management("transactions", total=len(rows)),
        }
        for index, (kind, day, value) in enumerate(rows):
            data.update(
                {
                    f"transactions-{index}-kind": kind,
                    f"transactions-{index}-date": day,
                    f"transactions-{index}-value": value,
                    f"transactions-{index}-currency": "USD",
                }
            )
        return {**data, **changes}

    def test_focal_point_records_support_with_its_transactions(self):
        self.login(self.bob)
        rows = [("commitment", "2016-02-10", "10000"), ("disbursement", "2016-03-15", "6000")]
        response = self.client.post(f"{URL}new/", self.form_data(rows=rows))
        entry = DonorSupport.objects.get()
        self.assertRedirects(response, entry.get_absolute_url())
        self.assertEqual(entry.organisation, self.ministry)
        self.assertEqual(entry.support_types, ["methodic", "information"])
        self.assertEqual(
            [(t.kind, t.value) for t in entry.transactions.all()], [("commitment", 10000), ("disbursement", 6000)]
        )
        page = self.client.get(entry.get_absolute_url())
        self.assertContains(page, "Methodic, Information")
        self.assertContains(page, "Disbursement")

    def test_end_before_start_is_refused_next_to_the_field(self):
        self.login(self.bob)
        response = self.client.post(f"{URL}new/", self.form_data(end_on="2016-01-01"))
        self.assertFormError(response.context["form"], "end_on", str(END_BEFORE_START))
        self.assertContains(response, "There is a problem")
        self.assertFalse(DonorSupport.objects.exists())

    def test_more_disbursed_than_committed_is_refused(self):
        self.login(self.bob)
        response = self.client.post(f"{URL}new/", self.form_data(amount_disbursed="10000.01"))
        self.assertFormError(response.context["form"], "amount_disbursed", str(DISBURSED_OVER_COMMITTED))
        self.assertFalse(DonorSupport.objects.exists())

    def test_disbursed_without_a_commitment_is_accepted(self):
        self.login(self.bob)
        self.client.post(f"{URL}new/", self.form_data(amount_committed="", amount_disbursed="500"))
        self.assertEqual(DonorSupport.objects.get().amount_disbursed, 500)

    def test_negative_amount_is_refused(self):
        self.login(self.bob)
        response = self.client.post(f"{URL}new/", self.form_data(amount_pledged="-1"))
        self.assertIn("amount_pledged", response.context["form"].errors)
        self.assertFalse(DonorSupport.objects.exists())

    def test_support_without_a_type_or_with_an_unknown_type_is_refused(self):
        self.login(self.bob)
        response = self.client.post(f"{URL}new/", self.form_data(support_types=[]))
        self.assertIn("support_types", response.context["form"].errors)
        response = self.client.post(f"{URL}new/", self.form_data(support_types=["spiritual"]))
        self.assertIn("support_types", response.context["form"].errors)
        self.assertFalse(DonorSupport.objects.exists())

    def test_transaction_dated_in_the_future_is_refused_on_its_row(self):
        self.login(self.bob)
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        response = self.client.post(f"{URL}new/", self.form_data(rows=[("disbursement", tomorrow, "100")]))
        self.assertEqual(response.status_code, 200)
        _spec, formset = response.context["formsets"][0]
        self.assertEqual(formset.forms[0].errors["date"], [str(DATE_IN_FUTURE)])
        self.assertContains(response, "Check the rows under")
        self.assertFalse(DonorSupport.objects.exists())

    def test_disbursements_adding_up_to_more_than_the_amount_disbursed_are_refused(self):
        self.login(self.bob)
        rows = [("disbursement", "2016-03-15", "4000"), ("disbursement", "2016-09-15", "2500")]
        response = self.client.post(f"{URL}new/", self.form_data(rows=rows))
        self.assertEqual(response.status_code, 200)
        error = response.context["form"].errors["amount_disbursed"][0]
        self.assertIn("add up to 6500", error)
        self.assertFalse(DonorSupport.objects.exists())
        self.assertFalse(Transaction.objects.exists())

    def test_transactions_in_another_currency_are_not_added_to_the_amounts(self):
        self.login(self.bob)
        data = self.form_data(rows=[("disbursement", "2016-03-15", "9000")])
        data["transactions-0-currency"] = "AZN"
        self.client.post(f"{URL}new/", data)
        self.assertEqual(DonorSupport.objects.get().transactions.get().currency, "AZN")

    def test_focal_point_edits_only_its_organisations_support(self):
        entry = support(self.education, donor=self.iom, implementer=self.education)
        self.login(self.bob)
        self.assertEqual(self.client.get(f"{URL}{entry.uid}/edit/").status_code, 403)
        response = self.client.post(f"{URL}{entry.uid}/edit/", self.form_data(title="Changed"))
        self.assertEqual(response.status_code, 403)
        entry.refresh_from_db()
        self.assertEqual(entry.title, "Identification of victims")
        self.login(self.frank)
        self.assertEqual(self.client.get(f"{URL}{entry.uid}/edit/").status_code, 200)

    def test_coordinator_records_support_too(self):
        self.login(self.alice)
        self.client.post(f"{URL}new/", self.form_data())
        self.assertEqual(DonorSupport.objects.get().organisation, self.coordinator_org)

    def test_observer_reads_but_cannot_record(self):
        entry = support(self.ministry, donor=self.iom, implementer=self.ministry)
        self.login(self.olga)
        self.assertContains(self.client.get(URL), entry.title)
        self.assertNotContains(self.client.get(entry.get_absolute_url()), "/edit/")
        self.assertEqual(self.client.get(f"{URL}new/").status_code, 403)
        self.assertEqual(self.client.post(f"{URL}new/", self.form_data()).status_code, 403)
        self.assertEqual(self.client.get(f"{URL}{entry.uid}/edit/").status_code, 403)

    def test_case_workers_hotline_prosecution_sysadmin_and_no_role_are_refused(self):
        entry = support(self.ministry, donor=self.iom, implementer=self.ministry)
        for user in (self.carol, self.hana, self.paul, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertEqual(self.client.get(URL, {"format": "csv"}).status_code, 403)
                self.assertEqual(self.client.get(entry.get_absolute_url()).status_code, 403)
                self.assertEqual(self.client.get(f"{URL}new/").status_code, 403)
                self.assertEqual(self.client.get(f"{URL}{entry.uid}/edit/").status_code, 403)
                self.assertEqual(self.client.get("/api/donor-support/").status_code, 403)
                self.assertEqual(self.client.get(f"/api/donor-support/{entry.uid}/").status_code, 403)

    def test_creating_and_changing_are_audited_by_field_name(self):
        self.login(self.bob)
        self.client.post(f"{URL}new/", self.form_data())
        entry = DonorSupport.objects.get()
        self.client.post(f"{URL}{entry.uid}/edit/", self.form_data(status="closed"))
        events = AuditEvent.objects.filter(object_type="partners.donorsupport", object_id=str(entry.pk))
        ordered = events.order_by("sequence")
        self.assertEqual([e.action for e in ordered], ["donor_support.create", "donor_support.change"])
        self.assertEqual(ordered.last().details, {"fields": ["status"]})

    def test_search_and_filters_narrow_the_list(self):
        support(self.ministry, donor=self.iom, implementer=self.ministry, title="Police manuals", status="closed")
        support(
            self.education,
            donor=self.osce,
            implementer=self.education,
            title="School talks",
            status="implementation",
            start_on=date(2017, 1, 1),
        )
        self.login(self.alice)
        cases = [
            ({"q": "manuals"}, "Police manuals", "School talks"),
            ({"q": "OSCE"}, "School talks", "Police manuals"),
            ({"donor": self.iom.pk}, "Police manuals", "School talks"),
            ({"implementing_organisation": self.education.pk}, "School talks", "Police manuals"),
            ({"status": "closed"}, "Police manuals", "School talks"),
            ({"start_on_from": "2016-12-01"}, "School talks", "Police manuals"),
            ({"organisation": self.ministry.pk}, "Police manuals", "School talks"),
        ]
        for query, shown, hidden in cases:
            with self.subTest(query=query):
                response = self.client.get(URL, query)
                self.assertContains(response, shown)
                self.assertNotContains(response, hidden)

    def test_list_links_to_the_iati_file(self):
        self.login(self.olga)
        self.assertContains(self.client.get(URL), 'href="/partners/donor-support/iati.xml"')

    def test_download_as_xlsx_and_csv_follows_the_filters(self):
        support(self.ministry, donor=self.iom, implementer=self.ministry, title="Police manuals")
        support(self.education, donor=self.osce, implementer=self.education, title="School talks")
        self.login(self.olga)
        response = self.client.get(URL, {"format": "xlsx", "donor": self.iom.pk})
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("Title", "Donor", "Implementing organisation", "Types of support"))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][:4], ("Police manuals", self.iom.name, self.ministry.name, "Methodic, Information"))
        self.assertEqual(rows[1][8:10], (10000, 8000))
        response = self.client.get(URL, {"format": "csv"})
        self.assertEqual(len(list(csv.reader(io.StringIO(response.content.decode())))), 3)

    def test_list_query_count_does_not_grow_with_the_entries(self):
        measure = self.plan.measures.get(number="13.7.2")
        for number in range(60):
            entry = support(self.ministry, donor=self.iom, implementer=self.ministry, title=f"Support {number}")
            entry.measures.add(measure)
        self.login(self.alice)
        self.assertQueriesDoNotGrow(lambda size: self.client.get(URL, {"per_page": size}), budget=14)


class DonorSupportApiTest(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.iom = donor(cls.coordinator_org)

    def payload(self, **changes):
        data = {
            "title": "Reintegration grants",
            "donor": str(self.iom.uid),
            "implementing_organisation": self.ministry.pk,
            "support_types": ["financial"],
            "status": "implementation",
            "start_on": "2016-01-01",
            "end_on": "2018-12-31",
            "currency": "USD",
            "amount_committed": "1000.00",
            "amount_disbursed": "400.00",
            "measures": [],
            "transactions": [{"kind": "disbursement", "date": "2016-02-01", "value": "400.00", "currency": "USD"}],
        }
        return {**data, **changes}

    def post(self, **changes):
        return self.client.post("/api/donor-support/", self.payload(**changes), content_type="application/json")

    def test_focal_point_creates_support_with_transactions_and_the_donor_by_uid(self):
        self.login(self.bob)
        response = self.post()
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["donor"], str(self.iom.uid))
        self.assertEqual(body["support_types"], ["financial"])
        self.assertEqual(len(body["transactions"]), 1)
        entry = DonorSupport.objects.get(uid=body["uid"])
        self.assertEqual(entry.transactions.get().value, 400)

    def test_api_answers_400_with_the_field_for_each_broken_rule(self):
        self.login(self.bob)
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        cases = [
            ({"end_on": "2015-01-01"}, "end_on"),
            ({"amount_disbursed": "2000.00", "transactions": []}, "amount_disbursed"),
            ({"support_types": []}, "support_types"),
            ({"support_types": ["spiritual"]}, "support_types"),
            ({"amount_committed": "-5.00", "amount_disbursed": None}, "amount_committed"),
            ({"transactions": [{"kind": "disbursement", "date": tomorrow, "value": "1.00"}]}, "date"),
            (
                {
                    "transactions": [
                        {"kind": "disbursement", "date": "2016-02-01", "value": "1400.00", "currency": "USD"}
                    ]
                },
                "amount_disbursed",
            ),
        ]
        for changes, field in cases:
            with self.subTest(changes=changes):
                response = self.post(**changes)
                self.assertEqual(response.status_code, 400)
                body = response.json()
                self.assertTrue(field in body or field in str(body.get("transactions")), body)
        self.assertFalse(DonorSupport.objects.exists())

    def test_api_message_for_more_disbursed_than_committed_is_the_constant(self):
        self.login(self.bob)
        response = self.post(amount_disbursed="2000.00", transactions=[])
        self.assertEqual(response.json(), {"amount_disbursed": [str(DISBURSED_OVER_COMMITTED)]})

    def test_focal_point_of_another_body_cannot_update_and_observer_cannot_create(self):
        entry = support(self.ministry, donor=self.iom, implementer=self.ministry)
        self.login(self.frank)
        response = self.client.patch(
            f"/api/donor-support/{entry.uid}/", {"title": "Changed"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        self.login(self.olga)
        self.assertEqual(self.client.get(f"/api/donor-support/{entry.uid}/").status_code, 200)
        self.assertEqual(self.post().status_code, 403)
        entry.refresh_from_db()
        self.assertEqual(entry.title, "Identification of victims")
