"""The inline status form on "Mein Fachbereich": errors come back swappable, counters follow."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from measures.models import StatusUpdate

pytestmark = pytest.mark.django_db


def inline_post(client, world, **data):
    measure = world["own"]["measure"]
    return client.post(
        reverse("measure_status", args=[measure.pk]),
        {
            "period": world["current"].pk,
            "traffic_light": "amber",
            "progress": "50",
            "status": "in_progress",
            "summary": "Läuft.",
            "budget_spent": "",
            "next": reverse("my_unit"),
            **data,
        },
        HTTP_HX_REQUEST="true",
    )


def test_bad_inline_input_answers_422_with_the_german_errors_marked_on_the_fields(
    world, client_for
):
    response = inline_post(client_for(world["lead32"]), world, progress="150", summary="")
    page = response.content.decode()
    assert response.status_code == 422
    assert "zwischen 0 und 100 % liegen" in page
    assert "zwingend erforderlich" in page
    # The card is the swap target again; the invalid fields say so, for the focus script.
    assert f'id="status-measure-{world["own"]["measure"].pk}"' in page
    assert page.count('aria-invalid="true"') == 2
    assert not StatusUpdate.objects.exists()


def test_a_saved_inline_update_updates_the_pages_counters_out_of_band(world, client_for):
    client = client_for(world["lead32"])
    page = client.get(reverse("my_unit")).content.decode()
    assert "0 von 2 Statusmeldungen abgegeben" in page
    assert "2 Statusmeldungen noch fällig" in page

    response = inline_post(client, world)
    answer = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="status-cycle"[^>]*hx-swap-oob="true"', answer)
    assert "1 von 2 Statusmeldungen abgegeben" in answer
    assert re.search(r'id="open-count"[^>]*hx-swap-oob="true"', answer)
    assert "1 Statusmeldung noch fällig" in answer
    # The item's row in the table of own measures shows the new state too.
    row = re.search(
        rf'<template>\s*<tr[^>]*id="own-measure-{world["own"]["measure"].pk}"'
        r'[^>]*hx-swap-oob="true"[^>]*>(.*?)</tr>\s*</template>',
        answer,
        re.S,
    )
    assert row and "50 %" in row.group(1) and str(world["current"]) in row.group(1)
    # The page loaded afresh agrees with what was swapped in.
    assert "1 von 2 Statusmeldungen abgegeben" in client.get(reverse("my_unit")).content.decode()


def test_every_page_loads_the_script_that_lets_htmx_swap_422_answers(world, client_for):
    page = client_for(world["lead32"]).get(reverse("my_unit")).content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert any("js/htmx-forms.js" in tag and "defer" in tag for tag in scripts)
    assert "<script>" not in page  # no inline script (CSP)
    source = (settings.BASE_DIR / "static" / "js" / "htmx-forms.js").read_text()
    assert '{ code: "422", swap: true, error: false }' in source
    assert source.index('"422"') < source.index('"[45].."')


def test_the_start_page_names_the_due_status_updates_once(world, client_for):
    page = client_for(world["lead32"]).get("/").content.decode()
    assert not re.findall(r"<h2[^>]*>\s*Statusmeldungen[^<]*</h2>", page)
    assert len(re.findall(r"\d+ Statusmeldung(?:en)? für \S+ fällig", page)) == 1


def test_the_card_flags_a_decision_and_asks_which_one(world, client_for):
    client = client_for(world["lead32"])
    card_id = f"id_needs_decision_measure{world['own']['measure'].pk}"
    page = client.get(reverse("my_unit")).content.decode()
    assert f'id="{card_id}"' in page and "Entscheidungsbedarf melden" in page

    response = inline_post(client, world, needs_decision="on", decision_note="")
    answer = response.content.decode()
    assert response.status_code == 422
    assert "Bitte beschreiben Sie, welche Entscheidung nötig ist." in answer
    assert re.search(r'<details class="fb15-inline-status__decision" open>', answer)
    assert not StatusUpdate.objects.exists()

    note = "Der Rat muss die Mittel für 2027 freigeben."
    assert inline_post(client, world, needs_decision="on", decision_note=note).status_code == 200
    update = StatusUpdate.objects.get()
    assert update.needs_decision and update.decision_note == note
