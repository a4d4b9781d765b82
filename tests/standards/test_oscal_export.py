"""The compliance matrix as OSCAL-style implementation status: what it says per unit, and
that it holds exactly what the matrix page shows to the same user."""

import json

import pytest
from django.urls import reverse

from standards import services
from standards.models import Category
from tests.factories import OrgUnitFactory, StandardFactory, UserFactory

pytestmark = pytest.mark.django_db


def export(client, **params):
    response = client.get(reverse("compliance_oscal"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="einhaltung-')
    return json.loads(response.content)["system-security-plan"]


def by_control(plan) -> dict:
    requirements = plan["control-implementation"]["implemented-requirements"]
    return {requirement["control-id"]: requirement for requirement in requirements}


def states(requirement, plan) -> dict[str, tuple[str, str]]:
    """{unit code: (OSCAL state, fb15 state)} of one requirement."""
    units = {c["uuid"]: c["props"][0]["value"] for c in plan["system-implementation"]["components"]}
    return {
        units[entry["component-uuid"]]: (
            entry["implementation-status"]["state"],
            next(p["value"] for p in entry["props"] if p["name"] == "fb15-state"),
        )
        for entry in requirement["by-components"]
    }


def test_export_states_each_units_implementation_of_each_standard(world, client_for):
    StandardFactory(code="SW-99", title="Noch ein Entwurf", status="draft")  # not in force

    plan = export(client_for(world["strategist"]))

    assert plan["metadata"]["oscal-version"] == "1.1.3"
    assert [c["title"] for c in plan["system-implementation"]["components"]] == [
        "FB 32 Sicherheit und Ordnung",
        "FB 50 Soziales und Integration",
    ]
    requirements = by_control(plan)
    assert list(requirements) == ["SW-01"]  # the draft is not in the matrix either
    assert requirements["SW-01"]["remarks"] == "Open-Source-first"
    assert states(requirements["SW-01"], plan) == {
        "FB 32": ("partial", "partial"),
        "FB 50": ("implemented", "fulfilled"),
    }


def test_export_says_approved_exemptions_and_unchecked_cells(world, client_for):
    services.decide_exemption(
        actor=world["strategist"], exemption=world["exemptions"]["other"], approve=True, reason=""
    )
    unit = OrgUnitFactory(code="FB 61", name="Stadtplanung")

    plan = export(client_for(world["staff"]))

    cells = states(by_control(plan)["SW-01"], plan)
    assert cells["FB 50"] == ("alternative", "exempt")
    assert cells[unit.code] == ("unknown", "unchecked")
    entry = by_control(plan)["SW-01"]["by-components"][1]
    assert entry["implementation-status"]["remarks"].startswith("Ausnahme (Ausnahme bis ")


def test_export_follows_the_matrix_filters(world, client_for):
    StandardFactory(code="SEC-01", category=Category.SECURITY, status="binding")

    plan = export(client_for(world["council"]), kategorie="security")

    assert list(by_control(plan)) == ["SEC-01"]


def test_export_is_refused_like_the_matrix(world, client):
    response = client.get(reverse("compliance_oscal"))
    assert response.status_code == 302  # to the login

    client.force_login(UserFactory(username="fremd"))  # no role, no unit
    assert client.get(reverse("compliance_matrix")).status_code == 403
    assert client.get(reverse("compliance_oscal")).status_code == 403


@pytest.mark.parametrize("units,standards", [(3, 4), (12, 15)])
def test_export_query_count_does_not_grow_with_the_matrix(
    personas, client_for, django_assert_max_num_queries, units, standards
):
    for _ in range(units):
        OrgUnitFactory()
    services.ensure_compliance_rows([StandardFactory() for _ in range(standards)])
    client = client_for(personas["strategist"])

    with django_assert_max_num_queries(10):
        plan = export(client)

    assert len(plan["control-implementation"]["implemented-requirements"]) == standards
