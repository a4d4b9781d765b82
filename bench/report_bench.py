"""Benchmark (not a test): render the full-strategy report for 1,000 measures / 300 projects.

    python bench/report_bench.py [--measures 1000] [--projects 300] [--memory]

Uses a throwaway SQLite database and MEDIA_ROOT in /tmp. Prints the time of each phase of
the report (data gathering, templating, WeasyPrint), then the same HTML rendered by
WeasyPrint alone, and the ratio of the whole to WeasyPrint alone (the overhead of our code).
With --memory, a second pass measures each phase's peak Python memory with tracemalloc
(slower, so timings come from the first pass without it).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="fb15-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fb15.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def seed(measure_count: int, project_count: int) -> None:
    """Bulk-create a strategy with `measure_count` measures and `project_count` projects."""
    from fb15.models import Division, OrgUnit
    from measures.models import Indicator, IndicatorValue, Measure, Milestone, Project, StatusUpdate
    from measures.services import ensure_quarter
    from strategy.models import FieldOfAction, Goal, Strategy

    rng = random.Random(15)
    today = timezone.localdate()
    period = ensure_quarter(today)
    division = Division.objects.create(number="I", name="Verwaltungsführung", position=1)
    units = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"FB {n:02d}", name=f"Fachbereich {n}", division=division)
        for n in range(10, 50)
    )
    strategy = Strategy.objects.create(title="Digitale Strategie", vision="Digital und einfach.")
    fields = FieldOfAction.objects.bulk_create(
        FieldOfAction(strategy=strategy, position=n, title=f"Handlungsfeld Nummer {n}")
        for n in range(1, 9)
    )
    goals = Goal.objects.bulk_create(
        Goal(field_of_action=f, position=n, title=f"Ziel {f.position}.{n} der Digitalisierung")
        for f in fields
        for n in range(1, 6)
    )
    lights = ["green", "green", "amber", "red", ""]
    measures = bulk_create_with_history(
        [
            Measure(
                goal=goals[n % len(goals)],
                code=f"M-{n:04d}",
                title=f"Maßnahme {n}: Onlinezugang für Verwaltungsleistung {n}",
                owner=units[n % len(units)],
                status="in_progress",
                traffic_light=(light := rng.choice(lights)),
                progress=rng.randint(0, 100),
                budget_planned=Decimal(rng.randint(1, 50) * 10000),
                budget_spent=Decimal(rng.randint(0, 20) * 10000),
                last_update_period=period if light else None,
            )
            for n in range(measure_count)
        ],
        Measure,
        default_date=timezone.now() - datetime.timedelta(days=120),
    )
    measures = list(Measure.objects.order_by("pk"))
    projects = Project.objects.bulk_create(
        Project(
            code=f"P-{n:04d}",
            title=f"Projekt {n}",
            owner=units[n % len(units)],
            status="in_progress",
            traffic_light=rng.choice(lights),
            progress=rng.randint(0, 100),
        )
        for n in range(project_count)
    )
    Project.measures.through.objects.bulk_create(
        Project.measures.through(project_id=p.pk, measure_id=measures[i * 3].pk)
        for i, p in enumerate(projects)
    )
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            measure=m,
            period=period,
            traffic_light=m.traffic_light,
            progress=m.progress,
            status=m.status,
            summary="Umsetzung läuft planmäßig; die Abstimmung mit dem Fachverfahren ist "
            "abgeschlossen, der Pilotbetrieb beginnt im nächsten Quartal.",
        )
        for m in measures
        if m.traffic_light
    )
    Milestone.objects.bulk_create(
        Milestone(measure=m, title="Pilotbetrieb", due_on=today - datetime.timedelta(days=20))
        for m in measures[::10]
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            measure=m,
            name="Online-Anteil",
            unit="%",
            baseline=10,
            target_value=80,
            target_date=today + datetime.timedelta(days=365),
        )
        for m in measures[::5]
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=i, measured_on=today - datetime.timedelta(days=d), value=v)
        for i in indicators
        for d, v in ((300, 10), (0, rng.randint(10, 60)))
    )
    # Some movement since the last report for "Änderungen seit dem letzten Bericht".
    for m in measures[::25]:
        m.traffic_light = "red"
        m._change_reason = "Benchmark"
        m.save()


def timed(label: str, func, *args):
    started = time.perf_counter()
    result = func(*args)
    elapsed = time.perf_counter() - started
    return result, elapsed


def peak(func, *args) -> tuple[object, int]:
    tracemalloc.start()
    result = func(*args)
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, top


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()

    from reporting import pdf, report_data, services
    from reporting.models import Report

    out(f"Datenbank: {os.environ['DATABASE_URL']}")
    _done, migrate_time = timed("migrate", lambda: call_command("migrate", verbosity=0))
    _done, seed_time = timed("seed", seed, args.measures, args.projects)
    out(f"migrate {migrate_time:.1f} s, seed {seed_time:.1f} s")

    report = services.request_report(actor=None, enqueue=False)
    report = Report.objects.select_related("period").get(pk=report.pk)
    # Warm up fontconfig and WeasyPrint once (the first render of a process is cold).
    pdf.html_to_pdf("<html lang='de'><title>x</title><p>warm</p></html>")

    data, t_data = timed("data", report_data.data_for_report, report)
    html, t_template = timed("template", pdf.report_html, data)
    pdf, t_weasy = timed("weasyprint", pdf.html_to_pdf, html)
    _pdf2, t_alone = timed("weasyprint alone", pdf.html_to_pdf, html)
    total = t_data + t_template + t_weasy
    out(
        f"\nGesamtbericht: {len(data.measures)} Maßnahmen, {len(data.projects)} Projekte, "
        f"{len(html) / 1024:.0f} KiB HTML, {len(pdf) / 1024:.0f} KiB PDF"
    )
    out(f"  Daten sammeln   {t_data:8.2f} s")
    out(f"  Templating      {t_template:8.2f} s")
    out(f"  WeasyPrint      {t_weasy:8.2f} s")
    out(f"  gesamt          {total:8.2f} s")
    out(f"WeasyPrint allein (gleiches HTML): {t_alone:.2f} s")
    out(f"Verhältnis gesamt / WeasyPrint allein: {total / t_alone:.2f}")

    if args.memory:
        _d, m_data = peak(report_data.data_for_report, report)
        _h, m_template = peak(pdf.report_html, data)
        _p, m_weasy = peak(pdf.html_to_pdf, html)
        out("\nSpitzenspeicher (tracemalloc, Python-Objekte):")
        out(f"  Daten sammeln   {m_data / 2**20:8.1f} MiB")
        out(f"  Templating      {m_template / 2**20:8.1f} MiB")
        out(f"  WeasyPrint      {m_weasy / 2**20:8.1f} MiB")
    import resource

    out(f"Prozess max. RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    out(f"Arbeitsverzeichnis: {WORKDIR}")


if __name__ == "__main__":
    main()
