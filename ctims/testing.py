"""The test base: a cast of users, one per role and organisation, so permission tests read as sentences."""

from functools import cached_property

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User, role_group
from accounts.roles import Role
from organisations.models import Organisation
from plans.importers import BUNDLED_PLAN, import_plan_file

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str, organisation: Organisation | None, *roles: str, **fields) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, organisation=organisation, **fields)
    user.groups.add(*[role_group(role) for role in roles])
    return User.objects.get(pk=user.pk)  # fresh, so `roles` is not cached from before the groups were added


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_now(device: TOTPDevice) -> str:
    """The code an authenticator app would show for `device` right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class BaseTestCase(TestCase):
    """Alice coordinates; Bob is the Ministry of Internal Affairs' focal point; Carol and Dan are case workers of two
    NGOs; Olga observes for the Ombudsman; Sam administers the system; Eve has an account but no role at all.
    For the registers: Frank is the focal point of the Baku City Education Department (a body outside the plan); Hana
    operates the Ministry's hotline and Hugo the other NGO's; Paul is a prosecution analyst of the General Prosecutor's
    Office."""

    @classmethod
    def setUpTestData(cls):
        cls.coordinator_org = Organisation.objects.create(name="National Coordinator")
        cls.ministry = Organisation.objects.create(name="Ministry of Internal Affairs", kind="ministry")
        cls.ngo = Organisation.objects.create(name="Hope Support Union", kind="ngo")
        cls.other_ngo = Organisation.objects.create(name="Clean Path Public Union", kind="ngo")
        cls.ombudsman = Organisation.objects.create(name="Ombudsman's Office", kind="ombudsman")
        cls.admin_org = Organisation.objects.create(name="CTIMS administration")
        cls.outside_org = Organisation.objects.create(name="Unrelated Company")

        cls.alice = make_user("alice", cls.coordinator_org, Role.COORDINATOR)
        cls.bob = make_user("bob", cls.ministry, Role.FOCAL_POINT)
        cls.carol = make_user("carol", cls.ngo, Role.CASE_WORKER)
        cls.dan = make_user("dan", cls.other_ngo, Role.CASE_WORKER)
        cls.olga = make_user("olga", cls.ombudsman, Role.OBSERVER)
        cls.sam = make_user("sam", cls.admin_org, Role.SYSADMIN, is_staff=True)
        cls.eve = make_user("eve", cls.outside_org)

        cls.education = Organisation.objects.create(name="Baku City Education Department", kind="service")
        cls.prosecutor_office = Organisation.objects.create(name="General Prosecutor's Office", kind="prosecution")
        cls.frank = make_user("frank", cls.education, Role.FOCAL_POINT)
        cls.hana = make_user("hana", cls.ministry, Role.HOTLINE_OPERATOR)
        cls.hugo = make_user("hugo", cls.other_ngo, Role.HOTLINE_OPERATOR)
        cls.paul = make_user("paul.analyst", cls.prosecutor_office, Role.PROSECUTION_ANALYST)

    def assertQueriesDoNotGrow(self, fetch, sizes=(2, 60), budget: int | None = None) -> None:
        """`fetch(size)` makes a request for a page of `size` rows; the query count must not depend on it."""
        counts = []
        for size in sizes:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(fetch(size).status_code, 200)
            counts.append(len(queries))
        self.assertEqual(len(set(counts)), 1, f"queries per page size {dict(zip(sizes, counts, strict=True))}")
        if budget is not None:
            self.assertLessEqual(counts[0], budget)

    def login(self, user: User) -> None:
        """Signs `user` in, with the second factor verified when the user's role needs one."""
        self.client.force_login(user)
        if user.needs_second_factor:
            device = totp_device(user)
            session = self.client.session
            session["otp_device_id"] = device.persistent_id
            session.save()


class PlanTestCase(BaseTestCase):
    """The cast, plus the bundled NAP 2014-2018 imported once for the whole class."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = import_plan_file(BUNDLED_PLAN).plan

    @cached_property
    def measures(self):
        return {m.number: m for m in self.plan.measures.all()}


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Signs in through the login page of a browser test."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_with_second_factor(page, live_server, username: str) -> None:
    """Signs in a user who needs a second factor. The first time, the setup page shows the key: type its current
    code. Later, the verify page asks for a code: the next window's (a code counts once, and an earlier sign-in of
    the test may have used the current one; the device accepts one window ahead)."""
    import base64
    import time

    sign_in(page, live_server, username)
    page.wait_for_url(lambda url: "/accounts/two-factor/" in url)  # set up, or verify
    if "/two-factor/verify/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time() + device.step
        page.get_by_label("Code from your authenticator app").fill(f"{totp.token():0{device.digits}d}")
        page.get_by_role("button", name="Continue").click()
        return
    secret = page.locator(".secret").inner_text()
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Turn on two-factor authentication").click()
