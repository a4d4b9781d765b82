"""A large goal's measures load on demand on the strategy page, with and without JavaScript."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from strategy import services
from strategy.views import INLINE_ITEMS
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, FieldOfActionFactory, GoalFactory, StrategyFactory
from tests.strategy.test_goal_items import add_measures

pytestmark = pytest.mark.django_db(transaction=True)
COUNT = INLINE_ITEMS + 40


@pytest.fixture
def strategy(personas):
    strategy = StrategyFactory(title="Digitale Strategie der Stadt")
    field = FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Services")
    goal = GoalFactory(field_of_action=field, position=1, title="Alles online")
    add_measures(goal, personas["unit32"], COUNT)
    services.publish_revision(
        actor=personas["strategist"],
        strategy=strategy,
        number=1,
        title="Digitale Strategie 2026",
        decided_on=timezone.localdate(),
        decision_reference="DS 0001/2026",
    )
    return strategy


def test_measures_of_a_large_goal_load_in_place(page, live_server, strategy, login):
    login("rat")
    page.goto(f"{live_server.url}/strategie/")
    expect(page.get_by_text("Maßnahme 0 zu Alles online")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name=f"Maßnahmen anzeigen ({COUNT}) – Ziel 1.1").click()
    expect(page.get_by_role("link", name="Maßnahme 0 zu Alles online")).to_be_visible()
    expect(page.get_by_text(f"Maßnahmen 1 bis 50 von {COUNT}")).to_be_focused()
    assert page.url == f"{live_server.url}/strategie/"
    assert_accessible(page)
    page.get_by_role("link", name="Nächste Seite").click()
    expect(page.get_by_role("link", name=f"Maßnahme {COUNT - 1} zu Alles online")).to_be_visible()
    expect(page.get_by_role("link", name="Maßnahme 0 zu Alles online")).to_have_count(0)
    assert page.url == f"{live_server.url}/strategie/"


def test_without_javascript_the_link_opens_the_goals_measures(
    browser, live_server, strategy, page, login
):
    without_js = browser.new_context(java_script_enabled=False, locale="de-DE").new_page()
    follow_plain_links(without_js, live_server)
    # axe needs JavaScript: it checks the page the plain link led to in a second browser.
    login("strategie")
    page.goto(without_js.url)
    expect(page.get_by_role("link", name="Maßnahme 0 zu Alles online")).to_be_visible()
    assert_accessible(page)
    without_js.context.close()


def follow_plain_links(page, live_server):
    """Open a large goal's measures from the as-of page and page through them."""
    page.goto(f"{live_server.url}/anmelden/")
    page.get_by_label("Benutzername").fill("strategie")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"{live_server.url}/strategie/stand/?revision=1")
    page.get_by_role("link", name=f"Maßnahmen anzeigen ({COUNT}) – Ziel 1.1").click()
    expect(page.get_by_role("heading", level=1, name="Alles online")).to_be_visible()
    expect(page.get_by_role("link", name="Maßnahme 0 zu Alles online")).to_be_visible()
    assert "revision=1" in page.url
    page.get_by_role("link", name="Nächste Seite").click()
    expect(page.get_by_role("link", name=f"Maßnahme {COUNT - 1} zu Alles online")).to_be_visible()
    page.get_by_role("link", name="Vorherige Seite").click()
    expect(page.get_by_role("link", name="Maßnahme 0 zu Alles online")).to_be_visible()
    page.get_by_role("link", name="Zurück zur Strategie").click()
    expect(page.get_by_role("heading", name="1.1 Alles online")).to_be_visible()
    assert "/strategie/stand/?revision=1" in page.url
    page.go_back()
