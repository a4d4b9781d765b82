"""The public portal in Chromium, without a login: every page passes axe (WCAG 2.1 AA) at
desktop and phone width, fits 390 px without sideways scrolling, links the accessibility
statement and its feedback form; FB 15 switches the portal on in the browser."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import PortalSettings
from tests.browser.conftest import assert_accessible
from tests.portal.conftest import make_portal_world, switch_portal

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "portal_home": "Digitale Strategie Musterhausen",
    "portal_strategy": "Strategie und Maßnahmen",
    "portal_lagebild": "Lagebild",
    "portal_reports": "Statusberichte",
    "portal_open_data": "Offene Daten",
}
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_portal_world(personas)
    switch_portal()
    return world


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_portal_page_is_accessible_and_fits(page, live_server, world, viewport):
    page.set_viewport_size(viewport)
    for name, heading in PAGES.items():
        page.goto(live_server.url + reverse(name))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator(".kern-kopfzeile")).to_be_visible()
        statement = page.get_by_role("link", name="Erklärung zur Barrierefreiheit")
        expect(statement).to_be_visible()
        expect(page.get_by_role("link", name="Barriere melden")).to_be_visible()
        assert_accessible(page)
        if viewport is PHONE:
            fits = page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
            assert fits, f"{name} scrolls sideways at 390 px"
    assert page.context.cookies() == []  # no page of the portal set a cookie
    page.get_by_role("link", name="Barriere melden").click()
    expect(page.get_by_role("heading", name="Feedback und Kontakt")).to_be_visible()
    expect(page.get_by_label("Welche Barriere ist Ihnen begegnet?")).to_be_visible()


def test_a_citizen_finds_a_measure_and_downloads_the_public_report(page, live_server, world):
    page.goto(live_server.url + reverse("portal_home"))
    page.get_by_role("link", name="Strategie und Maßnahmen").first.click()
    measure = world["measures"][0]
    row = page.get_by_role("row", name=f"{measure.code} {measure.title}")
    expect(row).to_contain_text("FB 32")
    expect(row).to_contain_text("Ampel: gelb")
    expect(page.get_by_text("Vertrauliches Kameranetz")).to_have_count(0)
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Berichte").click()
    link = page.get_by_role("link", name="PDF herunterladen")
    pdf = page.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == b"%PDF-1.7 2026-Q1"


def test_fb15_switches_the_portal_on(page, live_server, world, login):
    PortalSettings.objects.filter(pk=1).update(is_enabled=False)
    login("strategie")
    page.goto(live_server.url + reverse("portal_settings_edit"))
    assert_accessible(page)
    page.get_by_label("Portal eingeschaltet").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("link", name="Öffentliches Portal ansehen")).to_be_visible()
    page.get_by_role("contentinfo").get_by_role("link", name="Öffentliches Portal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digitale Strategie Musterhausen")
