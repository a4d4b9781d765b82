"""A lead self-assesses and requests an exemption; the strategy team approves it. axe checks
the catalogue, the matrix, the radar and the pages on the way (WCAG 2.1 AA)."""

import datetime

import pytest
from playwright.sync_api import expect

from standards.models import Exemption
from tests.browser.conftest import assert_accessible
from tests.factories import ComplianceFactory, StandardFactory, TrendFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_assesses_and_requests_exemption_strategist_approves(
    page, live_server, personas, login
):
    standard = StandardFactory(code="SEC-05", title="Zwei-Faktor-Anmeldung für Fernzugriffe")
    StandardFactory(code="BF-01", title="BITV 2.0", category="accessibility", obligation="should")
    ComplianceFactory(unit=personas["unit50"], standard=standard, state="unchecked")
    ComplianceFactory(unit=personas["unit32"], standard=standard, state="fulfilled")
    trend = TrendFactory(title="Low-Code-Plattform", units=[personas["unit50"]])
    trend.ring = "trial"
    trend.save()

    login("leitung50")
    expect(page.get_by_role("heading", name="Neu für Ihren Fachbereich")).to_be_visible()
    expect(page.get_by_role("link", name="Low-Code-Plattform")).to_be_visible()
    assert_accessible(page)

    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Standards").click()
    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Einhaltung"
    ).click()
    expect(page.get_by_role("heading", name="Einhaltungsmatrix")).to_be_visible()
    assert_accessible(page)
    own_row = page.locator("tr.fb15-matrix__own")
    expect(own_row).to_have_count(1)
    expect(own_row.get_by_role("rowheader")).to_have_text("FB 50")
    own_row.locator(f'a[href$="/{standard.pk}/"]').click()

    expect(page.get_by_role("heading", name="Selbsteinschätzung")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Einhaltung", exact=True).select_option(label="nicht erfüllt")
    page.get_by_label("Nachweis").fill("Token-Hardware fehlt noch.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Abweichungsbegründung")
    assert_accessible(page)
    page.get_by_label("Abweichungsbegründung").fill("Lieferung der Token ist bestellt.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_contain_text("wurde gespeichert")

    page.get_by_role("link", name="Ausnahme beantragen").click()
    assert_accessible(page)
    page.get_by_label("Begründung").fill("Hardware kommt im März; bis dahin VPN nur intern.")
    ends = datetime.date.today() + datetime.timedelta(days=120)
    page.get_by_label("befristet bis").fill(ends.isoformat())
    page.get_by_role("button", name="Ausnahme beantragen").click()
    expect(page.get_by_role("status")).to_contain_text("wurde gespeichert")
    expect(page.get_by_text("beantragt", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Abmelden").click()
    login("strategie")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Standards"
    ).click()
    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Ausnahmen"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="FB 50 · SEC-05").click()
    page.get_by_label("genehmigen").check()
    page.get_by_label("Begründung der Entscheidung").fill("Befristet vertretbar.")
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Die Ausnahme wurde genehmigt.")
    expect(page.get_by_text("genehmigt", exact=True)).to_be_visible()
    assert_accessible(page)
    assert Exemption.objects.get().status == "approved"

    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Einhaltung"
    ).click()
    cell = page.locator("td.fb15-cell--exempt")
    expect(cell).to_contain_text(f"bis {ends:%d.%m.%y}")
    assert_accessible(page)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Standards"
    ).click()
    expect(page.get_by_role("link", name="SEC-05")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Bereichsnavigation").get_by_role(
        "link", name="Technologieradar"
    ).click()
    expect(page.get_by_role("img", name="Technologieradar")).to_be_visible()
    expect(page.get_by_role("cell", name="von Bewerten nach Erproben", exact=False)).to_be_visible()
    assert_accessible(page)
