"""Every page tells the browser to run only this server's code, never to frame it, and to keep cookies to itself.
The production deploy check (`manage.py check --deploy`) is in test_settings.py."""

from django.test import override_settings
from django.urls import reverse

from ctims.testing import PASSWORD, BaseTestCase

PRODUCTION_HTTPS = {
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


class SecurityHeadersTests(BaseTestCase):
    def sign_in(self, **request):
        return self.client.post(reverse("accounts-login"), {"username": "eve", "password": PASSWORD}, **request)

    def assertStrictPolicy(self, response) -> None:
        policy = directives(response)
        self.assertEqual(policy["script-src"], ["'self'"])
        self.assertEqual(policy["style-src"], ["'self'"])
        self.assertEqual(policy["default-src"], ["'self'"])
        self.assertEqual(policy["img-src"], ["'self'", "data:"])
        self.assertEqual(policy["object-src"], ["'none'"])
        self.assertEqual(policy["base-uri"], ["'self'"])
        self.assertEqual(policy["frame-ancestors"], ["'none'"])
        self.assertEqual(policy["form-action"], ["'self'"])
        self.assertNotIn("'unsafe-inline'", response.headers["Content-Security-Policy"])
        self.assertNotIn("'unsafe-eval'", response.headers["Content-Security-Policy"])

    def assertHardened(self, response) -> None:
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertEqual(response.headers["Referrer-Policy"], "same-origin")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")

    def test_login_page_allows_only_own_scripts_and_styles(self):
        response = self.client.get(reverse("accounts-login"))
        self.assertEqual(response.status_code, 200)
        self.assertStrictPolicy(response)
        self.assertHardened(response)

    def test_signed_in_page_allows_only_own_scripts_and_styles(self):
        self.login(self.eve)
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertStrictPolicy(response)
        self.assertHardened(response)

    def test_pages_have_no_inline_scripts_or_styles(self):
        self.login(self.eve)
        for url in (reverse("accounts-login"), reverse("home"), reverse("ping")):
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                self.assertNotIn("<style", html)
                self.assertNotIn(" style=", html)
                self.assertNotIn("<script>", html)

    def test_api_docs_load_their_script_from_a_file(self):
        self.login(self.alice)
        url = reverse("api-docs")
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertStrictPolicy(response)
        html = response.content.decode()
        self.assertIn(f'<script src="{url}?script="></script>', html)
        self.assertNotIn("<script>", html)
        self.assertNotIn("<style", html)
        script = self.client.get(url, {"script": ""})
        self.assertEqual(script.status_code, 200)
        self.assertEqual(script.headers["Content-Type"], "application/javascript")
        self.assertIn("SwaggerUIBundle", script.content.decode())

    def test_session_and_csrf_cookies_are_hidden_from_scripts(self):
        self.client.get(reverse("accounts-login"))
        self.sign_in()
        self.assertTrue(self.client.cookies["sessionid"]["httponly"])
        self.assertTrue(self.client.cookies["csrftoken"]["httponly"])

    @override_settings(**PRODUCTION_HTTPS)
    def test_over_https_browsers_are_told_to_never_use_plain_http_for_a_year(self):
        response = self.client.get(reverse("accounts-login"), secure=True)
        self.assertEqual(response.status_code, 200)
        hsts = [part.strip() for part in response.headers["Strict-Transport-Security"].split(";")]
        max_age = int(next(part for part in hsts if part.startswith("max-age=")).removeprefix("max-age="))
        self.assertGreaterEqual(max_age, 31536000)
        self.assertIn("includeSubDomains", hsts)

    @override_settings(**PRODUCTION_HTTPS)
    def test_over_https_session_and_csrf_cookies_are_secure(self):
        self.client.get(reverse("accounts-login"), secure=True)
        self.sign_in(secure=True)
        self.assertTrue(self.client.cookies["sessionid"]["secure"])
        self.assertTrue(self.client.cookies["csrftoken"]["secure"])

    @override_settings(**PRODUCTION_HTTPS)
    def test_over_https_plain_http_is_redirected(self):
        response = self.client.get(reverse("accounts-login"))
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response.headers["Location"].startswith("https://"))
