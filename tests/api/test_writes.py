"""Writes through the API: the services and forms of the pages, their German messages,
history with the acting user, the period lock and concurrent-edit protection; bad input
changes nothing and never answers 500."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from measures.models import IndicatorValue, Milestone, StatusUpdate
from measures.services import file_status_update
from tests.api.conftest import ApiClient, token_for
from tests.factories import make_periods, make_world

pytestmark = pytest.mark.django_db

STATUS_URL = "/api/v1/status-updates/"


@pytest.fixture
def world(personas):
    world = make_world(personas, make_periods())
    world["lead"] = ApiClient(token_for(personas["lead32"]))
    world["fb15"] = ApiClient(token_for(personas["strategist"]))
    return world


def update_body(world, **changes):
    return {
        "measure": world["own"]["measure"].pk,
        "traffic_light": "amber",
        "progress": 40,
        "status": "in_progress",
        "summary": "Pilot in zwei Bürgerbüros.",
        **changes,
    }


def test_lead_files_a_status_update_with_history_and_the_measure_follows(world):
    response = world["lead"].post(STATUS_URL, update_body(world))
    assert response.status_code == 201, response.content
    update = StatusUpdate.objects.get()
    assert response.json()["id"] == update.pk
    assert response.json()["period_label"] == world["current"].label
    assert (update.author, update.history.get().history_user) == (world["lead32"],) * 2
    measure = world["own"]["measure"]
    measure.refresh_from_db()
    assert (measure.traffic_light, measure.progress) == ("amber", 40)
    latest = measure.history.first()
    assert latest.history_user == world["lead32"]
    assert latest.history_change_reason == f"Statusmeldung {world['current'].label}"
    # Filing again for the same period corrects the update: 200, still one row.
    again = world["lead"].post(STATUS_URL, update_body(world, progress=45))
    assert again.status_code == 200
    assert StatusUpdate.objects.get().progress == 45


@pytest.mark.parametrize(
    ("raw", "body", "status", "expected"),
    [
        (
            '{"measure": 1, "progress": ',
            None,
            400,
            {"detail": "Der Inhalt der Anfrage ist kein gültiges JSON."},
        ),
        (
            None,
            ["keine", "Liste"],
            400,
            {"detail": "Ungültige Daten. Dictionary erwartet, aber list erhalten."},
        ),
        (None, {"colour": "grün"}, 400, {"colour": ["Unbekanntes oder nicht änderbares Feld."]}),
        (
            None,
            {"progress": "viel"},
            400,
            {"progress": ["Eine gültige Ganzzahl ist erforderlich."]},
        ),
        (
            None,
            {"traffic_light": "lila"},
            400,
            {"traffic_light": ['"lila" ist keine gültige Option.']},
        ),
        (
            None,
            {"progress": 150},
            400,
            {"detail": "Der Fortschritt muss zwischen 0 und 100 % liegen."},
        ),
        (
            None,
            {"budget_spent": "-5"},
            400,
            {"detail": "Das verausgabte Budget kann nicht negativ sein."},
        ),
        (
            None,
            {"needs_decision": True},
            400,
            {"decision_note": ["Bitte beschreiben Sie, welche Entscheidung nötig ist."]},
        ),
        (None, {"period": 999999}, 400, {"period": ["Diesen Berichtszeitraum gibt es nicht."]}),
    ],
)
def test_bad_input_is_refused_in_german_and_nothing_is_written(world, raw, body, status, expected):
    payload = body if isinstance(body, list) else update_body(world, **(body or {}))
    response = world["lead"].post(STATUS_URL, payload, raw=raw)
    assert response.status_code == status, response.content
    assert response.json() == expected
    assert not StatusUpdate.objects.exists()
    world["own"]["measure"].refresh_from_db()
    assert world["own"]["measure"].history.count() == 1


def test_both_or_neither_subject_is_refused(world):
    body = update_body(world, project=world["own"]["project"].pk)
    response = world["lead"].post(STATUS_URL, body)
    assert response.status_code == 400
    assert response.json() == {"detail": "Bitte genau eines angeben: „measure“ oder „project“."}


def test_form_encoded_body_is_refused_with_415(world):
    response = world["lead"].client.post(
        STATUS_URL, {"measure": world["own"]["measure"].pk}, headers=world["lead"].headers
    )
    assert response.status_code == 415
    assert "Nicht unterstützter Medientyp" in response.json()["detail"]


def test_other_units_measure_is_403_and_unknown_one_404(world):
    other = update_body(world, measure=world["other"]["measure"].pk)
    response = world["lead"].post(STATUS_URL, other)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Sie dürfen „")
    assert world["lead"].post(STATUS_URL, update_body(world, measure=999999)).status_code == 404
    assert not StatusUpdate.objects.exists()


def test_closed_period_is_409_for_the_unit_and_open_to_fb15(world):
    closed = world["older"]
    body = update_body(world, period=closed.pk)
    response = world["lead"].post(STATUS_URL, body)
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Der Berichtszeitraum {closed.label} ist abgeschlossen. Änderungen daran "
        "kann nur FB 15 vornehmen."
    }
    assert not StatusUpdate.objects.exists()
    assert world["fb15"].post(STATUS_URL, body).status_code == 201


def test_an_update_filed_by_someone_else_since_seen_at_is_not_overwritten(world):
    seen_at = timezone.now()
    file_status_update(
        actor=world["strategist"],
        subject=world["own"]["measure"],
        period=world["current"],
        traffic_light="red",
        progress=10,
        status="in_progress",
        summary="Von FB 15 nachgetragen.",
    )
    body = update_body(world, seen_at=(seen_at - datetime.timedelta(seconds=5)).isoformat())
    response = world["lead"].post(STATUS_URL, body)
    assert response.status_code == 409
    assert "inzwischen eine Statusmeldung abgegeben" in response.json()["detail"]
    assert StatusUpdate.objects.get().summary == "Von FB 15 nachgetragen."


def test_progress_drop_needs_a_reason(world):
    file_status_update(
        actor=world["lead32"],
        subject=world["own"]["measure"],
        period=world["previous"],
        traffic_light="green",
        progress=60,
        status="in_progress",
        summary="Gut.",
        today=world["previous"].reporting_date,
    )
    response = world["lead"].post(STATUS_URL, update_body(world, progress=40))
    assert response.status_code == 400
    assert "Bitte begründen Sie den Rückgang." in response.json()["progress_drop_reason"][0]
    body = update_body(world, progress=40, progress_drop_reason="Lieferant insolvent.")
    assert world["lead"].post(STATUS_URL, body).status_code == 201


def test_indicator_values_are_validated_like_the_form(world):
    indicator = world["own"]["indicator"]
    url = reverse("api-indicatorvalue-list")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    future = world["lead"].post(
        url, {"indicator": indicator.pk, "measured_on": tomorrow, "value": 9}
    )
    assert future.status_code == 400
    assert future.json() == {
        "measured_on": ["Messwerte können nicht für die Zukunft erfasst werden."]
    }
    today = timezone.localdate().isoformat()
    created = world["lead"].post(
        url, {"indicator": indicator.pk, "measured_on": today, "value": "9.5"}
    )
    assert created.status_code == 201
    assert created.json()["value"] == "9.50"
    value = IndicatorValue.objects.get()
    assert value.history.get().history_user == world["lead32"]
    twice = world["lead"].post(url, {"indicator": indicator.pk, "measured_on": today, "value": 10})
    assert twice.status_code == 400
    assert twice.json() == {"measured_on": ["Für dieses Datum gibt es schon einen Messwert."]}
    assert IndicatorValue.objects.count() == 1


def test_milestone_dates_with_version_refuse_a_concurrent_change(world):
    milestone = world["own"]["milestone"]
    url = reverse("api-milestone-detail", args=[milestone.pk])
    version = world["lead"].get(url).json()["updated_at"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    future = world["lead"].patch(url, {"reached_on": tomorrow, "version": version})
    assert future.status_code == 400
    assert future.json() == {
        "reached_on": ["Ein Meilenstein kann nicht in der Zukunft erreicht werden."]
    }
    # FB 15 moves the due date meanwhile.
    moved = world["fb15"].patch(url, {"due_on": "2026-04-01"})
    assert moved.status_code == 200, moved.content
    stale = world["lead"].patch(
        url, {"reached_on": timezone.localdate().isoformat(), "version": version}
    )
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Dieser Datensatz wurde inzwischen von ")
    milestone.refresh_from_db()
    assert (milestone.reached_on, milestone.due_on) == (None, datetime.date(2026, 4, 1))
    fresh = world["lead"].get(url).json()["updated_at"]
    done = world["lead"].patch(
        url, {"reached_on": timezone.localdate().isoformat(), "version": fresh}
    )
    assert done.status_code == 200
    assert Milestone.objects.get(pk=milestone.pk).history.first().history_user == world["lead32"]


def test_invalid_filter_and_cursor_are_answered_in_german(world):
    bad = world["lead"].get(reverse("api-measure-list"), owner=999999)
    assert bad.status_code == 400
    assert "gültige Auswahl" in bad.json()["owner"][0]
    cursor = world["lead"].get(reverse("api-measure-list"), cursor="kaputt")
    assert cursor.status_code == 404
    assert cursor.json() == {"detail": "Ungültiger Zeiger für die Seite (cursor)."}


def test_measures_and_projects_link_their_pages(world):
    measure, project = world["own"]["measure"], world["own"]["project"]
    listed = world["lead"].get(reverse("api-measure-list")).json()["results"]
    urls = {item["id"]: item["url"] for item in listed}
    assert urls[measure.pk] == f"http://testserver/massnahmen/{measure.pk}/"
    shown = world["lead"].get(reverse("api-project-detail", args=[project.pk])).json()
    assert shown["url"] == f"http://testserver/projekte/{project.pk}/"
    assert shown["measures"] == [measure.pk]


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"measure": 10**30}, 404),
        ({"period": 10**30}, 400),
        ({"progress": 10**30}, 400),
        ({"summary": "Null\x00zeichen"}, 400),
        ({"budget_spent": "1e400"}, 400),
        ({"seen_at": "gestern"}, 400),
    ],
)
def test_extreme_values_never_reach_the_database_as_errors(world, changes, status):
    response = world["lead"].post(STATUS_URL, update_body(world, **changes))
    assert response.status_code == status, response.content
    assert response.json()
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/measures/99999999999999999999/",
        "/api/v1/measures/?owner=99999999999999999999",
        "/api/v1/measures/?q=Null%00zeichen",
        "/api/v1/status-updates/?period=abc",
        "/api/v1/strategy/?revision=99999999999999999999",
    ],
)
def test_odd_queries_are_answered_without_a_server_error(world, url):
    response = world["lead"].client.get(url, headers=world["lead"].headers)
    assert response.status_code in (400, 404), response.content
    assert response.json()
