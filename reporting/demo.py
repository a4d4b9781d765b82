"""Demo report schedules (Berichtspläne); reports themselves are made with "Bericht jetzt
erzeugen" or `manage.py generate_report`."""

from fb15.demo import ensure
from fb15.models import OrgUnit

from .models import ReportSchedule, ScopeKind
from .services import sync_schedule


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
    log(f"Berichte: {len(plans)} Berichtspläne")
