"""FB 15 in the browser with the two external formats: imports the BSI's TLS catalog (OSCAL)
through the dry run, and links a measure to a council paper of the OParl example system
(served by tests/fb15/oparl_server.py), which keeps its last state when the system fails.
axe checks every page (WCAG 2.1 AA)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from fb15.models import CitySettings
from fb15.tasks import refresh_council_papers
from standards.models import Standard
from tests.browser.conftest import assert_accessible
from tests.factories import MeasureFactory
from tests.fb15.oparl_server import OparlServer

pytestmark = pytest.mark.django_db(transaction=True)

TLS = Path(__file__).resolve().parent.parent / "data" / "oscal"
TLS = TLS / "Entwurf-Mindeststandard-TLS-catalog.json"


def test_strategist_imports_an_oscal_catalog_after_its_dry_run(
    page, live_server, personas, login, eager_tasks
):
    login("strategie")
    page.goto(f"{live_server.url}/import/")
    page.get_by_label("Datei", exact=True).set_input_files(TLS)
    page.get_by_role("button", name="Hochladen und Spalten zuordnen").click()

    expect(page.get_by_text("OSCAL-Katalog „Entwurf Mindeststandard Bund TLS“")).to_be_visible()
    expect(page.get_by_text("17 neu · 0 geändert · 0 unverändert · 0 fehlerhaft")).to_be_visible()
    expect(page.get_by_role("cell", name="KONF.14.1.2 HTTPS für Webserver")).to_be_visible()
    assert_accessible(page)
    assert not Standard.objects.exists()

    page.get_by_role("button", name="Übernehmen").click()
    expect(page.get_by_role("heading", name="Übernommen")).to_be_visible()
    assert Standard.objects.count() == 17

    page.goto(f"{live_server.url}{Standard.objects.get(code='KONF.14.1').get_absolute_url()}")
    expect(page.get_by_text("Katalog „Entwurf Mindeststandard Bund TLS“")).to_be_visible()
    expect(page.get_by_text("Verwendung von TLS-Protokoll-Versionen")).to_be_visible()
    assert_accessible(page)


@pytest.fixture
def ris(settings):
    settings.OPARL_TIMEOUT = 1
    server = OparlServer().start()
    CitySettings.objects.update_or_create(pk=1, defaults={"oparl_system_url": server.base + "/"})
    yield server
    server.stop()


def test_strategist_links_a_paper_and_the_page_keeps_it_when_the_system_fails(
    page, live_server, personas, login, ris
):
    measure = MeasureFactory(owner=personas["unit32"], title="E-Akte einführen")
    login("strategie")
    page.goto(f"{live_server.url}{measure.get_absolute_url()}")
    page.get_by_label("Aktenzeichen oder OParl-Adresse der Drucksache").fill("1234/2014")
    page.get_by_role("button", name="Drucksache verknüpfen").click()

    expect(page.get_by_text("ist verknüpft")).to_be_visible()
    papers = page.locator("#drucksachen")
    expect(
        papers.get_by_role("heading", name="1234/2014: Antwort auf Anfrage 1200/2014")
    ).to_be_visible()
    expect(papers.get_by_role("cell", name="Geändert beschlossen")).to_be_visible()
    assert_accessible(page)

    ris.behave("/paper/749", "html")
    refresh_council_papers()
    page.reload()
    expect(papers.get_by_text("Letzter bekannter Stand")).to_be_visible()
    expect(papers.get_by_role("cell", name="Geändert beschlossen")).to_be_visible()
    assert_accessible(page)
