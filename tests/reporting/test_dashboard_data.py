"""The Lagebild's own data path: the same figures as the report, in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from measures.models import Milestone
from measures.services import ensure_quarter, file_status_update
from reporting import dashboard, periods, report_data
from reporting.views import dashboard_data

from .conftest import report_world


def report_view(world, today):
    return report_data.gather_report_data(
        period=periods.quarter_period(today),
        reporting_period=world["period"],
        today=today,
        live=True,
    )


def dashboard_view(world, today, **kwargs):
    return dashboard.gather_dashboard_data(
        period=periods.quarter_period(today),
        reporting_period=world["period"],
        today=today,
        **kwargs,
    )


def same_figures(dashboard, report):
    assert dashboard.measure_count == report.measure_count
    assert dashboard.project_count == report.project_count
    assert dashboard.average_progress == report.average_progress
    assert dashboard.light_totals == report.light_totals
    assert dashboard.budget_total == report.budget_total
    assert dashboard.light_by_field == report.light_by_field
    assert dashboard.light_by_unit == report.light_by_unit
    assert dashboard.budget_rows == report.budget_rows
    assert dashboard.confidential_left_out == report.confidential_left_out
    assert dashboard.overdue_count == report.overdue_count
    assert dashboard.stale_count == report.stale_count
    assert dashboard.off_target_count == report.off_target_count


@pytest.mark.parametrize("size", [2, 9])
def test_lagebild_shows_the_same_figures_and_lists_as_the_report(personas, size):
    world = report_world(personas, measures_per_goal=size)
    today = timezone.localdate()
    # Something moved, something is stale, a project milestone is overdue.
    moved = world["measures"][1]
    moved.traffic_light, moved._change_reason = "red", "Test"
    moved.save()
    Milestone.objects.create(
        project=world["project"], title="Abnahme", due_on=today - datetime.timedelta(days=3)
    )
    report, dashboard = report_view(world, today), dashboard_view(world, today)
    same_figures(dashboard, report)
    assert dashboard.overdue_milestones == report.overdue_milestones
    assert dashboard.stale_items == report.stale_items
    assert [i.code for i in dashboard.stale_items][-1] == world["project"].code
    assert dashboard.indicators_off_target == report.indicators_off_target
    assert dashboard.changes == report.changes
    assert dashboard.change_count == report.change_count >= 1
    assert dashboard.changes_since == report.changes_since


def test_lagebild_lists_are_capped_but_counted_in_full(personas):
    world = report_world(personas, measures_per_goal=6)
    today = timezone.localdate()
    report = report_view(world, today)
    dashboard = dashboard_view(world, today, limit=3)
    same_figures(dashboard, report)
    assert dashboard.change_count == len(report.changes) > 3
    assert dashboard.changes == report.changes[:3]


def test_capped_lagebild_page_says_how_many_and_links_the_full_list(
    personas, client_for, monkeypatch
):
    world = report_world(personas, measures_per_goal=6)
    monkeypatch.setattr(dashboard, "DASHBOARD_LIST_LIMIT", 3)
    page = client_for(world["council"]).get(reverse("report_dashboard")).content.decode()
    assert "Die ersten 3 von 12." in page  # the twelve new measures
    assert "Vollständige Liste im Statusbericht" in page


def test_start_page_lagebild_has_only_the_figures(personas):
    world = report_world(personas, measures_per_goal=2)
    data = dashboard_data(lists=False)
    assert data.measure_count == len(world["measures"])
    assert data.stale_count == 1  # the project without a status update
    assert data.changes == [] and data.stale_items == []


def test_council_start_page_gets_the_changes_but_no_lists(personas):
    report_world(personas, measures_per_goal=2)
    full = dashboard_data()
    data = dashboard_data(lists=False, changes=True)
    assert data.change_count == full.change_count > 0
    assert data.changes == full.changes
    assert data.stale_count == full.stale_count == 1
    assert data.stale_items == [] and data.trend == [] and data.overdue_milestones == []


@pytest.mark.parametrize("size", [2, 20])
def test_lagebild_and_start_page_queries_do_not_grow_with_measures(
    personas, client_for, size, django_assert_num_queries
):
    world = report_world(personas, measures_per_goal=size)
    client = client_for(world["council"])
    client.get("/")  # session and axes rows settle on the first request
    cache.clear()
    # The revision in force is one of them: the Lagebild shows no draft fields of action.
    # One of them reads the city's settings for the header. The start page adds the tasks
    # (the newest report) and, for the council, the first changes since the last report.
    # Two read the trend of the last quarters, one the milestones moved since; one more the
    # data's version, under which the figures are cached, and one the portal's switch (the
    # footer's link; cached too, and the cache was just emptied).
    with django_assert_num_queries(29):
        assert client.get(reverse("report_dashboard")).status_code == 200
    # Cached: the version, the last report and the reporting period, no figure.
    with django_assert_num_queries(9):
        assert client.get(reverse("report_dashboard")).status_code == 200
    # The start page asks only for what it shows: no trend, no open-item lists; its changes
    # read the milestones moved since, and the inbox asks for proposals awaiting a statement.
    # The council's grants are read once for the whole page (fb15.permissions
    # .remembered_grants): it manages no unit, so no provider's restrict() asks for more.
    # Today's reporting period is read once for all providers (measures.home.current_period).
    with django_assert_num_queries(27):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(13):
        assert client.get("/").status_code == 200


def test_lagebild_figures_follow_a_change_at_once(personas, client_for):
    world = report_world(personas, measures_per_goal=2)
    client = client_for(world["strategist"])
    before = client.get(reverse("report_dashboard")).context["data"]
    measure = world["measures"][0]
    measure.traffic_light = "red" if measure.traffic_light != "red" else "green"
    measure.save()
    after = client.get(reverse("report_dashboard")).context["data"]
    assert after.light_totals != before.light_totals
    assert sum(count for _v, _l, count in after.light_totals) == before.measure_count


def test_report_rows_carry_the_latest_status_text_up_to_the_period(personas):
    world = report_world(personas, measures_per_goal=2)
    measure = world["measures"][0]
    later = ensure_quarter(world["period"].ends_on + datetime.timedelta(days=1))
    for period, text in ((world["previous"], "Alter Stand"), (later, "Stand der Zukunft")):
        file_status_update(
            actor=world["strategist"],
            subject=measure,
            period=period,
            traffic_light="green",
            progress=50,
            status="in_progress",
            summary=text,
        )
    today = timezone.localdate()
    rows = {r.code: r for r in report_view(world, today).measures}
    # The current quarter's text wins over the older one; a later quarter's is not reported.
    assert rows[measure.code].summary == f"Sachstand Text {measure.code}"
    assert rows[world["measures"][1].code].summary == f"Sachstand Text {world['measures'][1].code}"
