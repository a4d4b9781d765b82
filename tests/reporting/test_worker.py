"""Real Celery workers on Redis render real PDFs, and survive the faults of a server room.

CI provides REDIS_URL and PostgreSQL. The crash tests start worker processes of their own
and kill them mid-render; they print how long a report takes to recover.
"""

import io
import os
import signal
import sys
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from fb15.models import Notification
from reporting import services
from reporting.models import Report, ReportStatus
from tests.conftest import VISIBILITY_TIMEOUT, wait_for_file

from .conftest import REAL_WORKER, report_world

pytestmark = REAL_WORKER


def wait_until_finished(report: Report, seconds: int = 90) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
            return report
        time.sleep(0.3)
    raise AssertionError(f"report still {report.status} after {seconds} s")


def test_a_real_worker_renders_the_report_once_even_if_delivered_twice(personas, worker, media):
    from reporting.tasks import render_report

    world = report_world(personas)
    report = services.request_report(actor=world["strategist"])  # enqueued on commit
    render_report.delay(report.pk)  # a duplicate delivery
    report = wait_until_finished(report)
    assert report.status == ReportStatus.DONE, report.error
    time.sleep(1)  # let the duplicate be consumed too
    report.refresh_from_db()
    assert report.attempts == 1
    assert len(list((media / "reports").iterdir())) == 1
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(services.verify_file(report))).pages
    ).replace("\u2010\n", "")
    assert "M-1.1-01" in text and "Sachstand Text M-2.1-02" in text
    assert "grün" in text and "gelb" in text and "rot" in text
    assert "Änderungen seit dem letzten Bericht" in text


# ------------------------------------------------------------------------------ faults


@pytest.fixture
def figures(capsys):
    """Print measured figures into the test run's output (also without -s)."""

    def write(text: str) -> None:
        with capsys.disabled():
            sys.stdout.write(f"\n[figure] {text}\n")

    return write


def assert_done_exactly_once(report: Report, media) -> None:
    assert report.status == ReportStatus.DONE, report.error
    time.sleep(2)  # nothing renders it again afterwards
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.attempts == 2  # killed one + this
    assert [p.name for p in (media / "reports").iterdir()] == [report.file.name]
    assert services.verify_file(report) is not None
    # A draft: FB 15 is told once; readers only after the release.
    assert Notification.objects.filter(key=f"report-draft:{report.pk}").count() == 1
    assert not Notification.objects.filter(key=f"report:{report.pk}").exists()


def test_a_killed_pool_child_is_taken_over_and_the_report_done_once(
    personas, worker_processes, media, figures
):
    world = report_world(personas)
    worker_processes()
    started = worker_processes.pause_next()
    report = services.request_report(actor=world["strategist"])
    child = int(wait_for_file(started))
    os.kill(child, signal.SIGKILL)  # the OOM killer's way
    killed_at = time.monotonic()
    report = wait_until_finished(report, 60)
    recovery = time.monotonic() - killed_at
    figures(f"(a) pool child killed → report done after {recovery:.1f} s")
    assert_done_exactly_once(report, media)


def test_a_killed_worker_is_replaced_and_the_report_done_once_after_the_visibility_timeout(
    personas, worker_processes, media, figures
):
    world = report_world(personas)
    first = worker_processes()
    started = worker_processes.pause_next()
    report = services.request_report(actor=world["strategist"])
    wait_for_file(started)
    os.killpg(first.pid, signal.SIGKILL)  # the whole worker: main process and pool child
    first.wait()
    killed_at = time.monotonic()
    worker_processes()  # a new worker (after a restart, or on another machine)
    report = wait_until_finished(report, 90)
    recovery = time.monotonic() - killed_at
    figures(
        f"(b) whole worker killed, new worker started → report done after {recovery:.1f} s "
        f"(visibility timeout {VISIBILITY_TIMEOUT} s)"
    )
    # Redelivered after the visibility timeout, plus a worker start and one render.
    assert VISIBILITY_TIMEOUT <= recovery < VISIBILITY_TIMEOUT + 25
    assert_done_exactly_once(report, media)


def test_an_unwritable_media_directory_fails_the_report_with_a_german_reason(
    personas, worker, settings, tmp_path
):
    world = report_world(personas)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")  # MEDIA_ROOT below a file: not writable, not even for root
    settings.MEDIA_ROOT = blocker / "media"
    report = wait_until_finished(services.request_report(actor=world["strategist"]))
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith("Die PDF-Datei konnte nicht gespeichert werden")
    assert not report.file and report.finished_at is not None
    assert not Notification.objects.filter(key=f"report:{report.pk}").exists()


def test_two_simultaneous_requests_make_one_report(personas, worker):
    world = report_world(personas)
    barrier = threading.Barrier(2)
    pages = []

    def click():
        client = Client()
        client.force_login(world["strategist"])
        barrier.wait()
        try:
            response = client.post(
                reverse("report_add"), {"scope_kind": "strategy", "period": "2026-Q3"}, follow=True
            )
            pages.append((response.redirect_chain, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [chain for chain, _page in pages] == [[(reverse("report_list"), 302)]] * 2
    report = Report.objects.get()  # exactly one
    told = " ".join(page for _chain, page in pages)
    assert "wird als Entwurf erzeugt" in told
    assert "wird bereits erzeugt" in told
    assert wait_until_finished(report).status == ReportStatus.DONE
