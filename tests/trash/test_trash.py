"""Deleting is safe: protected objects list their dependents; the Papierkorb restores."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from fb15.models import OrgUnit
from measures.models import Tag
from standards.models import Compliance, Exemption, Standard, Trend
from standards.services import ensure_compliance_rows
from strategy.models import FieldOfAction, Goal
from tests.factories import (
    ComplianceFactory,
    ExemptionFactory,
    FieldOfActionFactory,
    GoalFactory,
    MeasureFactory,
    OrgUnitFactory,
    StandardFactory,
    TrendFactory,
)

pytestmark = pytest.mark.django_db

REASON = "Wiederhergestellt aus dem Papierkorb"


def delete(client, name, obj):
    return client.post(reverse(name, args=[obj.pk]))


def trash_entry(model, pk):
    """The Papierkorb's restore URL of the last deletion of `model` row `pk`."""
    record = model.history.filter(id=pk, history_type="-").first()
    return reverse("trash_restore", args=[model._meta.label_lower, record.history_id])


def trash_rows(client) -> str:
    """The Papierkorb table's body (messages above it may name objects too)."""
    page = client.get(reverse("trash")).content.decode()
    return page.split("<tbody", 1)[1].split("</tbody>", 1)[0]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ----------------------------------------------------------------------- delete protection


def test_standard_with_compliance_rows_is_not_deleted_and_lists_them(personas, client_for):
    standard = StandardFactory(code="SW-03", title="E-Akte")
    ComplianceFactory(unit=personas["unit32"], standard=standard, state="fulfilled")
    ComplianceFactory(unit=personas["unit50"], standard=standard, state="partial")
    ExemptionFactory(unit=personas["unit50"], standard=standard)
    client = client_for(personas["strategist"])
    url = reverse("standard_delete", args=[standard.pk])

    page = client.get(url).content.decode()
    assert "„SW-03 E-Akte“ kann nicht gelöscht werden" in page
    assert "Einhaltungen: 2" in page and "FB 32 · SW-03: erfüllt" in page
    assert "Ausnahmen: 1" in page
    assert 'type="submit"' not in page.split("<main", 1)[1]  # no delete button offered

    before = (Standard.history.count(), Compliance.history.count(), Exemption.history.count())
    response = client.post(url)
    assert response.status_code == 409
    assert "Einhaltungen: 2" in response.content.decode()
    assert Standard.objects.filter(pk=standard.pk).exists()
    assert Compliance.objects.filter(standard=standard).count() == 2
    assert Exemption.objects.filter(standard=standard).count() == 1
    after = (Standard.history.count(), Compliance.history.count(), Exemption.history.count())
    assert after == before


def test_empty_cells_do_not_protect_a_standard_and_come_back_with_it(personas, client_for):
    standard = StandardFactory(code="SW-04")
    ensure_compliance_rows([standard])
    assert Compliance.objects.filter(standard=standard).count() == 2
    client = client_for(personas["strategist"])

    assert "Löschen" in client.get(reverse("standard_delete", args=[standard.pk])).content.decode()
    assert delete(client, "standard_delete", standard).status_code == 302
    assert not Standard.objects.filter(pk=standard.pk).exists()
    assert not Compliance.objects.filter(standard_id=standard.pk).exists()
    listed = trash_rows(client)
    assert "SW-04" in listed and "Einhaltung" not in listed

    client.post(trash_entry(Standard, standard.pk))
    assert Compliance.objects.filter(standard_id=standard.pk).count() == 2


def test_unit_with_measures_and_filled_cells_is_protected(personas, client_for):
    unit = personas["unit32"]
    MeasureFactory(code="M-1.1-01", title="Online-Antrag", owner=unit)
    ComplianceFactory(unit=unit, standard=StandardFactory(code="IF-01"), state="fulfilled")
    response = delete(client_for(personas["strategist"]), "orgunit_delete", unit)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Maßnahmen: 1" in page and "M-1.1-01 Online-Antrag" in page
    assert "Einhaltungen: 1" in page
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_trend_linked_to_measures_is_protected(personas, client_for):
    trend = TrendFactory(title="Low-Code")
    MeasureFactory(code="M-2.1-01", title="Formularbaukasten").trends.add(trend)
    response = delete(client_for(personas["strategist"]), "trend_delete", trend)
    assert response.status_code == 409
    assert "Maßnahmen: 1" in response.content.decode()
    assert "M-2.1-01 Formularbaukasten" in response.content.decode()
    assert trend.measures.count() == 1


