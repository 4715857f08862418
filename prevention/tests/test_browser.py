"""End to end in Chromium: a focal point records a training, corrects a mistake the form explains, and finds it on
the measure's page."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from ctims.testing import make_user, sign_in
from organisations.models import Organisation
from plans.importers import BUNDLED_PLAN, import_plan_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_focal_point_records_a_training_and_the_measure_page_shows_it(page, live_server):
    plan = import_plan_file(BUNDLED_PLAN).plan
    make_user("bob", Organisation.objects.get(name="Ministry of Internal Affairs"), Role.FOCAL_POINT)
    measure = plan.measures.get(number="13.2.10")

    sign_in(page, live_server, "bob")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Registers").click()
    page.get_by_role("link", name="Trainings").click()
    page.get_by_role("link", name="Record a new entry").click()
    page.get_by_label("Start date").fill("2016-05-10")
    page.get_by_label("End date").fill("2016-05-09")
    page.get_by_label("Topic").fill("Indicators of trafficking for patrol officers")
    page.get_by_label("Audience group").select_option(label="Police")
    page.get_by_label("Women participants", exact=True).fill("5")
    page.get_by_label("Men participants", exact=True).fill("25")
    page.get_by_label("Plan measures").select_option(value=str(measure.pk))
    page.get_by_role("button", name="Save").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The end date cannot be before the start date.")
    expect(page.get_by_label("Topic")).to_have_value("Indicators of trafficking for patrol officers")

    page.get_by_label("End date").fill("2016-05-11")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("is saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Indicators of trafficking for patrol officers")

    page.get_by_role("link", name="13.2.10").click()
    section = page.get_by_role("region", name="Activities recorded in the registers")
    expect(section.get_by_role("link", name="Indicators of trafficking for patrol officers")).to_be_visible()
