"""The type-ahead combobox over long pickers: keyboard, chips, umlauts, axe while open, the
same form without JavaScript, 390 px, and forms that htmx loads later."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from measures.models import Measure
from tests.browser.conftest import assert_accessible
from tests.factories import OrgUnitFactory, UserFactory, make_periods, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(personas):
    world = make_world(personas, make_periods())
    # Fixed names for the personas (the factory invents German ones, "Müller" among them).
    for key in ("strategist", "lead32", "lead50", "council", "staff"):
        user = world[key]
        user.first_name, user.last_name = "Persona", user.username.capitalize()
        user.save()
    world["mueller"] = UserFactory(username="jmueller", first_name="Jürgen", last_name="Müller")
    world["mulder"] = UserFactory(username="smulder", first_name="Sören", last_name="Mulder")
    world["unit60"] = OrgUnitFactory(code="FB 60", name="Bauen und Wohnen")
    return world


def edit_measure(page, live_server, world):
    measure = world["own"]["measure"]
    page.goto(f"{live_server.url}{reverse('measure_edit', args=[measure.pk])}")
    return measure


def widget_of(combobox):
    """The combobox's own block: its chips, list and live region."""
    return combobox.locator("xpath=ancestor::div[@class='fb15-combobox'][1]")


def status_of(combobox):
    return widget_of(combobox).get_by_role("status")


def selected_values(page, name: str) -> list[str]:
    return page.eval_on_selector(
        f"select[name='{name}']", "s => [...s.selectedOptions].map(o => o.text)"
    )


def test_strategist_picks_a_person_and_two_units_by_keyboard_and_the_measure_saves(
    page, live_server, world, login
):
    login("strategie")
    measure = edit_measure(page, live_server, world)

    person = page.get_by_role("combobox", name="verantwortliche Person")
    person.fill("")
    person.press_sequentially("mul")
    expect(status_of(person)).to_have_text("2 Treffer")
    listbox = page.get_by_role("listbox", name="verantwortliche Person")
    expect(listbox.get_by_role("option")).to_have_text(
        ["Sören Mulder (smulder)", "Jürgen Müller (jmueller)"]
    )
    # The first match is active; the arrow key moves on to Müller, Enter takes it.
    person.press("ArrowDown")
    expect(person).to_have_attribute(
        "aria-activedescendant",
        listbox.get_by_role("option", name="Jürgen Müller").get_attribute("id"),
    )
    person.press("Enter")
    expect(person).to_have_value("Jürgen Müller (jmueller)")
    expect(person).to_have_attribute("aria-expanded", "false")
    expect(status_of(person)).to_have_text("„Jürgen Müller (jmueller)“ ausgewählt")

    units = page.get_by_role("combobox", name="beteiligte Fachbereiche")
    units.press_sequentially("soz")
    units.press("Enter")
    units.press_sequentially("bauen")
    units.press("Enter")
    # Adding the second kept the first: both are chips and both are selected in the form.
    chips = page.get_by_role("list", name="Ausgewählt: beteiligte Fachbereiche")
    expect(chips.get_by_role("button")).to_have_text(
        ["FB 50 – Soziales und Integration", "FB 60 – Bauen und Wohnen"]
    )
    assert selected_values(page, "participants") == [
        "FB 50 – Soziales und Integration",
        "FB 60 – Bauen und Wohnen",
    ]
    units.press_sequentially("sicher")
    units.press("Enter")
    assert len(selected_values(page, "participants")) == 3

    # A chip's button removes its unit; Backspace in the empty box removes the last chip.
    chips.get_by_role("button", name="FB 32 – Sicherheit und Ordnung entfernen").click()
    expect(units).to_be_focused()
    expect(status_of(units)).to_have_text("„FB 32 – Sicherheit und Ordnung“ entfernt")
    units.press("Backspace")
    expect(chips.get_by_role("button")).to_have_text(["FB 50 – Soziales und Integration"])
    units.press_sequentially("bau")
    units.press("Enter")

    page.get_by_label("Grund der Änderung").fill("Zuständigkeit geklärt")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status").first).to_contain_text("gespeichert")

    measure.refresh_from_db()
    assert measure.responsible == world["mueller"]
    assert set(measure.participants.values_list("code", flat=True)) == {"FB 50", "FB 60"}


def test_typing_ignores_case_and_umlauts_and_says_when_nothing_matches(
    page, live_server, world, login
):
    login("strategie")
    edit_measure(page, live_server, world)
    person = page.get_by_role("combobox", name="verantwortliche Person")
    listbox = page.get_by_role("listbox", name="verantwortliche Person")
    for typed in ("muller", "MUELLER", "jürg", "jurgen mul"):
        person.fill("")
        person.press_sequentially(typed)
        expect(listbox.locator("[role=option]:visible")).to_have_text(["Jürgen Müller (jmueller)"])
        expect(status_of(person)).to_have_text("1 Treffer")
    person.fill("")
    person.press_sequentially("xyz")
    expect(status_of(person)).to_have_text("Keine Treffer")
    expect(person).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    # Escape cancels the typing and brings back the saved choice.
    person.press("Escape")
    expect(person).to_have_value(f"{world['lead32']} (leitung32)")


