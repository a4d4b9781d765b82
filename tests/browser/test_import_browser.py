"""FB 15 imports a spreadsheet in the browser: a wrong file is refused with a German message,
an unknown word is mapped on the page, the dry run shows each row, confirming writes.
axe checks every step (WCAG 2.1 AA)."""

import openpyxl
import pytest
from playwright.sync_api import expect

from measures.models import Measure
from tests.browser.conftest import assert_accessible
from tests.factories import FieldOfActionFactory, GoalFactory, StrategyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def measure_list(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Maßnahmenliste"
    sheet.append(["Maßnahmenliste des Fachbereichs, Stand 1. März 2026"])
    sheet.append([])
    sheet.append(["Nr.", "Maßnahme", "Strategisches Ziel", "Federführung", "Prio", "Stand"])
    sheet.append(["M-7", "Parkausweis online", "1.1", "FB 32", 1, "laufend"])
    sheet.append(["M-8", "Gewerbeanmeldung digital", "1.1", "FB 50", 3, "geplant"])
    workbook.save(path)
    return path


def test_strategist_maps_checks_and_confirms_an_import(
    page, live_server, personas, login, eager_tasks, tmp_path
):
    field = FieldOfActionFactory(strategy=StrategyFactory(), position=1, title="Services")
    GoalFactory(field_of_action=field, position=1, title="Alles online")
    login("strategie")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Organisation"
    ).click()
    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Import und Export"
    ).click()
    expect(page.get_by_role("heading", name="Import und Export", level=1)).to_be_visible()
    assert_accessible(page)

    not_a_table = tmp_path / "protokoll.pdf"
    not_a_table.write_bytes(b"%PDF-1.7 ...")
    page.get_by_label("Datei", exact=True).set_input_files(not_a_table)
    page.get_by_role("button", name="Hochladen und Spalten zuordnen").click()
    expect(
        page.get_by_text("ist keine Tabelle (erwartet: .xlsx, .ods oder .csv)").first
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Datei", exact=True).set_input_files(measure_list(tmp_path / "liste.xlsx"))
    page.get_by_role("button", name="Hochladen und Spalten zuordnen").click()
    expect(page.get_by_role("heading", name="liste.xlsx")).to_be_visible()
    expect(page.get_by_label("Importart")).to_have_value("measures")
    expect(page.get_by_label("Federführung")).to_have_value("owner")
    assert_accessible(page)
    page.get_by_role("button", name="Zuordnung übernehmen und prüfen").click()

    expect(page.get_by_text("Noch ist nichts gespeichert.")).to_be_visible()
    expect(page.get_by_text("„laufend“ ist als Status unbekannt").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("„laufend“ (Status) bedeutet").select_option(label="in Umsetzung")
    page.get_by_role("button", name="Zuordnen und erneut prüfen").click()

    expect(
        page.get_by_text("2 neu · 0 geändert · 0 unverändert · 0 fehlerhaft").first
    ).to_be_visible()
    assert not Measure.objects.exists()
    page.get_by_label("Alle Zeilen in einem Schritt").check()
    page.get_by_role("button", name="Übernehmen", exact=True).click()

    expect(page.get_by_role("heading", name="Übernommen")).to_be_visible()
    assert_accessible(page)
    measure = Measure.objects.get(code="M-7")
    assert measure.status == "in_progress" and measure.priority == "high"
    assert measure.history.get().history_change_reason == "Import aus liste.xlsx"


def test_phone_layout_of_the_dry_run_does_not_overflow(
    page, live_server, personas, login, eager_tasks, tmp_path
):
    field = FieldOfActionFactory(strategy=StrategyFactory(), position=1, title="Services")
    GoalFactory(field_of_action=field, position=1, title="Alles online")
    page.set_viewport_size({"width": 390, "height": 844})
    login("strategie")
    page.goto(f"{live_server.url}/import/")
    page.get_by_label("Datei", exact=True).set_input_files(measure_list(tmp_path / "liste.xlsx"))
    page.get_by_role("button", name="Hochladen und Spalten zuordnen").click()
    page.get_by_role("button", name="Zuordnung übernehmen und prüfen").click()
    expect(page.get_by_text("Noch ist nichts gespeichert.")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
