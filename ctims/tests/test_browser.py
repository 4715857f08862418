"""End to end in Debian's Chromium: a person signs in, opens the plan, filters it and opens a measure."""

import base64
import re
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.roles import Role
from ctims.testing import make_user, sign_in
from organisations.models import Organisation
from plans.importers import BUNDLED_PLAN, import_plan_file

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan():
    return import_plan_file(BUNDLED_PLAN).plan


def test_a_focal_point_signs_in_filters_the_plan_by_an_organisation_and_opens_a_measure(page, live_server, plan):
    ministry = Organisation.objects.get(name="Ministry of Internal Affairs")
    make_user("bob", ministry, Role.FOCAL_POINT)
    sign_in(page, live_server, "bob")
    expect(page.get_by_role("heading", name="Welcome, bob")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Action plans").click()
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(page.locator("#result-count")).to_have_text("60 measures of 60")

    # Choosing an organisation updates the list at once (htmx) and the address, so the view can be shared.
    page.get_by_label("Organisation").select_option(label="Press Council of Azerbaijan Republic")
    expect(page.locator("#result-count")).to_have_text("2 measures of 60")
    expect(page).to_have_url(re.compile(r"organisation=\d+"))
    page.get_by_label("Search").fill("internet")
    expect(page.locator("#result-count")).to_have_text("1 measure of 60")
    page.get_by_label("Search").fill("")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#result-count")).to_have_text("2 measures of 60")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "plan-filtered.png", full_page=True)

    page.get_by_role("link", name="13.9.5", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measure 13.9.5")
    expect(page.get_by_text("Recommended to take part")).to_be_visible()
    expect(page.get_by_role("link", name="Press Council of Azerbaijan Republic")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "measure.png", full_page=True)


def test_a_case_worker_sets_up_two_factor_authentication_at_first_sign_in(page, live_server, plan):
    ngo = Organisation.objects.create(name="Hope Support Union", kind="ngo")
    make_user("carol", ngo, Role.CASE_WORKER)
    sign_in(page, live_server, "carol")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "two-factor-setup.png", full_page=True)

    secret = page.locator(".secret").inner_text()
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_text("Two-factor authentication is on.")).to_be_visible()


def test_a_wrong_password_shows_an_error_summary_that_links_to_nothing_hidden(page, live_server):
    make_user("olga", None, Role.OBSERVER)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("olga")
    page.get_by_label("Password").fill("wrong")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password.")
