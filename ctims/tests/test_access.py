"""Every page and endpoint says who may use it: anonymous users see nothing but the login page."""

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ctims.testing import PlanTestCase

# Pages that anyone may open: signing in, and choosing the language of the login page.
PUBLIC = {"/accounts/login/", "/i18n/setlang/", "/health/"}


def all_paths(resolver=None, prefix: str = "") -> list[str]:
    """A concrete path for every URL pattern of the project (1 for each numeric argument)."""
    paths = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            paths.extend(all_paths(pattern, route))
        elif isinstance(pattern, URLPattern):
            paths.append(route)
    return paths


def concrete(route: str) -> str | None:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\.", ".")
    route = re.sub(r"<int:\w+>|<pk>", "1", route)
    route = re.sub(r"<str:\w+>", "csv", route)
    if any(char in route for char in "<>()[]?*+"):
        return None  # regex routes of the API router's format suffixes, covered by their plain twins
    return "/" + route


class AnonymousAccessTests(PlanTestCase):
    def test_anonymous_users_see_nothing_but_the_login_page(self):
        checked = 0
        for route in all_paths():
            path = concrete(route)
            if path is None or path in PUBLIC or path.startswith("/admin/"):
                continue
            with self.subTest(path=path):
                response = self.client.get(path)
                if response.status_code == 302:
                    self.assertTrue(response["Location"].startswith(reverse("accounts-login")), response["Location"])
                else:
                    self.assertIn(response.status_code, (403, 404, 405), path)
                    self.assertNotIn(b"13.1.1", response.content)
            checked += 1
        self.assertGreater(checked, 40)

    def test_the_admin_site_asks_anonymous_users_to_sign_in(self):
        response = self.client.get("/admin/plans/measure/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_the_login_page_is_open(self):
        self.assertEqual(self.client.get(reverse("accounts-login")).status_code, 200)


class AdminSiteTests(PlanTestCase):
    def test_the_system_administrator_manages_users_organisations_and_plans(self):
        self.login(self.sam)
        for path in ("/admin/accounts/user/", "/admin/organisations/organisation/", "/admin/plans/measure/"):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 200)

    def test_the_system_administrator_cannot_make_anyone_a_superuser(self):
        self.login(self.sam)
        response = self.client.get(f"/admin/accounts/user/{self.bob.pk}/change/")
        self.assertContains(response, 'name="groups"')
        self.assertNotContains(response, 'name="is_superuser"')

    def test_other_roles_cannot_use_the_admin_site(self):
        self.login(self.alice)
        response = self.client.get("/admin/plans/measure/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])


class AdministratorRoleTests(PlanTestCase):
    def test_a_system_administrator_cannot_also_be_given_a_case_role(self):
        from accounts.models import role_group
        from accounts.roles import Role
        from ctims.testing import make_user

        other = make_user("stan", self.admin_org, Role.SYSADMIN, is_staff=True)
        self.login(self.sam)
        response = self.client.post(
            f"/admin/accounts/user/{other.pk}/change/",
            {
                "username": "stan",
                "organisation": self.ngo.pk,
                "groups": [role_group(Role.SYSADMIN).pk, role_group(Role.CASE_WORKER).pk],
                "is_active": "on",
                "is_staff": "on",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "00:00:00",
            },
        )
        self.assertContains(response, "A system administrator cannot also hold a role that sees case data")
        self.assertEqual(set(other.groups.values_list("name", flat=True)), {"sysadmin"})

    def test_case_roles_do_not_count_for_a_system_administrator(self):
        from accounts.models import User, role_group
        from accounts.roles import Role

        self.sam.groups.add(role_group(Role.CASE_WORKER))
        self.assertNotIn("case_worker", User.objects.get(pk=self.sam.pk).roles)

    def test_no_one_changes_their_own_roles_in_the_admin_site(self):
        self.login(self.sam)
        page = self.client.get(f"/admin/accounts/user/{self.sam.pk}/change/")
        self.assertNotContains(page, 'name="groups"')
