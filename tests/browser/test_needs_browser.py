"""A lead files a need with an attachment; FB 15 scores it and finds it in the ranked triage
list, then moves it on. axe checks the need form (also with errors), the need page and the
triage list (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from needs.models import Need, ScoringCriterion
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_files_need_and_strategist_ranks_it(page, live_server, personas, login, tmp_path):
    ScoringCriterion.objects.create(name="Rechtliche Verpflichtung", weight=3, position=1)
    ScoringCriterion.objects.create(name="Betroffene Bürger*innen", weight=2, position=2)
    attachment = tmp_path / "prozess.pdf"
    attachment.write_bytes(b"%PDF-1.4\n% Prozessbeschreibung\n")

    login("leitung32")
    page.goto(f"{live_server.url}/bedarfe/neu/")
    expect(page.get_by_role("heading", name="Bedarfsmeldung anlegen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Bedarf melden").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_text("Bitte geben Sie einen Titel an.", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Titel").fill("Online-Terminvergabe im Bürgerbüro")
    page.get_by_label("Problem").fill("Lange Schlangen am Morgen, Termine nur per Telefon.")
    page.get_by_label("erwarteter Nutzen").fill("Keine Wartezeiten mehr vor Ort.")
    page.get_by_label("Dringlichkeit").select_option(label="hoch")
    page.get_by_label("Anhang").set_input_files(str(attachment))
    page.get_by_role("button", name="Bedarf melden").click()
    expect(page.get_by_role("heading", name="Online-Terminvergabe im Bürgerbüro")).to_be_visible()
    expect(page.get_by_role("link", name="prozess.pdf")).to_be_visible()
    expect(page.locator(".kern-badge", has_text="eingereicht")).to_be_visible()
    assert_accessible(page)
    need = Need.objects.get()

    page.get_by_role("button", name="Abmelden").click()
    login("strategie")
    page.goto(f"{live_server.url}{need.get_absolute_url()}")
    page.get_by_label("Rechtliche Verpflichtung (Gewicht 3)").select_option("2")
    page.get_by_label("Betroffene Bürger*innen (Gewicht 2)").select_option("3")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.get_by_text("Bewertung gespeichert: 12 Punkte.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Bedarfe bewerten"
    ).click()
    row = page.get_by_role("row", name="Online-Terminvergabe im Bürgerbüro")
    expect(row).to_contain_text("12")
    assert_accessible(page)
    row.get_by_role("link").click()
    page.get_by_label("neuer Stand").select_option(label="in Prüfung")
    page.get_by_role("button", name="Stand ändern").click()
    expect(page.get_by_text("Neuer Stand: „in Prüfung“")).to_be_visible()


def test_strategist_adopts_a_need_as_a_new_project(page, live_server, personas, login):
    """The adopt forms (measure and project) and the merge form pass axe, also with errors;
    the new project names the need it came from."""
    from needs.models import NeedState
    from tests.factories import NeedFactory

    need = NeedFactory(
        owner=personas["unit32"], title="Digitale Schulanmeldung", state=NeedState.IN_REVIEW
    )
    NeedFactory(owner=personas["unit50"], title="Anmeldung zur Kita online")
    login("strategie")
    page.goto(f"{live_server.url}{need.get_absolute_url()}")
    page.get_by_role("link", name="als neue Maßnahme").click()
    expect(page.get_by_role("heading", name="Als neue Maßnahme übernehmen")).to_be_visible()
    expect(page.get_by_label("Titel", exact=True)).to_have_value("Digitale Schulanmeldung")
    assert_accessible(page)
    page.goto(f"{live_server.url}{need.get_absolute_url()}")
    page.get_by_role("link", name="andere Meldung hierhin zusammenführen").click()
    expect(page.get_by_role("heading", name="Bedarfsmeldungen zusammenführen")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}{need.get_absolute_url()}")
    page.get_by_role("link", name="als neues Projekt").click()
    page.get_by_role("button", name="Anlegen und Bedarf übernehmen").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kennung").fill("P-SCHULE-1")
    page.get_by_label("Begründung für den Fachbereich").fill("Wird als Projekt umgesetzt.")
    page.get_by_role("button", name="Anlegen und Bedarf übernehmen").click()
    expect(page.get_by_role("heading", name="Hervorgegangen aus Bedarfsmeldungen")).to_be_visible()
    expect(page.get_by_role("link", name="Digitale Schulanmeldung")).to_be_visible()
    assert_accessible(page)
    need.refresh_from_db()
    assert need.state == NeedState.ADOPTED and need.project.code == "P-SCHULE-1"


def test_similar_items_come_into_the_page_and_a_mark_returns_to_it(
    browser, page, live_server, personas, login
):
    """The box of similar items is swapped into a measure's page by htmx (axe checks the
    page with it); FB 15's mark from it leads back to that page. Without JavaScript the
    box's link opens the same items as a page."""
    from tests.factories import MeasureFactory, NeedFactory

    measure = MeasureFactory(owner=personas["unit50"], title="Online-Terminvergabe für alle Ämter")
    NeedFactory(owner=personas["unit32"], title="Online-Terminvergabe im Bürgerbüro")
    login("strategie")
    page.goto(f"{live_server.url}{measure.get_absolute_url()}")
    box = page.locator("#similar-items")
    box.scroll_into_view_if_needed()
    expect(box.get_by_text("Online-Terminvergabe im Bürgerbüro")).to_be_visible()
    assert_accessible(page)
    box.get_by_role("button", name="abstimmen").click()
    expect(page.get_by_text("abstimmen.")).to_be_visible()
    assert page.url == f"{live_server.url}{measure.get_absolute_url()}"
    page.locator("#similar-items").scroll_into_view_if_needed()
    expect(page.locator("#similar-items .kern-badge", has_text="abstimmen")).to_be_visible()

    without_js = browser.new_context(java_script_enabled=False, locale="de-DE").new_page()
    without_js.goto(f"{live_server.url}/anmelden/")
    without_js.get_by_label("Benutzername").fill("strategie")
    without_js.get_by_label("Passwort").fill(PASSWORD)
    without_js.get_by_role("button", name="Anmelden").click()
    without_js.goto(f"{live_server.url}{measure.get_absolute_url()}")
    expect(without_js.get_by_text("Online-Terminvergabe im Bürgerbüro")).to_have_count(0)
    without_js.get_by_role("link", name="Ähnliche Vorhaben anzeigen").click()
    expect(without_js.get_by_role("heading", level=1, name=measure.title)).to_be_visible()
    expect(without_js.get_by_text("Online-Terminvergabe im Bürgerbüro")).to_be_visible()
    without_js.context.close()
