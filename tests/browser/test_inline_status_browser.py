"""A lead's inline status form shows its German errors, focuses them, and counts a valid save."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import make_periods, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_world(personas):
    return make_world(personas, make_periods())


def test_lead_sees_the_inline_error_with_focus_then_saves_and_the_counter_moves(
    page, live_server, demo_world, login
):
    login("leitung32")
    page.goto(f"{live_server.url}/mein-fachbereich/")
    expect(page.get_by_text("0 von 2 Statusmeldungen abgegeben")).to_be_visible()

    card = page.locator("article", has_text="Maßnahme FB 32").first
    card.get_by_label("Fortschritt (%)").fill("150")
    card.get_by_label("Sachstand").fill("Schnittstelle fehlt noch.")
    card.get_by_role("button", name="Melden").click()

    card = page.locator("article", has_text="Maßnahme FB 32").first
    expect(card.get_by_text("zwischen 0 und 100 % liegen")).to_be_visible()
    progress = card.get_by_label("Fortschritt (%)")
    expect(progress).to_be_focused()
    expect(progress).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("0 von 2 Statusmeldungen abgegeben")).to_be_visible()
    assert_accessible(page)

    progress.fill("40")
    card.get_by_role("button", name="Melden").click()
    saved = page.get_by_role("status").filter(has_text="Gemeldet für")
    expect(saved).to_contain_text("40 %")
    expect(page.locator("article", has_text="Maßnahme FB 32").first).to_be_focused()
    expect(page.get_by_text("1 von 2 Statusmeldungen abgegeben")).to_be_visible()
    expect(page.locator("#cycle-progress")).to_have_attribute("value", "1")
    expect(page.get_by_text("1 Statusmeldung noch fällig")).to_be_visible()
    row = page.locator(f"#own-measure-{demo_world['own']['measure'].pk}")
    expect(row).to_contain_text("40 %")
    expect(row).to_contain_text(str(demo_world["current"]))
    assert_accessible(page)
