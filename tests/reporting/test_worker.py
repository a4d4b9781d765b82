"""A real Celery worker on Redis renders a real PDF (CI provides REDIS_URL and PostgreSQL)."""

import io
import os
import time

import pytest
from django.db import connection
from pypdf import PdfReader

from reporting import services
from reporting.models import Report, ReportStatus

from .conftest import report_world

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
        reason="needs REDIS_URL and PostgreSQL (a worker thread cannot share SQLite in memory)",
    ),
]


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    from fb15.celery import app

    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
        yield w


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
