"""Meetings of the commission and the working group with their follow-up actions, recorded by the Coordinator, and
the page of open follow-up actions across meetings."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from ctims.testing import PlanTestCase
from partners.models import DATE_WITHOUT_DONE, DONE_BEFORE_MEETING, DONE_WITHOUT_DATE, FollowUpAction, Meeting
from partners.tests.helpers import meeting
from partners.tests.test_donor_support import management

URL = "/partners/meetings/"
FOLLOW_UP = "/partners/follow-up/"


class MeetingPagesTest(PlanTestCase):
    def form_data(self, actions=(), **changes):
        data = {
            "body": "working_group",
            "held_on": "2016-03-10",
            "place": "Baku",
            "participants": [str(self.ministry.pk), str(self.education.pk)],
            "agenda": "The reflection period in the law",
            "decisions": "Draft amendments",
            "measures": [str(self.plan.measures.get(number="13.8.5").pk)],
            **management("actions", total=len(actions)),
        }
        for index, action in enumerate(actions):
            row = {"measure": "", "done_on": "", "status": "open", "due_on": "2016-09-30", **action}
            data.update({f"actions-{index}-{name}": value for name, value in row.items()})
        return {**data, **changes}

    def action(self, **changes):
        return {"action": "Draft amendments", "responsible": str(self.ministry.pk), **changes}

    def test_coordinator_records_a_meeting_with_its_follow_up_actions(self):
        self.login(self.alice)
        measure = self.plan.measures.get(number="13.1.7")
        actions = [self.action(measure=str(measure.pk)), self.action(status="done", done_on="2016-04-01")]
        response = self.client.post(f"{URL}new/", self.form_data(actions=actions))
        entry = Meeting.objects.get()
        self.assertRedirects(response, entry.get_absolute_url())
        self.assertEqual(set(entry.participants.all()), {self.ministry, self.education})
        self.assertEqual(
            [(a.status, a.measure) for a in entry.actions.order_by("pk")], [("open", measure), ("done", None)]
        )
        self.assertContains(self.client.get(entry.get_absolute_url()), "Draft amendments")

    def test_done_action_needs_its_date_next_to_the_field(self):
        self.login(self.alice)
        response = self.client.post(f"{URL}new/", self.form_data(actions=[self.action(status="done")]))
        _spec, formset = response.context["formsets"][0]
        self.assertEqual(formset.forms[0].errors["done_on"], [str(DONE_WITHOUT_DATE)])
        self.assertFalse(Meeting.objects.exists())

    def test_date_done_is_refused_while_the_action_is_not_done(self):
        self.login(self.alice)
        response = self.client.post(f"{URL}new/", self.form_data(actions=[self.action(done_on="2016-04-01")]))
        _spec, formset = response.context["formsets"][0]
        self.assertEqual(formset.forms[0].errors["done_on"], [str(DATE_WITHOUT_DONE)])
        self.assertFalse(Meeting.objects.exists())

    def test_action_cannot_be_done_before_the_meeting_also_when_editing(self):
        self.login(self.alice)
        response = self.client.post(
            f"{URL}new/", self.form_data(actions=[self.action(status="done", done_on="2016-03-09")])
        )
        _spec, formset = response.context["formsets"][0]
        self.assertEqual(formset.forms[0].errors["done_on"], [str(DONE_BEFORE_MEETING)])
        self.assertFalse(Meeting.objects.exists())
        entry = meeting(self.coordinator_org, held_on=date(2016, 3, 10))
        row = FollowUpAction.objects.create(
            meeting=entry, action="Draft", responsible=self.ministry, due_on=date(2016, 9, 30)
        )
        data = self.form_data(held_on="2016-05-01")
        data.update(management("actions", total=1, initial=1))
        data.update({f"actions-0-{k}": v for k, v in self.action(status="done", done_on="2016-04-01").items()})
        data.update({"actions-0-id": str(row.pk), "actions-0-due_on": "2016-09-30", "actions-0-measure": ""})
        response = self.client.post(f"{URL}{entry.uid}/edit/", data)
        _spec, formset = response.context["formsets"][0]
        self.assertEqual(formset.forms[0].errors["done_on"], [str(DONE_BEFORE_MEETING)])
        row.refresh_from_db()
        self.assertEqual(row.status, "open")

    def test_focal_points_and_observers_read_but_do_not_record_or_edit(self):
        entry = meeting(self.coordinator_org)
        for user in (self.bob, self.olga):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertContains(self.client.get(URL), str(entry))
                self.assertNotContains(self.client.get(entry.get_absolute_url()), "/edit/")
                self.assertEqual(self.client.get(f"{URL}new/").status_code, 403)
                self.assertEqual(self.client.post(f"{URL}new/", self.form_data()).status_code, 403)
                self.assertEqual(self.client.get(f"{URL}{entry.uid}/edit/").status_code, 403)
                payload = {"body": "other", "held_on": "2017-01-01", "agenda": "Anything", "measures": []}
                response = self.client.post("/api/meetings/", payload, content_type="application/json")
                self.assertEqual(response.status_code, 403)
        self.assertEqual(Meeting.objects.count(), 1)

    def test_case_workers_hotline_prosecution_sysadmin_and_no_role_are_refused(self):
        entry = meeting(self.coordinator_org)
        for user in (self.carol, self.hana, self.paul, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertEqual(self.client.get(URL, {"format": "xlsx"}).status_code, 403)
                self.assertEqual(self.client.get(entry.get_absolute_url()).status_code, 403)
                self.assertEqual(self.client.get("/api/meetings/").status_code, 403)
                self.assertEqual(self.client.get(FOLLOW_UP).status_code, 403)

    def test_creating_and_changing_are_audited(self):
        self.login(self.alice)
        self.client.post(f"{URL}new/", self.form_data())
        entry = Meeting.objects.get()
        self.client.post(f"{URL}{entry.uid}/edit/", self.form_data(place="Ganja"))
        events = AuditEvent.objects.filter(object_type="partners.meeting", object_id=str(entry.pk)).order_by("sequence")
        self.assertEqual([e.action for e in events], ["meetings.create", "meetings.change"])
        self.assertEqual(events.last().details, {"fields": ["place"]})

    def test_filters_and_download(self):
        meeting(self.coordinator_org, body="commission", agenda="Referral of victims")
        meeting(self.coordinator_org, body="working_group", agenda="Law amendments", held_on=date(2015, 5, 5))
        self.login(self.olga)
        response = self.client.get(URL, {"body": "working_group"})
        self.assertContains(response, "Legislative working group")
        self.assertNotContains(response, "2017-02-22")
        response = self.client.get(URL, {"q": "referral"})
        self.assertContains(response, "2017-02-22")
        self.assertNotContains(response, "2015-05-05")
        response = self.client.get(URL, {"format": "csv", "held_on_to": "2016-01-01"})
        self.assertEqual(response.content.decode().count("\n"), 2)

    def test_list_query_count_does_not_grow_with_the_entries(self):
        for number in range(60):
            meeting(self.coordinator_org, place=f"Room {number}").participants.add(self.ministry, self.education)
        self.login(self.alice)
        self.assertQueriesDoNotGrow(lambda size: self.client.get(URL, {"per_page": size}), budget=13)


class MeetingApiTest(PlanTestCase):
    def payload(self, **changes):
        data = {
            "body": "commission",
            "held_on": "2017-02-22",
            "agenda": "Statistics",
            "participants": [self.ministry.pk],
            "measures": [],
            "actions": [{"action": "Agree a form", "responsible": self.ministry.pk, "due_on": "2017-06-30"}],
        }
        return {**data, **changes}

    def test_coordinator_creates_a_meeting_with_actions(self):
        self.login(self.alice)
        response = self.client.post("/api/meetings/", self.payload(), content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Meeting.objects.get().actions.get().status, "open")

    def test_api_answers_400_for_an_action_done_before_the_meeting(self):
        self.login(self.alice)
        actions = [
            {
                "action": "Agree a form",
                "responsible": self.ministry.pk,
                "due_on": "2017-06-30",
                "status": "done",
                "done_on": "2017-01-01",
            }
        ]
        response = self.client.post("/api/meetings/", self.payload(actions=actions), content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"done_on": [str(DONE_BEFORE_MEETING)]})
        self.assertFalse(Meeting.objects.exists())


class FollowUpPageTest(PlanTestCase):
    def setUp(self):
        today = timezone.localdate()
        self.late = meeting(
            self.coordinator_org,
            actions=[
                {
                    "action": "Agree a statistics form",
                    "responsible": self.ministry,
                    "due_on": today - timedelta(days=1),
                },
                {
                    "action": "Send the figures",
                    "responsible": self.education,
                    "due_on": today - timedelta(days=30),
                    "status": "done",
                    "done_on": date(2017, 3, 1),
                },
                {"action": "Abandoned idea", "responsible": self.ministry, "due_on": today, "status": "dropped"},
            ],
        )
        self.coming = meeting(
            self.coordinator_org,
            held_on=date(2017, 10, 18),
            actions=[
                {
                    "action": "List the needs",
                    "responsible": self.education,
                    "due_on": today + timedelta(days=10),
                    "status": "in_progress",
                    "measure": self.plan.measures.get(number="13.7.1"),
                }
            ],
        )

    def test_lists_open_actions_across_meetings_and_marks_the_overdue(self):
        self.login(self.bob)
        response = self.client.get(FOLLOW_UP)
        self.assertContains(response, "Agree a statistics form")
        self.assertContains(response, "List the needs")
        self.assertContains(response, "13.7.1")
        self.assertContains(response, self.coming.get_absolute_url())
        self.assertNotContains(response, "Send the figures")
        self.assertNotContains(response, "Abandoned idea")
        self.assertContains(response, '<span class="tag tag-overdue">Overdue</span>', count=1, html=False)
        rows = [(action.action, overdue) for action, overdue in response.context["rows"]]
        self.assertEqual(rows, [("Agree a statistics form", True), ("List the needs", False)])

    def test_meetings_list_links_to_the_page(self):
        self.login(self.olga)
        self.assertContains(self.client.get(URL), f'<a href="{FOLLOW_UP}">Open follow-up actions</a>', html=True)

    def test_filters_by_responsible_organisation(self):
        self.login(self.olga)
        response = self.client.get(FOLLOW_UP, {"responsible": self.education.pk})
        self.assertContains(response, "List the needs")
        self.assertNotContains(response, "Agree a statistics form")

    def test_query_count_does_not_grow_with_the_actions(self):
        today = timezone.localdate()
        measure = self.plan.measures.get(number="13.7.1")
        for number in range(30):
            meeting(
                self.coordinator_org,
                actions=[
                    {"action": f"A{number}", "responsible": self.ministry, "due_on": today, "measure": measure},
                    {"action": f"B{number}", "responsible": self.education, "due_on": today - timedelta(days=2)},
                ],
            )
        self.login(self.alice)
        self.assertQueriesDoNotGrow(lambda size: self.client.get(FOLLOW_UP, {"per_page": size}), budget=10)


class MeetingPageQueriesTest(PlanTestCase):
    def test_a_meeting_page_costs_the_same_queries_for_one_or_many_follow_up_actions(self):
        measure = self.plan.measures.get(number="13.7.1")
        action = {"action": "Prepare statistics", "responsible": self.ministry, "measure": measure}
        few = meeting(self.coordinator_org, actions=[{**action, "due_on": date(2017, 5, 1)}])
        many = meeting(self.coordinator_org, actions=[{**action, "due_on": date(2017, 5, day)} for day in range(1, 9)])
        self.login(self.alice)
        counts = []
        for entry in (few, many):
            with CaptureQueriesContext(connection) as queries:
                self.assertContains(self.client.get(entry.get_absolute_url()), "Prepare statistics")
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
