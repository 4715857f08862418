from django.urls import reverse

from monitoring.models import Need
from monitoring.tests.base import MonitoringTestCase


class NeedTests(MonitoringTestCase):
    def raise_need(self, report, **data):
        return self.client.post(
            reverse("monitoring-need-create", args=[report.pk]),
            {"kind": "funding", "description": "Money for a second shelter in Ganja."} | data,
        )

    def test_a_focal_point_raises_a_need_on_its_report(self):
        self.login(self.bob)
        report = self.report("13.2.1")
        self.raise_need(report)
        need = Need.objects.get()
        self.assertEqual((need.kind, need.report, need.raised_by, need.state), ("funding", report, self.bob, "open"))

    def test_a_need_without_a_description_is_refused_with_the_reason(self):
        self.login(self.bob)
        report = self.report("13.2.1")
        response = self.raise_need(report, description="")
        self.assertContains(self.client.get(response["Location"]), "Choose the kind of need and describe it.")
        self.assertFalse(Need.objects.exists())

    def test_a_focal_point_of_another_body_cannot_raise_a_need_on_the_report(self):
        self.login(self.fatima)
        self.assertEqual(self.raise_need(self.report("13.2.1")).status_code, 404)
        self.assertFalse(Need.objects.exists())

    def test_the_coordinator_follows_a_need_to_resolution(self):
        self.login(self.bob)
        self.raise_need(self.report("13.2.1"))
        need = Need.objects.get()
        self.login(self.alice)
        response = self.client.post(
            need.get_absolute_url(), {"state": "resolved", "response": "Funded from the 2016 budget."}
        )
        self.assertRedirects(response, need.get_absolute_url())
        need.refresh_from_db()
        self.assertEqual((need.state, need.response), ("resolved", "Funded from the 2016 budget."))
        self.assertIsNotNone(need.resolved_at)

    def test_a_focal_point_sees_its_own_needs_but_cannot_resolve_them(self):
        self.login(self.bob)
        self.raise_need(self.report("13.2.1"))
        need = Need.objects.get()
        self.assertEqual(self.client.get(reverse("monitoring-needs")).context["page"].paginator.count, 1)
        self.assertEqual(self.client.post(need.get_absolute_url(), {"state": "resolved"}).status_code, 403)
        self.assertEqual(Need.objects.get().state, "open")
        self.login(self.fatima)
        self.assertEqual(self.client.get(reverse("monitoring-needs")).context["page"].paginator.count, 0)
        self.assertEqual(self.client.get(need.get_absolute_url()).status_code, 404)

    def test_observers_do_not_see_needs(self):
        self.login(self.olga)
        self.assertEqual(self.client.get(reverse("monitoring-needs")).status_code, 403)

    def test_the_coordinator_filters_needs_not_resolved_yet(self):
        self.login(self.bob)
        self.raise_need(self.report("13.2.1"))
        self.raise_need(self.report("13.2.1"), kind="staff", description="Two more operators.")
        Need.objects.filter(kind="funding").update(state="resolved")
        self.login(self.alice)
        page = self.client.get(reverse("monitoring-needs"), {"state": "unresolved"}).context["page"]
        self.assertEqual([n.kind for n in page.object_list], ["staff"])


class ReportListTests(MonitoringTestCase):
    def test_its_query_count_does_not_grow_with_the_number_of_reports(self):
        from monitoring.tests.base import open_round

        for year in (2016, 2017):
            open_round(self.plan, self.alice, year)
        self.login(self.alice)
        self.assertQueriesDoNotGrow(
            lambda size: self.client.get(reverse("monitoring-reports"), {"per_page": size}), sizes=(10, 500), budget=12
        )

    def test_the_compliance_drill_down_lists_the_missing_reports_of_one_body(self):
        self.login(self.alice)
        response = self.client.get(
            reverse("monitoring-reports"),
            {
                "round": self.round.pk,
                "organisation": self.ministry.pk,
                "flag": "missing",
                "expected": "on",
                "per_page": 500,
            },
        )
        reports = response.context["page"].object_list
        self.assertEqual({r.organisation_id for r in reports}, {self.ministry.pk})
        self.assertEqual(len(reports), self.round.reports.filter(organisation=self.ministry).count())
