"""Attacks on signing in and staying signed in: a planted session key, a replayed cookie after signing out, guessing
passwords (lockout, no telling which accounts exist), skipping or guessing the second factor, weak passwords, and
sessions left open elsewhere after a password change. The idle timeout is in test_idle_timeout.py."""

import datetime
import re

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import TOKEN_INVALID, TOKEN_THROTTLED
from accounts.middleware import EXEMPT_URL_NAMES
from accounts.models import User
from accounts.roles import CASE_DATA_ROLES, Role
from ctims.testing import PASSWORD, BaseTestCase, make_user, totp_device, totp_now
from ctims.tests.test_attacks_csrf import every_path

LOGIN = reverse("accounts-login")
LOGOUT = reverse("accounts-logout")
VERIFY = reverse("accounts-verify")
SETUP = reverse("accounts-two-factor-setup")
WRONG_CREDENTIALS = "Please enter a correct username and password."
LOCKED = "Too many failed sign-in attempts"
HOUR = datetime.timedelta(hours=1)


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def sign_in(client: Client, username: str, password: str = PASSWORD, **request):
    return client.post(LOGIN, {"username": username, "password": password}, **request)


def without_tokens(response, typed: str = "") -> str:
    """The page's text with its per-request CSRF tokens blanked, and the user name the visitor typed (shown back in
    the form) replaced, so two pages can be compared byte for byte."""
    page = re.sub(r'(name="csrfmiddlewaretoken" value=)"[^"]*"', r'\1""', response.content.decode())
    return page.replace(f'value="{typed}"', 'value="…"') if typed else page


class SessionFixationTests(BaseTestCase):
    def plant_session(self) -> str:
        """A session key an attacker obtained and made the victim's browser use (before the victim signs in)."""
        store = SessionStore()
        store["planted"] = True
        store.create()
        self.client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
        return store.session_key

    def assertSignedOut(self, key: str) -> None:
        self.assertFalse(Session.objects.filter(session_key=key).exists())
        replay = Client()
        replay.cookies[settings.SESSION_COOKIE_NAME] = key
        response = replay.get(reverse("home"))
        self.assertRedirects(response, f"{LOGIN}?next=/", fetch_redirect_response=False)

    def test_signing_in_gives_a_new_session_key_and_the_planted_one_is_worth_nothing(self):
        planted = self.plant_session()
        self.assertRedirects(sign_in(self.client, "bob"), reverse("home"))
        self.assertNotEqual(session_key(self.client), planted)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.assertSignedOut(planted)

    def test_passing_the_second_factor_gives_a_new_session_key(self):
        device = totp_device(self.carol)
        self.plant_session()
        sign_in(self.client, "carol")
        after_password = session_key(self.client)
        response = self.client.post(VERIFY, {"token": totp_now(device), "next": "/cases/"})
        self.assertRedirects(response, "/cases/")
        self.assertNotEqual(session_key(self.client), after_password)
        self.assertEqual(self.client.get("/cases/").status_code, 200)
        self.assertSignedOut(after_password)

    def test_setting_up_the_second_factor_gives_a_new_session_key(self):
        sign_in(self.client, "carol")
        self.client.get(SETUP)
        after_password = session_key(self.client)
        device = TOTPDevice.objects.get(user=self.carol, confirmed=False)
        self.assertRedirects(self.client.post(SETUP, {"token": totp_now(device), "next": "/cases/"}), "/cases/")
        self.assertNotEqual(session_key(self.client), after_password)
        self.assertEqual(self.client.get("/cases/").status_code, 200)
        self.assertSignedOut(after_password)