def test_names_of_dependents_are_read_through_restrict(personas, client_for):
    """A lead may not read another unit's confidential measure: counted, not named."""
    trend = TrendFactory(title="Cloud")
    MeasureFactory(code="M-9", title="Geheim", owner=personas["unit50"], is_confidential=True)
    trend.measures.add(*trend.measures.model.objects.filter(code="M-9"))
    from fb15.trash import dependents

    found = dependents(trend, personas["lead32"])
    assert [(d.label, d.count, d.names) for d in found] == [("Maßnahmen", 1, [])]
    assert dependents(trend, personas["strategist"])[0].names == ["M-9 Geheim"]


def test_field_of_action_with_goals_is_protected(personas, client_for):
    field = FieldOfActionFactory(title="Digitale Services")
    GoalFactory(field_of_action=field, title="Alles online")
    response = delete(client_for(personas["strategist"]), "fieldofaction_delete", field)
    assert response.status_code == 409
    assert "Ziele: 1" in response.content.decode() and "Alles online" in response.content.decode()


# ----------------------------------------------------------------------- the Papierkorb


def test_deleted_object_appears_in_the_trash_with_who_and_when(personas, client_for):
    strategist = personas["strategist"]
    trend = TrendFactory(title="Digitaler Zwilling")
    client = client_for(strategist)
    response = delete(client, "trend_delete", trend)
    assert response.status_code == 302
    assert not Trend.objects.filter(pk=trend.pk).exists()

    rows = trash_rows(client).split("</tr>")
    row = next(r for r in rows if "Digitaler Zwilling" in r)
    assert ">Trend<" in row and str(strategist) in row
    deleted_at = Trend.history.get(id=trend.pk, history_type="-").history_date
    assert f"{deleted_at:%Y}" in row and "Wiederherstellen" in row


def test_restore_brings_back_the_row_its_links_and_a_history_entry(personas, client_for):
    strategist = personas["strategist"]
    standard = StandardFactory(code="KI-01", status="draft")
    trend = TrendFactory(title="Sprachmodelle", units=[personas["unit32"], personas["unit50"]])
    trend.standards.add(standard)
    pk = trend.pk
    client = client_for(strategist)
    delete(client, "trend_delete", trend)

    response = client.post(trash_entry(Trend, pk))
    assert response.status_code == 302
    assert response.url == reverse("trend_detail", args=[pk])
    assert "„Sprachmodelle“ wurde aus dem Papierkorb wiederhergestellt." in messages_of(response)
    restored = Trend.objects.get(pk=pk)
    assert set(restored.units.values_list("code", flat=True)) == {"FB 32", "FB 50"}
    assert list(restored.standards.all()) == [standard]
    latest = restored.history.first()
    assert latest.history_change_reason == REASON and latest.history_user == strategist
    assert restored.history.filter(history_type="+", history_change_reason=REASON).exists()
    # Visible again as usual, and gone from the Papierkorb.
    assert Trend.objects.restrict(personas["council"], "view").filter(pk=pk).exists()
    assert "Sprachmodelle" not in trash_rows(client)
    again = client.post(trash_entry(Trend, pk), follow=True)
    assert "nicht mehr im Papierkorb" in again.content.decode()


def test_restore_relinks_measures_that_lost_the_trend(personas, client_for):
    """Deleted before the protection existed: the measures' history still has the link."""
    strategist = personas["strategist"]
    trend = TrendFactory(title="Open Data")
    measure = MeasureFactory(code="M-3.1-01")
    measure.trends.add(trend)
    pk = trend.pk
    trend._history_user = strategist
    trend.delete()
    assert not measure.trends.exists()

    client_for(strategist).post(trash_entry(Trend, pk))
    assert list(measure.trends.values_list("pk", flat=True)) == [pk]
    assert measure.history.first().history_change_reason == REASON


def test_restored_unit_gets_its_lead_rights_back(personas, client_for):
    lead = personas["lead32"]
    unit = OrgUnitFactory(code="FB 77", division=personas["unit32"].division, lead=lead)
    client = client_for(personas["strategist"])
    assert delete(client, "orgunit_delete", unit).status_code == 302
    client.post(trash_entry(OrgUnit, unit.pk))
    assert OrgUnit.objects.get(pk=unit.pk).lead == lead
    from fb15.permissions import units_managed_by

    assert units_managed_by(lead).filter(pk=unit.pk).exists()