def test_an_open_combobox_passes_axe(page, live_server, world, login):
    login("strategie")
    edit_measure(page, live_server, world)
    units = page.get_by_role("combobox", name="beteiligte Fachbereiche")
    units.press_sequentially("fb")
    units.press("Enter")
    units.press("ArrowDown")
    expect(units).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("listbox", name="beteiligte Fachbereiche")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}{reverse('project_add')}")
    lead = page.get_by_role("combobox", name="Projektleitung")
    lead.press("ArrowDown")
    expect(page.get_by_role("listbox", name="Projektleitung")).to_be_visible()
    assert_accessible(page)


def test_project_form_saves_its_lead_and_measures_picked_in_the_combobox(
    page, live_server, world, login
):
    login("strategie")
    project = world["own"]["project"]
    page.goto(f"{live_server.url}{reverse('project_edit', args=[project.pk])}")
    lead = page.get_by_role("combobox", name="Projektleitung")
    lead.fill("")
    lead.press_sequentially("sören")
    lead.press("Enter")
    measures = page.get_by_role("combobox", name="umgesetzte Maßnahmen")
    measures.press_sequentially("fb 50")
    measures.press("Enter")
    chips = widget_of(measures).get_by_role("list", name="Ausgewählt")
    expect(chips.get_by_role("button")).to_have_count(2)
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status").first).to_contain_text("gespeichert")
    project.refresh_from_db()
    assert project.lead == world["mulder"]
    assert set(project.measures.all()) == set(Measure.objects.all())


def test_without_javascript_the_plain_selects_work_and_save(browser, live_server, world):
    from tests.factories import PASSWORD

    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server.url}/anmelden/")
    page.get_by_label("Benutzername").fill("strategie")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    measure = edit_measure(page, live_server, world)

    expect(page.get_by_role("combobox", name="verantwortliche Person")).to_have_count(1)
    expect(page.locator(".fb15-combobox")).to_have_count(0)
    page.get_by_label("verantwortliche Person").select_option(label="Sören Mulder (smulder)")
    page.get_by_label("beteiligte Fachbereiche").select_option(
        label=["FB 50 – Soziales und Integration", "FB 60 – Bauen und Wohnen"]
    )
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status").first).to_contain_text("gespeichert")
    context.close()

    measure.refresh_from_db()
    assert measure.responsible == world["mulder"]
    assert set(measure.participants.values_list("code", flat=True)) == {"FB 50", "FB 60"}


def test_at_390_pixels_an_open_list_causes_no_horizontal_overflow(page, live_server, world, login):
    page.set_viewport_size({"width": 390, "height": 844})
    login("strategie")
    edit_measure(page, live_server, world)
    units = page.get_by_role("combobox", name="beteiligte Fachbereiche")
    units.press_sequentially("soz")
    units.press("Enter")
    units.press("ArrowDown")
    listbox = page.get_by_role("listbox", name="beteiligte Fachbereiche")
    expect(listbox).to_be_visible()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    box = listbox.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert_accessible(page)


def test_a_form_loaded_by_htmx_gets_the_combobox_too(page, live_server, world, login):
    login("strategie")
    page.goto(f"{live_server.url}{reverse('measure_list')}")
    page.evaluate(
        """url => htmx.ajax("GET", url, {target: "#main", select: "form.kern-stack"})""",
        reverse("measure_edit", args=[world["own"]["measure"].pk]),
    )
    person = page.get_by_role("combobox", name="verantwortliche Person")
    expect(person).to_be_visible()
    person.fill("")
    person.press_sequentially("müll")
    expect(status_of(person)).to_have_text("1 Treffer")


def test_a_missing_goal_is_reported_at_the_combobox_with_the_german_message(
    page, live_server, world, login
):
    login("strategie")
    edit_measure(page, live_server, world)
    goal = page.get_by_role("combobox", name="Ziel", exact=True)
    goal.fill("")
    page.get_by_label("Titel").focus()  # leaving the emptied box clears the choice
    assert selected_values(page, "goal") == ["---------"]
    page.get_by_role("button", name="Speichern").click()

    goal = page.get_by_role("combobox", name="Ziel", exact=True)
    expect(goal).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_goal_error")).to_have_text("Dieses Feld ist zwingend erforderlich.")
    # The error summary's link leads to the text box, which is described by the error.
    page.get_by_role("link", name="Ziel: Dieses Feld ist zwingend erforderlich.").click()
    expect(goal).to_be_focused()
    expect(goal).to_have_accessible_description("Dieses Feld ist zwingend erforderlich.")
    assert_accessible(page)


def test_the_list_filter_by_unit_takes_the_unit_picked_in_the_combobox(
    page, live_server, world, login
):
    login("strategie")
    page.goto(f"{live_server.url}{reverse('measure_list')}")
    unit = page.get_by_role("combobox", name="Fachbereich")
    expect(unit).to_have_attribute("placeholder", "alle")
    unit.press_sequentially("soz")
    unit.press("Enter")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**/massnahmen/?*")
    assert parse_qs(urlsplit(page.url).query)["owner"] == [str(world["unit50"].pk)]
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Maßnahme FB 50")
    expect(page.get_by_role("combobox", name="Fachbereich")).to_have_value(
        "FB 50 – Soziales und Integration"
    )
