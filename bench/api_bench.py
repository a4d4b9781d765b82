"""Benchmark (not a test): `/api/v1/measures/` at 10,000 measures against the HTML list.

    python bench/api_bench.py [--runs 20]

Reads the data set `bench/pages.py` builds in `fb15_bench_10000` (on the server of
DATABASE_URL) and never writes to it: sessions live in signed cookies, logging in stamps no
`last_login`, and everything runs in one transaction that is rolled back at the end. Without
that database the benchmark says so and stops (build it with `python bench/pages.py`).

Per role it requests, through Django's test client in this process (whole middleware stack),
the API's first page of 100 and of 25 measures, a later page by cursor, and the HTML list
(25 rows), and prints status, number of queries (at both API page sizes: they must be the
same), median and 90th percentile server time of `--runs` runs after one warm-up, and the
throughput (requests per second, one after another) of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = 10000
ROLES = ("strategie", "leitung", "rat")


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def bench_database() -> str | None:
    """The name of the bench database if it exists and holds the data set, else None."""
    import psycopg

    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fb15"))
    name = f"fb15_bench_{SIZE}"
    url = urlunsplit(base._replace(path=f"/{name}"))
    try:
        with psycopg.connect(url) as conn:
            count = conn.execute("SELECT count(*) FROM measures_measure").fetchone()[0]
    except psycopg.Error:
        return None
    return name if count >= SIZE else None


def timed(client, url: str, runs: int) -> tuple[int, int, list[float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    times = []
    for _n in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return status, len(queries), times


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def run(runs: int) -> None:
    from django.contrib.auth.models import update_last_login
    from django.contrib.auth.signals import user_logged_in
    from django.db import transaction
    from django.test import Client

    from fb15.models import User
    from measures.models import Measure

    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    with transaction.atomic():
        out(f"## {Measure.objects.count()} Maßnahmen – Datenbank fb15_bench_{SIZE}")
        out("| request | role | status | queries | median ms | p90 ms | req/s |")
        out("|---|---|---:|---:|---:|---:|---:|")
        for role in ROLES:
            client = Client()
            client.force_login(User.objects.get(username=role))
            first = client.get("/api/v1/measures/?page_size=100").json()
            later = first["next"] or "/api/v1/measures/?page_size=100"
            requests = [
                ("API page of 100", "/api/v1/measures/?page_size=100"),
                ("API page of 25", "/api/v1/measures/?page_size=25"),
                ("API next page of 100 (cursor)", later),
                (
                    "API filtered (traffic_light=red)",
                    "/api/v1/measures/?traffic_light=red&page_size=100",
                ),
                ("HTML list (25 rows)", "/massnahmen/"),
            ]
            for label, url in requests:
                status, queries, times = timed(client, url, runs)
                median = statistics.median(times)
                out(
                    f"| {label} | {role} | {status} | {queries} | {median * 1000:.1f} | "
                    f"{p90(times) * 1000:.1f} | {len(times) / sum(times):.0f} |"
                )
        transaction.set_rollback(True)  # nothing of this run stays in the bench database
    out(f"load: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    name = bench_database()
    if name is None:
        out(f"fb15_bench_{SIZE} fehlt oder ist unvollständig: erst `python bench/pages.py`.")
        return
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fb15"))
    os.environ["DATABASE_URL"] = urlunsplit(base._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fb15.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, a local mail backend
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    from fb15.api.auth import TokenRateThrottle

    # Throttling is counted as in production, with a limit the benchmark never reaches.
    TokenRateThrottle.THROTTLE_RATES = {"api": "1000000/min"}
    out(f"load before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    run(args.runs)


if __name__ == "__main__":
    main()
