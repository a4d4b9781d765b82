"""A lead types into the header search and sees highlighted hits; axe checks the results
(WCAG 2.1 AA), on the desktop and at phone width (390 px, no horizontal page overflow)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import MeasureFactory, StandardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_searches_from_the_header_and_sees_highlighted_hits(
    page, live_server, personas, login
):
    measure = MeasureFactory(
        owner=personas["unit32"],
        code="M-1.1-01",
        title="Antrag auf Anwohnerparken online",
        description="Der Antrag wird ohne Papier gestellt und digital beschieden.",
    )
    MeasureFactory(owner=personas["unit50"], title="Anträge der Sozialhilfe", is_confidential=True)
    StandardFactory(code="SW-07", title="Formulare für Anträge", description="Barrierefrei.")

    login("leitung32")
    search = page.get_by_role("search", name="Suche")
    search.get_by_role("searchbox", name="Suchbegriff").fill("Anträge")
    search.get_by_role("button", name="Suchen").click()

    expect(page.get_by_role("heading", name="Suche nach „Anträge“")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("2 Treffer")
    hit = page.get_by_role("listitem").filter(has_text="Anwohnerparken")
    expect(hit).to_contain_text("Maßnahme")
    expect(hit.locator("mark").first).to_have_text("Antrag")
    expect(page.get_by_text("Sozialhilfe")).to_have_count(0)  # another unit's confidential one
    assert_accessible(page)

    page.get_by_role("link", name="Standards (1)").click()
    expect(page.get_by_role("heading", name="SW-07 Formulare für Anträge")).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Alle (2)").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.get_by_role("searchbox", name="Suchbegriff")).to_have_value("Anträge")
    assert_accessible(page)

    page.get_by_role("link", name="M-1.1-01 Antrag auf Anwohnerparken online").click()
    expect(page).to_have_url(f"{live_server.url}{measure.get_absolute_url()}")
