"""The strategy's tree, as-of views and revision comparison include measures."""

import pytest
from django.urls import reverse
from django.utils import timezone

from measures import services
from strategy.services import publish_revision
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def file(world, measure, progress, light="green"):
    services.file_status_update(
        actor=world["strategist"],
        subject=measure,
        period=world["current"],
        traffic_light=light,
        progress=progress,
        status="in_progress",
        summary="Stand",
    )


def publish(world, number):
    return publish_revision(
        actor=world["strategist"],
        strategy=world["goal"].field_of_action.strategy,
        number=number,
        title=f"Fortschreibung {number}",
        decided_on=timezone.localdate(),
        decision_reference=f"DS {number}/2026",
    )


def test_as_of_a_revision_shows_measures_as_they_were(world, client_for):
    measure = world["own"]["measure"]
    file(world, measure, 10)
    publish(world, 1)
    file(world, measure, 80, light="red")
    client = client_for(world["council"])
    page = client.get(reverse("strategy_as_of"), {"revision": 1}).content.decode()
    assert measure.code in page and "10 %" in page and "80 %" not in page
    # The council's strategy page: adopted text, measures in their current state.
    page = client.get(reverse("strategy_detail")).content.decode()
    assert "80 %" in page and "aktuellen Umsetzungsstand" in page


def test_compare_lists_measures_added_and_changed(world, client_for):
    measure = world["own"]["measure"]
    file(world, measure, 10)
    publish(world, 1)
    file(world, measure, 60, light="amber")
    added = MeasureFactory(goal=world["goal"], owner=world["unit32"], title="Neue Maßnahme")
    client = client_for(world["strategist"])
    params = {"von": 1, "bis": "entwurf"}
    # The default view is the content: the new measure, not the reported progress.
    page = client.get(reverse("strategy_compare"), params).content.decode()
    assert f'<th class="kern-table__header" scope="row">{added.title}</th>' in page
    assert "Fortschritt (%)" not in page
    page = client.get(
        reverse("strategy_compare"), {**params, "ansicht": "umsetzung"}
    ).content.decode()
    assert f'<th class="kern-table__header" scope="row">{added.title}</th>' not in page
    assert "Fortschritt (%)" in page
    assert "bisher: </span>10</del> → <ins" in page and "neu: </span>60</ins>" in page
    assert "bisher: </span>grün</del>" in page and "neu: </span>gelb</ins>" in page


def test_confidential_measures_stay_out_of_other_readers_strategy_tree(world, client_for):
    secret = world["other"]["measure"]
    secret.is_confidential = True
    secret.title = "Geheime Maßnahme"
    secret.save()
    assert (
        "Geheime Maßnahme"
        not in client_for(world["lead32"]).get(reverse("strategy_detail")).content.decode()
    )
    assert (
        "Geheime Maßnahme"
        in client_for(world["lead50"]).get(reverse("strategy_detail")).content.decode()
    )
