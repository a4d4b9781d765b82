"""The strategy office edits, publishes and compares; the council reads. Pages pass axe."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from strategy import services
from tests.browser.conftest import assert_accessible
from tests.factories import FieldOfActionFactory, GoalFactory, StrategyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def strategy(personas):
    strategy = StrategyFactory(title="Digitale Strategie der Stadt")
    field = FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Arbeitswelt")
    GoalFactory(field_of_action=field, position=1, title="E-Akte überall", target_year=2027)
    GoalFactory(field_of_action=field, position=2, title="Mobiles Arbeiten", target_year=2025)
    services.publish_revision(
        actor=personas["strategist"],
        strategy=strategy,
        number=1,
        title="Digitale Strategie 2026",
        decided_on=timezone.localdate(),
        decision_reference="DS 0001/2026",
    )
    return strategy


def test_strategist_edits_publishes_and_compares(page, live_server, strategy, login):
    login("strategie")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Strategie"
    ).click()
    expect(page.get_by_text("Entwurf – aktueller Arbeitsstand")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Bearbeiten – Ziel 1.1").click()
    page.get_by_label("Titel").fill("E-Akte in allen Fachbereichen")
    page.get_by_label("Grund der Änderung").fill("Präzisiert")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", name="1.1 E-Akte in allen Fachbereichen")).to_be_visible()

    page.get_by_role("button", name="Nach unten – Ziel 1.1").click()
    expect(page.get_by_role("heading", name="1.2 E-Akte in allen Fachbereichen")).to_be_visible()

    page.get_by_role("link", name="Fortschreibung veröffentlichen").first.click()
    expect(page.get_by_text("gibt es 1 Änderung")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Titel").fill("1. Fortschreibung")
    page.get_by_label("Ratsbeschluss (Drucksache)").fill("DS 0002/2026")
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Fortschreibung Nr. 2 ist veröffentlicht"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Vergleich mit Nr. 1 – Fortschreibung 2").click()
    row = page.get_by_role("row", name="E-Akte in allen Fachbereichen")
    expect(row).to_contain_text("verschoben")
    expect(row).to_contain_text("umbenannt")
    # The old title word by word: "E-Akte" kept, "überall" struck through.
    expect(row.locator("del.fb15-word-diff__del")).to_have_text("entfernt: überall")
    assert_accessible(page)

    page.goto(f"{live_server.url}/strategie/stand/?revision=1")
    expect(page.get_by_role("heading", name="1.1 E-Akte überall")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/strategie/")
    page.get_by_role("link", name="Historie – Ziel 1.2").click()
    expect(page.get_by_role("cell", name="Präzisiert")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Wiederherstellen").last.click()
    assert_accessible(page)
    page.get_by_role("button", name="Wiederherstellen").click()
    expect(page.get_by_role("cell", name="Wiederhergestellt aus Version vom").first).to_be_visible()


def test_council_member_reads_the_published_strategy(page, live_server, strategy, login, personas):
    goal = strategy.fields_of_action.get().goals.get(position=1)
    goal.title = "Entwurfstitel"
    services.save_goal(goal, actor=personas["strategist"])

    login("rat")
    page.goto(f"{live_server.url}/strategie/")
    expect(page.get_by_text("Fortschreibung Nr. 1: Digitale Strategie 2026")).to_be_visible()
    expect(page.get_by_role("heading", name="1.1 E-Akte überall")).to_be_visible()
    expect(page.get_by_text("Entwurfstitel")).to_have_count(0)
    expect(page.get_by_role("link", name="Bearbeiten – Ziel 1.1")).to_have_count(0)
    expect(page.get_by_role("link", name="Fortschreibung veröffentlichen")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Alle zuklappen").click()
    expect(page.get_by_role("heading", name="1.1 E-Akte überall")).to_be_hidden()
    page.get_by_role("button", name="Alle aufklappen").click()
    expect(page.get_by_role("heading", name="1.1 E-Akte überall")).to_be_visible()

    page.get_by_role("link", name="Fortschreibungen", exact=True).click()
    assert_accessible(page)
    page.goto(f"{live_server.url}/strategie/stand/?datum={timezone.localdate():%Y-%m-%d}")
    expect(page.get_by_text("gültig war Fortschreibung Nr. 1")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/strategie/vergleich/")
    assert_accessible(page)
