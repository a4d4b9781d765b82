"""A real worker on Redis checks and writes an import, and one killed in the middle of the
write (kill -9, as the OOM killer does) leaves nothing half-written: the write is one
transaction, the task is acknowledged late, and the redelivery writes the file once."""

import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from fb15.models import OrgUnit, User
from imports import services
from imports.exports import template_sheets
from imports.models import ImportRun, RunStatus
from imports.workbooks import write_xlsx
from measures.models import Measure
from tests.conftest import wait_for_file

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
        reason="needs REDIS_URL and PostgreSQL (a worker process cannot share SQLite in memory)",
    ),
]
KARIN = "karin.ordnungsmann@stadt.example"  # the template's example person


def wait_for(run: ImportRun, status: str, seconds: int = 60) -> ImportRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (status, RunStatus.FAILED):
            return run
        time.sleep(0.3)
    raise AssertionError(f"import still {run.status} after {seconds} s")


def test_a_worker_killed_in_the_write_leaves_nothing_and_the_redelivery_writes_once(
    personas, worker_processes, media
):
    strategist = personas["strategist"]
    worker_processes()
    upload = SimpleUploadedFile("vorlage.xlsx", write_xlsx(template_sheets()))
    run = services.start_run(upload, actor=strategist)
    services.set_plan(run, run.plan["sheets"], actor=strategist)
    run = wait_for(run, RunStatus.CHECKED)
    assert run.status == RunStatus.CHECKED, run.error

    started = worker_processes.pause_next()
    services.confirm_run(run, "all", actor=strategist)
    child = int(wait_for_file(started))
    # Paused in the measures sheet: the people sheet before it is written, but not committed.
    assert not User.objects.filter(email=KARIN).exists()
    os.kill(child, signal.SIGKILL)  # in the middle of the write's transaction

    run = wait_for(run, RunStatus.DONE)
    assert run.status == RunStatus.DONE, run.error
    measure = Measure.objects.get(code="M-1.1-01")
    assert measure.history.count() == 1  # written once, by the redelivery
    assert OrgUnit.objects.filter(code="FB 32").count() == 1
    assert User.objects.filter(email=KARIN).count() == 1
