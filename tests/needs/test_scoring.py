"""The scoring model: criteria with weights, scores 0–3, the ranked list, fixed ranks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from needs.models import Need, NeedScore, NeedState, ScoringCriterion
from tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(db):
    return {
        "legal": ScoringCriterion.objects.create(name="Rechtliche Pflicht", weight=3, position=1),
        "citizens": ScoringCriterion.objects.create(name="Bürger*innen", weight=2, position=2),
        "savings": ScoringCriterion.objects.create(name="Einsparungen", weight=1, position=3),
    }


def score(client, need, criteria, legal, citizens, savings):
    data = {
        f"score-criterion_{criteria['legal'].pk}": legal,
        f"score-criterion_{criteria['citizens'].pk}": citizens,
        f"score-criterion_{criteria['savings'].pk}": savings,
    }
    return client.post(reverse("need_score", args=[need.pk]), data)


def test_scores_give_a_ranked_list_and_a_fixed_rank_with_reason(personas, client_for, criteria):
    unit = personas["unit32"]
    a = NeedFactory(owner=unit, title="A Terminvergabe")
    b = NeedFactory(owner=personas["unit50"], title="B E-Akte")
    c = NeedFactory(owner=unit, title="C WLAN")
    NeedFactory(owner=unit, title="D abgelehnt", state=NeedState.REJECTED)
    client = client_for(personas["strategist"])
    assert score(client, a, criteria, 1, 1, 1).status_code == 302  # 3 + 2 + 1 = 6
    assert score(client, b, criteria, 3, 3, 0).status_code == 302  # 9 + 6 = 15
    assert score(client, c, criteria, 0, 2, 3).status_code == 302  # 4 + 3 = 7
    ranked = Need.objects.open().ranked()
    assert [(n.title, n.score, n.rank) for n in ranked] == [
        ("B E-Akte", 15, 1),
        ("C WLAN", 7, 2),
        ("A Terminvergabe", 6, 3),
    ]
    assert b.history.first().history_change_reason == "Bewertung: 15 Punkte"
    response = client.post(
        reverse("need_rank", args=[a.pk]),
        {"rank-rank": 1, "rank-reason": "Frist des Landes läuft Ende des Jahres ab."},
    )
    assert response.status_code == 302
    page = client.get(reverse("need_triage_list")).content.decode()
    assert page.index("A Terminvergabe") < page.index("B E-Akte") < page.index("C WLAN")
    assert "Frist des Landes läuft Ende des Jahres ab." in page
    assert "D abgelehnt" not in page
    a.refresh_from_db()
    assert a.history.first().history_change_reason == "Rang festgelegt: 1"


def test_changing_a_weight_reorders_the_list(personas, client_for, criteria):
    a = NeedFactory(owner=personas["unit32"], title="A")
    b = NeedFactory(owner=personas["unit32"], title="B")
    client = client_for(personas["strategist"])
    score(client, a, criteria, 3, 0, 0)  # 9
    score(client, b, criteria, 0, 3, 3)  # 6 + 3 = 9 … older first: A
    legal = criteria["legal"]
    data = {
        "name": legal.name,
        "weight": 1,
        "position": 1,
        "is_active": "on",
        "version": legal.updated_at.isoformat(),
    }
    response = client.post(reverse("scoringcriterion_edit", args=[legal.pk]), data)
    assert response.status_code == 302
    assert [n.title for n in Need.objects.open().ranked()] == ["B", "A"]
    assert legal.history.count() == 2


def test_fixed_rank_needs_a_reason(personas, client_for, criteria):
    need = NeedFactory(owner=personas["unit32"])
    response = client_for(personas["strategist"]).post(
        reverse("need_rank", args=[need.pk]), {"rank-rank": 2, "rank-reason": ""}
    )
    assert response.status_code == 422
    assert "Bitte begründen Sie, warum der Rang festgelegt wird." in response.content.decode()
    need.refresh_from_db()
    assert need.rank_override is None and need.history.count() == 1


def test_bad_weight_and_score_are_refused(personas, client_for, criteria):
    client = client_for(personas["strategist"])
    response = client.post(
        reverse("scoringcriterion_add"), {"name": "Strategie", "weight": 11, "position": 4}
    )
    assert response.status_code == 422
    assert "Das Gewicht liegt zwischen 1 und 10." in response.content.decode()
    need = NeedFactory(owner=personas["unit32"])
    assert score(client, need, criteria, 4, 0, 0).status_code == 422
    assert not NeedScore.objects.exists()


def test_lead_may_not_score_or_fix_the_rank(personas, client_for, criteria):
    need = NeedFactory(owner=personas["unit32"])
    client = client_for(personas["lead32"])
    page = client.get(need.get_absolute_url()).content.decode()
    assert "Bewerten (FB 15)" not in page
    assert score(client, need, criteria, 3, 3, 3).status_code == 403
    response = client.post(
        reverse("need_rank", args=[need.pk]), {"rank-rank": 1, "rank-reason": "Wichtig!"}
    )
    assert response.status_code == 403
    need.refresh_from_db()
    assert not NeedScore.objects.exists() and need.rank_override is None
    assert need.history.count() == 1
    assert client.get(reverse("need_triage_list")).status_code == 403


@pytest.mark.parametrize("count", [4, 30])
def test_triage_list_query_count_does_not_grow(
    personas, client_for, criteria, django_assert_max_num_queries, count
):
    for index in range(count):
        need = NeedFactory(owner=personas["unit32" if index % 2 else "unit50"])
        for criterion in criteria.values():
            NeedScore.objects.create(need=need, criterion=criterion, score=index % 4)
    client = client_for(personas["strategist"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("need_triage_list")).status_code == 200
