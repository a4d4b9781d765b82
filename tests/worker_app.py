"""The Celery app of the worker processes the crash tests start and kill.

It is the real app (`fb15.celery`) with two test-only additions: kombu looks for
unacknowledged messages every second (production: every ~100 s), and while the file named by
PAUSE_FILE exists, the next report render or import write (inside its transaction) deletes
it, writes its pid to STARTED_FILE and sleeps, so a test can kill the process in the middle.
"""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from fb15.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


def pausing(function):
    def paused(*args, **kwargs):
        try:
            Path(os.environ["PAUSE_FILE"]).unlink()
        except FileNotFoundError:
            return function(*args, **kwargs)
        Path(os.environ["STARTED_FILE"]).write_text(str(os.getpid()))
        time.sleep(120)
        return function(*args, **kwargs)

    return paused


@worker_process_init.connect(weak=False)
def pause_once(**kwargs):
    from imports.kinds import MeasureKind
    from reporting import pdf

    pdf.html_to_pdf = pausing(pdf.html_to_pdf)
    MeasureKind.flush = pausing(MeasureKind.flush)
