"""Benchmark (not a test): the header search over 10,000 measures on PostgreSQL.

    DATABASE_URL=postgres://… python bench/search_bench.py [--measures 10000] [--runs 5]

Creates a throwaway test database next to the configured one (test_<name>), bulk-creates
measures with German titles and descriptions, and prints the median time of `search()` for
a few queries as the strategy team (no row filter) and as a unit lead (restricted rows).
Each searched word occurs in a few per cent of the rows; "wort1…" (prefix: wort1, wort10 …
wort1999) in most of them, the worst case. The filter uses the GIN expression indexes of
search/migrations/0001; ranking recomputes the vector for each matching row.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fb15.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

WORDS = [
    "Antrag",
    "Digitalisierung",
    "Schule",
    "Straße",
    "Bürgerservice",
    "Portal",
    "Akte",
    "Schnittstelle",
    "Formular",
    "Verwaltung",
    "Daten",
    "Netz",
    "Breitband",
    "Sicherheit",
    "Schüler",
    "Wohngeld",
    "Gewerbe",
    "Meldung",
    "Termin",
]


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def seed(count: int):
    from fb15.models import Division, OrgUnit, Role, User
    from fb15.permissions import sync_unit_grants
    from measures.models import Measure
    from strategy.models import FieldOfAction, Goal, Strategy

    rng = random.Random(15)
    division = Division.objects.create(number="I", name="Verwaltungsführung", position=1)
    units = [
        OrgUnit.objects.create(code=f"FB {n:02d}", name=f"Fachbereich {n}", division=division)
        for n in range(10, 50)
    ]
    strategist = User.objects.create_user("strategie")
    strategist.groups.set(django.contrib.auth.models.Group.objects.filter(name=Role.STRATEGY_TEAM))
    lead = User.objects.create_user("leitung")
    lead.groups.set(django.contrib.auth.models.Group.objects.filter(name=Role.STAFF))
    units[0].lead = lead
    units[0].save()
    sync_unit_grants(units[0])
    strategy = Strategy.objects.create(title="Digitale Strategie")
    field = FieldOfAction.objects.create(strategy=strategy, position=1, title="Services")
    goal = Goal.objects.create(field_of_action=field, position=1, title="Online-Zugang")

    # A city's texts: a large vocabulary, each searched word in a few per cent of the rows.
    filler = [f"wort{n}" for n in range(3000)]

    def text(n: int) -> str:
        words = [
            rng.choice(WORDS) if rng.random() < 0.004 else rng.choice(filler) for _ in range(n)
        ]
        return " ".join(words)

    Measure.objects.bulk_create(
        Measure(
            goal=goal,
            code=f"M-{n:05d}",
            title=text(6),
            description=text(60),
            owner=rng.choice(units),
            is_confidential=rng.random() < 0.1,
        )
        for n in range(count)
    )
    return strategist, lead


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the measures' plan")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        out("Set DATABASE_URL to a PostgreSQL database.")
        return
    from fb15.search import search

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        strategist, lead = seed(args.measures)
        out(f"seeded {args.measures} measures in {time.perf_counter() - started:.1f} s")
        if args.explain:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                search(strategist, "Anträge")
            sql = next(q["sql"] for q in queries.captured_queries if "measures_measure" in q["sql"])
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, VERBOSE) " + sql)
                out("\n".join(row[0] for row in cursor.fetchall()))
        for query in (
            "Anträge",
            "Digitalisierung Schule",
            "Straße oder Portal",
            "M-00042",
            "wort1",
        ):
            for who, user in (("Strategieteam", strategist), ("Leitung", lead)):
                timings, hits = [], 0
                for _ in range(args.runs):
                    started = time.perf_counter()
                    hits = len(search(user, query).hits)
                    timings.append(time.perf_counter() - started)
                median = statistics.median(timings) * 1000
                out(f"{query!r:28} {who:14} {hits:4} hits  median {median:7.1f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
