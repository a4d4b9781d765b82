"""A lead discusses a measure: empty comment refused, a mention, edit, delete, follow;
every state passes axe (WCAG 2.1 AA); at phone width nothing overflows."""

import pytest
from playwright.sync_api import expect

from fb15.comments import post_comment
from fb15.models import Comment, Following
from tests.browser.conftest import assert_accessible
from tests.factories import make_periods, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def measure(personas):
    return make_world(personas, make_periods())["own"]["measure"]


def test_lead_comments_with_a_mention_edits_and_deletes(
    page, live_server, measure, personas, login
):
    login("leitung32")
    page.goto(f"{live_server.url}{measure.get_absolute_url()}")
    section = page.locator("section#kommentare")
    expect(section.get_by_role("heading", name="Kommentare")).to_be_visible()
    expect(section).to_contain_text("Noch keine Kommentare.")
    assert_accessible(page)

    # Empty: the German error, in KERN's error markup, on the comment page.
    page.get_by_role("button", name="Kommentieren").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte geben Sie einen Kommentar ein.")
    expect(page.locator(".kern-error")).to_contain_text("Bitte geben Sie einen Kommentar ein.")
    expect(page.get_by_label("Ihr Kommentar")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.get_by_label("Ihr Kommentar").fill("Bitte @strategie prüfen: <script>alert(1)</script>")
    page.get_by_role("button", name="Kommentieren").click()
    expect(page.get_by_role("status")).to_contain_text("Ihr Kommentar wurde gespeichert.")
    comment = Comment.objects.get()
    item = page.locator(f"#kommentar-{comment.pk}")
    expect(item.locator(".fb15-mention")).to_have_text(f"@{personas['strategist'].get_full_name()}")
    expect(item).to_contain_text("<script>alert(1)</script>")
    expect(page.get_by_role("button", name="Nicht mehr beobachten")).to_be_visible()
    assert_accessible(page)

    item.get_by_role("link", name="Bearbeiten").click()
    assert_accessible(page)
    page.get_by_label("Ihr Kommentar").fill("Bitte @strategie bis Freitag prüfen.")
    page.get_by_role("button", name="Speichern").click()
    expect(item).to_contain_text("bis Freitag")
    expect(item).to_contain_text("bearbeitet")

    item.get_by_role("link", name="Löschen").click()
    expect(page.get_by_role("heading", name="Kommentar löschen?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Löschen").click()
    expect(page.locator(f"#kommentar-{comment.pk}")).to_contain_text("Kommentar gelöscht")
    assert_accessible(page)


def test_council_member_follows_and_reads_without_a_form(
    page, live_server, measure, personas, login
):
    post_comment(actor=personas["lead32"], subject=measure, text="Pilot startet im März.")
    login("rat")
    page.goto(f"{live_server.url}{measure.get_absolute_url()}")
    expect(page.locator("section#kommentare")).to_contain_text("Pilot startet im März.")
    expect(page.get_by_role("button", name="Kommentieren")).to_have_count(0)
    page.get_by_role("button", name="Beobachten", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("jetzt")
    assert Following.objects.filter(user=personas["council"]).exists()
    assert_accessible(page)
    page.get_by_role("button", name="Nicht mehr beobachten").click()
    expect(page.get_by_role("button", name="Beobachten", exact=True)).to_be_visible()
    assert not Following.objects.filter(user=personas["council"]).exists()


def test_comments_fit_a_phone(page, live_server, measure, personas, login):
    post_comment(
        actor=personas["lead32"],
        subject=measure,
        text="Ein-sehr-langes-Wort-ohne-Leerzeichen-" * 8 + " @strategie",
    )
    login("leitung32")
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (measure.get_absolute_url(), f"/kommentare/massnahmen/{measure.pk}/"):
        page.goto(f"{live_server.url}{url}")
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (url, widths)