class LogoutTests(BaseTestCase):
    def test_a_get_does_not_sign_out(self):
        self.login(self.bob)
        key = session_key(self.client)
        self.assertEqual(self.client.get(LOGOUT).status_code, 405)
        self.assertTrue(Session.objects.filter(session_key=key).exists())
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_after_signing_out_the_old_cookie_opens_nothing(self):
        for user in (self.carol, self.alice):
            with self.subTest(user=user.username):
                self.login(user)
                key = session_key(self.client)
                self.assertRedirects(self.client.post(LOGOUT), LOGIN, fetch_redirect_response=False)
                self.assertFalse(Session.objects.filter(session_key=key).exists())
                replay = Client()
                replay.cookies[settings.SESSION_COOKIE_NAME] = key
                self.assertRedirects(replay.get("/plans/"), f"{LOGIN}?next=/plans/", fetch_redirect_response=False)
                self.assertIn(replay.get("/api/plans/").status_code, (401, 403))
                self.assertNotIn("_auth_user_id", replay.session)

    def test_signing_out_of_the_admin_site_ends_the_session_too(self):
        self.login(self.sam)
        key = session_key(self.client)
        self.assertEqual(self.client.get("/admin/logout/").status_code, 405)
        self.assertRedirects(self.client.post("/admin/logout/"), LOGIN, fetch_redirect_response=False)
        self.assertFalse(Session.objects.filter(session_key=key).exists())
        self.assertEqual(self.client.get("/admin/accounts/user/").status_code, 302)


@override_settings(AXES_FAILURE_LIMIT=3)
class LockoutTests(BaseTestCase):
    def fail_sign_in(self, username: str, times: int = 3, **request):
        return [sign_in(self.client, username, "wrong-password", **request) for _attempt in range(times)][-1]

    def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(self):
        known = self.fail_sign_in("bob", times=1, REMOTE_ADDR="10.0.0.1")
        unknown = self.fail_sign_in("no-such-user", times=1, REMOTE_ADDR="10.0.0.2")
        self.assertContains(known, WRONG_CREDENTIALS)
        self.assertEqual(
            (known.status_code, without_tokens(known, "bob")),
            (unknown.status_code, without_tokens(unknown, "no-such-user")),
        )

    def test_a_locked_account_and_a_locked_unknown_name_get_the_same_answer(self):
        self.fail_sign_in("bob", REMOTE_ADDR="10.0.0.1")
        self.fail_sign_in("no-such-user", REMOTE_ADDR="10.0.0.2")
        known = sign_in(self.client, "bob", PASSWORD, REMOTE_ADDR="10.0.0.1")
        unknown = sign_in(self.client, "no-such-user", PASSWORD, REMOTE_ADDR="10.0.0.2")
        self.assertContains(known, LOCKED, status_code=429)
        self.assertNotContains(known, "bob", status_code=429)
        self.assertEqual((known.status_code, without_tokens(known)), (unknown.status_code, without_tokens(unknown)))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_locking_one_account_does_not_lock_another_from_the_same_address(self):
        self.fail_sign_in("bob")
        self.assertEqual(sign_in(self.client, "bob").status_code, 429)
        self.assertRedirects(sign_in(Client(), "olga"), reverse("home"))

    def test_failures_on_the_admin_login_count_for_the_same_lock(self):
        for _attempt in range(3):
            self.client.post("/admin/login/", {"username": "sam", "password": "wrong-password"})
        response = sign_in(self.client, "sam")
        self.assertContains(response, LOCKED, status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)


