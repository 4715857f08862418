import datetime
import json

from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from ctims.testing import PlanTestCase, make_user
from monitoring import services
from monitoring.models import PROGRESS_ONLY_FOR_RECURRING, ProgressReport, ReportAttachment, ReportingRound
from organisations.models import Organisation
from plans.models import Direction, Measure

MIGRATION = "State Migration Service"  # an executor of 13.1.1, like the ministry


def open_round(plan, actor, year=2014, **fields) -> ReportingRound:
    """A round that is open and not yet due, so submissions are on time."""
    today = timezone.localdate()
    values = {"period_type": "year", "period_number": 1, "opens_on": today, "due_on": today + datetime.timedelta(30)}
    return services.round_open(plan=plan, year=year, actor=actor, **values | fields)


def errors_text(response) -> str:
    return str(response.json())


class MonitoringApiTestCase(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = open_round(cls.plan, cls.alice)
        # The ministry's expected report on 13.1.1 (2014-2016), a draft.
        cls.report = ProgressReport.objects.get(round=cls.round, measure__number="13.1.1", organisation=cls.ministry)

    def url(self, report=None, step: str = "") -> str:
        path = f"/api/reports/{(report or self.report).pk}/"
        return f"{path}{step}/" if step else path

    def post(self, path: str, data=None):
        return self.client.post(path, data or {}, content_type="application/json")

    def patch(self, path: str, data):
        return self.client.patch(path, data, content_type="application/json")

    def fill(self, report=None, progress="limited", narrative="Officials of 12 districts were trained.") -> None:
        services.report_update(report=report or self.report, actor=self.bob, progress=progress, narrative=narrative)

    def submitted(self, report=None) -> ProgressReport:
        report = report or self.report
        self.fill(report)
        return services.report_submit(report=report, actor=self.bob)

    def accepted(self, report=None) -> ProgressReport:
        return services.report_accept(report=self.submitted(report), actor=self.alice)

    def status_of(self, report=None) -> str:
        return ProgressReport.objects.get(pk=(report or self.report).pk).status


class ReportWorkflowApiTests(MonitoringApiTestCase):
    def test_a_report_goes_from_creation_to_acceptance_through_the_api(self):
        measure = self.measures["13.9.2"]  # the ministry is involved, not an executor: nobody expects its report
        self.login(self.bob)
        response = self.post(
            "/api/reports/",
            {
                "round": self.round.pk,
                "measure": measure.pk,
                "organisation": self.ngo.pk,  # ignored: a focal point reports for its own organisation
                "progress": "limited",
                "results": [{"indicator": "Officials trained", "unit": "people", "value": "120"}],
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        created = response.json()
        self.assertEqual(
            (created["organisation"], created["organisation_name"]), (self.ministry.pk, self.ministry.name)
        )
        self.assertEqual((created["measure_number"], created["round_label"]), ("13.9.2", "2014"))
        self.assertEqual((created["expected"], created["status"]), (False, "draft"))
        self.assertEqual(created["results"], [{"indicator": "Officials trained", "unit": "people", "value": "120.00"}])
        path = f"/api/reports/{created['id']}/"

        response = self.patch(
            path,
            {
                "narrative": "Training courses were held.",
                "spending": [{"source": "state_budget", "amount": "1500.50", "currency": "AZN"}],
            },
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["progress"], "limited")
        self.assertEqual(len(response.json()["results"]), 1)  # not given, so kept
        self.assertEqual(
            response.json()["spending"], [{"source": "state_budget", "amount": "1500.50", "currency": "AZN"}]
        )

        submitted = self.post(f"{path}submit/").json()
        self.assertEqual(submitted["status"], "submitted")
        self.assertIsNotNone(submitted["first_submitted_at"])
        self.assertFalse(submitted["late"])

        self.login(self.alice)
        response = self.post(f"{path}return/", {"comment": "How many of them were women?"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "returned")

        self.login(self.bob)
        self.assertEqual(self.patch(path, {"progress": "substantial"}).status_code, 200)
        self.assertEqual(self.post(f"{path}submit/").json()["status"], "submitted")

        self.login(self.alice)
        accepted = self.post(f"{path}accept/", {"comment": "Thank you."}).json()
        self.assertEqual((accepted["status"], accepted["progress"]), ("accepted", "substantial"))
        self.assertIsNotNone(accepted["accepted_at"])

        self.login(self.bob)
        steps = [
            (t["from_status"], t["to_status"], t["actor"], t["comment"])
            for t in self.client.get(path).json()["transitions"]
        ]
        self.assertEqual(
            steps,
            [
                ("draft", "submitted", "bob", ""),
                ("submitted", "returned", "alice", "How many of them were women?"),
                ("returned", "submitted", "bob", ""),
                ("submitted", "accepted", "alice", "Thank you."),
            ],
        )

    def test_an_expected_report_is_updated_not_created_again(self):
        self.login(self.bob)
        response = self.post("/api/reports/", {"round": self.round.pk, "measure": self.measures["13.1.1"].pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"update it (PATCH /api/reports/{self.report.pk}/)", response.json()["non_field_errors"][0])
        self.assertEqual(ProgressReport.objects.filter(round=self.round, measure__number="13.1.1").count(), 7)

    def test_a_measure_the_ministry_does_not_take_part_in_cannot_be_reported_on(self):
        self.login(self.bob)
        response = self.post("/api/reports/", {"round": self.round.pk, "measure": self.measures["13.1.2"].pk})
        self.assertEqual(response.status_code, 400)
        message = services.NOT_A_PARTICIPANT.format(organisation=self.ministry, measure="13.1.2")
        self.assertEqual(response.json(), {"non_field_errors": [message]})
        self.assertFalse(ProgressReport.objects.filter(measure__number="13.1.2").exists())

    def test_a_measure_of_another_plan_is_refused_naming_the_measure(self):
        direction = Direction.objects.create(plan=self.plan.predecessor, number="1", title="Prevention")
        other = Measure.objects.create(plan=self.plan.predecessor, direction=direction, number="1.1", recurring=True)
        self.login(self.bob)
        response = self.post("/api/reports/", {"round": self.round.pk, "measure": other.pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("measure", response.json())

    def test_only_a_focal_point_starts_a_report(self):
        body = {"round": self.round.pk, "measure": self.measures["13.9.2"].pk}
        for user in (self.alice, self.olga):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.post("/api/reports/", body).status_code, 403)
        self.assertFalse(ProgressReport.objects.filter(measure__number="13.9.2").exists())

    def test_submitting_without_a_narrative_is_a_400_naming_the_narrative(self):
        self.fill(narrative="")
        self.login(self.bob)
        response = self.post(self.url(step="submit"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"narrative": [str(services.SUBMIT_NEEDS_NARRATIVE)]})
        self.assertEqual(self.status_of(), "draft")

    def test_a_negative_amount_is_a_400_naming_the_amount(self):
        self.login(self.bob)
        response = self.patch(
            self.url(),
            {"spending": [{"source": "grants", "amount": "-100.00", "currency": "USD"}], "progress": "limited"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()), ["spending"])
        self.assertIn('"amount"', json.dumps(response.json()["spending"]))  # under the row's index
        self.report.refresh_from_db()
        self.assertEqual((self.report.spending.count(), self.report.progress), (0, ""))

    def test_a_progress_the_measure_cannot_have_is_a_400_naming_the_progress(self):
        self.login(self.bob)
        response = self.patch(self.url(), {"progress": "ongoing"})  # 13.1.1 is dated, not regular
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"progress": [str(PROGRESS_ONLY_FOR_RECURRING)]})

    def test_results_and_spending_are_replaced_only_when_given(self):
        self.login(self.bob)
        two = [
            {"indicator": "Trainings", "unit": "", "value": "3"},
            {"indicator": "Leaflets", "unit": "", "value": "900"},
        ]
        self.assertEqual(self.patch(self.url(), {"results": two}).status_code, 200)
        response = self.patch(self.url(), {"narrative": "Three trainings."})
        self.assertEqual([r["indicator"] for r in response.json()["results"]], ["Trainings", "Leaflets"])
        response = self.client.put(
            self.url(),
            {"results": [{"indicator": "Posters", "unit": "", "value": "50"}]},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r["indicator"] for r in response.json()["results"]], ["Posters"])
        self.assertEqual(self.report.results.count(), 1)

    def test_submitting_in_a_closed_round_is_refused_with_the_reason(self):
        self.fill()
        services.round_close(reporting_round=self.round, actor=self.alice)
        self.login(self.bob)
        response = self.post(self.url(step="submit"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"non_field_errors": [str(services.ROUND_CLOSED)]})
        self.assertEqual(
            self.patch(self.url(), {"narrative": "Later."}).json()["non_field_errors"], [services.ROUND_CLOSED]
        )
        self.assertEqual(self.status_of(), "draft")

    def test_a_submitted_report_can_no_longer_be_changed(self):
        self.submitted()
        self.login(self.bob)
        response = self.patch(self.url(), {"narrative": "Changed my mind."})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"non_field_errors": [services.NOT_EDITABLE.format(status="submitted")]})

    def test_returning_needs_a_comment(self):
        self.submitted()
        self.login(self.alice)
        for body in ({}, {"comment": "   "}):
            with self.subTest(body=body):
                response = self.post(self.url(step="return"), body)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), {"comment": [str(services.RETURN_NEEDS_COMMENT)]})
        self.assertEqual(self.status_of(), "submitted")

    def test_accepting_twice_is_refused(self):
        self.submitted()
        self.login(self.alice)
        self.assertEqual(self.post(self.url(step="accept")).status_code, 200)
        response = self.post(self.url(step="accept"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"non_field_errors": [services.NOT_SUBMITTED.format(status="accepted")]})
        self.assertEqual(self.report.transitions.filter(to_status="accepted").count(), 1)

    def test_accepting_a_draft_is_refused_with_the_reason(self):
        self.login(self.alice)
        response = self.post(self.url(step="accept"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"non_field_errors": [services.NOT_SUBMITTED.format(status="draft")]})

    def test_reviewing_in_a_closed_round_is_refused_with_the_reason(self):
        self.submitted()
        services.round_close(reporting_round=self.round, actor=self.alice)
        self.login(self.alice)
        response = self.post(self.url(step="accept"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"non_field_errors": [str(services.ROUND_CLOSED)]})
        self.assertEqual(self.status_of(), "submitted")

    def test_a_focal_point_cannot_review_its_own_report(self):
        self.submitted()
        self.login(self.bob)
        self.assertEqual(self.post(self.url(step="accept")).status_code, 403)
        self.assertEqual(self.post(self.url(step="return"), {"comment": "No."}).status_code, 403)
        self.assertEqual(self.status_of(), "submitted")

    def test_the_coordinator_cannot_write_a_bodys_report(self):
        self.fill()
        self.login(self.alice)
        self.assertEqual(self.patch(self.url(), {"narrative": "Rewritten."}).status_code, 403)
        self.assertEqual(self.post(self.url(step="submit")).status_code, 403)
        self.assertEqual(self.status_of(), "draft")

    def test_a_report_shows_its_attachments_with_their_download_address(self):
        attachment = ReportAttachment.objects.create(
            report=self.report,
            file="reports/x/y",
            original_name="minutes.pdf",
            content_type="application/pdf",
            size=2048,
            uploaded_by=self.bob,
        )
        self.login(self.bob)
        self.assertEqual(
            self.client.get(self.url()).json()["attachments"],
            [
                {
                    "original_name": "minutes.pdf",
                    "size": 2048,
                    "content_type": "application/pdf",
                    "url": reverse("monitoring-attachment", args=[attachment.token]),
                }
            ],
        )


