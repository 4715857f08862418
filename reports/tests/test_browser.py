"""End to end in Chromium: the Coordinator previews the annual report, is stopped by the form when issuing without
confirming, issues it, and an observer then finds the public edition and downloads it."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from ctims.testing import make_user, sign_in, sign_in_with_second_factor
from organisations.models import Organisation
from plans.importers import BUNDLED_PLAN, import_plan_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_previews_and_issues_and_an_observer_downloads_the_public_edition(page, live_server):
    import_plan_file(BUNDLED_PLAN)
    make_user("alice", Organisation.objects.create(name="National Coordinator's office"), Role.COORDINATOR)
    make_user("olga", Organisation.objects.create(name="Ombudsman's Office"), Role.OBSERVER)

    sign_in_with_second_factor(page, live_server, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Annual report").click()
    preview = page.locator("form", has=page.get_by_role("button", name="Preview"))
    preview.get_by_label("Year").select_option("2016")
    preview.get_by_label("Edition").select_option("public")
    preview.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="1. Executive summary")).to_be_visible()
    expect(page.get_by_role("table", name="Table V1.")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()  # the SVG charts

    page.go_back()
    issue = page.locator("form", has=page.get_by_role("button", name="Issue the report"))
    issue.get_by_label("Year").select_option("2016")
    issue.get_by_label("Edition").select_option("public")
    issue.get_by_role("button", name="Issue the report").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    page.get_by_label("I have checked the preview").check()
    page.get_by_role("button", name="Issue the report").click()
    expect(page.get_by_text("These figures and files do not change.")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, "olga")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Annual report").click()
    expect(page.get_by_role("button", name="Issue the report")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").first.click()
    assert download.value.suggested_filename == "annual-report-2016-public-v1.pdf"
