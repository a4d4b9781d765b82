"""Someone who is not logged in reaches the Erklärung zur Barrierefreiheit from the login
page, is told what the feedback form misses, and reports a barrier; axe on every state."""

import pytest
from playwright.sync_api import expect

from fb15.models import Notification
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_barrier_is_reported_from_the_login_page(page, live_server, personas):
    page.goto(f"{live_server.url}/anmelden/")
    page.get_by_role("link", name="Erklärung zur Barrierefreiheit").click()
    expect(
        page.get_by_role("heading", name="Erklärung zur Barrierefreiheit", level=1)
    ).to_be_visible()
    expect(page.get_by_label("Seite")).to_have_value("/anmelden/")
    assert_accessible(page)

    page.get_by_role("button", name="Barriere melden").click()
    expect(page.get_by_text("Bitte beschreiben Sie die Barriere.", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Welche Barriere ist Ihnen begegnet?").fill(
        "Der Fokus ist im Anmeldeformular kaum zu sehen."
    )
    page.get_by_role("button", name="Barriere melden").click()
    expect(page.get_by_text("Ihre Rückmeldung ist bei FB 15 eingegangen.")).to_be_visible()
    assert_accessible(page)
    assert "kaum zu sehen" in Notification.objects.get().body
