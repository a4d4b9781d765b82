"""A report can show only the Sachstände FB 15 has acknowledged: the latest acknowledged
update's text per measure, said so on the title page; the rest as always."""

import pytest
from django.urls import reverse

from measures.services import acknowledge_status_update, file_status_update
from reporting import periods, report_data, services
from reporting.models import Report

from .conftest import report_world
from .test_services import pdf_text, render

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    world = report_world(personas, measures_per_goal=2)
    first = world["measures"][0]
    older = file_status_update(
        actor=world["strategist"],
        subject=first,
        period=world["previous"],
        traffic_light="green",
        progress=0,
        status="in_progress",
        summary="Bestätigter Stand aus dem Vorquartal",
    )
    acknowledge_status_update(actor=world["strategist"], update=older)
    return world


def rows(world, **options):
    data = report_data.gather_report_data(
        period=periods.Period(
            world["period"].label, world["period"].starts_on, world["period"].ends_on
        ),
        reporting_period=world["period"],
        live=True,
        **options,
    )
    return {row.code: row.summary for row in data.measures}


def test_only_acknowledged_texts_reach_the_report_when_asked(world):
    first, second = world["measures"][0].code, world["measures"][1].code
    assert rows(world)[first] == f"Sachstand Text {first}"  # the newest, not yet acknowledged
    summaries = rows(world, acknowledged_only=True)
    assert summaries[first] == "Bestätigter Stand aus dem Vorquartal"
    assert summaries[second] == ""  # nothing of it acknowledged yet


def test_the_pdf_says_it_shows_acknowledged_updates_only(world):
    report = services.request_report(actor=None, acknowledged_only=True, enqueue=False)
    text = pdf_text(render(report))
    assert "nur von FB 15 bestätigte Statusmeldungen" in text
    assert "Bestätigter Stand aus dem Vorquartal" in text
    assert f"Sachstand Text {world['measures'][0].code}" not in text


def test_fb15_asks_for_it_in_the_report_form(world, client_for):
    client_for(world["strategist"]).post(
        reverse("report_add"),
        {"scope_kind": "strategy", "period": world["period"].label, "acknowledged_only": "on"},
    )
    assert Report.objects.get().acknowledged_only
