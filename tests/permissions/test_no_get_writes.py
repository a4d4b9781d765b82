"""GET never writes: opening a page twice leaves every table as it was."""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from measures.models import ReportingPeriod
from standards.models import Compliance
from tests.factories import ComplianceFactory, GoalFactory, MeasureFactory, StandardFactory

pytestmark = pytest.mark.django_db


def logged_in(*users) -> list[Client]:
    """Clients logged in before the snapshot (logging in writes the session)."""
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_lagebild_and_report_form_do_not_create_reporting_periods(personas):
    MeasureFactory(owner=personas["unit32"], goal=GoalFactory())
    ReportingPeriod.objects.all().delete()
    clients = logged_in(personas["strategist"], personas["council"])
    before = row_counts()
    for who, client in zip(("strategist", "council"), clients, strict=True):
        for _ in range(2):
            for url in (reverse("report_dashboard"), reverse("home"), reverse("report_add")):
                response = client.get(url)
                assert response.status_code in (200, 403), (url, who)
    assert not ReportingPeriod.objects.exists()
    assert row_counts() == before


def test_compliance_edit_page_shows_a_missing_cell_without_creating_it(personas, client_for):
    standard = StandardFactory(code="SW-01")
    ComplianceFactory(unit=personas["unit50"], standard=standard)
    Compliance.objects.filter(unit=personas["unit32"]).delete()
    url = reverse("compliance_edit", args=[personas["unit32"].pk, standard.pk])
    clients = logged_in(personas["lead32"], personas["strategist"])
    before = row_counts()
    for client in clients:
        for _ in range(2):
            assert client.get(url).status_code == 200
    assert row_counts() == before
    response = client_for(personas["lead32"]).post(url, {"state": "partial", "evidence": "Teils"})
    assert response.status_code == 302
    assert Compliance.objects.filter(unit=personas["unit32"], standard=standard).count() == 1
