"""End to end in Chromium: an NGO records a presumed victim, the MIA identifies, a shelter takes the person in."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from cases.care import facility_create
from ctims.testing import make_user, sign_in_with_second_factor
from organisations.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast():
    ministry = Organisation.objects.create(name="Ministry of Internal Affairs", kind="ministry")
    Organisation.objects.create(
        name="Main Department for Combating Trafficking in Human Beings", kind="service", parent=ministry
    )
    ngo = Organisation.objects.create(name="Hope Support Union", kind="ngo")
    other = Organisation.objects.create(name="Clean Path Public Union", kind="ngo")
    carol = make_user("carol", ngo, Role.CASE_WORKER)
    make_user("ivan", Organisation.objects.get(name__startswith="Main Department"), Role.IDENTIFICATION_OFFICER)
    make_user("dan", other, Role.CASE_WORKER)
    facility_create(actor=carol, organisation=ngo, name="Hope House", region="Baku", capacity=6)


def test_a_presumed_victim_is_recorded_assessed_referred_identified_and_placed(browser, live_server, cast):
    ngo_page = browser.new_context().new_page()
    sign_in_with_second_factor(ngo_page, live_server, "carol")
    ngo_page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    ngo_page.get_by_role("link", name="Record a presumed victim").click()
    ngo_page.get_by_label("Given name").fill("Leyla")
    ngo_page.get_by_label("Family name").fill("Rustamova")
    ngo_page.get_by_label("Year of birth").fill("1997")
    ngo_page.get_by_label("Sex", exact=True).select_option(label="Female")
    ngo_page.get_by_label("Identified through").select_option(label="NGO")
    ngo_page.get_by_label("Forced labour").check()
    ngo_page.get_by_role("button", name="Record the case").click()
    heading = ngo_page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Case NRM-")
    reference = heading.inner_text().removeprefix("Case ")
    case_url = ngo_page.url
    assert "Leyla" not in case_url and reference not in case_url  # a random uid, not the sequential reference

    ngo_page.get_by_text("Assess the ILO/EC indicators").click()
    ngo_page.get_by_role("combobox", name="Profile").select_option("adult_labour")
    for code in ("DR-01", "DR-02", "EXP-01", "EXP-02", "CD-01", "CD-02"):
        ngo_page.locator(f"input[name=present][value={code}]").check()
    ngo_page.get_by_role("button", name="Assess").click()
    expect(ngo_page.locator(".notice").first).to_contain_text("indicators")

    ngo_page.get_by_text("Change the legal status").click()
    ngo_page.get_by_role("combobox", name="New legal status").select_option(label="Presumed victim")
    ngo_page.get_by_label("Reason").first.fill("The indicator assessment and the interview.")
    ngo_page.get_by_role("button", name="Record the change").click()
    expect(ngo_page.get_by_text("Refer to the MIA Main Department within")).to_be_visible()

    ngo_page.get_by_text("Record consent").click()
    ngo_page.locator("#consent select[name=purpose]").select_option("referral")
    ngo_page.locator("#consent input[name=given]").check()
    ngo_page.locator("#consent input[name=given_on]").fill("2026-11-29")
    ngo_page.locator("#consent").get_by_role("button", name="Record").click()
    ngo_page.get_by_text("Refer the case").click()
    main_department = "Main Department for Combating Trafficking in Human Beings"
    ngo_page.get_by_role("combobox", name="Refer to").select_option(label=main_department)
    ngo_page.get_by_label("Services requested").fill("Identification interview")
    ngo_page.get_by_role("button", name="Refer", exact=True).click()
    expect(ngo_page.get_by_text("Referred to Main Department")).to_be_visible()

    mia_page = browser.new_context().new_page()
    sign_in_with_second_factor(mia_page, live_server, "ivan")
    mia_page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    expect(mia_page.get_by_role("cell", name=reference)).to_be_visible()
    mia_page.get_by_role("button", name="Accept").click()
    mia_page.get_by_label("Why do you need to open this case?").fill("Referred to us for identification.")
    mia_page.get_by_role("button", name="Open the case").click()
    mia_page.get_by_text("Change the legal status").click()
    mia_page.get_by_role("combobox", name="New legal status").select_option(label="Identified victim")
    mia_page.get_by_label("Reason").first.fill("Interview held; indicators confirmed.")
    mia_page.get_by_role("button", name="Record the change").click()
    expect(mia_page.locator(".lead")).to_contain_text("Identified victim")

    ngo_page.reload()
    ngo_page.get_by_text("Place in a facility").click()
    ngo_page.get_by_role("combobox", name="Facility").select_option(index=1)
    ngo_page.get_by_role("button", name="Place").click()
    expect(ngo_page.get_by_text("The placement is recorded.")).to_be_visible()
    expect(ngo_page.locator("#assistance li").filter(has_text="Hope House (Baku)")).to_be_visible()

    outsider = browser.new_context().new_page()
    sign_in_with_second_factor(outsider, live_server, "dan")
    response = outsider.goto(case_url)
    assert response.status == 404
    outsider.goto(f"{live_server.url}/cases/")
    expect(outsider.get_by_text(reference)).to_have_count(0)
    for context_page in (ngo_page, mia_page, outsider):
        context_page.context.close()
