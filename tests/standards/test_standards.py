"""Catalogue, matrix, exemptions, radar and unit news: behaviour, validation, emails, queries."""

import datetime
import importlib

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from standards import services
from standards.models import Compliance, Exemption, NewsSeen, Standard, Trend, ring_moves
from standards.tasks import expire_exemptions_task
from tests.factories import (
    ComplianceFactory,
    ExemptionFactory,
    OrgUnitFactory,
    StandardFactory,
    TrendFactory,
)

pytestmark = pytest.mark.django_db


def standard_data(standard=None, **changes):
    data = {
        "code": "IF-01",
        "title": "XRechnung für eingehende Rechnungen",
        "obligation": "must",
        "category": "interface",
        "status": "binding",
        "version_label": "3.0",
        "valid_from": "2025-01-01",
        "references": "XRechnung https://xeinkauf.de/xrechnung/",
    }
    if standard:
        data.update(
            code=standard.code,
            title=standard.title,
            obligation=standard.obligation,
            category=standard.category,
            status=standard.status,
            version_label=standard.version_label,
            valid_from=standard.valid_from.isoformat() if standard.valid_from else "",
            references=standard.references,
            version=standard.updated_at.isoformat(),
        )
    data.update(changes)
    return data


# --- catalogue -----------------------------------------------------------------------------


def test_strategist_creates_a_binding_standard_which_fills_the_matrix_and_mails_all_leads(
    personas, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas["strategist"]).post(reverse("standard_add"), standard_data())
    assert response.status_code == 302
    standard = Standard.objects.get(code="IF-01")
    assert Compliance.objects.filter(standard=standard, state="unchecked").count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == [
        "leitung32@stadt.example",
        "leitung50@stadt.example",
    ]
    assert (
        mailoutbox[0].subject
        == "Neuer verbindlicher Standard: IF-01 XRechnung für eingehende Rechnungen"
    )
    assert "ab dem 1. Januar 2025 verbindlich" in mailoutbox[0].body
    assert standard.reference_links[0].url == "https://xeinkauf.de/xrechnung/"


