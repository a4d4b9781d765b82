"""A strategist changes a unit's lead in the browser; the pages pass axe (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_is_accessible_and_shows_a_german_error(page, live_server, personas):
    page.goto(f"{live_server.url}/anmelden/")
    assert_accessible(page)
    page.get_by_label("Benutzername").fill("strategie")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("Benutzername oder Passwort ist falsch")
    assert_accessible(page)


def test_strategist_edits_a_units_lead_and_sees_the_change(page, live_server, personas, login):
    UserFactory(username="neu", first_name="Nora", last_name="Neumann")
    login("strategie")
    assert_accessible(page)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Organisation"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="FB 32").click()
    assert_accessible(page)
    page.get_by_role("link", name="Bearbeiten").click()
    assert_accessible(page)

    lead = page.get_by_role("combobox", name="Leitung")
    lead.fill("nora")
    lead.press("Enter")
    page.get_by_label("Grund der Änderung").fill("Neubesetzung")
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_role("status")).to_contain_text("wurde gespeichert")
    expect(page.locator("dd", has_text="Nora Neumann")).to_be_visible()
    page.get_by_role("link", name="Historie").click()
    expect(page.get_by_role("cell", name="Neubesetzung")).to_be_visible()
    assert_accessible(page)


def test_council_member_reads_units_without_edit_controls(page, live_server, personas, login):
    login("rat")
    page.goto(f"{live_server.url}/fachbereiche/")
    expect(page.get_by_role("link", name="FB 50")).to_be_visible()
    expect(page.get_by_role("link", name="Fachbereich anlegen")).to_have_count(0)
    page.get_by_role("link", name="FB 50").click()
    expect(page.get_by_role("heading", name="FB 50 – Soziales und Integration")).to_be_visible()
    expect(page.get_by_role("link", name="Bearbeiten")).to_have_count(0)


def test_language_switch_in_the_header(page, live_server, personas, login):
    login("mitarbeiter")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
