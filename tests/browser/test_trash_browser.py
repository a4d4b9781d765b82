"""The strategy team meets a protected standard, deletes an unused trend and restores it from
the Papierkorb. axe checks the delete pages and the Papierkorb (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from standards.models import Trend
from tests.browser.conftest import assert_accessible
from tests.factories import ComplianceFactory, StandardFactory, TrendFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_strategist_is_stopped_by_dependents_and_restores_a_deleted_trend(
    page, live_server, personas, login
):
    standard = StandardFactory(code="SW-03", title="E-Akte")
    ComplianceFactory(unit=personas["unit32"], standard=standard, state="fulfilled")
    trend = TrendFactory(title="Digitaler Zwilling", units=[personas["unit32"]])

    login("strategie")
    page.goto(f"{live_server.url}/standards/{standard.pk}/loeschen/")
    expect(page.get_by_role("alert")).to_contain_text("kann nicht gelöscht werden")
    expect(page.get_by_role("alert")).to_contain_text("Einhaltungen: 1")
    expect(page.get_by_role("button", name="Löschen")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"{live_server.url}/standards/radar/{trend.pk}/loeschen/")
    assert_accessible(page)
    page.get_by_role("button", name="Löschen").click()
    expect(page.get_by_role("status").first).to_contain_text("wurde gelöscht")

    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Organisation").click()
    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Papierkorb"
    ).click()
    expect(page.get_by_role("heading", name="Papierkorb")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Digitaler Zwilling")
    expect(row).to_contain_text("Trend")
    assert_accessible(page)
    row.get_by_role("button", name="Wiederherstellen").click()

    expect(page.get_by_role("status").first).to_contain_text("wiederhergestellt")
    expect(page.get_by_role("heading", name="Digitaler Zwilling")).to_be_visible()
    assert Trend.objects.get(pk=trend.pk).units.get() == personas["unit32"]
