"""Celery tasks of the reports: one task per report, and the periodic jobs.

The periodic jobs are scheduled in migration 0002_periodic_jobs (the mail outbox's retry job
moved to fb15, see fb15/tasks.py); report schedules get their own beat entries from
`services.sync_schedule`.
"""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import services

# Errors worth another try: the database or the broker was briefly away.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    name="reporting.render_report",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=3,
    acks_late=True,
    reject_on_worker_lost=True,
    # The soft limit fails the report with a German reason; the hard one kills a render
    # that ignores it. Redis' visibility timeout is set above the hard limit (settings.py).
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def render_report(self, report_id: int) -> str:
    """Render one report under a lease held by this task id (see services.claim_report):
    a redelivery after a crash takes over, a duplicate of a healthy run does nothing."""
    return services.run_report(
        report_id,
        task_id=self.request.id,
        transient=TRANSIENT_ERRORS,
        final_attempt=self.request.retries >= self.max_retries,
    )


@shared_task(name="reporting.run_schedule", autoretry_for=TRANSIENT_ERRORS, max_retries=3)
def run_schedule(schedule_id: int) -> int | None:
    report = services.run_schedule(schedule_id)
    return report.pk if report else None


@shared_task(name="reporting.fail_stuck_reports")
def fail_stuck_reports() -> int:
    return services.fail_stuck_reports(timezone.now())


@shared_task(
    name="reporting.update_cycle",
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=True,
)
def update_cycle() -> dict:
    """Daily: reminders before the Stichtag, escalation after the grace days, locking."""
    return services.run_update_cycle(timezone.localdate())


@shared_task(name="reporting.warm_figures", ignore_result=True, expires=300)
def warm_figures() -> None:
    """Shortly after data changed: the Lagebild's and the start pages' figures computed
    before a reader asks (reporting/warming.py schedules it)."""
    from . import warming

    warming.warm()
