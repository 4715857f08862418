from ctims.testing import BaseTestCase


class PingTests(BaseTestCase):
    def test_a_signed_in_user_gets_the_tiny_page(self):
        self.login(self.eve)
        response = self.client.get("/ping/")
        self.assertContains(response, "Signed in as eve.")

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        response = self.client.get("/ping/")
        self.assertRedirects(response, "/accounts/login/?next=/ping/", fetch_redirect_response=False)
