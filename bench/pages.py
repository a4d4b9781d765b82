"""Benchmark (not a test): every main page at 300 and 10,000 measures, against a bare view.

    python bench/pages.py [--sizes 300,10000] [--runs 10] [--rebuild] [--only strategy,list]

Builds each data set once in its own PostgreSQL database (`fb15_bench_<size>` on the server
of DATABASE_URL, default postgres://postgres@127.0.0.1:5432; never the test database) with the
app's own services and simple-history's bulk helpers, and reuses it on the next run unless
`--rebuild` is given. Then, per page and role, it renders the page through Django's test
client (the whole middleware stack, in this process) and prints the number of queries, the
median and 90th percentile server time of `--runs` runs (after one warm-up; a page whose
warm-up takes longer than 2 s is timed 3 times only, so a slow baseline still finishes), the
response size and the ratio of the median to a bare view that renders 50 rows from one query
in the same process. A data set of 10,000 measures takes a few minutes to build. Rows named
"cold cache: …" empty the cache before each request (the Lagebild's figures are cached until
the data changes): what the first reader after a change waits.

`--wrk` adds throughput under a real server: gunicorn (started by the script on a free port
with the bench database, stopped afterwards) and wrk (`-t1 -c4 -d5s`, signed in by a session
cookie the script creates) per page, against the bare view. `--suffix _x` uses the databases
`fb15_bench_<size>_x` instead (a copy, e.g. after a branch's migrations).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {
    # measures: (projects, units, status update quarters per measure, busy measure's saves)
    300: (60, 20, 8, 200),
    10000: (2000, 60, 8, 200),
}
BARE_ROWS = 50


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


DATABASE_SUFFIX = ""  # --suffix


def database_url(size: int) -> str:
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fb15"))
    if not base.scheme.startswith("postgres"):
        sys.exit("bench/pages.py braucht PostgreSQL (DATABASE_URL=postgres://…).")
    return urlunsplit(base._replace(path=f"/fb15_bench_{size}{DATABASE_SUFFIX}"))


def ensure_database(url: str, rebuild: bool) -> bool:
    """Create the bench database if missing (or anew with --rebuild); True if it is new."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return not exists


# ------------------------------------------------------------------------------ data