def test_restore_of_a_goal_whose_field_is_gone_is_refused(personas, client_for):
    field = FieldOfActionFactory(title="Smart City")
    goal = GoalFactory(field_of_action=field, title="Sensorik")
    client = client_for(personas["strategist"])
    assert delete(client, "goal_delete", goal).status_code == 302
    assert delete(client, "fieldofaction_delete", field).status_code == 302
    before = Goal.history.count()

    response = client.post(trash_entry(Goal, goal.pk), follow=True)
    page = response.content.decode()
    assert "„Sensorik“ kann nicht wiederhergestellt werden" in page
    assert "Handlungsfeld „Smart City“ gibt es nicht mehr" in page
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert Goal.history.count() == before
    # Field first, then the goal: both come back.
    client.post(trash_entry(FieldOfAction, field.pk))
    client.post(trash_entry(Goal, goal.pk))
    assert Goal.objects.get(pk=goal.pk).field_of_action_id == field.pk


def test_restore_refuses_a_code_taken_meanwhile(personas, client_for):
    standard = StandardFactory(code="SEC-01", status="draft")
    client = client_for(personas["strategist"])
    delete(client, "standard_delete", standard)
    StandardFactory(code="SEC-01", title="Neuer Standard", status="draft")
    response = client.post(trash_entry(Standard, standard.pk), follow=True)
    assert "Es gibt bereits einen Standard mit diesem Kürzel." in response.content.decode()
    assert Standard.objects.filter(code="SEC-01").count() == 1


@pytest.mark.parametrize("who", ["lead32", "council", "staff"])
def test_only_the_strategy_team_reaches_the_trash(personas, client_for, who):
    trend = TrendFactory(title="Blockchain")
    pk = trend.pk
    trend._history_user = personas["strategist"]
    trend.delete()
    restore_url = trash_entry(Trend, pk)
    client = client_for(personas[who])
    assert client.get(reverse("trash")).status_code == 403
    assert client.post(restore_url).status_code == 403
    assert not Trend.objects.filter(pk=pk).exists()
    assert reverse("trash") not in client.get(reverse("orgunit_list")).content.decode()


def test_trash_is_in_the_navigation_of_the_strategy_team(personas, client_for):
    # In the sub-navigation of the Organisation section.
    page = client_for(personas["strategist"]).get(reverse("orgunit_list")).content.decode()
    assert f'href="{reverse("trash")}"' in page


def test_restore_answers_only_post(personas, client_for):
    trend = TrendFactory()
    pk = trend.pk
    trend.delete()
    assert client_for(personas["strategist"]).get(trash_entry(Trend, pk)).status_code == 405
    assert not Trend.objects.filter(pk=pk).exists()


def _delete_some(strategist, count: int) -> None:
    for number in range(count):
        for obj in (
            TrendFactory(title=f"Trend {number}", units=[OrgUnit.objects.first()]),
            StandardFactory(code=f"X-{number}", status="draft"),
            Tag.objects.create(name=f"Schlagwort {number}"),
            ExemptionFactory(standard=StandardFactory(code=f"Y-{number}")),
        ):
            obj._history_user = strategist
            obj.delete()


@pytest.mark.parametrize("count", [2, 12])
def test_trash_page_query_count_does_not_grow_with_rows(
    personas, client_for, django_assert_max_num_queries, count
):
    strategist = personas["strategist"]
    _delete_some(strategist, count)
    client = client_for(strategist)
    client.get(reverse("trash"))  # warm the session and permission caches
    with django_assert_max_num_queries(12):  # 11 + the city's settings in the header
        response = client.get(reverse("trash"))
    assert response.status_code == 200
    assert f"{count * 4} gelöschte Datensätze" in response.content.decode()


def test_restored_report_schedule_gets_a_new_beat_entry(personas, client_for):
    from django_celery_beat.models import PeriodicTask

    from reporting.models import ReportSchedule
    from reporting.services import sync_schedule

    schedule = ReportSchedule.objects.create(name="Quartalsbericht")
    sync_schedule(schedule)
    client = client_for(personas["strategist"])
    assert delete(client, "reportschedule_delete", schedule).status_code == 302
    assert not PeriodicTask.objects.filter(name__startswith="Bericht: Quartalsbericht").exists()

    response = client.post(trash_entry(ReportSchedule, schedule.pk))
    shown = messages_of(response)
    assert "„Quartalsbericht“ wurde aus dem Papierkorb wiederhergestellt." in shown
    assert not [m for m in shown if "gibt es nicht mehr" in m]  # the beat entry is new
    restored = ReportSchedule.objects.get(pk=schedule.pk)
    assert restored.periodic_task.kwargs == f'{{"schedule_id": {schedule.pk}}}'
