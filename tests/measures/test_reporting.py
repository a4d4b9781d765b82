"""Status updates, milestones and indicators: state, validation, history, staleness."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from measures import services
from measures.models import Measure, StatusUpdate
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def report(world, who="lead32", side="own", period="current", **values):
    data = {
        "traffic_light": "amber",
        "progress": 40,
        "status": "in_progress",
        "summary": "Pilot läuft.",
        "budget_spent": Decimal("12000"),
        **values,
    }
    return services.file_status_update(
        actor=world[who], subject=world[side]["measure"], period=world[period], **data
    )


def test_status_update_sets_the_measures_current_state_and_history(world):
    report(world)
    measure = Measure.objects.get(pk=world["own"]["measure"].pk)
    assert (measure.traffic_light, measure.progress, measure.status) == ("amber", 40, "in_progress")
    assert measure.budget_spent == Decimal("12000")
    assert measure.last_update_period == world["current"]
    record = measure.history.first()
    assert record.history_user == world["lead32"]
    assert record.history_change_reason == f"Statusmeldung {world['current']}"
    assert StatusUpdate.history.filter(history_user=world["lead32"]).exists()


def test_filing_again_in_the_same_period_corrects_the_update(world):
    report(world)
    report(world, progress=55, summary="Korrigiert")
    measure = world["own"]["measure"]
    assert StatusUpdate.objects.filter(measure=measure).count() == 1
    assert StatusUpdate.objects.get(measure=measure).summary == "Korrigiert"
    assert StatusUpdate.history.filter(measure_id=measure.pk).count() == 2


def test_an_older_period_does_not_override_the_current_state(world):
    report(world, progress=60)
    report(world, who="strategist", period="previous", progress=20, traffic_light="red")
    measure = Measure.objects.get(pk=world["own"]["measure"].pk)
    assert (measure.progress, measure.traffic_light) == (60, "amber")


def test_done_sets_the_actual_end(world):
    report(world, progress=100, status="done")
    assert Measure.objects.get(pk=world["own"]["measure"].pk).actual_end == timezone.localdate()


def test_lead_cannot_report_for_a_locked_period(world):
    with pytest.raises(ValidationError, match="Änderungen daran kann nur FB 15 vornehmen"):
        report(world, period="older")
    assert not StatusUpdate.objects.exists()


def test_strategy_team_may_correct_a_locked_period(world):
    report(world, who="strategist", period="older")
    assert StatusUpdate.objects.filter(period=world["older"]).exists()


def test_lead_cannot_report_for_another_units_measure(world):
    with pytest.raises(PermissionDenied):
        report(world, side="other")
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"progress": 101}, "zwischen 0 und 100"),
        ({"progress": -1}, "zwischen 0 und 100"),
        ({"budget_spent": Decimal("-1")}, "nicht negativ"),
    ],
)
def test_invalid_values_are_refused_and_nothing_changes(world, values, message):
    with pytest.raises(ValidationError, match=message):
        report(world, **values)
    assert not StatusUpdate.objects.exists()
    assert Measure.objects.get(pk=world["own"]["measure"].pk).progress == 0


@pytest.mark.parametrize(
    ("progress", "message"),
    [
        ("101", "Der Fortschritt muss zwischen 0 und 100 % liegen."),
        ("-5", "Der Fortschritt muss zwischen 0 und 100 % liegen."),
    ],
)
def test_status_form_shows_german_errors(world, client_for, progress, message):
    measure = world["own"]["measure"]
    response = client_for(world["lead32"]).post(
        reverse("measure_status", args=[measure.pk]),
        {
            "period": world["current"].pk,
            "traffic_light": "green",
            "progress": progress,
            "status": "in_progress",
            "summary": "x",
            "budget_spent": "-3",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "Das verausgabte Budget kann nicht negativ sein." in page
    assert not StatusUpdate.objects.exists()


def test_closed_period_is_not_offered_and_refused_for_leads(world, client_for):
    measure = world["own"]["measure"]
    client = client_for(world["lead32"])
    page = client.get(reverse("measure_status", args=[measure.pk])).content.decode()
    assert world["current"].label in page and world["older"].label not in page
    response = client.post(
        reverse("measure_status", args=[measure.pk]),
        {
            "period": world["older"].pk,
            "traffic_light": "green",
            "progress": 10,
            "status": "in_progress",
            "summary": "x",
        },
    )
    assert response.status_code == 422
    assert "ist abgeschlossen. Änderungen daran kann nur FB 15 vornehmen." in (
        response.content.decode()
    )
    assert not StatusUpdate.objects.exists()


def test_stale_means_the_previous_cycle_was_missed(world):
    own, other = world["own"]["measure"], world["other"]["measure"]
    report(world, who="strategist", period="previous")
    stale = set(Measure.objects.stale())
    assert own not in stale and other in stale
    assert set(Measure.objects.needing_update(world["current"])) == {own, other}
    report(world)
    assert set(Measure.objects.needing_update(world["current"])) == {other}


def test_measures_not_started_are_not_stale(world):
    later = MeasureFactory(
        goal=world["goal"],
        owner=world["unit32"],
        planned_start=timezone.localdate() + datetime.timedelta(days=30),
        planned_end=timezone.localdate() + datetime.timedelta(days=400),
    )
    assert later not in set(Measure.objects.stale())


def test_dependency_cycle_is_refused_in_german(world, client_for):
    a = world["own"]["measure"]
    b = MeasureFactory(goal=world["goal"], owner=world["unit32"], code="M-B")
    c = MeasureFactory(goal=world["goal"], owner=world["unit32"], code="M-C")
    b.dependencies.add(a)
    c.dependencies.add(b)
    response = client_for(world["strategist"]).post(
        reverse("measure_edit", args=[a.pk]), measure_form(a, dependencies=[c.pk])
    )
    assert response.status_code == 422
    assert f"Diese Abhängigkeit ergäbe einen Kreis: {a.code} → {c.code} → {b.code} → {a.code}" in (
        response.content.decode()
    )
    assert not a.dependencies.exists()


def measure_form(measure, **changes):
    data = {
        "code": measure.code,
        "title": measure.title,
        "goal": measure.goal_id,
        "description": "",
        "owner": measure.owner_id,
        "priority": measure.priority,
        "planned_start": measure.planned_start.isoformat(),
        "planned_end": measure.planned_end.isoformat(),
        "budget_planned": str(measure.budget_planned),
        "funding_source": "",
        "version": measure.updated_at.isoformat(),
        "change_reason": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"planned_end": "2025-01-01"},
            "Das geplante Ende darf nicht vor dem geplanten Beginn liegen.",
        ),
        ({"budget_planned": "-10"}, "größer oder gleich 0"),
        ({"title": ""}, "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_measure_validation_in_german_changes_nothing(world, client_for, changes, message):
    measure = world["own"]["measure"]
    response = client_for(world["strategist"]).post(
        reverse("measure_edit", args=[measure.pk]), measure_form(measure, **changes)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    measure.refresh_from_db()
    assert measure.title == "Maßnahme FB 32" and measure.budget_planned == Decimal("100000")


def test_concurrent_measure_edits_refuse_the_second_save(world, client_for):
    measure = world["own"]["measure"]
    stale_form = measure_form(measure, title="Zweite Fassung")
    client = client_for(world["strategist"])
    assert (
        client.post(
            reverse("measure_edit", args=[measure.pk]), measure_form(measure, title="Erste Fassung")
        ).status_code
        == 302
    )
    response = client.post(reverse("measure_edit", args=[measure.pk]), stale_form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "wurde inzwischen von" in page and "Erste Fassung" in page
    measure.refresh_from_db()
    assert measure.title == "Erste Fassung"


def test_concurrent_status_update_and_structural_edit_do_not_overwrite(world, client_for):
    """A lead's status update between load and save of the edit form is not lost."""
    measure = world["own"]["measure"]
    stale_form = measure_form(measure, title="Neuer Titel")
    report(world, progress=70)
    response = client_for(world["strategist"]).post(
        reverse("measure_edit", args=[measure.pk]), stale_form
    )
    assert response.status_code == 409
    measure.refresh_from_db()
    assert measure.progress == 70 and measure.title == "Maßnahme FB 32"