def seed(measure_count: int) -> dict:
    """A strategy of `measure_count` measures: bulk writes with history, one revision."""
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from fb15.models import Division, OrgUnit, Role, User
    from fb15.permissions import sync_role_permissions, sync_unit_grants
    from measures.models import (
        Indicator,
        IndicatorValue,
        Measure,
        Milestone,
        Project,
        StatusUpdate,
    )
    from measures.services import ensure_quarter
    from strategy.models import FieldOfAction, Goal, Strategy
    from strategy.services import publish_revision

    project_count, unit_count, quarters, busy_saves = SIZES[measure_count]
    rng = random.Random(15)
    now = timezone.now()
    today = timezone.localdate()
    built = now - datetime.timedelta(days=800)
    sync_role_permissions()
    periods = []
    day = today
    for _n in range(quarters):
        period = ensure_quarter(day)
        periods.append(period)
        day = period.starts_on - datetime.timedelta(days=1)
    periods.reverse()  # oldest first; the last one is the current quarter

    division = Division.objects.create(number="I", name="Verwaltungsführung", position=1)
    units = bulk_create_with_history(
        [
            OrgUnit(code=f"FB {n:02d}", name=f"Fachbereich {n}", division=division)
            for n in range(10, 10 + unit_count)
        ],
        OrgUnit,
        default_date=built,
    )
    units = list(OrgUnit.objects.order_by("code"))
    strategist = User.objects.create_user("strategie", password="x", first_name="Sina")
    council = User.objects.create_user("rat", password="x", first_name="Ralf")
    lead = User.objects.create_user("leitung", password="x", first_name="Lea")
    for user, role in ((strategist, Role.STRATEGY_TEAM), (council, Role.COUNCIL)):
        user.groups.add(Group.objects.get(name=role))
    lead.groups.add(Group.objects.get(name=Role.STAFF))
    lead_unit = units[0]
    lead_unit.lead = lead
    lead_unit.save()
    sync_unit_grants(lead_unit)

    bulk_create_with_history(
        [Strategy(title="Digitale Strategie", vision="Digital und einfach.")],
        Strategy,
        default_date=built,
    )
    strategy = Strategy.objects.get()
    fields = bulk_create_with_history(
        [
            FieldOfAction(strategy=strategy, position=n, title=f"Handlungsfeld Nummer {n}")
            for n in range(1, 9)
        ],
        FieldOfAction,
        default_date=built,
    )
    fields = list(FieldOfAction.objects.order_by("position"))
    bulk_create_with_history(
        [
            Goal(field_of_action=f, position=n, title=f"Ziel {f.position}.{n} der Digitalisierung")
            for f in fields
            for n in range(1, 6)
        ],
        Goal,
        default_date=built,
    )
    goals = list(Goal.objects.order_by("pk"))
    lights = ["green", "green", "amber", "red", ""]
    current = periods[-1]
    bulk_create_with_history(
        [
            Measure(
                goal=goals[n % len(goals)],
                code=f"M-{n:05d}",
                title=f"Maßnahme {n}: Onlinezugang für Verwaltungsleistung {n}",
                owner=units[n % len(units)],
                status="in_progress",
                traffic_light=(light := rng.choice(lights)),
                progress=rng.randint(0, 100),
                budget_planned=Decimal(rng.randint(1, 50) * 10000),
                budget_spent=Decimal(rng.randint(0, 20) * 10000),
                last_update_period=current if light else periods[-2],
            )
            for n in range(measure_count)
        ],
        Measure,
        batch_size=2000,
        default_date=built,
    )
    measures = list(Measure.objects.order_by("pk"))
    bulk_create_with_history(
        [
            Project(
                code=f"P-{n:05d}",
                title=f"Projekt {n}",
                owner=units[n % len(units)],
                status="in_progress",
                traffic_light=rng.choice(lights),
                progress=rng.randint(0, 100),
                last_update_period=current,
            )
            for n in range(project_count)
        ],
        Project,
        batch_size=2000,
        default_date=built,
    )
    projects = list(Project.objects.order_by("pk"))
    Project.measures.through.objects.bulk_create(
        [
            Project.measures.through(
                project_id=p.pk, measure_id=measures[(i * 5) % len(measures)].pk
            )
            for i, p in enumerate(projects)
        ],
        batch_size=5000,
    )
    summary = (
        "Umsetzung läuft planmäßig; die Abstimmung mit dem Fachverfahren ist abgeschlossen, "
        "der Pilotbetrieb beginnt im nächsten Quartal."
    )
    updates = [
        StatusUpdate(
            measure=m,
            period=p,
            traffic_light=m.traffic_light or "green",
            progress=m.progress,
            status=m.status,
            summary=f"{p.label}: {summary}",
            reported_at=built,
        )
        for m in measures
        for p in (periods if m.traffic_light else periods[:-1])
    ] + [
        StatusUpdate(
            project=p,
            period=q,
            traffic_light=p.traffic_light or "green",
            progress=p.progress,
            status=p.status,
            summary=f"{q.label}: {summary}",
            reported_at=built,
        )
        for p in projects
        for q in periods[-2:]
    ]
    bulk_create_with_history(updates, StatusUpdate, batch_size=5000, default_date=built)
    Milestone.objects.bulk_create(
        [
            Milestone(measure=m, title="Pilotbetrieb", due_on=today - datetime.timedelta(days=20))
            for m in measures[::10]
        ],
        batch_size=5000,
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                measure=m,
                name="Online-Anteil",
                unit="%",
                baseline=10,
                target_value=80,
                target_date=today + datetime.timedelta(days=365),
            )
            for m in measures[::5]
        ],
        batch_size=5000,
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(indicator=i, measured_on=today - datetime.timedelta(days=d), value=v)
            for i in indicators
            for d, v in ((300, 10), (0, rng.randint(10, 60)))
        ],
        batch_size=5000,
    )
    publish_revision(
        actor=strategist,
        strategy=strategy,
        number=1,
        title="Fortschreibung 2025",
        decided_on=(now - datetime.timedelta(days=400)).date(),
        decision_reference="Rat 2025/001",
        at=now - datetime.timedelta(days=400),
    )
    # Movement since the last report ("Änderungen seit dem letzten Bericht").
    for m in measures[::25]:
        m.traffic_light = "red"
        m._change_reason = "Benchmark"
        m.save()
    # One busy measure with a long history.
    busy = measures[1]
    for n in range(busy_saves):
        busy.progress = n % 100
        busy.traffic_light = lights[n % 4]
        busy.title = f"Maßnahme 1: Onlinezugang, Stand {n}"
        busy._change_reason = f"Änderung {n}"
        busy.save()
    return {"measures": len(measures), "projects": len(projects), "updates": len(updates)}


# ------------------------------------------------------------------------------ timing


def bare_view(request):
    """The yardstick: one query for 50 rows, rendered by a small template."""
    from django.http import HttpResponse
    from django.template import engines

    from measures.models import Measure

    rows = Measure.objects.order_by("pk").values_list("code", "title", "progress")[:BARE_ROWS]
    template = engines["django"].from_string(
        "<!doctype html><html lang='de'><title>Bare</title><table>"
        "{% for c, t, p in rows %}<tr><td>{{ c }}</td><td>{{ t }}</td><td>{{ p }}</td></tr>"
        "{% endfor %}</table></html>"
    )
    return HttpResponse(template.render({"rows": rows}, request))