class ReportVisibilityApiTests(MonitoringApiTestCase):
    def ids(self, response) -> set[int]:
        return {r["id"] for r in response.json()["results"]}

    def test_a_focal_point_of_another_body_can_neither_see_nor_change_the_ministrys_report(self):
        migration = Organisation.objects.get(name=MIGRATION)
        fay = make_user("fay", migration, Role.FOCAL_POINT)
        self.fill()
        self.login(fay)
        listed = self.client.get("/api/reports/", {"per_page": 500}).json()
        self.assertEqual({r["organisation"] for r in listed["results"]}, {migration.pk})
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.patch(self.url(), {"narrative": "Mine now."}).status_code, 404)
        self.assertEqual(self.post(self.url(step="submit")).status_code, 404)
        self.report.refresh_from_db()
        self.assertEqual(
            (self.report.status, self.report.narrative), ("draft", "Officials of 12 districts were trained.")
        )

    def test_an_observer_lists_only_accepted_reports_and_cannot_act_on_them(self):
        self.accepted()
        other = ProgressReport.objects.get(round=self.round, measure__number="13.1.5", organisation=self.ministry)
        self.submitted(other)
        self.login(self.olga)
        listed = self.client.get("/api/reports/")
        self.assertEqual(self.ids(listed), {self.report.pk})
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        for step in ("submit", "return", "accept"):
            with self.subTest(step=step):
                self.assertEqual(self.post(self.url(step=step), {"comment": "x"}).status_code, 403)
                self.assertEqual(self.post(self.url(other, step), {"comment": "x"}).status_code, 404)
        self.assertEqual(self.patch(self.url(), {"narrative": "x"}).status_code, 403)
        self.assertEqual(self.status_of(other), "submitted")

    def test_the_coordinator_lists_every_report_and_filters_them(self):
        self.accepted()
        self.login(self.alice)
        self.assertEqual(self.client.get("/api/reports/", {"round": self.round.pk}).json()["count"], 175)
        ministry = self.client.get("/api/reports/", {"organisation": self.ministry.pk, "expected": "true"}).json()
        self.assertEqual(ministry["count"], 37)
        accepted = self.client.get("/api/reports/", {"status": "accepted", "measure": self.measures["13.1.1"].pk})
        self.assertEqual(self.ids(accepted), {self.report.pk})
        self.assertEqual(self.client.get("/api/reports/", {"status": "lost"}).status_code, 400)

    def test_an_unknown_report_is_404(self):
        self.login(self.alice)
        self.assertEqual(self.client.get("/api/reports/999999/").status_code, 404)

    def endpoints(self):
        round_body = {"plan": self.plan.pk, "year": 2015, "opens_on": "2016-01-10", "due_on": "2016-02-15"}
        return [
            ("get", "/api/rounds/", None),
            ("get", f"/api/rounds/{self.round.pk}/", None),
            ("post", "/api/rounds/", round_body),
            ("post", f"/api/rounds/{self.round.pk}/close/", None),
            ("get", "/api/reports/", None),
            ("get", self.url(), None),
            ("post", "/api/reports/", {"round": self.round.pk, "measure": self.measures["13.9.2"].pk}),
            ("put", self.url(), {"narrative": "x"}),
            ("patch", self.url(), {"narrative": "x"}),
            ("post", self.url(step="submit"), None),
            ("post", self.url(step="return"), {"comment": "x"}),
            ("post", self.url(step="accept"), None),
            ("get", f"/api/dashboard/{self.round.pk}/", None),
        ]

    def assertRefusedEverywhere(self):
        for method, path, body in self.endpoints():
            with self.subTest(method=method, path=path):
                call = getattr(self.client, method)
                response = call(path) if method == "get" else call(path, body or {}, content_type="application/json")
                self.assertEqual(response.status_code, 403)

    def test_case_workers_and_users_without_a_role_are_refused_everywhere(self):
        self.submitted()
        for user in (self.carol, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertRefusedEverywhere()
        self.assertEqual(self.status_of(), "submitted")
        self.assertTrue(self.round.reports.exists() and ReportingRound.objects.count() == 1)

    def test_anonymous_requests_are_refused_everywhere(self):
        self.submitted()
        self.assertRefusedEverywhere()
        self.assertEqual(self.status_of(), "submitted")

    def test_listing_reports_costs_the_same_queries_for_any_page_size(self):
        # Rows for every nested list, in the first page whatever its size (13.1.1 comes first).
        self.submitted()
        services.report_return(report=self.report, actor=self.alice, comment="More detail, please.")
        self.report.results.create(indicator="Officials trained", unit="people", value=120)
        self.report.spending.create(source="state_budget", amount=1000)
        self.report.evidence.create(key="trainings:00000000-0000-0000-0000-000000000000")
        ReportAttachment.objects.create(
            report=self.report,
            file="x",
            original_name="a.pdf",
            content_type="application/pdf",
            size=1,
            uploaded_by=self.bob,
        )
        self.login(self.alice)
        self.assertQueriesDoNotGrow(
            lambda size: self.client.get("/api/reports/", {"round": self.round.pk, "per_page": size}),
            sizes=(10, 175),
            budget=13,  # one query per nested list, evidence included
        )


class RoundApiTests(MonitoringApiTestCase):
    def test_rounds_are_listed_with_their_period_and_filtered_by_plan(self):
        self.login(self.bob)
        data = self.client.get("/api/rounds/", {"plan": self.plan.pk}).json()
        self.assertEqual(data["count"], 1)
        entry = data["results"][0]
        self.assertEqual(
            {k: entry[k] for k in ("id", "plan", "period_type", "year", "period_number", "label", "state")},
            {
                "id": self.round.pk,
                "plan": self.plan.pk,
                "period_type": "year",
                "year": 2014,
                "period_number": 1,
                "label": "2014",
                "state": "open",
            },
        )
        self.assertEqual(entry["due_on"], self.round.due_on.isoformat())
        self.assertEqual(self.client.get("/api/rounds/", {"plan": self.plan.predecessor_id}).json()["count"], 0)

    def test_only_the_coordinator_opens_and_closes_rounds(self):
        body = {
            "plan": self.plan.pk,
            "period_type": "half",
            "year": 2015,
            "opens_on": "2015-07-01",
            "due_on": "2015-08-01",
        }
        self.login(self.bob)
        self.assertEqual(self.post("/api/rounds/", body).status_code, 403)
        self.assertEqual(self.post(f"/api/rounds/{self.round.pk}/close/").status_code, 403)

        self.login(self.alice)
        response = self.post("/api/rounds/", body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["label"], response.json()["period_number"]), ("2015 H1", 1))
        self.assertTrue(ProgressReport.objects.filter(round_id=response.json()["id"], expected=True).exists())
        self.assertIn("non_field_errors", self.post("/api/rounds/", body).json())  # the same period twice

        self.assertEqual(self.post(f"/api/rounds/{self.round.pk}/close/").json()["state"], "closed")
        response = self.post(f"/api/rounds/{self.round.pk}/close/")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"non_field_errors": [str(services.ROUND_ALREADY_CLOSED)]})

    def test_a_round_with_a_bad_period_is_a_400_naming_the_field(self):
        self.login(self.alice)
        body = {"plan": self.plan.pk, "period_type": "quarter", "period_number": 5, "year": 2015}
        response = self.post("/api/rounds/", body | {"opens_on": "2015-07-01", "due_on": "2015-06-01"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()), ["period_number"])


