"""Demo report schedules (Berichtspläne) and one finished report of the last quarter, so the
council finds a PDF in the archive straight after `make run`."""

import datetime

from django.utils import timezone

from fb15.demo import ensure
from fb15.models import OrgUnit, User

from .models import Report, ReportSchedule, ReportStatus, ScopeKind
from .periods import quarter_period
from .services import request_report, run_report, sync_schedule

DEMO_ASSESSMENT = (
    "Die Umsetzung der Digitalstrategie liegt insgesamt im Plan. Gut gelaufen sind die "
    "Online-Anträge des Bürgerservice: Die meistgenutzten Leistungen sind online, die "
    "Nutzung steigt.\n\n"
    "Kritisch sind die E-Akte in mehreren Fachbereichen, wo Personal für die Einführung fehlt, "
    "und zwei überfällige Meilensteine der IT-Infrastruktur.\n\n"
    "Nötig ist eine Entscheidung über die Mittel für die Schul-IT 2027; FB 15 legt dazu im "
    "nächsten Quartal eine Vorlage vor."
)


def seed(log) -> None:
    unit32 = OrgUnit.objects.filter(code="FB 32").first()
    plans = [
        (
            "Quartalsbericht an den Rat",
            {
                "frequency": "quarterly",
                "scope_kind": ScopeKind.STRATEGY,
                "reporting_day": 10,
                "notify_council": True,
            },
        ),
        (
            "Monatsbericht FB 32",
            {
                "frequency": "monthly",
                "scope_kind": ScopeKind.UNIT if unit32 else ScopeKind.STRATEGY,
                "unit": unit32,
                "reporting_day": 5,
                "notify_council": False,
                "extra_recipients": "buero.fb32@stadt.example",
            },
        ),
    ]
    for name, values in plans:
        schedule, changed = ensure(ReportSchedule, {"name": name}, values)
        if changed or schedule.periodic_task_id is None:
            sync_schedule(schedule)
    if not Report.objects.filter(status=ReportStatus.DONE).exists():
        last_quarter = quarter_period(timezone.localdate() - datetime.timedelta(days=92))
        strategist = User.objects.get(username="strategie")
        report = request_report(actor=strategist, period=last_quarter, enqueue=False)
        # The demo's report of the last quarter is long released: rendered once as final.
        Report.objects.filter(pk=report.pk).update(
            assessment=DEMO_ASSESSMENT, release_requested=True, released_by=strategist
        )
        run_report(report.pk)  # the same code path as the Celery task, run here directly
    log(f"Berichte: {len(plans)} Berichtspläne, {Report.objects.count()} Bericht(e) im Archiv")
