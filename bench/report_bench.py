"""Benchmark (not a test): render the full-strategy report at two sizes and print a table.

    python bench/report_bench.py [--sizes 300:90,1000:300]

Each size (measures:projects) gets a throwaway SQLite database and MEDIA_ROOT in /tmp,
seeded in its own process. Then two fresh processes per size, each warmed up with one tiny
render with the report's stylesheet (as a worker that has rendered a report before):

- the report as the task renders it: data gathering, templating, WeasyPrint (its time and
  the process's peak RSS: one report in memory at a time);
- WeasyPrint alone on the same HTML.

Printed per size: pages, page where the annex starts ("Anhang" bookmark), total seconds,
WeasyPrint alone, our share (data + templating, in % of WeasyPrint alone), peak RSS, the
CPU seconds of both processes and the load average (on a shared machine the wall-clock
times follow the load; the CPU seconds much less so).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fb15.settings")
    import django

    django.setup()


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def seed(measure_count: int, project_count: int) -> None:
    """Bulk-create a strategy with `measure_count` measures and `project_count` projects."""
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

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


def timed(func, *args):
    """The result, wall-clock seconds and CPU seconds of this process."""
    started, cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    return result, time.perf_counter() - started, time.process_time() - cpu


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def annex_page(pdf_bytes: bytes) -> tuple[int, int | None]:
    """Page count and the first page of the annex (its bookmark), read back with pypdf."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    starts = [
        reader.get_destination_page_number(entry) + 1
        for entry in reader.outline
        if not isinstance(entry, list) and entry.title.startswith("Anhang")
    ]
    return len(reader.pages), min(starts, default=None)


def phase_seed(workdir: Path, measures: int, projects: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(measures, projects)
    from reporting import services

    services.request_report(actor=None, enqueue=False)
    return {}


def warm_up() -> None:
    """A tiny render with the report's stylesheet, as a worker has done before its next report
    (fontconfig, and the fonts where a process keeps them)."""
    from reporting import pdf

    pdf.html_to_pdf(
        "<html lang='de'><title>x</title><link rel='stylesheet' href='fbstatic:css/report.css'>"
        "<p>warm</p></html>"
    )


def phase_render(workdir: Path) -> dict:
    """One report as the task renders it."""
    from reporting import pdf, report_data
    from reporting.models import Report

    warm_up()
    report = Report.objects.select_related("period").get()
    data, t_data, cpu_data = timed(report_data.data_for_report, report)
    html, t_template, cpu_template = timed(pdf.report_html, data)
    pdf_bytes, t_weasy, cpu_weasy = timed(pdf.html_to_pdf, html)
    (workdir / "report.html").write_text(html)
    pages, annex = annex_page(pdf_bytes)
    return {
        "measures": len(data.measures),
        "projects": len(data.projects),
        "data": t_data,
        "template": t_template,
        "weasyprint": t_weasy,
        "cpu": cpu_data + cpu_template + cpu_weasy,
        "pages": pages,
        "annex": annex,
        "html_kib": len(html) / 1024,
        "pdf_kib": len(pdf_bytes) / 1024,
        "rss": peak_rss_mib(),
    }


def phase_alone(workdir: Path) -> dict:
    """WeasyPrint alone on the same HTML."""
    from reporting import pdf

    warm_up()
    html = (workdir / "report.html").read_text()
    _pdf, t_alone, cpu_alone = timed(pdf.html_to_pdf, html)
    return {"alone": t_alone, "cpu_alone": cpu_alone}


PHASES = {"seed": phase_seed, "render": phase_render, "alone": phase_alone}


def run_phase(phase: str, workdir: Path, *args) -> dict:
    """Run one phase in a fresh Python process; its result comes back as JSON."""
    command = [sys.executable, __file__, "--phase", phase, "--workdir", str(workdir)]
    command += [str(a) for a in args]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(measures: int, projects: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"fb15-bench-{measures}-"))
    run_phase("seed", workdir, measures, projects)
    load = os.getloadavg()[0]
    result = run_phase("render", workdir)
    result |= run_phase("alone", workdir) | {"workdir": str(workdir)}
    result["load"] = (load + os.getloadavg()[0]) / 2
    result["total"] = result["data"] + result["template"] + result["weasyprint"]
    result["share"] = 100 * (result["data"] + result["template"]) / result["alone"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="300:90,1000:300", help="measures:projects,…")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("counts", nargs="*", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        setup_django(args.workdir)
        out(json.dumps(PHASES[args.phase](args.workdir, *args.counts)))
        return

    rows = []
    for size in args.sizes.split(","):
        measures, projects = (int(n) for n in size.split(":"))
        rows.append(bench(measures, projects))
    out(
        f"{'Maßn./Proj.':>12} {'Seiten':>6} {'Anhang ab':>9} {'gesamt s':>8} "
        f"{'Weasy allein s':>14} {'Anteil':>6} {'RSS MiB':>7} {'CPU s':>5} "
        f"{'CPU allein s':>12} {'Last':>5}"
    )
    for r in rows:
        out(
            f"{r['measures']:>6}/{r['projects']:<5} {r['pages']:>6} {r['annex'] or '-':>9} "
            f"{r['total']:>8.2f} {r['alone']:>14.2f} {r['share']:>5.1f}% {r['rss']:>7.0f} "
            f"{r['cpu']:>5.2f} {r['cpu_alone']:>12.2f} {r['load']:>5.1f}"
        )
    out("Anteil: Daten sammeln und Templating in % von WeasyPrint allein (Wanduhrzeit).")
    for r in rows:
        out(
            f"{r['measures']} Maßnahmen: {r['html_kib']:.0f} KiB HTML, {r['pdf_kib']:.0f} KiB PDF, "
            f"Daten {r['data']:.2f} s, Templating {r['template']:.2f} s, "
            f"WeasyPrint im Bericht {r['weasyprint']:.2f} s; Arbeitsverzeichnis {r['workdir']}"
        )


if __name__ == "__main__":
    main()
