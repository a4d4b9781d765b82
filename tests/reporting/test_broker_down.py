"""Issue 10 (d): the broker is unreachable at "Bericht jetzt erzeugen".

The documented choice (README): the user gets a German message at once, the report is
"fehlgeschlagen" with the reason (never left "in Warteschlange"), and "Erneut erzeugen" works
once the broker is back. Needs a committed transaction, as in production: the report is handed
to the broker after the commit.
"""

import time

import pytest
from django.urls import reverse

from fb15.celery import app
from reporting import services
from reporting.models import Report, ReportStatus

from .conftest import report_world

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


@pytest.fixture
def broker_down():
    """Publishing goes to a closed port (no eager shortcut), and comes back afterwards."""
    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_connection_timeout)
    app.conf.task_always_eager = False
    app.conf.broker_url = CLOSED_PORT
    app.conf.broker_connection_timeout = 1
    forget_pools()
    yield
    (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_connection_timeout) = saved
    forget_pools()


def forget_pools() -> None:
    """Let the app look its connection and producer pools up again for the current URL.

    kombu keeps the pools in a registry per broker URL, shared by the whole process: they are
    only forgotten here, never closed (closing the real broker's pool breaks later tests).
    """
    app._pool = None
    app.amqp._producer_pool = None


def test_broker_down_at_generate_gives_a_german_message_and_a_failed_report_not_a_ghost(
    personas, client, broker_down
):
    world = report_world(personas)
    client.force_login(world["strategist"])
    started = time.monotonic()
    response = client.post(
        reverse("report_add"), {"scope_kind": "strategy", "period": "2026-Q3"}, follow=True
    )
    assert time.monotonic() - started < 30  # the user is not kept waiting for minutes
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("report_list"), 302)]
    page = response.content.decode()
    assert "Die Hintergrundverarbeitung war nicht erreichbar" in page
    assert "wird als Entwurf erzeugt" not in page
    report = Report.objects.get()  # exactly one row, and it is not waiting for anything
    assert report.status == ReportStatus.FAILED
    assert report.error == str(services.BROKER_DOWN_ERROR)
    assert report.finished_at is not None
    assert not Report.objects.filter(status=ReportStatus.QUEUED).exists()
    # The archive shows it as failed, with the reason and the way to try again.
    archive = client.get(reverse("report_list")).content.decode()
    assert "fehlgeschlagen" in archive and reverse("report_retry", args=[report.pk]) in archive


def test_broker_down_after_a_change_the_change_stands_and_the_next_one_schedules_again(
    personas, client, broker_down, settings, caplog
):
    """The Lagebild's warming (reporting/warming.py) cannot be scheduled: the status update is
    saved all the same, and the next change tries again (nothing left "pending")."""
    from django.core.cache import cache

    from measures.models import StatusUpdate
    from measures.services import file_status_update
    from reporting import warming

    world = report_world(personas)
    settings.WARM_FIGURES = True
    cache.delete(warming.PENDING_KEY)
    started = time.monotonic()
    update = file_status_update(
        actor=world["strategist"],
        subject=world["measures"][0],
        period=world["period"],
        traffic_light="red",
        progress=15,
        status="in_progress",
        summary="Der Dienstleister ist ausgefallen.",
    )
    assert time.monotonic() - started < 30
    assert StatusUpdate.objects.get(pk=update.pk).summary == "Der Dienstleister ist ausgefallen."
    assert "Lagebild: Vorberechnung nicht eingeplant" in caplog.text
    assert cache.get(warming.PENDING_KEY) is None
