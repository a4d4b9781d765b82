"""'Ihre Aufgaben' on the start page: new needs to triage and open rounds for FB 15,
proposals waiting for the unit's statement for its lead."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from needs.models import PriorityProposal, PriorityRound, Statement
from needs.services import default_round_values
from tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


def home_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_start_page_tasks_of_fb15_and_the_unit(personas):
    NeedFactory(owner=personas["unit32"])
    NeedFactory(owner=personas["unit50"])
    NeedFactory(owner=personas["unit50"], state="in_review")
    round = PriorityRound.objects.create(**default_round_values())
    need = NeedFactory(owner=personas["unit32"], state="in_review")
    PriorityProposal.objects.create(round=round, need=need, unit=personas["unit32"], priority=1)
    page = home_of(personas["strategist"])
    assert "3 neue Bedarfsmeldungen zu prüfen" not in page
    assert "2 neue Bedarfsmeldungen zu prüfen" in page
    assert f"Prioritätenrunde {round.label} ist offen" in page
    page = home_of(personas["lead32"])
    assert "1 Prioritätsvorschlag des FB 15 wartet auf Ihre Stellungnahme" in page
    assert "Bedarfsmeldungen zu prüfen" not in page
    assert "Prioritätsvorschlag" not in home_of(personas["lead50"])
    PriorityProposal.objects.update(statement=Statement.AGREED)
    assert "Prioritätsvorschlag" not in home_of(personas["lead32"])
