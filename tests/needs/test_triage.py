"""FB 15's triage: the lifecycle of a need into a measure, reasons, e-mails, history, rights."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fb15.models import Notification
from needs.models import Need, NeedState
from tests.factories import MeasureFactory, NeedFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(personas):
    unit = personas["unit32"]
    unit.email = "fb32@stadt.example"
    unit.save()
    return NeedFactory(owner=unit, title="Online-Terminvergabe", submitted_by=personas["lead32"])


def triage(client, need, **data):
    return client.post(reverse("need_triage", args=[need.pk]), data)


def test_need_becomes_a_measure_with_history_mails_and_links_both_ways(personas, client_for, need):
    measure = MeasureFactory(owner=personas["unit32"], title="Terminmanagement")
    client = client_for(personas["strategist"])
    for state in ("in_review", "prioritised"):
        assert triage(client, need, state=state).status_code == 302
    response = triage(client, need, state="adopted", measure=measure.pk, reason="Passt zu M-1.")
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.state == NeedState.ADOPTED and need.measure == measure
    reasons = list(need.history.order_by("history_date").values_list("history_change_reason"))
    assert reasons[1:] == [
        ("Stand: eingereicht → in Prüfung",),
        ("Stand: in Prüfung → priorisiert",),
        ("Stand: priorisiert → übernommen",),
    ]
    assert [h.history_user for h in need.history.all()[:3]] == [personas["strategist"]] * 3
    mails = Notification.objects.order_by("pk")
    assert mails.count() == 3
    last = mails.last()
    assert last.subject == "Bedarfsmeldung übernommen: Online-Terminvergabe"
    assert "fb32@stadt.example" in last.recipient_list
    assert personas["lead32"].email in last.recipient_list
    assert "Übernommen als Maßnahme" in last.body and "Passt zu M-1." in last.body
    lead = client_for(personas["lead32"])
    assert measure.code in lead.get(need.get_absolute_url()).content.decode()
    measure_page = lead.get(measure.get_absolute_url()).content.decode()
    assert "Hervorgegangen aus Bedarfsmeldungen" in measure_page
    assert need.get_absolute_url() in measure_page


def test_need_adopted_as_project_is_shown_on_the_project_page(personas, client_for, need):
    project = ProjectFactory(owner=personas["unit32"], lead=personas["lead32"])
    client = client_for(personas["strategist"])
    triage(client, need, state="in_review")
    assert triage(client, need, state="adopted", project=project.pk).status_code == 302
    page = client.get(project.get_absolute_url()).content.decode()
    assert need.get_absolute_url() in page


def test_rejection_needs_a_reason_the_unit_then_reads(personas, client_for, need):
    client = client_for(personas["strategist"])
    response = triage(client, need, state="rejected", reason="  ")
    assert response.status_code == 422
    assert "Bitte begründen Sie die Entscheidung für den Fachbereich." in response.content.decode()
    need.refresh_from_db()
    assert need.state == NeedState.SUBMITTED and need.history.count() == 1
    assert not Notification.objects.exists()
    triage(client, need, state="rejected", reason="Wird landesweit über das OZG umgesetzt.")
    page = client_for(personas["lead32"]).get(need.get_absolute_url()).content.decode()
    assert "abgelehnt" in page and "Wird landesweit über das OZG umgesetzt." in page


def test_impossible_step_and_adoption_without_target_are_refused(personas, client_for, need):
    client = client_for(personas["strategist"])
    response = triage(client, need, state="adopted")
    assert response.status_code == 422
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
    triage(client, need, state="in_review")
    response = triage(client, need, state="adopted")
    assert response.status_code == 422
    assert "Bitte wählen Sie die Maßnahme oder das Projekt" in response.content.decode()
    need.refresh_from_db()
    assert need.state == NeedState.IN_REVIEW


def test_lead_may_not_change_the_state(personas, client_for, need):
    client = client_for(personas["lead32"])
    page = client.get(need.get_absolute_url()).content.decode()
    assert "Entscheiden (FB 15)" not in page
    response = triage(client, need, state="in_review")
    assert response.status_code == 403
    need.refresh_from_db()
    assert need.state == NeedState.SUBMITTED and need.history.count() == 1
    assert not Notification.objects.exists()
    # Nor through the edit form: the state is not one of its fields.
    data = {
        "owner": need.owner_id,
        "title": need.title,
        "problem": need.problem,
        "benefit": need.benefit,
        "urgency": "high",
        "effort": "small",
        "state": "adopted",
        "version": need.updated_at.isoformat(),
    }
    assert client.post(reverse("need_edit", args=[need.pk]), data).status_code == 302
    assert Need.objects.get(pk=need.pk).state == NeedState.SUBMITTED
