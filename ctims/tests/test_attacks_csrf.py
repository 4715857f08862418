"""Cross-site request forgery: a POST, PUT, PATCH or DELETE that does not carry the CSRF token is refused on every
route of the project, before the code that would act on it runs, and changes nothing.

No route is exempt, not even signing in, signing out or choosing the language: Django protects its own login,
logout and set_language views, and OWASP's CSRF cheat sheet asks for login forms to be protected too (login CSRF
signs a victim in to the attacker's account). Pages are refused by CsrfViewMiddleware; API views are marked
csrf_exempt by Django REST framework itself, which then checks the token in SessionAuthentication for every signed-in
user, so the API is walked signed in."""

import re

from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from ctims.testing import PlanTestCase
from ctims.tests.test_access import all_paths, concrete
from prevention.models import Training

UUID = "00000000-0000-4000-8000-000000000001"
# A value for each kind of path argument: Django's converters, and the router's regular-expression groups (the first
# sample the group's expression accepts; `auth` for the admin's app index, `json` for the format suffixes).
CONVERTER_SAMPLES = {
    "int": "1",
    "str": "csv",
    "uuid": UUID,
    "slug": "x",
    "path": "1",
    "drf_format_suffix": ".json",
    "": "1",
}
GROUP_SAMPLES = {"format": ("json",), "": ("1", UUID, "auth", "x")}
CONVERTER = re.compile(r"(?<!\?P)<(?:(\w+):)?\w+>")
GROUP = re.compile(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)")

# Who is signed in for each part of the site: someone who may use it (the first prefix that matches wins).
USERS_BY_PREFIX = [
    ("/admin/", "sam"),
    ("/cases/", "carol"),
    ("/api/cases/", "carol"),
    ("/api/referrals/", "carol"),
    ("/hotline/", "hana"),
    ("/api/calls/", "hana"),
    ("/prosecution/", "paul"),
    ("/api/criminal-cases/", "paul"),
    ("/monitoring/", "bob"),
    ("/prevention/", "bob"),
    ("/", "alice"),
]
WRITES = ("INSERT", "UPDATE", "DELETE")


def group_sample(name: str, expression: str) -> str:
    samples = GROUP_SAMPLES.get(name, GROUP_SAMPLES[""])
    return next(sample for sample in samples if re.fullmatch(expression, sample))


def path_for(route: str) -> str:
    """A concrete path that resolves to `route` itself (test_access.concrete, extended to every kind of argument)."""
    route = CONVERTER.sub(lambda match: CONVERTER_SAMPLES[match.group(1) or ""], route)
    route = GROUP.sub(lambda match: group_sample(*match.groups()), route)
    route = re.sub(r"(^|/)\^", r"\1", route).replace("/?$", "").rstrip("$")
    return concrete(route)


def every_path() -> list[str]:
    return [path_for(route) for route in all_paths()]


def refused_for_csrf(response) -> bool:
    """403 from CsrfViewMiddleware (a page) or from SessionAuthentication (the API, whatever it renders)."""
    if response.status_code != 403:
        return False
    if hasattr(response, "data"):  # a DRF response; the API docs render it with the site's 403 page
        return str(response.data.get("detail", "")).startswith("CSRF Failed:")
    return b"CSRF verification failed. Request aborted." in response.content


def row_counts() -> dict[str, int]:
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    return {m._meta.label: m._default_manager.count() for m in models}


def data_writes(queries) -> list[str]:
    """Writes other than to the session table (a request may refresh the idle clock of its own session)."""
    sqls = [query["sql"] for query in queries.captured_queries]
    return [sql for sql in sqls if sql.lstrip().upper().startswith(WRITES) and "django_session" not in sql]


class CsrfTestCase(PlanTestCase):
    def setUp(self):
        self.clients = {}

    def client_for(self, path: str) -> Client:
        username = next(name for prefix, name in USERS_BY_PREFIX if path.startswith(prefix))
        if username not in self.clients:
            self.client = Client(enforce_csrf_checks=True)
            self.login(getattr(self, username))
            self.clients[username] = self.client
        return self.clients[username]


