"""The comparison of revisions in both views: content first, progress a link away; texts
word by word; axe passes on both; at phone width (390 px) nothing widens the page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fb15.history import save_with_history
from strategy import services
from tests.browser.conftest import assert_accessible
from tests.factories import FieldOfActionFactory, GoalFactory, MeasureFactory, StrategyFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LONG_WORD = "Verwaltungsdigitalisierungsbeschleunigungsprogrammrahmenvereinbarung"


@pytest.fixture
def compared(personas):
    strategist = personas["strategist"]
    strategy = StrategyFactory(title="Digitale Strategie der Stadt")
    field = FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Arbeitswelt")
    goal = GoalFactory(
        field_of_action=field,
        position=1,
        title="E-Akte überall",
        description="Alle Fachbereiche führen ihre Akten elektronisch. " * 6,
    )
    measure = MeasureFactory(goal=goal, owner=personas["unit32"], code="M-1", title="E-Akte FB 32")
    services.publish_revision(
        actor=strategist,
        strategy=strategy,
        number=1,
        title="Digitale Strategie 2026",
        decided_on=timezone.localdate(),
        decision_reference="DS 0001/2026",
    )
    goal.title = "E-Akte in allen Fachbereichen"
    goal.description = goal.description.replace("elektronisch.", f"elektronisch ({LONG_WORD}).", 1)
    services.save_goal(goal, actor=strategist, reason="Präzisiert")
    measure.status, measure.traffic_light, measure.progress = "in_progress", "amber", 30
    measure.planned_end = datetime.date(2028, 3, 31)
    save_with_history(measure, actor=strategist, reason="Statusmeldung")
    return strategy


def open_compare(page, live_server, login):
    login("strategie")
    page.goto(f"{live_server.url}/strategie/vergleich/?von=1&bis=entwurf")


def check_views(page):
    """Content view (default), then the progress view through the switch; axe on both."""
    switch = page.get_by_role("navigation", name="Ansicht des Vergleichs")
    expect(switch.get_by_role("link", name="Strategieinhalt (1)")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", name="Strategieinhalt", level=2)).to_be_visible()
    row = page.get_by_role("row", name="E-Akte in allen Fachbereichen")
    expect(row).to_contain_text("umbenannt")
    expect(row.locator("del").first).to_have_text("entfernt: überall")
    expect(row.locator("ins").first).to_have_text("hinzugefügt: in allen Fachbereichen")
    expect(page.get_by_text("Fortschritt (%)")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="1 Ziel umbenannt").click()
    expect(page).to_have_url(re.compile(r"#inhalt-goals$"))

    switch.get_by_role("link", name="Umsetzungsstand (1)").click()
    expect(switch.get_by_role("link", name="Umsetzungsstand (1)")).to_have_attribute(
        "aria-current", "page"
    )
    assert "von=1" in page.url and "bis=entwurf" in page.url and "ansicht=umsetzung" in page.url
    row = page.get_by_role("row", name="E-Akte FB 32")
    expect(row).to_contain_text("in Umsetzung")
    expect(row).to_contain_text("31. März 2028")
    expect(page.get_by_role("row", name="E-Akte in allen Fachbereichen")).to_have_count(0)
    expect(page.get_by_role("link", name="1 Maßnahme mit neuem Status")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Vergleichen").click()
    expect(switch.get_by_role("link", name="Umsetzungsstand (1)")).to_have_attribute(
        "aria-current", "page"
    )


def test_strategist_switches_between_content_and_progress(page, live_server, compared, login):
    open_compare(page, live_server, login)
    check_views(page)


def test_comparison_fits_a_phone_in_both_views(page, live_server, compared, login):
    page.set_viewport_size(PHONE)
    open_compare(page, live_server, login)
    for view in ("inhalt", "umsetzung"):
        page.goto(f"{live_server.url}/strategie/vergleich/?von=1&bis=entwurf&ansicht={view}")
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (view, widths)
        assert_accessible(page)
    # The long word wraps inside the diff instead of widening its table past the phone.
    page.goto(f"{live_server.url}/strategie/vergleich/?von=1&bis=entwurf")
    box = page.locator(".fb15-word-diff").nth(1).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
