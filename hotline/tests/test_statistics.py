"""Hotline statistics: the figures against hand-built calls, the year in local time, who may see them, and that the
page never shows what a call said."""

from django.utils import timezone

from hotline.selectors import call_statistics
from hotline.tests.base import HotlineTestCase, at, call


def counts(rows) -> dict:
    return {row["code"]: row["count"] for row in rows if row["count"]}


class CallStatisticsTest(HotlineTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ministry, other = cls.ministry, cls.other_ngo
        call(ministry, received_at=at(2016, 1, 5), channel="phone", action="police", referred_to=ministry)
        call(ministry, received_at=at(2016, 1, 20), channel="sms", action="ngo", referred_to=cls.ngo)
        call(
            ministry,
            received_at=at(2016, 3, 2),
            channel="phone",
            caller_type="family",
            signal_type="tip",
            action="case_opened",
            case=cls.case,
        )
        call(
            ministry,
            received_at=at(2016, 12, 31, 23, 30),
            channel="web",
            caller_type="anonymous",
            signal_type="information",
            thb_relevant=False,
        )
        # 02:00 in Baku on 1 January is still 31 December in UTC: the year is the local one.
        call(ministry, received_at=at(2017, 1, 1, 2), thb_relevant=False)
        call(ministry, received_at=at(2015, 6, 1), action="consulate", referred_to=ministry)
        call(other, received_at=at(2016, 3, 9), channel="email", action="police", referred_to=ministry)

    def test_figures_for_every_organisation(self):
        figures = call_statistics(year=2016)
        self.assertEqual((figures["total"], figures["thb_relevant"], figures["referred"]), (5, 4, 3))
        self.assertEqual([row["count"] for row in figures["by_month"]], [2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        self.assertEqual(figures["by_month"][0]["label"], "January")
        self.assertEqual(counts(figures["by_channel"]), {"phone": 2, "sms": 1, "web": 1, "email": 1})
        self.assertEqual(counts(figures["by_caller_type"]), {"potential_victim": 3, "family": 1, "anonymous": 1})
        self.assertEqual(counts(figures["by_signal_type"]), {"help": 3, "tip": 1, "information": 1})
        self.assertEqual(counts(figures["by_action"]), {"police": 2, "ngo": 1, "case_opened": 1, "information": 1})
        self.assertEqual(len(figures["by_action"]), 6)  # every action, those without calls at 0

    def test_figures_for_one_organisation(self):
        figures = call_statistics(year=2016, organisation=self.other_ngo)
        self.assertEqual((figures["total"], figures["thb_relevant"], figures["referred"]), (1, 1, 1))
        self.assertEqual(counts(figures["by_channel"]), {"email": 1})

    def test_the_year_is_counted_in_local_time(self):
        self.assertEqual(call_statistics(year=2017)["total"], 1)
        self.assertEqual(call_statistics(year=2017)["by_month"][0]["count"], 1)
        self.assertEqual(call_statistics(year=2015)["referred"], 1)

    def test_a_year_without_calls_gives_zeros(self):
        figures = call_statistics(year=2014)
        self.assertEqual((figures["total"], figures["thb_relevant"], figures["referred"]), (0, 0, 0))
        self.assertEqual(sum(row["count"] for row in figures["by_channel"]), 0)


class StatisticsPageTest(HotlineTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.entry = call(
            cls.ministry,
            received_at=at(2016, 4, 4),
            summary="Secret summary about a farm",
            region="Zagatala",
            anonymous=False,
            caller_name="Caller Namesake",
        )
        call(cls.other_ngo, received_at=at(2016, 4, 5), summary="Other summary", channel="sms")

    def test_coordinator_sees_statistics_but_no_call(self):
        self.login(self.alice)
        for page in ("/hotline/calls/", self.entry.get_absolute_url(), "/api/calls/", f"/api/calls/{self.entry.uid}/"):
            with self.subTest(page=page):
                self.assertEqual(self.client.get(page).status_code, 403)
        response = self.client.get("/hotline/statistics/", {"year": 2016})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["figures"]["total"], 2)
        self.assertContains(response, '<dd id="total">2</dd>', html=True)

    def test_the_page_shows_no_summary_region_or_caller_detail(self):
        self.login(self.alice)
        response = self.client.get("/hotline/statistics/", {"year": 2016})
        for secret in ("Secret summary", "Other summary", "Zagatala", "Namesake", str(self.entry.uid)):
            self.assertNotContains(response, secret)

    def test_operator_sees_the_figures_of_its_own_organisation(self):
        self.login(self.hugo)
        response = self.client.get("/hotline/statistics/", {"year": 2016})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["figures"]["total"], 1)
        self.assertContains(response, self.other_ngo.name)

    def test_the_year_defaults_to_the_current_one(self):
        self.login(self.alice)
        for query in ({}, {"year": "not-a-year"}, {"year": "1990"}):
            with self.subTest(query=query):
                response = self.client.get("/hotline/statistics/", query)
                self.assertEqual(response.context["figures"]["year"], timezone.localdate().year)

    def test_other_roles_are_refused_the_statistics(self):
        for user in (self.bob, self.carol, self.olga, self.sam, self.paul, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get("/hotline/statistics/").status_code, 403)

    def test_statistics_page_queries_are_few(self):
        self.login(self.alice)
        self.assertQueriesDoNotGrow(lambda _size: self.client.get("/hotline/statistics/", {"year": 2016}), budget=14)
