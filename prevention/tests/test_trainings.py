"""The trainings register, through its pages and its API: who may read and record, validation, search, filters,
downloads, audit, and a query budget that does not grow with the list."""

import csv
import io
from datetime import date

from openpyxl import load_workbook

from audit.models import AuditEvent
from ctims.testing import PlanTestCase
from prevention.models import NO_PARTICIPANTS, Training


def training(organisation, **fields) -> Training:
    values = {"held_on": date(2016, 5, 10), "topic": "Identifying victims", "audience": "police", "women": 4, "men": 8}
    entry = Training.objects.create(organisation=organisation, **{**values, **fields})
    return entry


class TrainingPagesTest(PlanTestCase):
    def form_data(self, **changes):
        data = {
            "held_on": "2016-05-10",
            "ends_on": "2016-05-11",
            "topic": "Indicators of forced labour",
            "audience": "border",
            "place": "Baku",
            "organiser": "",
            "women": "3",
            "men": "12",
            "hours": "16",
            "measures": [str(self.plan.measures.get(number="13.2.10").pk)],
        }
        return {**data, **changes}

    def test_focal_point_records_a_training_for_its_organisation(self):
        self.login(self.bob)
        response = self.client.post("/prevention/trainings/new/", self.form_data())
        entry = Training.objects.get()
        self.assertRedirects(response, entry.get_absolute_url())
        self.assertEqual(entry.organisation, self.ministry)
        self.assertEqual(entry.created_by, self.bob)
        self.assertEqual(entry.participants, 15)
        self.assertEqual([m.number for m in entry.measures.all()], ["13.2.10"])

    def test_creating_and_changing_are_audited_by_field_name(self):
        self.login(self.bob)
        self.client.post("/prevention/trainings/new/", self.form_data())
        entry = Training.objects.get()
        self.client.post(f"/prevention/trainings/{entry.uid}/edit/", self.form_data(men="13"))
        events = AuditEvent.objects.filter(object_type="prevention.training", object_id=str(entry.pk))
        self.assertEqual([e.action for e in events.order_by("sequence")], ["trainings.create", "trainings.change"])
        self.assertEqual(events.order_by("sequence").last().details, {"fields": ["men"]})

    def test_end_before_start_is_refused_next_to_the_field(self):
        self.login(self.bob)
        response = self.client.post("/prevention/trainings/new/", self.form_data(ends_on="2016-05-01"))
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["form"], "ends_on", "The end date cannot be before the start date.")
        self.assertContains(response, "There is a problem")
        self.assertFalse(Training.objects.exists())

    def test_a_training_without_participants_is_refused(self):
        self.login(self.bob)
        response = self.client.post("/prevention/trainings/new/", self.form_data(women="0", men="0"))
        self.assertFormError(response.context["form"], "women", str(NO_PARTICIPANTS))
        self.assertFalse(Training.objects.exists())

    def test_focal_point_edits_only_its_organisations_entries(self):
        other = training(self.education)
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/prevention/trainings/{other.uid}/edit/").status_code, 403)
        response = self.client.post(f"/prevention/trainings/{other.uid}/edit/", self.form_data(topic="Changed"))
        self.assertEqual(response.status_code, 403)
        other.refresh_from_db()
        self.assertEqual(other.topic, "Identifying victims")
        self.login(self.frank)
        self.assertEqual(self.client.get(f"/prevention/trainings/{other.uid}/edit/").status_code, 200)

    def test_observer_reads_but_cannot_record(self):
        entry = training(self.ministry)
        self.login(self.olga)
        self.assertContains(self.client.get("/prevention/trainings/"), entry.topic)
        self.assertContains(self.client.get(entry.get_absolute_url()), entry.topic)
        self.assertNotContains(self.client.get(entry.get_absolute_url()), "/edit/")
        self.assertEqual(self.client.get("/prevention/trainings/new/").status_code, 403)
        self.assertEqual(self.client.post("/prevention/trainings/new/", self.form_data()).status_code, 403)

    def test_case_workers_hotline_and_prosecution_roles_and_no_role_are_refused(self):
        entry = training(self.ministry)
        for user in (self.carol, self.hana, self.paul, self.eve, self.sam):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get("/prevention/trainings/").status_code, 403)
                self.assertEqual(self.client.get(entry.get_absolute_url()).status_code, 403)
                self.assertEqual(self.client.get("/api/trainings/").status_code, 403)

    def test_search_and_filters_narrow_the_list(self):
        training(self.ministry, topic="Border checks", audience="border", held_on=date(2015, 3, 1))
        training(self.education, topic="Teachers and trafficking", audience="education", held_on=date(2017, 3, 1))
        self.login(self.alice)
        response = self.client.get("/prevention/trainings/", {"q": "teachers"})
        self.assertContains(response, "Teachers and trafficking")
        self.assertNotContains(response, "Border checks")
        response = self.client.get("/prevention/trainings/", {"audience": "border"})
        self.assertContains(response, "Border checks")
        self.assertNotContains(response, "Teachers and trafficking")
        response = self.client.get("/prevention/trainings/", {"held_on_from": "2016-01-01"})
        self.assertContains(response, "Teachers and trafficking")
        self.assertNotContains(response, "Border checks")
        response = self.client.get("/prevention/trainings/", {"organisation": self.ministry.pk})
        self.assertContains(response, "Border checks")
        self.assertNotContains(response, "Teachers and trafficking")

    def test_measure_filter_keeps_entries_linked_to_the_measure(self):
        linked, unlinked = training(self.ministry, topic="Linked"), training(self.ministry, topic="Unlinked")
        measure = self.plan.measures.get(number="13.2.10")
        linked.measures.add(measure)
        self.login(self.alice)
        response = self.client.get("/prevention/trainings/", {"measure": measure.pk})
        self.assertContains(response, linked.topic)
        self.assertNotContains(response, unlinked.topic)

    def test_download_as_xlsx_and_csv_follows_the_filters(self):
        training(self.ministry, topic="Border checks", audience="border", women=2, men=5)
        training(self.education, topic="Teachers", audience="education")
        self.login(self.olga)
        response = self.client.get("/prevention/trainings/", {"format": "xlsx", "audience": "border"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:6], ("Topic", "Date", "Audience", "Women", "Men", "Participants"))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], "Border checks")
        self.assertEqual(rows[1][3:6], (2, 5, 7))
        response = self.client.get("/prevention/trainings/", {"format": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(len(rows), 3)

    def test_list_query_count_does_not_grow_with_the_entries(self):
        measure = self.plan.measures.get(number="13.2.10")
        for number in range(60):
            training(self.ministry, topic=f"Training {number}").measures.add(measure)
        self.login(self.alice)
        self.assertQueriesDoNotGrow(
            lambda size: self.client.get("/prevention/trainings/", {"per_page": size}), budget=12
        )


class TrainingApiTest(PlanTestCase):
    def payload(self, **changes):
        data = {
            "held_on": "2016-05-10",
            "topic": "Indicators",
            "audience": "police",
            "women": 2,
            "men": 3,
            "measures": [self.plan.measures.get(number="13.2.10").pk],
        }
        return {**data, **changes}

    def test_focal_point_creates_and_updates_through_the_api(self):
        self.login(self.bob)
        response = self.client.post("/api/trainings/", self.payload(), content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        uid = response.json()["uid"]
        self.assertEqual(response.json()["organisation"], self.ministry.name)
        response = self.client.patch(f"/api/trainings/{uid}/", {"men": 30}, content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(Training.objects.get(uid=uid).men, 30)

    def test_api_answers_400_with_the_field_for_a_broken_rule(self):
        self.login(self.bob)
        response = self.client.post(
            "/api/trainings/", self.payload(ends_on="2016-05-01"), content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"ends_on": ["The end date cannot be before the start date."]})
        self.assertFalse(Training.objects.exists())

    def test_focal_point_of_another_body_cannot_update_and_observer_cannot_create(self):
        entry = training(self.ministry)
        self.login(self.frank)
        response = self.client.patch(f"/api/trainings/{entry.uid}/", {"men": 1}, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.login(self.olga)
        self.assertEqual(self.client.get(f"/api/trainings/{entry.uid}/").status_code, 200)
        response = self.client.post("/api/trainings/", self.payload(), content_type="application/json")
        self.assertEqual(response.status_code, 403)
        entry.refresh_from_db()
        self.assertEqual(entry.men, 8)

    def test_api_filters_like_the_page(self):
        training(self.ministry, audience="border")
        training(self.ministry, audience="police")
        self.login(self.alice)
        response = self.client.get("/api/trainings/", {"audience": "border"})
        self.assertEqual(response.json()["count"], 1)
        self.assertEqual(response.json()["results"][0]["audience"], "border")

    def test_registers_are_not_deleted_through_the_api(self):
        entry = training(self.ministry)
        self.login(self.bob)
        self.assertEqual(self.client.delete(f"/api/trainings/{entry.uid}/").status_code, 405)
        self.assertTrue(Training.objects.filter(pk=entry.pk).exists())
