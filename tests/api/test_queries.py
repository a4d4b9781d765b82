"""Query counts of the API's lists do not grow with the page size (pinned at two sizes)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import IndicatorValue, Milestone, StatusUpdate
from standards.models import Compliance
from tests.api.conftest import ApiClient, token_for
from tests.factories import (
    MeasureFactory,
    OrgUnitFactory,
    ProjectFactory,
    StandardFactory,
    make_periods,
    make_world,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "api-measure-list",
    "api-project-list",
    "api-statusupdate-list",
    "api-milestone-list",
    "api-indicatorvalue-list",
    "api-compliance-list",
    "api-standard-list",
    "api-unit-list",
    "api-report-list",
    "api-goal-list",
]
# Pinned: authentication and rights (user, groups, permissions, token), the page, and at most
# one prefetch; none per row.
MAX_QUERIES = 12


@pytest.fixture
def many(personas):
    world = make_world(personas, make_periods())
    unit = personas["unit32"]
    goal = world["goal"]
    measures = [MeasureFactory(goal=goal, owner=unit, responsible=unit.lead) for _ in range(40)]
    for measure in measures:
        project = ProjectFactory(owner=unit, lead=unit.lead)
        project.measures.add(measure)
        StatusUpdate.objects.create(
            measure=measure,
            period=world["current"],
            traffic_light="green",
            progress=10,
            status="in_progress",
            summary="Läuft.",
            author=unit.lead,
        )
        Milestone.objects.create(measure=measure, title="Pilot", due_on=datetime.date(2026, 3, 1))
    indicator = world["own"]["indicator"]
    for day in range(40):
        IndicatorValue.objects.create(
            indicator=indicator,
            measured_on=datetime.date(2025, 1, 1) + datetime.timedelta(day),
            value=day,
        )
    for _ in range(40):
        OrgUnitFactory()
        Compliance.objects.create(unit=unit, standard=StandardFactory(), state="fulfilled")
    return world


@pytest.mark.parametrize("name", ENDPOINTS)
def test_list_queries_do_not_grow_with_the_page_size(many, name):
    for user in (many["strategist"], many["lead32"], many["council"]):
        api = ApiClient(token_for(user))
        api.get(reverse("api-unit-list"))  # the token's first use stamps last_used_at
        counts = {}
        for size in (5, 40):
            with CaptureQueriesContext(connection) as queries:
                response = api.get(reverse(name), page_size=size)
            assert response.status_code == 200, response.content
            counts[size] = len(queries)
        assert counts[5] == counts[40], (user, counts)
        assert counts[40] <= MAX_QUERIES, (user, counts)
    full = ApiClient(token_for(many["strategist"])).get(reverse(name), page_size=40).json()
    if name not in ("api-report-list", "api-goal-list"):
        assert len(full["results"]) == 40  # the larger page is full: the counts compare pages
