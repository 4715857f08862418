"""Users of case-data roles are signed out after IDLE_TIMEOUT_MINUTES without a request; other roles are not."""

import time

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import IdleTimeoutMiddleware
from ctims.testing import BaseTestCase

KEY = IdleTimeoutMiddleware.SESSION_KEY


@override_settings(IDLE_TIMEOUT_MINUTES=15)
class IdleTimeoutTest(BaseTestCase):
    def idle_for(self, minutes: int) -> None:
        session = self.client.session
        session[KEY] = int(time.time()) - minutes * 60
        session.save()

    def test_a_case_worker_idle_too_long_is_signed_out_and_told_why(self):
        self.login(self.carol)
        self.assertEqual(self.client.get(reverse("cases-list")).status_code, 200)
        self.idle_for(16)
        response = self.client.get(reverse("cases-list"), follow=True)
        self.assertEqual(response.redirect_chain[0][0].split("?")[0], reverse("accounts-login"))
        self.assertContains(response, "You were signed out after 15 minutes without activity.")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_case_worker_active_within_the_limit_stays_signed_in(self):
        self.login(self.carol)
        self.client.get(reverse("cases-list"))
        self.idle_for(14)
        self.assertEqual(self.client.get(reverse("cases-list")).status_code, 200)
        self.assertGreater(self.client.session[KEY], int(time.time()) - 5)  # a request starts the clock again

    def test_requests_within_a_minute_do_not_write_the_session(self):
        self.login(self.carol)
        self.client.get(reverse("cases-list"))
        with CaptureQueriesContext(connection) as queries:
            self.client.get(reverse("cases-list"))
        writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
        self.assertEqual(writes, [])

    def test_the_api_answers_401_after_the_timeout(self):
        self.login(self.hana)
        self.client.get(reverse("home"))
        self.idle_for(30)
        response = self.client.get("/api/cases/")
        self.assertEqual(response.status_code, 401)
        self.assertIn("without activity", response.json()["detail"])

    def test_roles_without_case_data_keep_their_session(self):
        for user in (self.alice, self.bob, self.olga):
            with self.subTest(user=user.username):
                self.login(user)
                self.client.get(reverse("home"))
                self.idle_for(60)
                self.assertEqual(self.client.get(reverse("home")).status_code, 200)
                self.assertIn("_auth_user_id", self.client.session)
