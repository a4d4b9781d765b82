"""Report schedules and the life of one rendering: request, lease, render, store, sweep.

`run_report` is what the Celery task and the management command call; the task owns its
retry policy (reporting/tasks.py). What a report shows is gathered in `report_data`, the
Lagebild in `dashboard`, the PDF made in `pdf`, people told in `notifications`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fb15.history import save_with_history
from measures.models import (
    ReportingPeriod,
)
from measures.services import ensure_quarter, lock_period

from .models import (
    Frequency,
    Report,
    ReportSchedule,
    ReportStatus,
    ScopeKind,
)
from .notifications import send_draft_notice, send_escalations, send_reminders, send_report_notice
from .pdf import render_report_pdf
from .periods import Period, ReportError, period_just_ended, quarter_period
from .storage import report_storage

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ schedules

RUN_SCHEDULE_TASK = "reporting.run_schedule"


def sync_schedule(schedule: ReportSchedule) -> None:
    """Create, change or remove the beat entry of a schedule (beat picks it up while running).

    Monthly: on `reporting_day` of every month; quarterly: in January, April, July, October.
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="6",
        day_of_week="*",
        day_of_month=str(min(max(schedule.reporting_day, 1), 28)),
        month_of_year="*" if schedule.frequency == Frequency.MONTHLY else "1,4,7,10",
        timezone="Europe/Berlin",
    )
    values = {
        "name": f"Bericht: {schedule.name} (#{schedule.pk})",
        "task": RUN_SCHEDULE_TASK,
        "crontab": crontab,
        "kwargs": json.dumps({"schedule_id": schedule.pk}),
        "enabled": schedule.is_active,
        # A run missed by more than a day is not made up silently: generate it by hand.
        "expire_seconds": 24 * 60 * 60,
        "description": f"Erzeugt den Statusbericht „{schedule.name}“ für den abgelaufenen "
        "Zeitraum.",
    }
    task = schedule.periodic_task
    if task is None:
        task = PeriodicTask.objects.create(**values)
        ReportSchedule.objects.filter(pk=schedule.pk).update(periodic_task=task)
        schedule.periodic_task = task
    else:
        for name, value in values.items():
            setattr(task, name, value)
        task.save()


@transaction.atomic
def save_schedule(schedule: ReportSchedule, *, actor, reason: str = "") -> ReportSchedule:
    """Save a schedule and bring its beat entry in step."""
    save_with_history(schedule, actor=actor, reason=reason)
    sync_schedule(schedule)
    return schedule


@transaction.atomic
def delete_schedule(*, actor, schedule: ReportSchedule) -> None:
    task = schedule.periodic_task
    schedule._history_user = actor
    schedule.delete()
    if task is not None:
        task.delete()


# ------------------------------------------------------------------------------ reports


class ReportInProgress(ReportError):
    """The same scope and period is already queued or running: the caller gets that one."""

    def __init__(self, report: Report):
        super().__init__(_("„%(report)s“ wird bereits erzeugt.") % {"report": report})
        self.report = report


BROKER_DOWN_ERROR = gettext_lazy(
    "Die Hintergrundverarbeitung war nicht erreichbar; der Bericht wurde nicht erzeugt. "
    "Bitte später „Erneut erzeugen“ wählen."
)
STUCK_ERROR = gettext_lazy("Zeitüberschreitung – bitte erneut erzeugen")
LOST_ERROR = gettext_lazy(
    "Der Auftrag hat die Hintergrundverarbeitung nicht erreicht – bitte erneut erzeugen."
)
LOST_AFTER = datetime.timedelta(hours=2)
# kombu looks for unacknowledged messages every ~100 s by default: the margin for a
# redelivery after the visibility timeout has passed.
REDELIVERY_MARGIN = datetime.timedelta(minutes=5)


