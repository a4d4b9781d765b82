"""Standards: who may decide, confirm and request; forbidden writes change nothing."""

import pytest
from django.urls import reverse

from standards.models import Compliance, Exemption, Standard, Trend

pytestmark = pytest.mark.django_db

# The status of every page per role is in tests/permissions/test_harness.py.


def test_stranger_without_role_gets_404_for_rows_and_403_for_pages(world, client_for):
    from tests.factories import UserFactory

    client = client_for(UserFactory())
    assert (
        client.get(reverse("exemption_detail", args=[world["exemptions"]["own"].pk])).status_code
        == 404
    )
    assert client.get(reverse("standard_detail", args=[world["standard"].pk])).status_code == 404
    assert client.get(reverse("compliance_matrix")).status_code == 403
    assert client.get(reverse("trend_radar")).status_code == 403


@pytest.mark.parametrize("who", ["lead32", "lead50", "council", "staff"])
def test_only_the_strategy_team_decides_exemptions(world, client_for, who):
    exemption = world["exemptions"]["own"]
    response = client_for(world[who]).post(
        reverse("exemption_decide", args=[exemption.pk]), {"decision": "approve", "reason": ""}
    )
    assert response.status_code == 403
    exemption.refresh_from_db()
    assert exemption.status == "requested"


@pytest.mark.parametrize("who", ["lead32", "council", "staff"])
def test_forbidden_writes_change_nothing(world, client_for, who):
    client = client_for(world[who])
    standard, trend = world["standard"], world["trend"]
    before = (Standard.history.count(), Trend.history.count(), Compliance.history.count())
    client.post(reverse("standard_edit", args=[standard.pk]), {"code": "X", "title": "Gekapert"})
    client.post(reverse("standard_delete", args=[standard.pk]))
    client.post(reverse("trend_edit", args=[trend.pk]), {"title": "Gekapert"})
    client.post(
        reverse("compliance_edit", args=[world["unit50"].pk, standard.pk]), {"state": "fulfilled"}
    )
    client.post(
        reverse("compliance_confirm", args=[world["unit32"].pk, standard.pk]), {"next": "/"}
    )
    assert (Standard.history.count(), Trend.history.count(), Compliance.history.count()) == before


def test_lead_cannot_request_an_exemption_for_another_unit(world, client_for):
    standard = world["standard"]
    world["exemptions"]["other"].delete()
    response = client_for(world["lead32"]).post(
        reverse("exemption_add"),
        {
            "unit": world["unit50"].pk,
            "standard": standard.pk,
            "justification": "Versuch",
            "ends_on": "2099-01-01",
        },
    )
    assert response.status_code == 422  # FB 50 is not even a choice
    assert not Exemption.objects.filter(unit=world["unit50"]).exists()


def test_lead_cannot_confirm_their_own_assessment(world, client_for):
    response = client_for(world["lead32"]).post(
        reverse("compliance_confirm", args=[world["unit32"].pk, world["standard"].pk])
    )
    assert response.status_code == 403