class EveryRouteTests(CsrfTestCase):
    def test_every_route_resolves_to_itself_so_the_walk_reaches_every_view(self):
        for route in all_paths():
            with self.subTest(route=route):
                path = path_for(route)
                self.assertIsNotNone(path)
                self.assertEqual(resolve(path).route, re.sub(r"(^|/)\^", r"\1", route))

    def test_a_post_without_the_token_is_refused_on_every_route_and_changes_nothing(self):
        paths = every_path()
        clients = {path: self.client_for(path) for path in paths}  # signing in writes; do it first
        before = row_counts()
        for path in paths:
            with self.subTest(path=path):
                with CaptureQueriesContext(connection) as queries:
                    response = clients[path].post(path, {"name": "forged", "action": "accept"})
                self.assertTrue(refused_for_csrf(response), (response.status_code, response.content[:200]))
                self.assertEqual(data_writes(queries), [])
        self.assertEqual(row_counts(), before)
        self.assertGreater(len(paths), 200)

    def test_put_patch_and_delete_without_the_token_are_refused_on_every_api_route(self):
        paths = [path for path in every_path() if path.startswith("/api/")]
        for path in paths:
            for method in ("put", "patch", "delete"):
                with self.subTest(path=path, method=method):
                    client = self.client_for(path)
                    response = getattr(client, method)(path, {"men": 1}, content_type="application/json")
                    self.assertTrue(refused_for_csrf(response), (response.status_code, response.content[:200]))
        self.assertGreater(len(paths), 30)

    def test_no_page_is_exempt_from_the_csrf_check(self):
        for path in every_path():
            view = resolve(path).func
            with self.subTest(path=path):
                if isinstance(getattr(view, "cls", None), type) and issubclass(view.cls, APIView):
                    # Marked exempt by APIView.as_view(); the token is checked by the authentication class instead.
                    self.assertTrue(view.cls.authentication_classes)
                    for authentication in view.cls.authentication_classes:
                        self.assertTrue(issubclass(authentication, SessionAuthentication), authentication)
                        self.assertIs(authentication.enforce_csrf, SessionAuthentication.enforce_csrf)
                else:
                    self.assertFalse(getattr(view, "csrf_exempt", False))


class ForgedChangeTests(CsrfTestCase):
    def test_a_forged_api_update_of_a_training_changes_nothing(self):
        entry = Training.objects.create(
            organisation=self.ministry, held_on="2016-05-10", topic="Identifying victims", audience="police", men=8
        )
        url = f"/api/trainings/{entry.uid}/"
        client = self.client_for("/prevention/")  # bob, of the ministry
        self.assertEqual(client.get(url).status_code, 200)  # bob may read and edit it
        for method in ("put", "patch"):
            with self.subTest(method=method):
                response = getattr(client, method)(url, {"men": 30}, content_type="application/json")
                self.assertTrue(refused_for_csrf(response), response.content)
        self.assertTrue(refused_for_csrf(client.delete(url)))
        entry.refresh_from_db()
        self.assertEqual(entry.men, 8)

    def test_anonymous_forms_are_protected_too_login_and_language(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("accounts-login"), {"username": "bob", "password": "x"})
        self.assertTrue(refused_for_csrf(response))
        self.assertTrue(refused_for_csrf(client.post(reverse("set_language"), {"language": "az"})))
        self.assertTrue(refused_for_csrf(client.post("/admin/login/", {"username": "sam", "password": "x"})))


class WithTheTokenTests(CsrfTestCase):
    """The same requests with the token get through to their views: the walk above would notice a protection gone."""

    def token(self, client: Client) -> str:
        client.get(reverse("accounts-profile"))  # any page with a form sets the cookie
        return client.cookies["csrftoken"].value

    def test_a_page_form_with_the_token_reaches_its_view(self):
        client = self.client_for("/accounts/")
        response = client.post(
            reverse("accounts-password"),
            {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
            HTTP_X_CSRFTOKEN=self.token(client),
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(refused_for_csrf(response))
        self.assertContains(response, "Your old password was entered incorrectly.")

    def test_the_language_switch_with_the_token_works(self):
        client = self.client_for("/i18n/")
        response = client.post(
            reverse("set_language"), {"language": "az", "csrfmiddlewaretoken": self.token(client), "next": "/"}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_an_api_request_with_the_token_reaches_validation(self):
        client = self.client_for("/api/")
        response = client.post("/api/rounds/", {}, content_type="application/json", HTTP_X_CSRFTOKEN=self.token(client))
        self.assertEqual(response.status_code, 400, response.content)
        self.assertFalse(refused_for_csrf(response))

    def test_an_admin_form_with_the_token_reaches_validation(self):
        client = self.client_for("/admin/")
        response = client.post("/admin/plans/plan/add/", {}, HTTP_X_CSRFTOKEN=self.token(client))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required.")

    def test_signing_out_with_the_token_signs_out(self):
        client = self.client_for("/")
        response = client.post(reverse("accounts-logout"), HTTP_X_CSRFTOKEN=self.token(client))
        self.assertRedirects(response, reverse("accounts-login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", client.session)