class SecondFactorRequiredTests(BaseTestCase):
    """Every user of a case-data role must pass a second factor before any page or API call other than signing in,
    setting the factor up, using it, signing out and choosing the language. Carol (case worker) is walked through
    every path of the project; the other case-data roles through the pages and API of their own work."""

    AREAS = {
        "carol": ("/",),
        "ivan": ("/", "/cases/", "/api/cases/", "/api/referrals/"),
        "hana": ("/", "/hotline/", "/api/calls/"),
        "paul.analyst": ("/", "/prosecution/", "/api/criminal-cases/"),
    }

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ivan = make_user("ivan", cls.ministry, Role.IDENTIFICATION_OFFICER)

    def case_data_users(self) -> list[User]:
        users = [self.carol, self.ivan, self.hana, self.paul]
        self.assertEqual(set().union(*(user.roles for user in users)), CASE_DATA_ROLES)  # each role is walked
        return users

    def paths_of(self, user: User) -> list[str]:
        exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
        areas = self.AREAS[user.username]
        paths = [path for path in every_path() if path not in exempt]
        if areas == ("/",):
            return paths
        return [path for path in paths if path == "/" or path.startswith(areas[1:])]

    def assertEveryPathSendsTo(self, url_name: str, paths: list[str]) -> None:
        for path in paths:
            with self.subTest(path=path):
                response = self.client.get(path)
                if path.startswith("/api/"):
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(response.json(), {"detail": "Two-factor authentication is required."})
                else:
                    target = f"{reverse(url_name)}?{urlencode({'next': path})}"
                    self.assertRedirects(response, target, fetch_redirect_response=False)

    def test_without_a_device_every_page_sends_to_set_up_and_the_api_refuses(self):
        for user in self.case_data_users():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                paths = self.paths_of(user)
                self.assertGreater(len(paths), 200 if user == self.carol else 5)
                self.assertEveryPathSendsTo("accounts-two-factor-setup", paths)

    def test_with_a_device_not_used_in_this_session_every_page_sends_to_verify(self):
        for user in self.case_data_users():
            with self.subTest(user=user.username):
                totp_device(user)
                self.client.force_login(user)
                self.assertEveryPathSendsTo("accounts-verify", self.paths_of(user))

    def test_the_coordinator_administrators_and_superusers_are_asked_too_and_other_roles_are_not(self):
        for user in (self.alice, self.sam, make_user("root", None, is_superuser=True)):
            with self.subTest(user=user.username):
                self.assertTrue(user.needs_second_factor)
                self.client.force_login(user)
                self.assertTrue(self.client.get("/plans/")["Location"].startswith(SETUP))
        self.assertTrue(make_user("stan", self.admin_org, Role.SYSADMIN, Role.CASE_WORKER).needs_second_factor)
        for user in (self.bob, self.olga, self.eve):
            with self.subTest(user=user.username):
                self.assertFalse(user.needs_second_factor)


class SecondFactorGuessingTests(BaseTestCase):
    def setUp(self):
        self.device = totp_device(self.carol)
        sign_in(self.client, "carol")

    def verify(self, token: str, client: Client | None = None):
        return (client or self.client).post(VERIFY, {"token": token, "next": "/cases/"})

    def wrong_code(self) -> str:
        """A code no window of the device's tolerance accepts right now."""
        device = self.device
        valid = {
            f"{TOTP(device.bin_key, device.step, device.t0, device.digits, drift).token():06d}"
            for drift in range(device.drift - device.tolerance, device.drift + device.tolerance + 1)
        }
        return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)

    def wait_after(self, failures: int) -> None:
        """As if `failures` wrong codes had just been entered: django-otp now refuses for 2**(failures-1) seconds."""
        TOTPDevice.objects.filter(pk=self.device.pk).update(
            throttling_failure_count=failures, throttling_failure_timestamp=timezone.now()
        )

    def end_wait(self) -> None:
        TOTPDevice.objects.filter(pk=self.device.pk).update(throttling_failure_timestamp=timezone.now() - HOUR)

    def test_a_wrong_code_is_refused_and_counted(self):
        response = self.verify(self.wrong_code())
        self.assertContains(response, TOKEN_INVALID)
        self.device.refresh_from_db()
        self.assertEqual(self.device.throttling_failure_count, 1)
        self.assertRedirects(self.client.get("/cases/"), f"{VERIFY}?next=%2Fcases%2F")

    def test_while_the_wait_lasts_even_the_right_code_is_refused_and_the_page_says_how_long(self):
        self.wait_after(10)  # 512 seconds
        response = self.verify(totp_now(self.device))
        self.assertEqual(response.status_code, 200)
        said = {str(TOKEN_THROTTLED % {"seconds": seconds}) for seconds in range(500, 513)}
        self.assertTrue(any(text in response.content.decode() for text in said), response.content.decode())
        self.assertRedirects(self.client.get("/cases/"), f"{VERIFY}?next=%2Fcases%2F")
        self.device.refresh_from_db()
        self.assertEqual(
            self.device.throttling_failure_count, 10
        )  # refused before the code is checked: not counted again

    def test_each_wrong_code_doubles_the_wait(self):
        for failures in range(1, 5):
            self.end_wait()
            self.verify(self.wrong_code())
            self.device.refresh_from_db()
            self.assertEqual(self.device.throttling_failure_count, failures)
            allowed, throttle = self.device.verify_is_allowed()
            self.assertFalse(allowed)
            wait = throttle["locked_until"] - self.device.throttling_failure_timestamp
            self.assertEqual(wait, datetime.timedelta(seconds=2 ** (failures - 1)))

    def test_once_the_wait_is_over_the_right_code_signs_in(self):
        self.verify(self.wrong_code())
        self.end_wait()
        self.assertRedirects(self.verify(totp_now(self.device)), "/cases/")
        self.device.refresh_from_db()
        self.assertEqual(self.device.throttling_failure_count, 0)

    def test_a_code_is_good_for_one_sign_in_only(self):
        code = totp_now(self.device)
        self.assertRedirects(self.verify(code), "/cases/")
        onlooker = Client()
        sign_in(onlooker, "carol")
        self.assertContains(self.verify(code, onlooker), TOKEN_INVALID)
        self.assertRedirects(onlooker.get("/cases/"), f"{VERIFY}?next=%2Fcases%2F")