def test_milestone_reached_and_indicator_values(world, client_for):
    milestone, indicator = world["own"]["milestone"], world["own"]["indicator"]
    client = client_for(world["lead32"])
    client.post(reverse("milestone_reached", args=[milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.reached_on == timezone.localdate()
    assert milestone.history.first().history_user == world["lead32"]
    url = reverse("indicator_value_add", args=[indicator.pk])
    assert client.post(url, {"measured_on": "2026-06-30", "value": "22,5"}).status_code == 302
    response = client.post(url, {"measured_on": "2026-06-30", "value": "30"})
    assert "Für dieses Datum gibt es schon einen Messwert." in response.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"measured_on": future, "value": "30"})
    assert "nicht für die Zukunft" in response.content.decode()
    assert [v.value for v in indicator.values.all()] == [Decimal("22.50")]


def test_a_status_update_filed_meanwhile_by_someone_else_is_not_overwritten(world, client_for):
    measure = world["own"]["measure"]
    client = client_for(world["lead32"])
    form = client.get(reverse("measure_status", args=[measure.pk])).context["form"]
    seen_at = form.initial["seen_at"]
    deputy = world["strategist"]
    report(world, who="strategist", summary="Vom Strategieteam gemeldet", progress=45)
    response = client.post(
        reverse("measure_status", args=[measure.pk]),
        {
            "period": world["current"].pk,
            "traffic_light": "green",
            "progress": 10,
            "status": "in_progress",
            "summary": "Meine Meldung",
            "seen_at": seen_at,
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert f"{deputy} hat für {world['current']} inzwischen eine Statusmeldung abgegeben" in page
    assert "Vom Strategieteam gemeldet" in page
    assert StatusUpdate.objects.get(measure=measure).summary == "Vom Strategieteam gemeldet"


def test_the_strategy_team_types_a_budget_with_german_digit_groups(world, client_for):
    measure = world["own"]["measure"]
    response = client_for(world["strategist"]).post(
        reverse("measure_edit", args=[measure.pk]),
        measure_form(measure, budget_planned="1.250.000,00 €"),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.budget_planned == Decimal("1250000.00")
