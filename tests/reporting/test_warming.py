"""After a change the worker computes the Lagebild's figures before anybody asks: the Lagebild
and the start pages of FB 15 and the council are then served from the cache."""

import threading

from celery.signals import task_postrun
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.services import file_status_update

from .conftest import REAL_WORKER, report_world

pytestmark = REAL_WORKER


def queries_of(client_for, user, url) -> int:
    client = client_for(user)  # one client, signed in anew for each reader
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def red_lights() -> int:
    from reporting.views import dashboard_data

    return {light: count for light, _label, count in dashboard_data().light_totals}["red"]


def test_after_a_change_the_pages_find_their_figures_computed_by_the_worker(
    personas, worker, client_for, settings
):
    world = report_world(personas)
    cache.clear()
    pages = [
        (personas["strategist"], reverse("report_dashboard")),
        (personas["strategist"], reverse("home")),
        (personas["council"], reverse("home")),
    ]
    warm = []
    for user, url in pages:
        cold = queries_of(client_for, user, url)
        warm.append(queries_of(client_for, user, url))
        assert warm[-1] < cold, (user, url)  # the figures come from the cache the second time
    red_before = red_lights()
    warmed = threading.Event()

    def finished(sender=None, **kwargs):
        if sender.name == "reporting.warm_figures":
            warmed.set()

    task_postrun.connect(finished, weak=False)
    try:
        settings.WARM_FIGURES = True
        measure = world["measures"][1]
        file_status_update(
            actor=personas["strategist"],
            subject=measure,
            period=world["period"],
            traffic_light="red",
            progress=15,
            status="in_progress",
            summary="Der Dienstleister ist ausgefallen.",
        )
        assert warmed.wait(30), "the worker did not compute the figures"
    finally:
        task_postrun.disconnect(finished)
    for (user, url), queries in zip(pages, warm, strict=True):
        assert queries_of(client_for, user, url) == queries, (user, url)
    # …and they are the new figures: one red light more.
    assert red_lights() == red_before + 1