class DashboardApiTests(MonitoringApiTestCase):
    def test_the_dashboard_gives_the_rounds_figures(self):
        # Every executor of 13.1.1 has an accepted report saying it is complete; nothing else is reported.
        for report in ProgressReport.objects.filter(round=self.round, measure=self.measures["13.1.1"]):
            self.fill(report, progress="complete", narrative="Done.")
            services.report_submit(report=report, actor=self.bob)
            services.report_accept(report=report, actor=self.alice)
        self.login(self.olga)
        data = self.client.get(f"/api/dashboard/{self.round.pk}/").json()
        self.assertEqual(data["round"], {"id": self.round.pk, "label": "2014"})
        self.assertEqual(
            data["status_totals"],
            {"no_evidence": 59, "not_started": 0, "limited": 0, "substantial": 0, "complete": 1, "ongoing": 0},
        )
        first_direction = data["by_direction"][0]
        self.assertEqual((first_direction["direction"], first_direction["statuses"]["complete"]), ("13.1", 1))
        self.assertEqual(data["overdue"], [])
        ministry = next(row for row in data["compliance"] if row["organisation_id"] == self.ministry.pk)
        self.assertEqual(
            ministry,
            {
                "organisation_id": self.ministry.pk,
                "organisation": self.ministry.name,
                "expected": 37,
                "submitted": 1,
                "on_time": 1,
                "late": 0,
                "returned": 0,
                "accepted": 1,
                "missing": 36,
            },
        )
        self.assertIn(self.ministry.name, data["not_reported"])

    def test_an_unknown_round_is_404(self):
        self.login(self.alice)
        self.assertEqual(self.client.get("/api/dashboard/999999/").status_code, 404)


class MonitoringSchemaTests(PlanTestCase):
    def test_the_schema_is_valid_describes_monitoring_and_generates_without_warnings(self):
        import yaml
        from drf_spectacular.drainage import GENERATOR_STATS
        from drf_spectacular.validation import validate_schema

        self.login(self.bob)
        response = self.client.get("/api/schema/")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(GENERATOR_STATS, "drf-spectacular warned or failed while generating the schema")
        schema = yaml.safe_load(response.content)
        validate_schema(schema)
        for path in (
            "/api/rounds/",
            "/api/rounds/{id}/",
            "/api/rounds/{id}/close/",
            "/api/reports/",
            "/api/reports/{id}/",
            "/api/reports/{id}/submit/",
            "/api/reports/{id}/return/",
            "/api/reports/{id}/accept/",
            "/api/dashboard/{round_id}/",
        ):
            self.assertIn(path, schema["paths"])
        self.assertIn("Report", schema["components"]["schemas"])
        self.assertIn("Dashboard", schema["components"]["schemas"])
