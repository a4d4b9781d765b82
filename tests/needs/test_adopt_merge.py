"""FB 15 adopts a need as a new measure or project, and merges two needs into one."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from fb15.models import Notification
from measures.models import Measure, Project
from needs.models import (
    Need,
    NeedAttachment,
    NeedScore,
    NeedState,
    PriorityProposal,
    PriorityRound,
    ScoringCriterion,
    Statement,
)
from needs.services import default_round_values, merge_needs
from tests.factories import GoalFactory, NeedFactory, TrendFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def need(personas):
    unit = personas["unit32"]
    unit.email = "fb32@stadt.example"
    unit.save()
    return NeedFactory(
        owner=unit,
        title="Online-Terminvergabe",
        problem="Termine werden telefonisch vergeben.",
        benefit="Weniger Anrufe im Bürgerbüro.",
        submitted_by=personas["lead32"],
        state=NeedState.IN_REVIEW,
    )


def measure_data(the_goal, unit, **changes) -> dict:
    data = {
        "code": "M-NEU-1",
        "title": "Online-Terminvergabe einführen",
        "goal": the_goal.pk,
        "description": "Aus dem Bedarf.",
        "owner": unit.pk,
        "priority": "high",
        "adopt-reason": "Passt in das Handlungsfeld Bürgerservice.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_adopt_form_is_filled_from_the_need(personas, client_for, need):
    trend = TrendFactory(title="Terminbuchung")
    need.trends.add(trend)
    page = client_for(personas["strategist"]).get(reverse("need_adopt_measure", args=[need.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["title"].value() == "Online-Terminvergabe"
    assert form["owner"].value() == personas["unit32"].pk
    description = form["description"].value()
    assert "Termine werden telefonisch vergeben." in description
    assert "Erwarteter Nutzen:\nWeniger Anrufe im Bürgerbüro." in description
    assert form["trends"].value() == [trend.pk]
    # The new item's history names the need; no separate reason is asked for.
    assert "change_reason" not in form.fields


def test_need_becomes_a_new_measure_with_history_mail_and_links_both_ways(
    personas, client_for, need
):
    goal = GoalFactory()
    client = client_for(personas["strategist"])
    response = client.post(
        reverse("need_adopt_measure", args=[need.pk]), measure_data(goal, personas["unit32"])
    )
    measure = Measure.objects.get(code="M-NEU-1")
    assert response.status_code == 302 and response["Location"] == measure.get_absolute_url()
    need.refresh_from_db()
    assert need.state == NeedState.ADOPTED and need.measure == measure
    assert need.state_reason == "Passt in das Handlungsfeld Bürgerservice."
    assert measure.owner == personas["unit32"] and measure.goal == goal
    assert need.history.first().history_change_reason == "Stand: in Prüfung → übernommen"
    assert need.history.first().history_user == personas["strategist"]
    created = measure.history.get()
    assert created.history_type == "+" and created.history_user == personas["strategist"]
    assert created.history_change_reason == "Aus Bedarfsmeldung „Online-Terminvergabe“ (FB 32)"
    mail = Notification.objects.get()
    assert mail.subject == "Bedarfsmeldung übernommen: Online-Terminvergabe"
    assert "fb32@stadt.example" in mail.recipient_list
    assert "Übernommen als Maßnahme „" in mail.body
    lead = client_for(personas["lead32"])
    assert measure.get_absolute_url() in lead.get(need.get_absolute_url()).content.decode()
    measure_page = lead.get(measure.get_absolute_url()).content.decode()
    assert "Hervorgegangen aus Bedarfsmeldungen" in measure_page
    assert need.get_absolute_url() in measure_page
    # Another unit's lead reads the measure but not the need: no link to it.
    other = client_for(personas["lead50"]).get(measure.get_absolute_url())
    assert other.status_code == 200
    assert need.get_absolute_url() not in other.content.decode()


def test_need_becomes_a_new_project_with_its_lead(personas, client_for, need):
    client = client_for(personas["strategist"])
    response = client.post(
        reverse("need_adopt_project", args=[need.pk]),
        {
            "code": "P-NEU-1",
            "title": "Terminbuchung",
            "owner": personas["unit32"].pk,
            "lead": personas["lead32"].pk,
            "phase": "initiation",
        },
    )
    project = Project.objects.get(code="P-NEU-1")
    assert response.status_code == 302, response.content.decode()[:3000]
    need.refresh_from_db()
    assert need.state == NeedState.ADOPTED and need.project == project
    assert need.get_absolute_url() in client.get(project.get_absolute_url()).content.decode()


def test_bad_input_or_a_state_that_cannot_be_adopted_writes_nothing(personas, client_for, need):
    goal = GoalFactory()
    client = client_for(personas["strategist"])
    url = reverse("need_adopt_measure", args=[need.pk])
    response = client.post(url, measure_data(goal, personas["unit32"], goal=None, code=""))
    assert response.status_code == 422
    assert response.context["form"].errors.keys() >= {"goal", "code"}
    need.state = NeedState.SUBMITTED
    need.save()
    response = client.post(url, measure_data(goal, personas["unit32"]))
    assert response.status_code == 422
    assert "Aus dem Stand „eingereicht“ kann der Bedarf nicht übernommen werden." in (
        response.content.decode()
    )
    need.refresh_from_db()
    assert need.state == NeedState.SUBMITTED and need.measure is None
    assert not Measure.objects.exists() and not Notification.objects.exists()


def test_unit_lead_may_not_adopt_its_own_need(personas, client_for, need):
    goal = GoalFactory()
    client = client_for(personas["lead32"])
    for name in ("need_adopt_measure", "need_adopt_project", "need_merge"):
        assert client.get(reverse(name, args=[need.pk])).status_code == 403
    response = client.post(
        reverse("need_adopt_measure", args=[need.pk]), measure_data(goal, personas["unit32"])
    )
    assert response.status_code == 403
    assert not Measure.objects.exists()
    need.refresh_from_db()
    assert need.state == NeedState.IN_REVIEW


def test_merge_keeps_both_histories_moves_attachments_and_tells_the_unit(personas, client_for):
    strategist = personas["strategist"]
    unit50 = personas["unit50"]
    unit50.email = "fb50@stadt.example"
    unit50.save()
    target = NeedFactory(owner=personas["unit32"], title="E-Akte im Bürgerbüro")
    source = NeedFactory(
        owner=unit50, title="Elektronische Akte Bauamt", submitted_by=personas["lead50"]
    )
    trend = TrendFactory(title="E-Akte")
    source.trends.add(trend)
    attachment = NeedAttachment(need=source, name="konzept.pdf", size=9)
    attachment.file.save("konzept.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    criterion = ScoringCriterion.objects.create(name="Nutzen", weight=2)
    NeedScore.objects.create(need=target, criterion=criterion, score=3)
    client = client_for(strategist)
    page = client.get(reverse("need_merge", args=[target.pk]))
    assert page.status_code == 200 and "Elektronische Akte Bauamt (FB 50" in page.content.decode()
    response = client.post(
        reverse("need_merge", args=[target.pk]),
        {"source": source.pk, "reason": "Gleiche E-Akte, ein Vorhaben."},
    )
    assert response.status_code == 302 and response["Location"] == target.get_absolute_url()
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.state == NeedState.MERGED and source.merged_into == target
    assert target.state == NeedState.SUBMITTED
    assert list(target.attachments.all()) == [attachment]
    assert list(target.trends.all()) == [trend]
    assert target.scores.get().score == 3
    assert target.history.first().history_change_reason == (
        "Bedarfsmeldung „Elektronische Akte Bauamt“ (FB 50) übernommen"
    )
    assert source.history.first().history_change_reason.startswith(
        "Stand: eingereicht → zusammengeführt mit „E-Akte im Bürgerbüro“"
    )
    mail = Notification.objects.get()
    assert "fb50@stadt.example" in mail.recipient_list
    assert personas["lead50"].email in mail.recipient_list
    assert "Gleiche E-Akte, ein Vorhaben." in mail.body
    # Both history pages still work for FB 15 and show the merge.
    target_history = client.get(reverse("need_history", args=[target.pk])).content.decode()
    assert "Bedarfsmeldung „Elektronische Akte Bauamt“ (FB 50) übernommen" in target_history
    source_history = client.get(reverse("need_history", args=[source.pk]))
    assert source_history.status_code == 200
    assert "zusammengeführt mit „E-Akte im Bürgerbüro“" in source_history.content.decode()
    # B's unit reads its need: merged into A, by title (A is public), not linked (not its unit).
    lead50 = client_for(personas["lead50"])
    page = lead50.get(source.get_absolute_url()).content.decode()
    assert "zusammengeführt in" in page and "E-Akte im Bürgerbüro" in page
    assert target.get_absolute_url() not in page
    # FB 15 sees the link both ways.
    client = client_for(strategist)
    assert target.get_absolute_url() in client.get(source.get_absolute_url()).content.decode()
    assert source.get_absolute_url() in client.get(target.get_absolute_url()).content.decode()
    # A merged need is final: no triage, no second merge.
    assert Need.objects.get(pk=source.pk).next_states == []
    again = client.post(reverse("need_merge", args=[target.pk]), {"source": source.pk})
    assert again.status_code == 422
    assert "Diese Bedarfsmeldung kann nicht hierhin zusammengeführt werden." in (
        again.content.decode()
    )


def test_merge_refuses_itself_and_a_merged_target_writing_nothing(personas, client_for):
    client = client_for(personas["strategist"])
    target = NeedFactory(owner=personas["unit32"])
    response = client.post(reverse("need_merge", args=[target.pk]), {"source": target.pk})
    assert response.status_code == 422
    response = client.post(reverse("need_merge", args=[target.pk]), {})
    assert "Bitte wählen Sie die Bedarfsmeldung, die zusammengeführt wird." in (
        response.content.decode()
    )
    other = NeedFactory(owner=personas["unit50"])
    merged = NeedFactory(owner=personas["unit50"], state=NeedState.MERGED, merged_into=other)
    response = client.post(reverse("need_merge", args=[merged.pk]), {"source": target.pk})
    assert response.status_code == 422
    assert "Diese Meldung ist selbst zusammengeführt" in response.content.decode()
    target.refresh_from_db()
    assert target.state == NeedState.SUBMITTED and target.history.count() == 1
    assert not Notification.objects.exists()


def test_merge_moves_open_round_proposals_to_the_target_and_leaves_closed_rounds(personas):
    from django.utils import timezone

    strategist = personas["strategist"]
    target = NeedFactory(owner=personas["unit32"], title="E-Akte im Bürgerbüro")
    source = NeedFactory(owner=personas["unit50"], title="Elektronische Akte Bauamt")
    closed = PriorityRound.objects.create(
        label="2026-Q2", starts_on="2026-04-01", ends_on="2026-06-30", closed_at=timezone.now()
    )
    open_round = PriorityRound.objects.create(**default_round_values())
    both = PriorityRound.objects.create(
        label="Sonderrunde", starts_on="2026-12-01", ends_on="2026-12-31"
    )
    unit50 = personas["unit50"]
    old = PriorityProposal.objects.create(
        round=closed, need=source, unit=unit50, priority=2, statement=Statement.AGREED
    )
    moved = PriorityProposal.objects.create(
        round=open_round, need=source, unit=unit50, priority=1, statement=Statement.AGREED
    )
    withdrawn = PriorityProposal.objects.create(round=both, need=source, unit=unit50, priority=3)
    kept = PriorityProposal.objects.create(
        round=both, need=target, unit=personas["unit32"], priority=1
    )

    merge_needs(actor=strategist, target=target, source=source)

    old.refresh_from_db()
    assert (old.need, old.unit, old.statement) == (source, unit50, Statement.AGREED)
    moved.refresh_from_db()
    # Now FB 32's need: FB 32 answers anew.
    assert (moved.need, moved.unit, moved.statement) == (
        target,
        personas["unit32"],
        Statement.PENDING,
    )
    assert moved.history.first().history_change_reason == (
        "Bedarfsmeldung „Elektronische Akte Bauamt“ (FB 50) übernommen"
    )
    assert not PriorityProposal.objects.filter(pk=withdrawn.pk).exists()
    gone = PriorityProposal.history.filter(id=withdrawn.pk).first()
    assert gone.history_type == "-" and gone.history_change_reason.startswith("zurückgezogen")
    assert list(both.proposals.all()) == [kept]


@pytest.mark.parametrize("count", [2, 12])
def test_need_page_with_merged_needs_keeps_its_query_count(
    personas, client_for, django_assert_max_num_queries, count
):
    """The need page names the needs merged into it in a fixed number of queries."""
    target = NeedFactory(owner=personas["unit32"])
    for index in range(count):
        NeedFactory(
            owner=personas["unit50" if index % 2 else "unit32"],
            state=NeedState.MERGED,
            merged_into=target,
            is_confidential=index % 3 == 0,
        )
    for who in ("strategist", "lead32"):
        client = client_for(personas[who])
        with django_assert_max_num_queries(30):
            page = client.get(target.get_absolute_url())
        assert page.status_code == 200
        assert page.content.decode().count("zusammengeführt aus") == 1
