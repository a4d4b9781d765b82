"""Phone width (390 × 844): every page pattern of every role fits without horizontal page
scrolling; the main navigation collapses behind the "Menü" button; axe passes open and closed."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from reporting.models import Report, ReportStatus
from strategy import services as strategy_services
from tests.browser.conftest import assert_accessible
from tests.factories import ComplianceFactory, ExemptionFactory, StandardFactory, TrendFactory
from tests.reporting.conftest import report_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


@pytest.fixture
def phone_world(personas):
    world = report_world(personas)
    strategy_services.publish_revision(
        actor=personas["strategist"],
        strategy=world["strategy"],
        number=1,
        title="Digitale Strategie 2026",
        decided_on=timezone.localdate(),
        decision_reference="DS 0001/2026",
    )
    standard = StandardFactory(
        code="SEC-05", title="Zwei-Faktor-Anmeldung für alle Fachverfahren mit Personenbezug"
    )
    for unit in (personas["unit32"], personas["unit50"]):
        ComplianceFactory(unit=unit, standard=standard, state="partial")
    ExemptionFactory(unit=personas["unit32"], standard=standard)
    TrendFactory(title="Digitaler Zwilling", units=[personas["unit32"]])
    Report.objects.create(
        period_label="2026-Q1",
        period_starts_on="2026-01-01",
        period_ends_on="2026-03-31",
        status=ReportStatus.FAILED,
        error="Zeitüberschreitung – bitte erneut erzeugen",
    )
    return {**world, "standard": standard}


def _pages(world, who: str) -> list[str]:
    """The page patterns: start, list, detail, form, history, strategy, Lagebild, matrix,
    report list (the form where the role has one)."""
    own = world["measures"][0]  # FB 32's
    pages = [
        reverse("home"),
        reverse("measure_list"),
        reverse("project_list"),
        reverse("measure_detail", args=[own.pk]),
        reverse("project_detail", args=[world["project"].pk]),
        reverse("measure_history", args=[own.pk]),
        reverse("strategy_detail"),
        reverse("report_dashboard"),
        reverse("compliance_matrix"),
        reverse("standard_list"),
        reverse("standard_detail", args=[world["standard"].pk]),
        reverse("exemption_list"),
        reverse("trend_radar"),
        reverse("report_list"),
        reverse("orgunit_list"),
        reverse("orgunit_detail", args=[world["unit32"].pk]),
        reverse("comment_list", args=["massnahmen", own.pk]),
    ]
    if who == "strategie":
        pages += [
            reverse("measure_edit", args=[own.pk]),
            reverse("trash"),
            reverse("status_review_list"),
            reverse("strategy_compare"),
        ]
    if who == "leitung32":
        pages += [reverse("my_unit"), reverse("measure_status", args=[own.pk])]
    return pages


def _assert_fits(page, url: str) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{url} is {widths[0]} px wide at {widths[1]} px"


@pytest.mark.parametrize("who", ["strategie", "leitung32", "rat", "mitarbeiter"])
def test_every_page_fits_a_phone_and_the_menu_collapses(page, live_server, phone_world, login, who):
    login(who)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    button = nav.get_by_role("button", name="Menü")
    menu = page.locator("#fb15-nav-list")

    # Collapsed at first; opens and closes again.
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    assert_accessible(page)
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(nav.get_by_role("link", name="Start")).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    _assert_fits(page, "/ (Menü offen)")
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()

    for path in _pages(phone_world, who):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        _assert_fits(page, path)


def test_sub_navigation_and_menu_on_a_section_page(page, live_server, phone_world, login):
    login("strategie")
    page.goto(f"{live_server.url}{reverse('compliance_matrix')}")
    sub = page.get_by_role("navigation", name="Bereichsnavigation")
    expect(sub.get_by_role("link", name="Einhaltung")).to_have_attribute("aria-current", "page")
    button = page.get_by_role("button", name="Menü")
    button.click()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Standards")).to_have_attribute("aria-current", "true")
    assert_accessible(page)
    sub.get_by_role("link", name="Technologieradar").click()
    expect(page.get_by_role("img", name="Technologieradar")).to_be_visible()
    _assert_fits(page, "Technologieradar")
    # The radar's SVG scales down to the screen.
    box = page.get_by_role("img", name="Technologieradar").bounding_box()
    assert box["width"] <= PHONE["width"]


def test_without_javascript_the_menu_stays_open(browser, live_server, phone_world):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/anmelden/")
        page.get_by_label("Benutzername").fill("rat")
        page.get_by_label("Passwort").fill("geheim-und-lang-42")
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(f"{live_server.url}/")
        nav = page.get_by_role("navigation", name="Hauptnavigation")
        expect(nav.get_by_role("button", name="Menü")).to_be_hidden()
        expect(nav.get_by_role("link", name="Lagebild & Berichte")).to_be_visible()
        _assert_fits(page, "/ ohne JavaScript")
    finally:
        context.close()


def test_menu_is_always_open_on_a_wide_screen(page, live_server, phone_world, login):
    page.set_viewport_size({"width": 1366, "height": 900})
    login("rat")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("button", name="Menü")).to_be_hidden()
    expect(nav.get_by_role("link", name="Strategie")).to_be_visible()
    assert_accessible(page)


def test_breadcrumbs_and_next_measure_in_the_browser(page, live_server, phone_world, login):
    login("strategie")
    first, second = phone_world["measures"][0], phone_world["measures"][1]
    page.goto(f"{live_server.url}{reverse('measure_detail', args=[first.pk])}")
    crumbs = page.get_by_role("navigation", name="Brotkrumen")
    expect(crumbs.get_by_role("listitem")).to_have_count(4)
    expect(crumbs.locator("[aria-current=page]")).to_have_text(first.code)
    page.get_by_role("link", name=f"Nächste Maßnahme: {second.code}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(second.code)
    assert_accessible(page)
    crumbs.get_by_role("link", name="Digitale Strategie").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('strategy_detail')}")
