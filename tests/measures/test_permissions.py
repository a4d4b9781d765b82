"""Measures and projects: forbidden writes change nothing; confidential rows stay hidden."""

import pytest
from django.urls import reverse

from measures.models import Measure, Milestone, Project, Risk, StatusUpdate

pytestmark = pytest.mark.django_db

# The status of every page per role is in tests/permissions/test_harness.py.


PARENT_KWARG = {
    "measure_milestone_add",
    "indicator_add",
    "project_milestone_add",
    "risk_add",
    "indicator_value_add",
}


def url_for(name, key, obj):
    kwarg = "parent_pk" if name in PARENT_KWARG else "pk"
    return reverse(name, kwargs={kwarg: obj.pk})


def snapshot():
    """Everything a forbidden request could have changed."""
    return (
        list(Measure.objects.values_list("title", "status", "progress", "traffic_light")),
        list(Project.objects.values_list("title", "status", "progress")),
        StatusUpdate.objects.count(),
        list(Milestone.objects.values_list("title", "reached_on")),
        list(Risk.objects.values_list("description")),
        Measure.history.count() + Project.history.count() + Milestone.history.count(),
    )


POSTS = [
    ("measure_edit", "measure", {"title": "Gekapert", "code": "X-1"}),
    (
        "measure_status",
        "measure",
        {"traffic_light": "red", "progress": 5, "status": "on_hold", "summary": "Gekapert"},
    ),
    ("project_edit", "project", {"title": "Gekapert", "code": "X-2"}),
    (
        "project_status",
        "project",
        {"traffic_light": "red", "progress": 5, "status": "on_hold", "summary": "Gekapert"},
    ),
    ("milestone_edit", "milestone", {"title": "Gekapert", "due_on": "2026-01-01"}),
    ("milestone_delete", "milestone", {}),
    ("milestone_reached", "milestone", {}),
    ("risk_edit", "risk", {"description": "Gekapert", "probability": 1, "impact": 1}),
    ("risk_add", "project", {"description": "Gekapert", "probability": 1, "impact": 1}),
    ("measure_milestone_add", "measure", {"title": "Gekapert", "due_on": "2026-01-01"}),
]


@pytest.mark.parametrize(("name", "key", "data"), POSTS)
@pytest.mark.parametrize("who", ["lead32", "council", "staff"])
def test_forbidden_writes_change_nothing(world, client_for, name, key, data, who):
    """leitung32 on FB 50's objects, council and staff on anything: 403 and no change."""
    obj = world["other"][key]
    data = {**data, "period": world["current"].pk}
    before = snapshot()
    response = client_for(world[who]).post(url_for(name, key, obj), data)
    assert response.status_code == 403
    assert snapshot() == before


def test_confidential_measure_is_hidden_from_other_units(world, client_for):
    secret = world["other"]["measure"]
    secret.is_confidential = True
    secret.save()
    for who in ("lead32", "council", "staff"):
        client = client_for(world[who])
        assert client.get(reverse("measure_detail", args=[secret.pk])).status_code == 404
        assert secret.code not in client.get(reverse("measure_list")).content.decode()
        assert secret.code not in client.get(reverse("measure_export")).getvalue().decode()
    for who in ("strategist", "lead50"):
        response = client_for(world[who]).get(reverse("measure_detail", args=[secret.pk]))
        assert response.status_code == 200


def test_project_lead_from_another_unit_may_report_on_the_project(world, client_for):
    from fb15.permissions import grant_exactly

    project = world["other"]["project"]
    grant_exactly("change_project", project, [world["lead32"]])
    response = client_for(world["lead32"]).get(reverse("project_status", args=[project.pk]))
    assert response.status_code == 200
    # …but the grant does not extend to FB 50's measures.
    measure = world["other"]["measure"]
    response = client_for(world["lead32"]).get(reverse("measure_status", args=[measure.pk]))
    assert response.status_code == 403


def test_unknown_ids_are_404(world, client_for):
    client = client_for(world["strategist"])
    for name in ("measure_detail", "measure_edit", "project_detail", "milestone_edit"):
        assert client.get(reverse(name, args=[999999])).status_code == 404
