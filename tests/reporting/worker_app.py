"""The Celery app of the worker processes the crash tests start and kill.

It is the real app (`fb15.celery`) with two test-only additions: kombu looks for
unacknowledged messages every second (production: every ~100 s), and while the file named by
RENDER_PAUSE_FILE exists, the next render deletes it, writes its pid to RENDER_STARTED_FILE
and sleeps, so a test can kill the process in the middle of rendering.
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


@worker_process_init.connect(weak=False)
def pause_one_render(**kwargs):
    from reporting import services

    render = services.html_to_pdf

    def paused(html):
        try:
            Path(os.environ["RENDER_PAUSE_FILE"]).unlink()
        except FileNotFoundError:
            return render(html)
        Path(os.environ["RENDER_STARTED_FILE"]).write_text(str(os.getpid()))
        time.sleep(120)
        return render(html)

    services.html_to_pdf = paused