class PasswordPolicyTests(BaseTestCase):
    WEAK = {
        "too short": ("Tr0ub4dor", "This password is too short. It must contain at least 10 characters."),
        "common": ("qwertyuiop", "This password is too common."),
        "numeric only": ("8405729163", "This password is entirely numeric."),
        "like the user name": ("konstantin1", "The password is too similar to the username."),
    }

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.konstantin = make_user("konstantin.aliyev", cls.ministry, Role.FOCAL_POINT)

    def test_the_password_change_page_refuses_weak_passwords_and_says_why(self):
        self.login(self.konstantin)
        for case, (password, message) in self.WEAK.items():
            with self.subTest(case=case):
                response = self.client.post(
                    reverse("accounts-password"),
                    {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
                )
                self.assertContains(response, message)
                self.assertContains(response, "There is a problem")
                self.konstantin.refresh_from_db()
                self.assertTrue(self.konstantin.check_password(PASSWORD))

    def test_the_admin_site_refuses_weak_passwords_for_a_new_user_and_says_why(self):
        self.login(self.sam)
        for case, (password, message) in self.WEAK.items():
            with self.subTest(case=case):
                data = {"username": "konstantin.mammadov", "organisation": self.ministry.pk}
                data |= {"password1": password, "password2": password, "usable_password": "true"}
                response = self.client.post("/admin/accounts/user/add/", data)
                self.assertContains(response, message)
                self.assertFalse(User.objects.filter(username="konstantin.mammadov").exists())

    def test_the_admin_site_refuses_a_weak_password_when_resetting_one(self):
        self.login(self.sam)
        url = f"/admin/accounts/user/{self.bob.pk}/password/"
        response = self.client.post(
            url, {"password1": "qwertyuiop", "password2": "qwertyuiop", "usable_password": "true"}
        )
        self.assertContains(response, "This password is too common.")
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password(PASSWORD))


class PasswordChangeSessionTests(BaseTestCase):
    NEW = "a-much-longer-secret-9"

    def change_password(self, client: Client):
        data = {"old_password": PASSWORD, "new_password1": self.NEW, "new_password2": self.NEW}
        return client.post(reverse("accounts-password"), data)

    def test_changing_the_password_keeps_this_session_and_ends_the_others(self):
        here = self.client
        self.login(self.carol)  # a case worker: the second factor passed here must survive the change
        elsewhere = self.client = Client()
        self.login(self.carol)
        self.client = here
        self.assertEqual(elsewhere.get("/cases/").status_code, 200)
        self.assertRedirects(self.change_password(here), reverse("accounts-profile"))
        self.assertEqual(here.get("/cases/").status_code, 200)
        self.assertRedirects(elsewhere.get("/cases/"), f"{LOGIN}?next=/cases/", fetch_redirect_response=False)

    def test_an_administrator_resetting_a_password_ends_the_users_sessions(self):
        self.login(self.carol)
        victim = self.client
        self.client = Client()
        self.login(self.sam)
        url = f"/admin/accounts/user/{self.carol.pk}/password/"
        data = {"password1": self.NEW, "password2": self.NEW, "usable_password": "true"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertRedirects(victim.get("/cases/"), f"{LOGIN}?next=/cases/", fetch_redirect_response=False)
