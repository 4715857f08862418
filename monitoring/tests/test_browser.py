"""End to end in Chromium: a report goes back and forth between a body and the Coordinator, then counts."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from ctims.testing import make_user, sign_in, sign_in_with_second_factor
from monitoring.services import round_open
from organisations.models import Organisation
from plans.importers import BUNDLED_PLAN, import_plan_file

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    plan = import_plan_file(BUNDLED_PLAN).plan
    coordinator = make_user("alice", Organisation.objects.get(name="National Coordinator"), Role.COORDINATOR)
    make_user("bob", Organisation.objects.get(name="Ministry of Internal Affairs"), Role.FOCAL_POINT)
    round_open(
        plan=plan,
        period_type="year",
        year=2015,
        period_number=1,
        opens_on=datetime.date(2016, 1, 10),
        due_on=datetime.date.today() + datetime.timedelta(days=30),
        actor=coordinator,
    )
    # 13.2.1 (hot lines, 2015) has one executive body: the Ministry of Internal Affairs.
    return plan.rounds.get().reports.get(measure__number="13.2.1")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_a_report_is_submitted_returned_resubmitted_accepted_and_the_dashboard_counts_it(page, live_server, setting):
    report_url = f"{live_server.url}{setting.get_absolute_url()}"

    sign_in(page, live_server, "bob")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="13.2.1", exact=True).click()
    page.get_by_role("link", name="Edit the report").click()
    page.get_by_label("Progress").select_option(label="Complete")
    page.get_by_label("What was done").fill("The hot line got a second number and night shifts.")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_text("The report is submitted to the National Coordinator.")).to_be_visible()
    sign_out(page)

    sign_in_with_second_factor(page, live_server, "alice")
    page.goto(report_url)
    page.get_by_label("Comment").fill("Say from which date the night shifts run.")
    page.get_by_role("button", name="Return for correction").click()
    expect(page.get_by_text("The report is returned to Ministry of Internal Affairs.")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, "bob")
    page.goto(report_url)
    page.get_by_role("link", name="Edit the report").click()
    expect(page.get_by_text("Say from which date the night shifts run.")).to_be_visible()
    page.get_by_label("What was done").fill("The hot line got a second number; night shifts since 1 June 2015.")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_text("The report is submitted to the National Coordinator.")).to_be_visible()
    sign_out(page)

    sign_in_with_second_factor(page, live_server, "alice")
    page.goto(report_url)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The report is accepted.")).to_be_visible()
    history = page.locator(".history li")
    expect(history).to_have_count(4)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Monitoring").click()
    complete_in_13_2 = page.get_by_role("link", name="1 Complete in 13.2")
    expect(complete_in_13_2).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)
    complete_in_13_2.click()
    expect(page).to_have_url(re.compile(r"status=complete"))
    expect(page.get_by_role("link", name="13.2.1", exact=True)).to_be_visible()