def lease_duration() -> datetime.timedelta:
    """How long a claim holds: the hard time limit kills any render that takes longer."""
    return datetime.timedelta(seconds=settings.REPORT_TIME_LIMIT + 30)


def redelivery_deadline() -> datetime.timedelta:
    """By then the broker has handed a dead worker's task to another worker, if ever."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return max(lease_duration(), datetime.timedelta(seconds=visibility)) + REDELIVERY_MARGIN


def enqueue_render(report: Report) -> None:
    transaction.on_commit(lambda: publish_report(report))


def publish_report(report: Report) -> bool:
    """Hand the report to the worker. If the broker is down the report fails visibly at once
    (German reason, "Erneut erzeugen" works once it is back) instead of waiting as "queued"."""
    from .tasks import render_report

    try:
        render_report.delay(report.pk)
    except Exception:  # any publishing error means the task is not queued
        logger.exception("Statusbericht %s: Broker nicht erreichbar", report.pk)
        now = timezone.now()
        Report.objects.filter(pk=report.pk, status=ReportStatus.QUEUED).update(
            status=ReportStatus.FAILED,
            error=str(BROKER_DOWN_ERROR),
            finished_at=now,
            updated_at=now,
        )
        report.refresh_from_db(fields=["status", "error", "finished_at"])
        return False
    return True


def in_progress_like(report: Report) -> Report | None:
    return (
        Report.objects.in_progress()
        .filter(
            scope_kind=report.scope_kind,
            field_of_action_id=report.field_of_action_id,
            unit_id=report.unit_id,
            period_label=report.period_label,
        )
        .first()
    )


@transaction.atomic
def request_report(
    *,
    actor,
    scope_kind: str = ScopeKind.STRATEGY,
    field_of_action=None,
    unit=None,
    period: Period | None = None,
    schedule: ReportSchedule | None = None,
    acknowledged_only: bool = False,
    priority_only: bool = False,
    enqueue: bool = True,
) -> Report:
    """Create a queued report and hand it to the worker once the transaction commits.

    ReportInProgress (with the running report) if the same scope and period is already
    queued or running: the database's partial unique constraint decides between racing
    requests.
    """
    period = period or quarter_period(timezone.localdate())
    if scope_kind == ScopeKind.FIELD and field_of_action is None:
        raise ReportError(_("Bitte ein Handlungsfeld wählen."))
    if scope_kind == ScopeKind.UNIT and unit is None:
        raise ReportError(_("Bitte einen Fachbereich wählen."))
    report = Report(
        schedule=schedule,
        scope_kind=scope_kind,
        field_of_action=field_of_action if scope_kind == ScopeKind.FIELD else None,
        unit=unit if scope_kind == ScopeKind.UNIT else None,
        period_label=period.label,
        period_starts_on=period.starts_on,
        period_ends_on=period.ends_on,
        period=ensure_quarter(period.ends_on),
        requested_by=actor,
        acknowledged_only=acknowledged_only,
        priority_only=priority_only,
    )
    report._history_user = actor
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        running = in_progress_like(report)
        if running is None:
            raise
        raise ReportInProgress(running) from None
    if enqueue:
        enqueue_render(report)
    return report


@transaction.atomic
def retry_report(*, actor, report: Report) -> bool:
    """Re-queue a failed report ("Erneut erzeugen"); False if it is not failed (any more)
    or the same scope and period is meanwhile in progress again."""
    try:
        with transaction.atomic():
            changed = Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(
                status=ReportStatus.QUEUED,
                error="",
                task_id="",
                claimed_at=None,
                started_at=None,
                finished_at=None,
                requested_by=actor,
                updated_at=timezone.now(),
            )
    except IntegrityError:
        return False
    if changed:
        enqueue_render(report)
    return bool(changed)


def claim_report(report_id: int, task_id: str, now: datetime.datetime | None = None) -> bool:
    """Take the lease in one conditional UPDATE. A delivery wins a queued report, or a running
    one whose task id is its own (redelivered after its worker died, or retried) or whose
    lease has run out; a healthy report running under another task is left alone."""
    now = now or timezone.now()
    claimable = Q(status=ReportStatus.QUEUED) | Q(status=ReportStatus.RUNNING) & (
        Q(task_id=task_id) | Q(claimed_at__lt=now - lease_duration())
    )
    return bool(
        Report.objects.filter(claimable, pk=report_id).update(
            status=ReportStatus.RUNNING,
            task_id=task_id,
            claimed_at=now,
            started_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )


def run_report(
    report_id: int,
    *,
    task_id: str = "",
    transient: tuple = (),
    final_attempt: bool = True,
) -> str:
    """Render one report; the task (with its Celery task id) and `generate_report` call this.

    Returns "done", "failed" or "skipped" (another delivery holds the lease, or it is
    finished). Every error ends the report "failed" with a German reason, except transient
    ones (`transient`) before the last attempt: the report goes back to the queue and the
    error is re-raised for a retry.
    """
    task_id = task_id or f"direct-{uuid.uuid4()}"
    if not claim_report(report_id, task_id):
        return "skipped"
    report = Report.objects.select_related("field_of_action", "unit", "period").get(pk=report_id)
    mine = _leased(report_id, task_id)
    try:
        pdf, as_of = render_report_pdf(report)
    except transient as error:
        if not final_attempt:
            mine.update(status=ReportStatus.QUEUED, error=str(error))
            raise
        logger.exception("Statusbericht %s fehlgeschlagen", report_id)
        _record_failure(mine, _("Datenbank oder Broker nicht erreichbar: %(error)s"), error)
        return "failed"
    except SoftTimeLimitExceeded as error:
        _record_failure(
            mine,
            _("Zeitüberschreitung: Die Erzeugung dauerte länger als %(seconds)s Sekunden.")
            % {"seconds": settings.REPORT_SOFT_TIME_LIMIT},
            error,
        )
        return "failed"
    except ReportError as error:
        _record_failure(mine, "%(error)s", error)
        return "failed"
    except Exception as error:  # a permanent error: record it, visible in the list
        logger.exception("Statusbericht %s fehlgeschlagen", report_id)
        _record_failure(mine, _("Unerwarteter Fehler beim Erzeugen: %(error)s"), error)
        return "failed"
    return _record_success(report, task_id, pdf, as_of)


def _leased(report_id: int, task_id: str):
    """The report as long as this task holds its lease: writes through it are conditional."""
    return Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING, task_id=task_id)


def _record_failure(mine, reason: str, error: Exception) -> None:
    now = timezone.now()
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    text = reason % {"error": error if isinstance(error, ReportError) else detail}
    mine.update(status=ReportStatus.FAILED, error=text[:2000], finished_at=now, updated_at=now)


def report_file_name(report: Report) -> str:
    """ "000042-statusbericht-fb-32-2026-q3.pdf": the id and a slug, never raw input."""
    return f"{report.pk:06d}-{slugify(report.download_name.removesuffix('.pdf'))}.pdf"


def _record_success(report: Report, task_id: str, pdf: bytes, as_of: datetime.datetime) -> str:
    mine = _leased(report.pk, task_id)
    storage = report_storage()
    name = report_file_name(report)
    try:
        if storage.exists(name):
            storage.delete(name)
        stored = storage.save(name, ContentFile(pdf))
    except Exception as error:  # disk full, MEDIA_ROOT not writable, bucket unreachable
        logger.exception("Statusbericht %s: Datei nicht gespeichert", report.pk)
        _record_failure(
            mine,
            _(
                "Die PDF-Datei konnte nicht gespeichert werden (Speicher voll oder nicht "
                "beschreibbar?): %(error)s"
            ),
            error,
        )
        return "failed"
    with transaction.atomic():
        done = mine.update(
            status=ReportStatus.DONE,
            file=stored,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            data_as_of=as_of,
            finished_at=timezone.now(),
            error="",
            updated_at=timezone.now(),
        )
        if not done:  # the lease was lost meanwhile (failed by the sweep or taken over)
            if stored != name:  # a name of its own: nobody else writes it
                storage.delete(stored)
            return "skipped"
        # The final rendering of a release: from now on the readers see it.
        Report.objects.filter(pk=report.pk, release_requested=True).update(
            released_at=timezone.now(), release_requested=False
        )
        report.refresh_from_db()
        notice = send_report_notice if report.is_released else send_draft_notice
        transaction.on_commit(lambda: notice(report))
    return "done"


def fail_stuck_reports(now: datetime.datetime | None = None) -> int:
    """The sweep behind the lease: a report still running when the broker should long have
    redelivered its task (whole worker gone, message lost), or queued for LOST_AFTER, becomes
    failed with a German hint; "Erneut erzeugen" queues it again."""
    now = now or timezone.now()
    stuck = Report.objects.filter(
        status=ReportStatus.RUNNING, claimed_at__lt=now - redelivery_deadline()
    ).update(status=ReportStatus.FAILED, error=str(STUCK_ERROR), finished_at=now, updated_at=now)
    lost = Report.objects.filter(
        status=ReportStatus.QUEUED, created_at__lt=now - LOST_AFTER, claimed_at__isnull=True
    ).update(status=ReportStatus.FAILED, error=str(LOST_ERROR), finished_at=now, updated_at=now)
    return stuck + lost


def verify_file(report: Report) -> bytes | None:
    """The stored PDF if its SHA-256 still matches, else None (and logged)."""
    try:
        with report_storage().open(report.file.name, "rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        logger.error("Statusbericht %s: Datei %s fehlt", report.pk, report.file.name)
        return None
    if hashlib.sha256(content).hexdigest() != report.sha256:
        logger.error("Statusbericht %s: Prüfsumme stimmt nicht (%s)", report.pk, report.file.name)
        return None
    return content


def lock_due_periods(today: datetime.date) -> int:
    """Lock every period whose grace time is over (Stichtag + Nachfrist passed)."""
    count = 0
    for period in ReportingPeriod.objects.filter(locked_at__isnull=True):
        if period.closes_on < today:
            lock_period(period)
            count += 1
    return count


def run_update_cycle(today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: make sure the current quarter exists, remind, escalate, lock."""
    today = today or timezone.localdate()
    period = ensure_quarter(today)
    # The open period's grace time follows the active schedules (the longest one wins).
    grace = ReportSchedule.objects.filter(is_active=True).values_list("grace_days", flat=True)
    if grace and period.locked_at is None and period.grace_days != max(grace):
        period.grace_days = max(grace)
        period._change_reason = "Nachfrist laut Berichtsplan"
        period.save(update_fields=["grace_days", "updated_at"])
    return {
        "reminders": send_reminders(today),
        "escalations": send_escalations(today),
        "locked": lock_due_periods(today),
    }


def run_schedule(schedule_id: int, today: datetime.date | None = None) -> Report | None:
    """Beat calls this: create the report for the period just ended (once) and queue it."""
    schedule = ReportSchedule.objects.filter(pk=schedule_id, is_active=True).first()
    if schedule is None:
        return None
    period = period_just_ended(schedule.frequency, today or timezone.localdate())
    existing = Report.objects.filter(schedule=schedule, period_label=period.label).first()
    if existing is not None:
        return existing
    try:
        return request_report(
            actor=None,
            scope_kind=schedule.scope_kind,
            field_of_action=schedule.field_of_action,
            unit=schedule.unit,
            period=period,
            schedule=schedule,
            acknowledged_only=schedule.acknowledged_only,
            priority_only=schedule.priority_only,
        )
    except ReportInProgress as running:  # someone asked for the same report by hand
        return running.report