def test_a_draft_standard_sends_no_mail_and_becoming_binding_later_does(
    personas, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(personas["strategist"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("standard_add"), standard_data(status="draft", valid_from=""))
    assert mailoutbox == []
    standard = Standard.objects.get(code="IF-01")
    assert not Compliance.objects.filter(standard=standard).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("standard_edit", args=[standard.pk]),
            standard_data(standard, status="binding", version_label="3.1", valid_from="2026-01-01"),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(mailoutbox) == 2


def test_binding_standard_without_validity_date_is_refused_in_german(personas, client_for):
    response = client_for(personas["strategist"]).post(
        reverse("standard_add"), standard_data(valid_from="")
    )
    assert response.status_code == 422
    assert "Ein verbindlicher Standard braucht ein Gültig-ab-Datum." in response.content.decode()
    assert not Standard.objects.exists()
    assert not Standard.history.exists()


def test_a_standard_cannot_supersede_itself(personas, client_for):
    standard = StandardFactory()
    standard.superseded_by = standard
    with pytest.raises(Exception) as error:
        standard.full_clean()
    assert "Ein Standard kann sich nicht selbst ablösen." in str(error.value)
    # The form does not even offer the standard itself.
    response = client_for(personas["strategist"]).post(
        reverse("standard_edit", args=[standard.pk]),
        standard_data(standard, superseded_by=standard.pk, valid_from="2025-01-01"),
    )
    assert response.status_code == 422
    standard.refresh_from_db()
    assert standard.superseded_by is None


def test_invalid_reference_address_is_refused(personas, client_for):
    response = client_for(personas["strategist"]).post(
        reverse("standard_add"), standard_data(references="BSI Grundschutz www.bsi")
    )
    assert response.status_code == 422
    assert "ist keine gültige Adresse" in response.content.decode()


def test_versions_of_a_standard_are_compared_field_by_field(personas, client_for):
    standard = StandardFactory(version_label="1.0", title="Alt")
    standard.version_label, standard.title = "2.0", "Neu"
    standard.save()
    response = client_for(personas["council"]).get(reverse("standard_compare", args=[standard.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Version" in content and "1.0" in content and "2.0" in content
    assert "<ins>Neu</ins>" in content


# --- compliance matrix ---------------------------------------------------------------------


def test_lead_self_assesses_own_cell_which_clears_the_confirmation(world, client_for):
    cell = world["cells"]["own"]
    cell.confirmed_by, cell.confirmed_at = world["strategist"], timezone.now()
    cell.save()
    response = client_for(world["lead32"]).post(
        reverse("compliance_edit", args=[cell.unit_id, cell.standard_id]),
        {
            "state": "fulfilled",
            "evidence": "Alle Arbeitsplätze umgestellt.",
            "checked_on": "2026-11-01",
            "version": cell.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.state == "fulfilled"
    assert cell.confirmed_at is None
    assert cell.history.first().history_user == world["lead32"]


def test_strategist_confirms_with_one_click(world, client_for):
    cell = world["cells"]["own"]
    response = client_for(world["strategist"]).post(
        reverse("compliance_confirm", args=[cell.unit_id, cell.standard_id])
    )
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.confirmed_by == world["strategist"]
    assert cell.history.first().history_change_reason == "Bestätigt durch FB 15"


def test_not_fulfilled_must_standard_needs_a_deviation_reason(world, client_for):
    cell = world["cells"]["own"]
    response = client_for(world["lead32"]).post(
        reverse("compliance_edit", args=[cell.unit_id, cell.standard_id]),
        {"state": "not_fulfilled", "version": cell.updated_at.isoformat()},
    )
    assert response.status_code == 422
    assert "Abweichungsbegründung erforderlich" in response.content.decode()
    cell.refresh_from_db()
    assert cell.state == "partial"


def test_lead_cannot_set_exemption_state_directly(world, client_for):
    cell = world["cells"]["own"]
    response = client_for(world["lead32"]).post(
        reverse("compliance_edit", args=[cell.unit_id, cell.standard_id]),
        {"state": "exempt", "version": cell.updated_at.isoformat()},
    )
    assert response.status_code == 422


def test_a_new_unit_gets_unchecked_cells_for_standards_in_force(world):
    unit = OrgUnitFactory(code="FB 99")
    assert Compliance.objects.get(unit=unit, standard=world["standard"]).state == "unchecked"


def test_missing_cell_is_created_on_first_assessment_only_for_permitted_users(world, client_for):
    Compliance.objects.filter(unit=world["unit32"]).delete()
    url = reverse("compliance_edit", args=[world["unit32"].pk, world["standard"].pk])
    assert client_for(world["lead50"]).get(url).status_code == 403
    assert client_for(world["lead50"]).post(url, {"state": "fulfilled"}).status_code == 403
    assert not Compliance.objects.filter(unit=world["unit32"]).exists()
    # GET shows the unsaved cell and writes nothing, however often it is opened.
    for _ in range(2):
        page = client_for(world["lead32"]).get(url)
        assert page.status_code == 200
        assert "SW-01" in page.content.decode()
    assert not Compliance.objects.filter(unit=world["unit32"]).exists()
    response = client_for(world["lead32"]).post(url, {"state": "fulfilled", "evidence": "Ja"})
    assert response.status_code == 302
    cell = Compliance.objects.get(unit=world["unit32"], standard=world["standard"])
    assert cell.state == "fulfilled"
    assert cell.history.first().history_user == world["lead32"]


def test_matrix_shows_rates_filters_and_exemption_end(world, client_for):
    exemption = world["exemptions"]["other"]
    services.decide_exemption(
        actor=world["strategist"], exemption=exemption, approve=True, reason=""
    )
    response = client_for(world["council"]).get(reverse("compliance_matrix"))
    content = response.content.decode()
    assert "Ausnahme bis" in content
    assert "2 Fachbereiche × 1 Standards" in content
    # FB 32 partial → 0 % erfüllt; FB 50 exempt → no rate
    assert "0 %" in content
    filtered = client_for(world["council"]).get(
        reverse("compliance_matrix"), {"kategorie": "security"}
    )
    assert "keine verbindlichen Standards" in filtered.content.decode()


def test_csv_export_is_excel_friendly(world, client_for):
    response = client_for(world["staff"]).get(reverse("compliance_csv"))
    body = response.getvalue().decode("utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith("\ufeffFachbereich;Dezernat;SW-01 Open-Source-first;Quote erfüllt (%)")
    assert "FB 32;IV;teilweise;0" in body
    assert "FB 50;IV;erfüllt;100" in body


def _matrix_world(units: int, standards: int):
    unit_objs = [OrgUnitFactory() for _ in range(units)]
    std_objs = [StandardFactory() for _ in range(standards)]
    services.ensure_compliance_rows(std_objs)
    for unit in unit_objs[:2]:
        ExemptionFactory(unit=unit, standard=std_objs[0], status="approved")


@pytest.mark.parametrize("units,standards", [(3, 4), (12, 15)])
def test_matrix_query_count_does_not_grow_with_units_and_standards(
    personas, client_for, django_assert_max_num_queries, units, standards
):
    _matrix_world(units, standards)
    for who in ("strategist", "lead32"):
        client = client_for(personas[who])
        # 11 since the measures merge: the navigation asks once whether the user leads a unit;
        # 12 with the city's settings in the header.
        with django_assert_max_num_queries(12):
            assert client.get(reverse("compliance_matrix")).status_code == 200
        with django_assert_max_num_queries(9):
            response = client.get(reverse("compliance_csv"))
            assert response.status_code == 200 and response.getvalue()  # streamed: read all


# --- exemptions ----------------------------------------------------------------------------


def test_exemption_in_the_past_is_refused_and_nothing_saved(personas, client_for):
    standard = StandardFactory()
    response = client_for(personas["lead32"]).post(
        reverse("exemption_add"),
        {
            "unit": personas["unit32"].pk,
            "standard": standard.pk,
            "justification": "Altverfahren",
            "ends_on": "2020-01-01",
        },
    )
    assert response.status_code == 422
    assert "darf nicht in der Vergangenheit liegen" in response.content.decode()
    assert not Exemption.objects.exists()


def test_exemption_request_approval_and_expiry_with_history_and_mails(
    personas, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    standard = StandardFactory(code="SEC-05", title="Zwei-Faktor-Anmeldung")
    ComplianceFactory(
        unit=personas["unit50"],
        standard=standard,
        state="not_fulfilled",
        deviation_reason="Altgeräte",
    )
    lead = client_for(personas["lead50"])
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(
            reverse("exemption_add"),
            {
                "unit": personas["unit50"].pk,
                "standard": standard.pk,
                "justification": "Token-Hardware wird erst im März geliefert.",
                "ends_on": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
            },
        )
    assert response.status_code == 302
    exemption = Exemption.objects.get()
    assert exemption.requested_by == personas["lead50"]
    assert [m.to for m in mailoutbox] == [["strategie@stadt.example"]]

    strategist = client_for(personas["strategist"])
    refused = strategist.post(
        reverse("exemption_decide", args=[exemption.pk]), {"decision": "reject", "reason": ""}
    )
    assert refused.status_code == 422
    assert "Bitte begründen Sie die Ablehnung." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        strategist.post(
            reverse("exemption_decide", args=[exemption.pk]),
            {"decision": "approve", "reason": "Lieferung ist bestellt."},
        )
    exemption.refresh_from_db()
    cell = Compliance.objects.get(unit=personas["unit50"], standard=standard)
    assert exemption.status == "approved"
    assert exemption.decided_by == personas["strategist"]
    assert cell.state == "exempt"
    assert mailoutbox[-1].to == ["leitung50@stadt.example"]
    assert "genehmigt" in mailoutbox[-1].subject

    # The day after its last day the beat job ends it.
    later = exemption.ends_on + datetime.timedelta(days=1)
    assert services.expire_exemptions(exemption.ends_on) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_exemptions(later) == 1
    exemption.refresh_from_db()
    cell.refresh_from_db()
    assert exemption.status == "expired"
    assert cell.state == "not_fulfilled"
    assert mailoutbox[-1].subject == "Ausnahme abgelaufen: FB 50 zu SEC-05"
    assert "nun auf „nicht erfüllt“" in mailoutbox[-1].body
    assert list(exemption.history.values_list("history_change_reason", flat=True)) == [
        "Ausnahme abgelaufen",
        "Ausnahme genehmigt",
        "Ausnahme beantragt",
    ]
    assert services.expire_exemptions(later) == 0  # idempotent


def test_expiry_task_calls_the_service_for_today(personas):
    standard = StandardFactory()
    ExemptionFactory(
        unit=personas["unit32"],
        standard=standard,
        status="approved",
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert expire_exemptions_task() == 1
    assert Exemption.objects.get().status == "expired"


def test_expiry_is_scheduled_daily_with_an_expiry_in_celery_beat(db):
    # Browser tests flush the tables, so run the data migration's function again (idempotent).
    from django.apps import apps

    migration = importlib.import_module("standards.migrations.0002_expiry_schedule")
    migration.schedule(apps, None)
    migration.schedule(apps, None)
    task = PeriodicTask.objects.get(task="standards.expire_exemptions")
    assert task.crontab.hour == "1" and task.crontab.minute == "15"
    assert task.expire_seconds == 6 * 60 * 60
    assert task.enabled


def test_lead_edits_own_open_request_but_not_a_decided_one(world, client_for):
    exemption = world["exemptions"]["own"]
    url = reverse("exemption_edit", args=[exemption.pk])
    assert client_for(world["lead32"]).get(url).status_code == 200
    services.decide_exemption(
        actor=world["strategist"], exemption=exemption, approve=False, reason="Nein"
    )
    assert client_for(world["lead32"]).get(url).status_code == 403


# --- radar ---------------------------------------------------------------------------------


def test_trend_moves_are_read_from_history_and_shown(personas, client_for):
    trend = TrendFactory(title="Low-Code", ring="assess")
    trend.ring = "trial"
    trend.save()
    moves = ring_moves([trend.pk])[trend.pk]
    assert [(m.old_label, m.new_label) for m in moves] == [("Bewerten", "Erproben")]
    stamp = timezone.localtime(moves[0].moved_at).strftime("%m/%Y")
    response = client_for(personas["staff"]).get(reverse("trend_detail", args=[trend.pk]))
    assert f"von Bewerten nach Erproben, {stamp}" in response.content.decode()
    radar = client_for(personas["staff"]).get(reverse("trend_radar")).content.decode()
    assert 'role="img"' in radar and '<title id="radar-title">' in radar
    assert f"von Bewerten nach Erproben, {stamp}" in radar


def test_new_and_moved_trends_are_mailed_to_the_leads_concerned(
    personas, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(personas["strategist"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("trend_add"),
            {
                "title": "Generative KI",
                "quadrant": "data_ai",
                "ring": "assess",
                "units": [personas["unit32"].pk],
            },
        )
    assert [m.to for m in mailoutbox] == [["leitung32@stadt.example"]]
    assert mailoutbox[0].subject == "Neuer Trend für FB 32: Generative KI"
    trend = Trend.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("trend_edit", args=[trend.pk]),
            {
                "title": "Generative KI",
                "quadrant": "data_ai",
                "ring": "trial",
                "units": [personas["unit32"].pk],
                "version": trend.updated_at.isoformat(),
            },
        )
    assert len(mailoutbox) == 2
    assert "von Bewerten nach Erproben" in mailoutbox[1].body


@pytest.mark.parametrize("count", [3, 20])
def test_radar_query_count_does_not_grow_with_trends(
    personas, client_for, django_assert_max_num_queries, count
):
    standard = StandardFactory()
    for index in range(count):
        trend = TrendFactory(
            ring=["adopt", "trial", "assess", "hold"][index % 4],
            quadrant=["platforms", "data_ai"][index % 2],
            units=[personas["unit32"], personas["unit50"]],
        )
        trend.standards.add(standard)
        trend.ring = "adopt"
        trend.save()
    client = client_for(personas["council"])
    # 9 since the measures merge: the navigation asks once whether the user leads a unit;
    # 10 with the city's settings in the header.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("trend_radar"))
    assert response.content.decode().count('class="fb15-radar__blip ') == count


# --- news for unit leads -------------------------------------------------------------------


def test_lead_sees_news_for_their_unit_on_the_start_page_until_visiting_them(world, client_for):
    client = client_for(world["lead32"])
    home = client.get(reverse("home")).content.decode()
    assert "Neu für Ihren Fachbereich" in home
    assert "E-Akte" in home and "SW-01 Open-Source-first" in home
    news = client.get(reverse("standards_news")).content.decode()
    assert "E-Akte" in news and "Als gelesen markieren" in news
    # Reading the page writes nothing: the news stay new until the lead marks them as read.
    assert not NewsSeen.objects.exists()
    assert "E-Akte" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("standards_news"), follow=True)
    assert "Die Neuigkeiten sind als gelesen markiert." in response.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "nichts Neues für Ihren Fachbereich" in home
    trend = world["trend"]
    trend.ring = "trial"
    trend.save()
    home = client.get(reverse("home")).content.decode()
    assert "von Bewerten nach Erproben" in home


def test_trends_of_other_units_are_not_news_and_non_leads_see_no_section(world, client_for):
    home = client_for(world["lead50"]).get(reverse("home")).content.decode()
    assert "E-Akte" not in home  # concerns FB 32 only
    home = client_for(world["council"]).get(reverse("home")).content.decode()
    assert "Neu für Ihren Fachbereich" not in home
