"""The whole way of a new city, as the README's "Für Ihre Stadt" describes it: an empty
instance set up with `setup_city`, the downloaded template imported in the browser, the
first status report generated and downloaded, with the city's name and the imported
measure in it. axe checks the pages on the way (WCAG 2.1 AA)."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from measures.services import quarter_of
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Rathaus-Kennwort-2026"


def test_a_new_city_goes_from_an_empty_instance_to_its_first_report(
    page, live_server, login, eager_tasks, tmp_path, monkeypatch
):
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", PASSWORD)
    call_command(
        "setup_city",
        "--noinput",
        "--city",
        "Stadt Musterhausen",
        "--email",
        "digital@musterhausen.example",
        "--admin-username",
        "admin",
        "--admin-email",
        "admin@musterhausen.example",
    )
    login("admin", PASSWORD)
    expect(page.get_by_role("heading", name="Erste Schritte")).to_be_visible()
    expect(page.get_by_text("Stadt Musterhausen").first).to_be_visible()

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Strategie"
    ).click()
    expect(page.get_by_text("Noch keine Strategie erfasst.")).to_be_visible()
    page.get_by_role("link", name="Aus Tabelle importieren").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Vorlage für Excel (.xlsx)").click()
    template = tmp_path / "vorlage.xlsx"
    download.value.save_as(template)

    page.get_by_label("Datei", exact=True).set_input_files(template)
    page.get_by_role("button", name="Hochladen und Spalten zuordnen").click()
    page.get_by_role("button", name="Zuordnung übernehmen und prüfen").click()
    expect(page.get_by_text("0 fehlerhaft").first).to_be_visible()
    page.get_by_role("button", name="Übernehmen", exact=True).click()
    expect(page.get_by_role("heading", name="Übernommen")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Lagebild & Berichte"
    ).click()
    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Berichte", exact=True
    ).click()
    page.get_by_role("link", name="Bericht jetzt erzeugen").first.click()
    quarter = quarter_of(timezone.localdate())[2]
    page.get_by_label("Zeitraum").fill(quarter)
    page.get_by_role("button", name="Erzeugen").click()
    row = page.get_by_role("row").filter(has_text=quarter)
    expect(row.get_by_text("Entwurf", exact=True)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        row.get_by_role("link", name="Entwurf lesen").click()
    with open(download.value.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(p.extract_text() for p in reader.pages).replace("\u2010\n", "")
    assert "Stadt Musterhausen" in text
    assert "Online-Terminvergabe im Bürgerservice" in text
