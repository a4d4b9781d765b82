"""The strategy team queues a status report, reads the draft, is refused a release without
an assessment, writes it and releases; a council member downloads the released report from
the archive. axe checks the Lagebild, the archive and the report page (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.reporting.conftest import report_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_strategist_queues_and_downloads_council_downloads_from_archive(
    page, live_server, personas, login, eager_tasks
):
    report_world(personas)
    login("strategie")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Lagebild & Berichte").click()
    expect(page.get_by_role("heading", name="Lagebild Digitalstrategie")).to_be_visible()
    expect(page.get_by_role("img", name="Ampeln je Handlungsfeld")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Berichte", exact=True
    ).click()
    page.get_by_role("link", name="Bericht jetzt erzeugen").click()
    page.get_by_label("Zeitraum").fill("2026-Q3")
    page.get_by_role("button", name="Erzeugen").click()
    expect(page.get_by_text("wird als Entwurf erzeugt")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="2026-Q3")
    expect(row.get_by_text("Entwurf", exact=True)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        row.get_by_role("link", name="Entwurf lesen").click()
    assert download.value.suggested_filename == "Statusbericht_Digitalstrategie_2026-Q3.pdf"

    # Releasing without an assessment is refused; with one, the final report is rendered.
    row.get_by_role("link", name="Gesamte Digitalstrategie").click()
    expect(page.get_by_text("Nur FB 15 sieht diesen Entwurf.")).to_be_visible()
    page.get_by_role("button", name="Speichern und freigeben").click()
    expect(
        page.get_by_role("alert").or_(page.locator(".kern-alert--danger")).first
    ).to_contain_text("Bitte schreiben Sie vor der Freigabe die Einschätzung des FB 15.")
    assert_accessible(page)
    page.get_by_label("Einschätzung des FB 15").fill("Im Plan. Kritisch: die E-Akte.")
    page.get_by_role("button", name="Speichern und freigeben").click()
    expect(page.get_by_text("freigegeben", exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="PDF herunterladen")).to_be_visible()
    expect(page.get_by_role("heading", name="Einschätzung des FB 15")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Abmelden").click()
    login("rat")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Lagebild & Berichte"
    ).click()
    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Berichte", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Statusberichte")).to_be_visible()
    expect(page.get_by_role("link", name="Bericht jetzt erzeugen")).to_have_count(0)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF herunterladen").first.click()
    assert download.value.suggested_filename == "Statusbericht_Digitalstrategie_2026-Q3.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
