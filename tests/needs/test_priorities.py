"""Priority rounds: FB 15 proposes, the owning unit agrees or objects, FB 15 closes; the
history per item and round; the report section's data."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from needs.models import PriorityProposal, PriorityRound, Statement
from needs.reports import priority_list
from needs.services import default_round_values
from tests.factories import MeasureFactory, NeedFactory

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    """A client of its own (client_for shares one client between personas)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def round_world(personas):
    need = NeedFactory(owner=personas["unit32"], title="Online-Terminvergabe")
    measure = MeasureFactory(owner=personas["unit50"], title="Digitale Antragsstrecke")
    secret = NeedFactory(
        owner=personas["unit32"], title="Vertraulicher Bedarf", is_confidential=True
    )
    return {**personas, "need": need, "measure": measure, "secret": secret}


def test_quarterly_round_is_the_default(personas, client_for):
    values = default_round_values(datetime.date(2026, 8, 14))
    assert values == {
        "label": "2026-Q3",
        "starts_on": datetime.date(2026, 7, 1),
        "ends_on": datetime.date(2026, 9, 30),
    }
    page = client_for(personas["strategist"]).get(reverse("priorityround_add")).content.decode()
    assert "-Q" in page


def test_round_proposal_agreement_objection_closing_history_and_report(round_world):
    w = round_world
    strategist = client_as(w["strategist"])
    response = strategist.post(
        reverse("priorityround_add"),
        {"label": "2026-Q3", "starts_on": "2026-07-01", "ends_on": "2026-09-30"},
    )
    assert response.status_code == 302
    round = PriorityRound.objects.get()
    propose = reverse("priority_propose", args=[round.pk])
    for data in (
        {"proposal-need": w["need"].pk, "proposal-priority": 1, "proposal-note": "Frist"},
        {"proposal-measure": w["measure"].pk, "proposal-priority": 2},
        {"proposal-need": w["secret"].pk, "proposal-priority": 3},
    ):
        assert strategist.post(propose, data).status_code == 302
    need_proposal = PriorityProposal.objects.get(need=w["need"])
    measure_proposal = PriorityProposal.objects.get(measure=w["measure"])
    assert need_proposal.unit == w["unit32"] and measure_proposal.unit == w["unit50"]

    # FB 32 sees its proposals only, and agrees; FB 50 objects, with a comment.
    lead32 = client_as(w["lead32"])
    page = lead32.get(round.get_absolute_url()).content.decode()
    assert "Online-Terminvergabe" in page and "Digitale Antragsstrecke" not in page
    respond = reverse("priority_respond", args=[need_proposal.pk])
    assert lead32.post(respond, {"statement": "agreed"}).status_code == 302
    lead50 = client_as(w["lead50"])
    objection = reverse("priority_respond", args=[measure_proposal.pk])
    response = lead50.post(objection, {"statement": "objected", "comment": " "})
    assert response.status_code == 422
    assert "Bitte begründen Sie Ihren Einwand." in response.content.decode()
    response = lead50.post(
        objection, {"statement": "objected", "comment": "Erst nach der Personalaufstockung."}
    )
    assert response.status_code == 302
    # Neither FB 15 nor another unit answers for a unit.
    assert strategist.post(respond, {"statement": "objected", "comment": "x"}).status_code == 403
    assert lead50.post(respond, {"statement": "objected", "comment": "x"}).status_code == 404
    need_proposal.refresh_from_db()
    assert need_proposal.statement == Statement.AGREED

    # FB 15 changes the measure's priority: FB 50 is asked again.
    assert (
        strategist.post(
            propose, {"proposal-measure": w["measure"].pk, "proposal-priority": 1}
        ).status_code
        == 302
    )
    measure_proposal.refresh_from_db()
    assert measure_proposal.statement == Statement.PENDING
    assert [h.history_change_reason for h in measure_proposal.history.order_by("history_date")] == [
        "Priorität 2 vorgeschlagen",
        "Stellungnahme: Einwand",
        "Priorität 1 geändert",
    ]
    lead50.post(objection, {"statement": "agreed", "comment": ""})

    # Closing: the round is final; nobody answers any more.
    assert lead32.post(reverse("priorityround_close", args=[round.pk])).status_code == 403
    assert strategist.post(reverse("priorityround_close", args=[round.pk])).status_code == 302
    round.refresh_from_db()
    assert round.closed_at is not None and round.closed_by == w["strategist"]
    response = lead32.post(respond, {"statement": "objected", "comment": "zu spät"})
    assert response.status_code == 422
    assert "Die Runde ist abgeschlossen." in response.content.decode()
    assert (
        strategist.post(
            propose, {"proposal-need": w["need"].pk, "proposal-priority": 2}
        ).status_code
        == 422
    )

    # The item's page shows its priority per round.
    need_page = lead32.get(w["need"].get_absolute_url()).content.decode()
    assert "Prioritäten je Runde" in need_page and "2026-Q3" in need_page
    assert "einverstanden" in need_page

    # Report section: the council sees measures and public needs, not the confidential one.
    report = priority_list(w["council"])
    assert report.title == "Prioritätenliste, Stand 2026-Q3"
    assert [(line.title, line.priority, line.statement) for line in report.lines] == [
        ("Online-Terminvergabe", 1, "einverstanden"),
        (str(w["measure"]), 1, "einverstanden"),
    ]
    assert len(priority_list(w["strategist"]).lines) == 3


def test_proposal_needs_exactly_one_item(round_world, client_for):
    round = PriorityRound.objects.create(**default_round_values())
    response = client_for(round_world["strategist"]).post(
        reverse("priority_propose", args=[round.pk]),
        {
            "proposal-need": round_world["need"].pk,
            "proposal-measure": round_world["measure"].pk,
            "proposal-priority": 1,
        },
    )
    assert response.status_code == 422
    assert "genau eine Bedarfsmeldung oder eine Maßnahme" in response.content.decode()
    assert not PriorityProposal.objects.exists()


@pytest.mark.parametrize("count", [2, 12])
def test_round_page_and_report_query_counts_do_not_grow(
    personas, client_for, django_assert_max_num_queries, count
):
    round = PriorityRound.objects.create(**default_round_values())
    for index in range(count):
        unit = personas["unit32" if index % 2 else "unit50"]
        need = NeedFactory(owner=unit)
        PriorityProposal.objects.create(round=round, need=need, unit=unit, priority=1 + index % 3)
        measure = MeasureFactory(owner=unit)
        PriorityProposal.objects.create(round=round, measure=measure, unit=unit, priority=2)
    for who in ("strategist", "lead32"):
        client = client_for(personas[who])
        with django_assert_max_num_queries(22):
            assert client.get(round.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(4):
        assert len(priority_list(personas["strategist"], round).lines) == 2 * count
