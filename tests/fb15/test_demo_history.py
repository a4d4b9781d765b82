"""The demo's history reads in time order: created first, then the backdated status updates."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from fb15.models import User
from measures.models import Measure, Project
from standards.models import Trend

pytestmark = pytest.mark.django_db

PROGRESS_CHANGE = re.compile(
    r"<strong>Fortschritt[^<]*:</strong>\s*<del[^>]*>(\d+)</del>\s*→\s*<ins[^>]*>(\d+)</ins>"
)


def records(obj) -> list:
    return list(obj.history.order_by("history_id").select_related("history_user"))


def test_demo_history_reads_in_time_order_on_every_history_page(settings, client):
    # Seeding takes a while: one test, several checks.
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    every_history_starts_with_the_creation_and_runs_forward_in_time()
    client.force_login(User.objects.get(username="strategie"))
    measure_history_pages_show_no_progress_drop(client)
    trend_histories_have_no_empty_change_rows(client)


def every_history_starts_with_the_creation_and_runs_forward_in_time():
    strategist = User.objects.get(username="strategie")
    checked = 0
    for model in (Measure, Project):
        for obj in model.objects.select_related("owner__lead").prefetch_related("owner__deputies"):
            rows = records(obj)
            dates = [row.history_date for row in rows]
            assert dates == sorted(dates), f"{obj.code}: history out of time order"
            assert rows[0].history_type == "+", obj.code
            assert rows[0].history_user == strategist, obj.code
            # Demo progress never goes back, and the newest record is the object as it is.
            progress = [row.progress for row in rows]
            assert progress == sorted(progress), f"{obj.code}: progress drops {progress}"
            newest = rows[-1]
            assert (newest.progress, newest.status, newest.traffic_light) == (
                obj.progress,
                obj.status,
                obj.traffic_light,
            ), obj.code
            # Every change is by the strategy team or by someone who reports on the item.
            reporters = {strategist, obj.owner.lead, *obj.owner.deputies.all()}
            if model is Project:
                reporters.add(obj.lead)
            for row in rows[1:]:
                assert row.history_user in reporters, (obj.code, row.history_user)
            checked += 1
    assert checked > 150


def measure_history_pages_show_no_progress_drop(client):
    measures = Measure.objects.filter(progress__gt=30, dependencies__isnull=False).distinct()
    assert measures.exists()
    for measure in measures[:5]:
        page = client.get(reverse("measure_history", args=[measure.pk])).content.decode()
        changes = [(int(old), int(new)) for old, new in PROGRESS_CHANGE.findall(page)]
        assert changes, measure.code
        assert all(new >= old for old, new in changes), (measure.code, changes)
        assert "→ <ins" in page and "hängt ab von" in page


def trend_histories_have_no_empty_change_rows(client):
    for trend in Trend.objects.filter(measures__isnull=False).distinct()[:5]:
        assert all(row.history_user is not None for row in trend.history.all()), trend.title
        page = client.get(reverse("trend_history", args=[trend.pk])).content.decode()
        assert '<td class="kern-table__cell">System</td>' not in page, trend.title
