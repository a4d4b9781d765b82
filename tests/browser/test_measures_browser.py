"""A lead reports inline and sees the roll-up move; cannot touch another unit; axe passes."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import make_periods, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_world(personas):
    return make_world(personas, make_periods())


def test_lead_files_inline_status_update_and_sees_strategy_rollup_change(
    page, live_server, demo_world, login
):
    login("leitung32")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Mein Fachbereich"
    ).click()
    expect(page.get_by_role("heading", name="Mein Fachbereich", exact=True)).to_be_visible()
    assert_accessible(page)

    card = page.locator("article", has_text="Maßnahme FB 32").first
    card.get_by_label("Ampel").select_option(label="rot")
    card.get_by_label("Fortschritt (%)").fill("35")
    card.get_by_label("Sachstand").fill("Schnittstelle fehlt noch.")
    card.get_by_role("button", name="Melden").click()
    expect(page.get_by_role("status").filter(has_text="Gemeldet für")).to_contain_text("35 %")
    # htmx swapped only the card: no full page load, the other card is still a form.
    expect(
        page.locator("article", has_text="Projekt FB 32").get_by_label("Sachstand")
    ).to_be_visible()

    page.goto(f"{live_server.url}{reverse('strategy_detail')}")
    goal = page.locator("article", has_text="Alles online")
    expect(goal.get_by_text("Fortschritt im Mittel 18 %")).to_be_visible()
    expect(goal.locator(".kern-badge--danger", has_text="rot").first).to_be_visible()


def test_lead_cannot_edit_another_units_measure(page, live_server, demo_world, login):
    login("leitung32")
    other = demo_world["other"]["measure"]
    page.goto(f"{live_server.url}{other.get_absolute_url()}")
    expect(page.get_by_role("heading", name=f"{other.code} Maßnahme FB 50")).to_be_visible()
    expect(page.get_by_role("link", name="Statusmeldung abgeben")).to_have_count(0)
    expect(page.get_by_role("link", name="Bearbeiten")).to_have_count(0)
    response = page.goto(f"{live_server.url}{reverse('measure_status', args=[other.pk])}")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Keine Berechtigung")).to_be_visible()


def test_measure_pages_are_accessible(page, live_server, demo_world, login):
    login("strategie")
    measure = demo_world["own"]["measure"]
    for url in (
        reverse("measure_list"),
        measure.get_absolute_url(),
        reverse("measure_edit", args=[measure.pk]),
        reverse("measure_status", args=[measure.pk]),
        reverse("measure_history", args=[measure.pk]),
        reverse("project_list"),
        demo_world["own"]["project"].get_absolute_url(),
    ):
        page.goto(f"{live_server.url}{url}")
        assert_accessible(page)
