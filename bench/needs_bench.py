"""Benchmark (not a test): similar items of other units among 10,000 measures and 5,000 needs.

    DATABASE_URL=postgres://… python bench/needs_bench.py [--measures 10000] [--needs 5000]

Creates a throwaway test database next to the configured one (test_<name>), bulk-creates
measures and needs with German titles and descriptions (topic words such as "Termin",
"Akte", "WLAN" in a few per cent of the rows), vacuums it (as autovacuum would after such
a load: GIN indexes keep new rows in a pending list until then) and prints:
- median and p90 time and the queries of `similar_items()` for one measure, as the box on its
  page computes them (the reader's grants read once), as the strategy team and as a unit lead;
- the time to compute and store the similar items of all open needs (the nightly task);
- median time and queries of the Synergien page (first page, through the test client).
Goal of the issue: ≤ 50 ms for the box on PostgreSQL.
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

TOPICS = [
    "Terminvergabe",
    "E-Akte",
    "Dokumentenmanagement",
    "WLAN",
    "Chatbot",
    "Geodaten",
    "Rechnungseingang",
    "Signatur",
    "Videoberatung",
    "Scanstelle",
    "Antrag",
    "Formular",
    "Schnittstelle",
    "Bürgerservice",
]


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def seed(measures: int, needs: int):
    from django.contrib.auth.models import Group

    from fb15.models import Division, OrgUnit, Role, User
    from fb15.permissions import sync_unit_grants
    from measures.models import Measure
    from needs.models import Need
    from strategy.models import FieldOfAction, Goal, Strategy

    rng = random.Random(15)
    division = Division.objects.create(number="I", name="Verwaltungsführung", position=1)
    units = [
        OrgUnit.objects.create(code=f"FB {n:02d}", name=f"Fachbereich {n}", division=division)
        for n in range(10, 50)
    ]
    strategist = User.objects.create_user("strategie")
    strategist.groups.set(Group.objects.filter(name=Role.STRATEGY_TEAM))
    lead = User.objects.create_user("leitung")
    lead.groups.set(Group.objects.filter(name=Role.STAFF))
    units[0].lead = lead
    units[0].save()
    sync_unit_grants(units[0])
    strategy = Strategy.objects.create(title="Digitale Strategie")
    field = FieldOfAction.objects.create(strategy=strategy, position=1, title="Services")
    goal = Goal.objects.create(field_of_action=field, position=1, title="Online-Zugang")
    filler = [f"wort{n}" for n in range(3000)]

    def text(n: int) -> str:
        return " ".join(
            rng.choice(TOPICS) if rng.random() < 0.01 else rng.choice(filler) for _ in range(n)
        )

    Measure.objects.bulk_create(
        Measure(
            goal=goal,
            code=f"M-{n:05d}",
            title=text(6),
            description=text(60),
            owner=rng.choice(units),
            is_confidential=rng.random() < 0.1,
        )
        for n in range(measures)
    )
    Need.objects.bulk_create(
        Need(
            owner=rng.choice(units),
            title=text(6),
            problem=text(40),
            benefit=text(15),
            is_confidential=rng.random() < 0.1,
        )
        for _ in range(needs)
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return strategist, lead


def timed(function, runs: int) -> tuple[float, float, int]:
    """Median and p90 in ms and the queries of one run (after one warm-up run)."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        function()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p90 = timings[min(len(timings) - 1, round(0.9 * (len(timings) - 1)))]
    return statistics.median(timings), p90, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--needs", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        out("Set DATABASE_URL to a PostgreSQL database.")
        return
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from fb15.permissions import remembered_grants
    from measures.models import Measure
    from needs.models import Need, SynergyCandidate
    from needs.services import refresh_synergy_candidates
    from needs.synergies import similar_items

    setup_test_environment()  # the test client's host is allowed
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        strategist, lead = seed(args.measures, args.needs)
        out(
            f"seeded {args.measures} measures and {args.needs} needs "
            f"in {time.perf_counter() - started:.1f} s"
        )
        measure = Measure.objects.filter(title__icontains="Terminvergabe").first()
        for who, user in (("Strategieteam", strategist), ("Leitung", lead)):
            found = len(similar_items(user, measure))

            def box(user=user):
                # as the box's view computes them: the reader's grants read once
                with remembered_grants():
                    return similar_items(user, measure)

            median, p90, queries = timed(box, args.runs)
            out(
                f"similar items of one measure  {who:14} {found} found  "
                f"median {median:6.1f} ms  p90 {p90:6.1f} ms  {queries} queries"
            )
        open_needs = Need.objects.open().count()
        started = time.perf_counter()
        stored = refresh_synergy_candidates()
        out(
            f"similar items of all {open_needs} open needs computed and stored "
            f"({stored} pairs, {SynergyCandidate.objects.values('need').distinct().count()} "
            f"needs with any) in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(strategist)
        url = reverse("synergies")
        assert client.get(url).status_code == 200
        median, p90, queries = timed(lambda: client.get(url), args.runs)
        out(
            f"Synergien page (first page)  median {median:6.1f} ms  p90 {p90:6.1f} ms  "
            f"{queries} queries"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