def bench_settings() -> None:
    """What the benchmark changes in the settings, in this process and under gunicorn."""
    from django.conf import settings

    sys.modules["bench_pages_urls"] = BenchUrls()
    settings.ROOT_URLCONF = "bench_pages_urls"
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }


def wsgi_application():
    """gunicorn's application (`bench.pages:wsgi_application()`): the app with the bare view."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fb15.settings")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    bench_settings()
    return application


def bench_urlpatterns():
    from django.urls import include, path

    return [path("__bench__/bare/", bare_view), path("", include("fb15.urls"))]


class BenchUrls:
    """A URLconf module stand-in: the app's URLs plus the bare view."""

    @property
    def urlpatterns(self):
        return bench_urlpatterns()


def measure_page(
    client, url: str, runs: int, cold: bool = False, first_chunk: bool = False
) -> tuple[int, list[float], int, int]:
    """Queries of the first request, times of `runs` more; `cold`: each with an empty cache;
    `first_chunk`: a streamed response only until its first chunk (what a download waits
    before it starts)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch():
        if cold:
            cache.clear()
        response = client.get(url)
        if first_chunk:
            body = next(iter(response.streaming_content))
            response.close()
        elif getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        return response.status_code, body

    connection.queries_log.clear()  # a full log (maxlen 9000) would capture nothing
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        status, body = fetch()
    warm = time.perf_counter() - started
    if warm > 2:
        runs = min(runs, 3)
    times = []
    for _n in range(runs):
        if cold:
            cache.clear()  # not timed
        started = time.perf_counter()
        fetch()
        times.append(time.perf_counter() - started)
    return len(queries), times, len(body), status


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


# ------------------------------------------------------------------------------ wrk

WRK_PAGES = ("bare view", "measure list", "measure detail", "strategy page", "Lagebild")
WRK_ARGS = ("-t1", "-c4", "-d5s", "--timeout", "10s")  # wrk's default 2 s drops slow pages
GUNICORN_WORKERS = 2  # one per core of the machine the figures in the README come from


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_wrk(pages: list[tuple[str, str]], cookie: str, size: int) -> None:
    """Requests per second under gunicorn for `pages` (label, path), the first the bare view."""
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("--wrk braucht das Programm wrk (apt-get install wrk).")
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url(size)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--chdir",
            str(ROOT),
            "--workers",
            str(GUNICORN_WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.pages:wsgi_application()",
        ],
        env=environment,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Cookie": f"sessionid={cookie}"}
    try:
        for _attempt in range(100):  # up to 20 s to start
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)
                break
            except OSError:
                if server.poll() is not None:
                    sys.exit("gunicorn ist beim Start beendet worden.")
                time.sleep(0.2)
        out(f"\ngunicorn ({GUNICORN_WORKERS} workers) + wrk {' '.join(WRK_ARGS)}, {size} Maßnahmen")
        out("| page | status | req/s | mean latency | non-2xx | timeouts | × bare |")
        out("|---|---:|---:|---:|---:|---:|---:|")
        bare_rate = None
        for label, path in pages:
            # Warm-up, and proof that the cookie signs in (a redirect to the login would be
            # measured as a fast page).
            request = urllib.request.Request(base + path, headers=headers)
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
                if response.url != base + path:
                    sys.exit(f"{path} leitet um auf {response.url}: Anmeldung fehlgeschlagen.")
            result = subprocess.run(
                [wrk, *WRK_ARGS, "-H", f"Cookie: sessionid={cookie}", base + path],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))
            latency = re.search(r"Latency\s+(\S+)", result).group(1)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
            timeouts = re.search(r"timeout (\d+)", result)
            bare_rate = bare_rate or rate
            out(
                f"| {label} | {status} | {rate:.1f} | {latency} | "
                f"{errors.group(1) if errors else 0} | {timeouts.group(1) if timeouts else 0} | "
                f"{rate / bare_rate:.2f} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_size(
    size: int, runs: int, rebuild: bool, only: list[str] | None = None, wrk: bool = False
) -> None:
    from django.conf import settings
    from django.db import connections

    url = database_url(size)
    settings.DATABASES["default"]["NAME"] = urlsplit(url).path.lstrip("/")
    connections.close_all()
    for alias in list(connections):
        del connections[alias]
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # ids of the previous size's database
    fresh = ensure_database(url, rebuild)

    from django.core.management import call_command
    from django.db.models import Count

    from fb15.models import User
    from measures.models import Measure, StatusUpdate

    call_command("migrate", verbosity=0)  # a kept data set follows the code's migrations
    if fresh or not Measure.objects.exists():
        started = time.perf_counter()
        counts = seed(size)
        elapsed = time.perf_counter() - started
        out(f"Daten für {size} Maßnahmen aufgebaut in {elapsed:.0f} s: {counts}")
    # The planner's statistics, as autovacuum keeps them in production (a server with
    # autovacuum off would otherwise plan every page for empty tables): about a second.
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")
    out(
        f"\n## {size} Maßnahmen ({Measure.objects.count()} Maßnahmen, "
        f"{StatusUpdate.objects.count()} Statusmeldungen) – "
        f"Datenbank {settings.DATABASES['default']['NAME']}"
    )
    from django.test import Client

    users = {
        u.username: u for u in User.objects.filter(username__in=["strategie", "rat", "leitung"])
    }
    busy_pk = (
        Measure.history.values("id")
        .annotate(n=Count("history_id"))
        .order_by("-n")
        .values_list("id", flat=True)
        .first()
    )
    detail_pk = Measure.objects.order_by("pk").values_list("pk", flat=True)[size // 2]
    pages = [
        ("bare view (50 rows, 1 query)", "strategie", "/__bench__/bare/"),
        # The Lagebild's figures are cached until the data changes: first with an empty
        # cache (what the first reader after a change waits), then as every other reader.
        ("cold cache: Lagebild", "strategie", "/berichte/lagebild/"),
        ("Lagebild", "strategie", "/berichte/lagebild/"),
        ("cold cache: start page FB 15", "strategie", "/"),
        ("start page FB 15", "strategie", "/"),
        ("start page council", "rat", "/"),
        ("start page lead", "leitung", "/"),
        ("strategy page", "strategie", "/strategie/"),
        ("as-of (revision 1)", "strategie", "/strategie/stand/?revision=1"),
        ("compare (1 → draft)", "strategie", "/strategie/vergleich/?von=1&bis=entwurf"),
        ("measure list", "strategie", "/massnahmen/"),
        ("measure detail", "strategie", f"/massnahmen/{detail_pk}/"),
        # Its similar items of other units, which htmx loads into the page (here the page
        # of their own, as the plain link opens it)
        ("similar items FB 15", "strategie", f"/bedarfe/synergien/aehnlich/measure/{detail_pk}/"),
        ("similar items lead", "leitung", f"/bedarfe/synergien/aehnlich/measure/{detail_pk}/"),
        ("history of busy measure", "strategie", f"/massnahmen/{busy_pk}/historie/"),
        # Streamed: the download starts with the first chunk, then runs while rows are read.
        ("CSV export: first chunk", "strategie", "/massnahmen/export.csv"),
        ("CSV export", "strategie", "/massnahmen/export.csv"),
    ]
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    out("| page | role | status | queries | median ms | p90 ms | runs | KiB | × bare |")
    out("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    bare_median = None
    for label, role, path in pages:
        if only and bare_median and not any(word in label for word in only):
            continue
        cold = label.startswith("cold cache")
        queries, times, size_bytes, status = measure_page(
            clients[role], path, runs, cold, first_chunk=label.endswith("first chunk")
        )
        median = statistics.median(times)
        bare_median = bare_median or median
        out(
            f"| {label} | {role} | {status} | {queries} | {median * 1000:.1f} | "
            f"{p90(times) * 1000:.1f} | {len(times)} | {size_bytes / 1024:.0f} | "
            f"{median / bare_median:.1f} |"
        )
    out(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    if wrk:
        run_wrk(
            [(label, path) for label, _role, path in pages if label.startswith(WRK_PAGES)],
            clients["strategie"].cookies["sessionid"].value,
            size,
        )
        out(f"load: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="300,10000")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", help="pages whose name contains one of these words (a,b)")
    parser.add_argument(
        "--wrk", action="store_true", help="also req/s under gunicorn with wrk (some pages)"
    )
    parser.add_argument("--suffix", default="", help="databases fb15_bench_<size><suffix>")
    args = parser.parse_args()
    global DATABASE_SUFFIX
    DATABASE_SUFFIX = args.suffix
    sizes = [int(s) for s in args.sizes.split(",")]
    if unknown := [s for s in sizes if s not in SIZES]:
        sys.exit(f"Unbekannte Größe {unknown}; möglich: {sorted(SIZES)}")

    os.environ["DATABASE_URL"] = database_url(sizes[0])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fb15.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, a local mail backend
    bench_settings()
    out(f"load before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for size in sizes:
        only = args.only.split(",") if args.only else None
        run_size(size, args.runs, args.rebuild, only, args.wrk)


if __name__ == "__main__":
    main()
