from django.db import connection
from django.test.utils import CaptureQueriesContext

from ctims.testing import BaseTestCase


class PingTests(BaseTestCase):
    def test_a_signed_in_user_gets_the_tiny_page(self):
        self.login(self.eve)
        response = self.client.get("/ping/")
        self.assertContains(response, "Signed in as eve.")

    def test_the_health_check_needs_no_sign_in_asks_the_database_and_says_nothing_else(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/health/")
        self.assertEqual((response.status_code, response.content), (200, b"ok\n"))
        self.assertEqual([q["sql"] for q in queries], ["SELECT 1"])
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertEqual(self.client.post("/health/").status_code, 405)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        response = self.client.get("/ping/")
        self.assertRedirects(response, "/accounts/login/?next=/ping/", fetch_redirect_response=False)
