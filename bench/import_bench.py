"""Benchmark (not a test): import 10,000 measures with 300 goals and 60 units from .xlsx.

    python bench/import_bench.py [--measures 10000] [--goals 300] [--units 60]

Builds the file with openpyxl (write-only), then, in a fresh PostgreSQL database
`fb15_bench_import` on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432;
dropped and created anew each run, never the test database), times the import's phases as
FB 15 runs them: plan, dry run, write, and the re-import of the same file (all unchanged).
Memory: the peak Python allocation (tracemalloc) of streaming the file's rows at 1/10 and at
the full size — equal peaks mean reading does not grow with the file — and the process's
peak resident set size after the write. Goals: dry run ≤ 20 s, write ≤ 60 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="fb15-import-bench-"))
BASE = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fb15"))
if not BASE.scheme.startswith("postgres"):
    sys.exit("bench/import_bench.py braucht PostgreSQL (DATABASE_URL=postgres://…).")
DATABASE = urlunsplit(BASE._replace(path="/fb15_bench_import"))
os.environ["DATABASE_URL"] = DATABASE
os.environ["MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ.pop("REDIS_URL", None)  # the phases run in this process
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fb15.settings")


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def fresh_database() -> None:
    import psycopg

    admin = urlunsplit(BASE._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS fb15_bench_import")
        conn.execute("CREATE DATABASE fb15_bench_import")


def build_file(path: Path, measures: int, goals: int, units: int) -> None:
    """A workbook as a city would send it: units, the strategy tree, the measure list."""
    import datetime

    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Fachbereiche")
    sheet.append(["Kürzel", "Bezeichnung", "Dezernat"])
    for n in range(units):
        sheet.append([f"FB {n + 10}", f"Fachbereich {n + 10}", f"{'I' * (n % 3 + 1)}"])
    sheet = workbook.create_sheet("Strategie")
    sheet.append(["Handlungsfeld-Nr.", "Handlungsfeld", "Ziel-Nr.", "Ziel"])
    fields = 10
    per_field = goals // fields
    for n in range(goals):
        field, position = n // per_field + 1, n % per_field + 1
        sheet.append(
            [field, f"Handlungsfeld {field}", f"{field}.{position}", f"Ziel {field}.{position}"]
        )
    sheet = workbook.create_sheet("Maßnahmen")
    sheet.append(
        ["Kennung", "Titel", "Ziel", "Fachbereich", "Priorität", "Status", "Beginn", "Budget"]
    )
    statuses = ["geplant", "in Umsetzung", "abgeschlossen"]
    priorities = ["hoch", "mittel", "niedrig"]
    for n in range(measures):
        goal = n % goals
        number = f"{goal // per_field + 1}.{goal % per_field + 1}"
        sheet.append(
            [
                f"M-{n + 1:05d}",
                f"Maßnahme {n + 1} zur Digitalisierung",
                number,
                f"FB {n % units + 10}",
                priorities[n % 3],
                statuses[n % 3],
                datetime.date(2026, n % 12 + 1, 1),
                f"{(n % 50 + 1) * 1000:,}".replace(",", ".") + ",00 €",
            ]
        )
    workbook.save(path)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def streaming_peak(path: Path, limit: int) -> int:
    """Peak Python allocation while reading the first `limit` rows of every sheet."""
    from imports.files import open_spreadsheet

    tracemalloc.start()
    for sheet in open_spreadsheet(path, path.name):
        for number, _row in enumerate(sheet.rows()):
            if number >= limit:
                break
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--goals", type=int, default=300)
    parser.add_argument("--units", type=int, default=60)
    args = parser.parse_args()

    fresh_database()
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from fb15.models import Role, User
    from imports.engine import propose_plan, run_import
    from measures.models import Measure

    call_command("migrate", verbosity=0)
    actor = User.objects.create(username="strategie", email="strategie@stadt.example")
    actor.groups.add(Group.objects.get(name=Role.STRATEGY_TEAM))
    path = WORKDIR / "massnahmen.xlsx"
    _none, t_build = timed(build_file, path, args.measures, args.goals, args.units)
    out(
        f"Datei: {args.measures} Maßnahmen, {args.goals} Ziele, {args.units} Fachbereiche, "
        f"{path.stat().st_size / 1024:.0f} KiB, erzeugt in {t_build:.1f} s"
    )

    plan, t_plan = timed(propose_plan, path, path.name)
    dry, t_dry = timed(run_import, path, path.name, plan, actor=actor, write=False)
    assert not Measure.objects.exists(), "the dry run wrote"
    written, t_write = timed(run_import, path, path.name, plan, actor=actor, write=True)
    again, t_again = timed(run_import, path, path.name, plan, actor=actor, write=False)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    out(f"  Zuordnung vorschlagen {t_plan:8.2f} s")
    out(f"  Probelauf             {t_dry:8.2f} s   {dry['counts']}  (Ziel ≤ 20 s)")
    out(f"  Übernehmen            {t_write:8.2f} s   {written['counts']}  (Ziel ≤ 60 s)")
    out(f"  erneuter Probelauf    {t_again:8.2f} s   {again['counts']}")
    out(f"  Maßnahmen in der Datenbank: {Measure.objects.count()}")
    small = streaming_peak(path, args.measures // 10)
    full = streaming_peak(path, args.measures)
    out(
        f"Speicher beim Lesen: {small / 1e6:.1f} MB bei {args.measures // 10} Zeilen, "
        f"{full / 1e6:.1f} MB bei {args.measures} Zeilen (tracemalloc-Spitze)"
    )
    out(f"Prozess insgesamt (max. RSS): {rss:.0f} MB")


if __name__ == "__main__":
    main()
