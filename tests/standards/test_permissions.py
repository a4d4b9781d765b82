"""Every URL of the standards app × every role × own / other unit."""

import pytest
from django.urls import reverse

from standards.models import Compliance, Exemption, Standard, Trend

pytestmark = pytest.mark.django_db

WHO = [None, "strategist", "lead32", "council", "staff"]


def urls(world, scope):
    """(name, url) pairs; `scope` picks the own (FB 32) or the other (FB 50) unit's rows."""
    standard, trend = world["standard"], world["trend"]
    cell = world["cells"][scope]
    exemption = world["exemptions"][scope]
    return {
        "standard_list": reverse("standard_list"),
        "standard_detail": reverse("standard_detail", args=[standard.pk]),
        "standard_history": reverse("standard_history", args=[standard.pk]),
        "standard_compare": reverse("standard_compare", args=[standard.pk]),
        "standard_add": reverse("standard_add"),
        "standard_edit": reverse("standard_edit", args=[standard.pk]),
        "standard_delete": reverse("standard_delete", args=[standard.pk]),
        "compliance_matrix": reverse("compliance_matrix"),
        "compliance_csv": reverse("compliance_csv"),
        "compliance_edit": reverse("compliance_edit", args=[cell.unit_id, standard.pk]),
        "compliance_history": reverse("compliance_history", args=[cell.pk]),
        "exemption_list": reverse("exemption_list"),
        "exemption_add": reverse("exemption_add"),
        "exemption_detail": reverse("exemption_detail", args=[exemption.pk]),
        "exemption_edit": reverse("exemption_edit", args=[exemption.pk]),
        "exemption_history": reverse("exemption_history", args=[exemption.pk]),
        "trend_radar": reverse("trend_radar"),
        "trend_detail": reverse("trend_detail", args=[trend.pk]),
        "trend_history": reverse("trend_history", args=[trend.pk]),
        "trend_add": reverse("trend_add"),
        "trend_edit": reverse("trend_edit", args=[trend.pk]),
        "trend_delete": reverse("trend_delete", args=[trend.pk]),
        "standards_news": reverse("standards_news"),
    }


READ = {"strategist": 200, "lead32": 200, "council": 200, "staff": 200}
STRATEGY_ONLY = {"strategist": 200, "lead32": 403, "council": 403, "staff": 403}
# Pages whose answer depends on whose unit the row belongs to.
UNIT_OWNED = {
    "own": {"strategist": 200, "lead32": 200, "council": 403, "staff": 403},
    "other": {"strategist": 200, "lead32": 403, "council": 403, "staff": 403},
}
EXPECTED = {
    **dict.fromkeys(
        (
            "standard_list",
            "standard_detail",
            "standard_history",
            "standard_compare",
            "compliance_matrix",
            "compliance_csv",
            "compliance_history",
            "exemption_list",
            "exemption_detail",
            "exemption_history",
            "trend_radar",
            "trend_detail",
            "trend_history",
            "standards_news",
        ),
        READ,
    ),
    **dict.fromkeys(
        (
            "standard_add",
            "standard_edit",
            "standard_delete",
            "trend_add",
            "trend_edit",
            "trend_delete",
        ),
        STRATEGY_ONLY,
    ),
    # Requesting needs a unit to request for: leads only (and the strategy team).
    "exemption_add": {"strategist": 200, "lead32": 200, "council": 403, "staff": 403},
}


@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("who", WHO)
def test_standards_permission_matrix(world, client_for, who, scope):
    client = client_for(world[who] if who else None)
    failures = []
    for name, url in urls(world, scope).items():
        if who is None:
            expected = 302
        elif name in ("compliance_edit", "exemption_edit"):
            expected = UNIT_OWNED[scope][who]
        else:
            expected = EXPECTED[name][who]
        status = client.get(url).status_code
        if status != expected:
            failures.append(f"{name}: {status} (expected {expected})")
    assert not failures, failures


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
