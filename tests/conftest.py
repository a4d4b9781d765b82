import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import make_personas

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def client_for(client):
    """Log a persona in: `client_for(user)` returns the test client acting as that user."""

    def login(user):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        return client

    return login


# ------------------------------------------------------------------ crash tests (real workers)

VISIBILITY_TIMEOUT = 5  # seconds; production: REPORT_TIME_LIMIT + 60


@pytest.fixture
def worker_processes(transactional_db, tmp_path, media):
    """Start real worker processes (own process group each) on the test database and Redis.

    They render with the real code; `tests.worker_app` only adds a pause that
    `pause_next()` arms, so a kill lands in the middle of a render or an import write.
    """
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        "MEDIA_ROOT": str(media),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "PAUSE_FILE": str(tmp_path / "pause"),
        "STARTED_FILE": str(tmp_path / "started"),
    }
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    started = []

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker{len(started)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "tests.worker_app", "worker"),
                *("--pool", "prefork", "--concurrency", "1", "-l", "info"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                *("-n", f"crash{len(started)}-{os.getpid()}@%h"),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to be killed as a whole
        )
        started.append((process, log))
        return process

    def pause_next() -> Path:
        (tmp_path / "pause").touch()
        return tmp_path / "started"

    start.pause_next = pause_next
    yield start
    for process, log in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def wait_for_file(path: Path, seconds: int = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and (text := path.read_text()):
            return text
        time.sleep(0.1)
    raise AssertionError(f"{path} did not appear within {seconds} s")
