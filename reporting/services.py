"""Status reports: what goes in (bounded queries), how it is rendered (one path), who is told.

`gather_report_data` reads everything a report or the dashboard shows with a fixed number
of queries and returns plain dataclasses; `render_pdf` turns them into a PDF through one
Django template and WeasyPrint; `run_report` is what the Celery task and the management
command call. Reminders, escalations and notices are plain-text German emails queued in the
outbox (`fb15.mail.queue_mail`) under a unique key so a rerun never sends twice.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import mimetypes
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fb15.history import save_with_history
from fb15.mail import absolute_url, queue_mail
from fb15.models import CitySettings, OrgUnit, Role, User, city_settings
from measures.charts import on_track
from measures.models import (
    ACTIVE_STATUSES,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Priority,
    Project,
    ReportingPeriod,
    ReviewState,
    Status,
    StatusUpdate,
    TrafficLight,
)
from measures.services import ensure_quarter, lock_period, quarter_of
from strategy.models import FieldOfAction, Goal, Revision, Strategy
from strategy.tree import StrategyTree, assemble, build_tree

from . import charts
from .models import (
    Frequency,
    Report,
    ReportSchedule,
    ReportStatus,
    ScopeKind,
    scope_label,
)
from .storage import report_storage

logger = logging.getLogger(__name__)

STATUS_LABELS = dict(Status.choices)
LIGHT_LABELS = {**dict(TrafficLight.choices), "": gettext_lazy("keine Meldung")}


class ReportError(Exception):
    """A report cannot be made (no strategy, unknown scope or period): not worth retrying."""


# ------------------------------------------------------------------------------ periods


@dataclass(frozen=True)
class Period:
    label: str
    starts_on: datetime.date
    ends_on: datetime.date


def month_of(day: datetime.date) -> Period:
    starts_on = day.replace(day=1)
    next_start = (starts_on + datetime.timedelta(days=32)).replace(day=1)
    return Period(f"{day:%Y-%m}", starts_on, next_start - datetime.timedelta(days=1))


def quarter_period(day: datetime.date) -> Period:
    """The quarter containing `day`, as stored if its reporting period exists, else computed.

    Reads only: pages (the Lagebild, the report form) call this on GET; the daily job and
    requesting a report create the period (`ensure_quarter`).
    """
    starts_on, ends_on, label = quarter_of(day)
    stored = ReportingPeriod.objects.filter(starts_on=starts_on).first()
    if stored is not None:
        return Period(stored.label, stored.starts_on, stored.ends_on)
    return Period(label, starts_on, ends_on)


def period_just_ended(frequency: str, today: datetime.date) -> Period:
    """The month or quarter before the one containing `today`."""
    if frequency == Frequency.MONTHLY:
        return month_of(today.replace(day=1) - datetime.timedelta(days=1))
    current = quarter_period(today)
    return quarter_period(current.starts_on - datetime.timedelta(days=1))


def parse_period(label: str) -> Period:
    """ "2026-Q3" or "2026-07" → the period; ReportError for anything else."""
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", label.strip()):
        year, quarter = int(match[1]), int(match[2])
        return quarter_period(datetime.date(year, 3 * quarter - 2, 1))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", label.strip()):
        month = int(match[2])
        if 1 <= month <= 12:
            return month_of(datetime.date(int(match[1]), month, 1))
    raise ReportError(
        _("Unbekannter Zeitraum „%(label)s“ (erwartet z. B. 2026-Q3 oder 2026-07).")
        % {"label": label}
    )


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


# ------------------------------------------------------------------------------ data


@dataclass
class MeasureRow:
    pk: int
    code: str
    title: str
    unit: str
    goal: str
    status: str
    traffic_light: str
    progress: int
    summary: str
    budget_planned: Decimal | None
    budget_spent: Decimal | None
    is_stale: bool = False
    summary_period: str = ""  # the period of the Sachstand when it is not the report's
    decision: str = ""  # the decision its latest update says is needed ("Entscheidungsbedarf")
    priority: str = ""
    in_detail: bool = True  # shown with its Sachstand in its field's chapter (else: annex only)
    note: str = ""  # FB 15's note on it in this report

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def light_label(self) -> str:
        return str(LIGHT_LABELS.get(self.traffic_light, ""))


@dataclass(frozen=True)
class LatestUpdate:
    starts_on: datetime.date
    summary: str
    period: str  # its period's label when that is not the report's
    decision: str


@dataclass
class GoalSection:
    number: str
    title: str
    measures: list[MeasureRow]

    @property
    def detailed(self) -> list[MeasureRow]:
        return [m for m in self.measures if m.in_detail]

    @property
    def quiet_count(self) -> int:
        """Measures shown only in the annex (nothing the council must read)."""
        return len(self.measures) - len(self.detailed)


@dataclass
class FieldSection:
    number: str
    title: str
    goals: list[GoalSection]
    overdue: list[OpenItem] = field(default_factory=list)
    off_target: list[OpenItem] = field(default_factory=list)

    @property
    def measures(self) -> list[MeasureRow]:
        return [m for g in self.goals for m in g.measures]


@dataclass
class OpenItem:
    kind: str
    code: str
    title: str
    unit: str
    detail: str
    field: str = ""


@dataclass
class Change:
    code: str
    title: str
    group: str  # a key of CHANGE_GROUPS: how much the council needs to know it
    details: list[str]

    @property
    def kind(self) -> str:
        return str(CHANGE_GROUPS[self.group])


# The changes since the last report, most important first.
CHANGE_GROUPS = {
    "red": gettext_lazy("neu auf Rot"),
    "done": gettext_lazy("abgeschlossen"),
    "new": gettext_lazy("neu aufgenommen"),
    "stopped": gettext_lazy("zurückgestellt oder verworfen"),
    "moved": gettext_lazy("Termin verschoben"),
    "other": gettext_lazy("geändert"),
}
STOPPED = (Status.ON_HOLD, Status.DROPPED)


@dataclass
class ReportData:
    """Everything a report or the dashboard shows, as plain values."""

    city: CitySettings  # name, office, logo and contact of the title page and footer
    title: str
    scope_label: str
    period: Period
    as_of: datetime.datetime
    is_locked: bool
    strategy_title: str
    revision_label: str
    fields: list[FieldSection]
    projects: list[MeasureRow]
    light_by_field: list[charts.LightBar]
    light_by_unit: list[charts.LightBar]
    budget_rows: list[tuple[str, Decimal, Decimal]]
    overdue_milestones: list[OpenItem]
    stale_items: list[OpenItem]
    indicators_off_target: list[OpenItem]
    changes: list[Change]
    changes_since: str
    confidential_left_out: int
    status_counts: list[tuple[str, int]] = field(default_factory=list)
    acknowledged_only: bool = False
    priority_only: bool = False
    units: list[tuple[str, str]] = field(default_factory=list)  # code, name of each unit named
    assessment: str = ""  # the "Einschätzung des FB 15"
    is_draft: bool = False  # rendered for FB 15 to read before the release
    correction: str = ""  # what a correction replaces, for its title page

    @property
    def measures(self) -> list[MeasureRow]:
        return [m for f in self.fields for m in f.measures]

    @property
    def change_groups(self) -> list[tuple[str, list[Change]]]:
        """The important changes by group (label, changes); the rest is `other_changes`."""
        groups = defaultdict(list)
        for change in self.changes:
            groups[change.group].append(change)
        return [
            (label, groups[key])
            for key, label in CHANGE_GROUPS.items()
            if key != "other" and key in groups
        ]

    @property
    def other_changes(self) -> list[Change]:
        return [change for change in self.changes if change.group == "other"]

    @property
    def decisions(self) -> list[MeasureRow]:
        """Measures and projects whose latest update asks for a decision."""
        return [row for row in [*self.measures, *self.projects] if row.decision]

    @property
    def critical(self) -> list[MeasureRow]:
        """Red measures and projects, with their Sachstand as the reason."""
        return [row for row in [*self.measures, *self.projects] if row.traffic_light == "red"]

    # The counts the templates show (the Lagebild's DashboardData has the same names).
    @property
    def measure_count(self) -> int:
        return len(self.measures)

    @property
    def project_count(self) -> int:
        return len(self.projects)

    @property
    def overdue_count(self) -> int:
        return len(self.overdue_milestones)

    @property
    def stale_count(self) -> int:
        return len(self.stale_items)

    @property
    def off_target_count(self) -> int:
        return len(self.indicators_off_target)

    @property
    def change_count(self) -> int:
        return len(self.changes)

    @property
    def average_progress(self) -> int | None:
        rows = self.measures
        return round(sum(m.progress for m in rows) / len(rows)) if rows else None

    @property
    def budget_total(self) -> tuple[Decimal, Decimal]:
        return (
            sum((p for _l, p, _s in self.budget_rows), Decimal(0)),
            sum((s for _l, _p, s in self.budget_rows), Decimal(0)),
        )

    @property
    def light_totals(self) -> list[tuple[str, str, int]]:
        counts = defaultdict(int)
        for m in self.measures:
            counts[m.traffic_light] += 1
        return [(v, str(LIGHT_LABELS[v]), counts[v]) for v in charts.LIGHT_ORDER]

    def chart_field(self, prefix: str = "c"):
        return charts.traffic_light_bars(
            f"{prefix}-field", _("Ampeln je Handlungsfeld"), self.light_by_field
        )

    def chart_unit(self, prefix: str = "c"):
        return charts.traffic_light_bars(
            f"{prefix}-unit", _("Ampeln je Fachbereich"), self.light_by_unit
        )

    def chart_budget(self, prefix: str = "c"):
        return charts.budget_bars(
            f"{prefix}-budget",
            _("Budget geplant und verausgabt je Handlungsfeld"),
            self.budget_rows,
        )


def _rows(model, when):
    return model.objects.all() if when is None else model.history.as_of(when)


def _as_of_moment(period: ReportingPeriod | None) -> datetime.datetime | None:
    """A locked period is reported as it was locked; otherwise the live state (None)."""
    return period.locked_at if period is not None and period.locked_at else None


def revision_in_force(strategy: Strategy, as_of: datetime.datetime) -> Revision | None:
    """The latest revision published by `as_of` (None before the first one)."""
    return (
        Revision.objects.filter(strategy=strategy, published_at__lte=as_of)
        .order_by("-number")
        .first()
    )


def adopted_tree(
    strategy: Strategy, revision: Revision | None, when: datetime.datetime | None
) -> StrategyTree:
    """The strategy as adopted in `revision` (title, Leitbild, fields of action, goals) with
    the measures below its goals as of `when` (None: live).

    Reports and the Lagebild go to the council, who read no drafts: a goal added or renamed
    since the revision is not in them. Before the first revision, the working state.
    """
    if revision is None:
        return build_tree(strategy, when)
    adopted_at = revision.published_at
    adopted = Strategy.history.as_of(adopted_at).filter(pk=strategy.pk).first() or strategy
    fields = list(FieldOfAction.history.as_of(adopted_at).filter(strategy_id=strategy.pk))
    goals = list(
        Goal.history.as_of(adopted_at).filter(field_of_action_id__in=[f.pk for f in fields])
    )
    return assemble(adopted, when, fields, goals, None, when)


def gather_report_data(
    *,
    scope_kind: str = ScopeKind.STRATEGY,
    field_of_action=None,
    unit=None,
    period: Period,
    reporting_period: ReportingPeriod | None = None,
    previous_as_of: datetime.datetime | None = None,
    today: datetime.date | None = None,
    live: bool = False,
    acknowledged_only: bool = False,
    priority_only: bool = False,
) -> ReportData:
    """Read what a report shows with a fixed number of queries (independent of its size).

    With `acknowledged_only`, each Sachstand is that of the latest update FB 15 has
    acknowledged (status, traffic light and progress stay the measure's current ones).

    Confidential measures and projects are left out (the report goes to the council); only
    their number is stated. Fields of action and goals are those of the revision in force
    (`adopted_tree`), never the draft.
    """
    when = None if live else _as_of_moment(reporting_period)
    as_of = when or timezone.now()
    today = today or timezone.localtime(as_of).date()  # the city's day, not UTC's
    strategy = Strategy.objects.order_by("pk").first()
    if strategy is None:
        raise ReportError(_("Es gibt noch keine Strategie, über die berichtet werden kann."))
    revision = revision_in_force(strategy, as_of)
    tree = adopted_tree(strategy, revision, when)
    units = OrgUnit.objects.in_bulk()
    periods = ReportingPeriod.objects.in_bulk()

    # Measures in scope (from the tree, as of `when`).
    field_nodes = tree.fields
    if scope_kind == ScopeKind.FIELD:
        field_nodes = [n for n in field_nodes if n.field.pk == field_of_action.pk]
    measures = [
        item
        for node in field_nodes
        for goal in node.goals
        for item in goal.items.get("measures", [])
        if scope_kind != ScopeKind.UNIT or item.owner_id == unit.pk
    ]
    # Confidentiality is decided on the rows as they are now (restrict()'s rule), also for a
    # locked period read from history: a measure confidential today is left out.
    public_ids = set(
        _rows(Measure, when)
        .filter(Measure.objects.public_history_condition(), id__in=[m.pk for m in measures])
        .values_list("id", flat=True)
    )
    confidential = sum(1 for m in measures if m.pk not in public_ids)
    measures = [m for m in measures if m.pk in public_ids]
    if priority_only:  # the council's look at the priorities: those measures, their projects
        measures = [m for m in measures if m.priority == Priority.HIGH]
    measure_ids = [m.pk for m in measures]

    # Projects: all, those of the field's measures, or the unit's.
    links = Project.measures.through.objects.filter(measure_id__in=measure_ids).values_list(
        "project_id", flat=True
    )
    projects = _rows(Project, when)
    if scope_kind == ScopeKind.UNIT:
        projects = projects.filter(owner_id=unit.pk)
    elif scope_kind == ScopeKind.FIELD or priority_only:
        projects = projects.filter(id__in=links)
    projects = list(projects.order_by("code"))
    public_ids = set(
        _rows(Project, when)
        .filter(Project.objects.public_history_condition(), id__in=[p.pk for p in projects])
        .values_list("id", flat=True)
    )
    confidential += sum(1 for p in projects if p.pk not in public_ids)
    projects = [p for p in projects if p.pk in public_ids]
    project_ids = [p.pk for p in projects]

    # Latest status update per measure/project up to the reporting period.
    latest: dict[tuple[str, int], LatestUpdate] = {}
    updates = _rows(StatusUpdate, when).filter(
        Q(measure_id__in=measure_ids) | Q(project_id__in=project_ids)
    )
    if acknowledged_only:
        updates = updates.filter(review_state=ReviewState.ACKNOWLEDGED)
    if when is None and connection.vendor == "postgresql":
        # Only the latest update per measure/project leaves the database (DISTINCT ON); an
        # update of a period that no longer exists counts as the oldest, as below.
        updates = (
            updates.filter(
                Q(period__starts_on__lte=period.ends_on) | Q(period__starts_on__isnull=True)
            )
            .order_by("measure_id", "project_id", F("period__starts_on").desc(nulls_last=True))
            .distinct("measure_id", "project_id")
        )
    for measure_id, project_id, period_id, summary, needs_decision, decision in updates.values_list(
        "measure_id", "project_id", "period_id", "summary", "needs_decision", "decision_note"
    ):
        of_period = periods.get(period_id)
        starts_on = of_period.starts_on if of_period else datetime.date.min
        if starts_on > period.ends_on:
            continue
        key = ("m", measure_id) if measure_id else ("p", project_id)
        if key not in latest or latest[key].starts_on < starts_on:
            label = of_period.label if of_period else ""
            latest[key] = LatestUpdate(
                starts_on,
                summary,
                label if label != period.label else "",  # a Sachstand of another period
                decision if needs_decision else "",
            )

    def row(obj, key: str, goal: str = "") -> MeasureRow:
        active = obj.status in ACTIVE_STATUSES
        return MeasureRow(
            pk=obj.pk,
            code=obj.code,
            title=obj.title,
            unit=units[obj.owner_id].code if obj.owner_id in units else "—",
            goal=goal,
            status=obj.status,
            traffic_light=obj.traffic_light or "",
            progress=obj.progress,
            summary=latest[(key, obj.pk)].summary if (key, obj.pk) in latest else "",
            summary_period=latest[(key, obj.pk)].period if (key, obj.pk) in latest else "",
            decision=latest[(key, obj.pk)].decision if (key, obj.pk) in latest else "",
            priority=getattr(obj, "priority", ""),
            budget_planned=obj.budget_planned,
            budget_spent=obj.budget_spent,
            is_stale=bool(
                active and reporting_period and obj.last_update_period_id != reporting_period.pk
            ),
        )

    visible = set(measure_ids)
    fields = []
    for node in field_nodes:
        goals = []
        for goal in node.goals:
            rows = [
                row(m, "m", goal.number)
                for m in sorted(goal.items.get("measures", []), key=lambda m: m.code)
                if m.pk in visible
            ]
            if rows or (scope_kind != ScopeKind.UNIT and not priority_only):
                goals.append(GoalSection(goal.number, goal.goal.title, rows))
        narrowed = scope_kind == ScopeKind.UNIT or priority_only
        if goals and (not narrowed or any(g.measures for g in goals)):
            fields.append(FieldSection(node.number, node.field.title, goals))
    project_rows = [row(p, "p") for p in projects]
    field_of_measure = {m.pk: f for f in fields for m in f.measures}
    all_rows = [m for f in fields for m in f.measures]

    # Roll-ups for the charts.
    def counts(rows: list[MeasureRow]) -> dict[str, int]:
        result: dict[str, int] = defaultdict(int)
        for r in rows:
            result[r.traffic_light] += 1
        return dict(result)

    light_by_field = [
        charts.LightBar(f"{f.number} {f.title}", counts(f.measures)) for f in fields if f.measures
    ]
    by_unit: dict[str, list[MeasureRow]] = defaultdict(list)
    for r in all_rows:
        by_unit[r.unit].append(r)
    light_by_unit = [charts.LightBar(code, counts(rows)) for code, rows in sorted(by_unit.items())]
    budget_rows = [
        (
            f"{f.number} {f.title}",
            sum((m.budget_planned or Decimal(0) for m in f.measures), Decimal(0)),
            sum((m.budget_spent or Decimal(0) for m in f.measures), Decimal(0)),
        )
        for f in fields
        if f.measures
    ]
    status_counts = defaultdict(int)
    for r in all_rows:
        status_counts[r.status_label] += 1

    # Overdue milestones, indicators off target, missing status updates.
    by_key = {("m", r.pk): r for r in all_rows} | {("p", r.pk): r for r in project_rows}
    overdue = []
    milestones = (
        _rows(Milestone, when)
        .filter(Q(measure_id__in=measure_ids) | Q(project_id__in=project_ids))
        .filter(Q(reached_on__isnull=True) | Q(reached_on__gt=today), due_on__lt=today)
        .order_by("due_on")
    )
    for ms in milestones:
        subject = by_key[("m", ms.measure_id) if ms.measure_id else ("p", ms.project_id)]
        item = OpenItem(
            _("Maßnahme") if ms.measure_id else _("Projekt"),
            subject.code,
            ms.title,
            subject.unit,
            _("fällig am %(date)s") % {"date": ms.due_on.strftime("%d.%m.%Y")},
        )
        overdue.append(item)
        if ms.measure_id in field_of_measure:
            field_of_measure[ms.measure_id].overdue.append(item)
    indicators = list(_rows(Indicator, when).filter(measure_id__in=measure_ids).order_by("pk"))
    values = defaultdict(list)
    for value in (
        _rows(IndicatorValue, when)
        .filter(indicator_id__in=[i.pk for i in indicators], measured_on__lte=today)
        .order_by("measured_on")
    ):
        values[value.indicator_id].append(value)
    off_target = []
    for indicator in indicators:
        series = values[indicator.pk]
        if on_track(indicator, series) is False:
            subject = by_key[("m", indicator.measure_id)]
            item = OpenItem(
                _("Kennzahl"),
                subject.code,
                indicator.name,
                subject.unit,
                _("%(value)s %(unit)s, Ziel %(target)s %(unit)s bis %(date)s")
                % {
                    "value": _num(series[-1].value),
                    "unit": indicator.unit,
                    "target": _num(indicator.target_value),
                    "date": indicator.target_date.strftime("%d.%m.%Y"),
                },
            )
            off_target.append(item)
            field_of_measure[indicator.measure_id].off_target.append(item)
    # Measures first, then projects (kind by list, not by a search through the rows).
    stale = [
        OpenItem(
            kind,
            r.code,
            r.title,
            r.unit,
            _("keine Statusmeldung für %(period)s") % {"period": reporting_period.label},
        )
        for kind, rows in ((_("Maßnahme"), all_rows), (_("Projekt"), project_rows))
        for r in rows
        if r.is_stale
    ]

    # What changed since the previous report (or since the period began).
    since = previous_as_of or timezone.make_aware(
        datetime.datetime.combine(period.starts_on, datetime.time.min)
    )
    changes = measure_changes(measures, since)
    # The chapters show what the council must read: priority 1, red, notably changed, or
    # a decision needed; every measure stays in the annex's table.
    notable = {change.code for change in changes if change.group != "other"}
    for measure_row in all_rows:
        measure_row.in_detail = bool(
            measure_row.priority == Priority.HIGH
            or measure_row.traffic_light == TrafficLight.RED
            or measure_row.code in notable
            or measure_row.decision
        )
    for project_row in project_rows:  # every project has its line; red ones their Sachstand
        project_row.in_detail = bool(
            project_row.traffic_light == TrafficLight.RED or project_row.decision
        )
    label = scope_label(scope_kind, field_of_action, unit, priority_only=priority_only)
    named = {row.unit for row in [*all_rows, *project_rows]}
    return ReportData(
        units=sorted((u.code, u.name) for u in units.values() if u.code in named),
        city=city_settings(),
        title=_("Statusbericht Digitalstrategie"),
        scope_label=label,
        period=period,
        as_of=as_of,
        is_locked=when is not None,
        strategy_title=tree.strategy.title if tree.strategy else strategy.title,
        revision_label=str(revision) if revision else _("Arbeitsstand (keine Fortschreibung)"),
        fields=fields,
        projects=project_rows,
        light_by_field=light_by_field,
        light_by_unit=light_by_unit,
        budget_rows=budget_rows,
        overdue_milestones=overdue,
        stale_items=stale,
        indicators_off_target=off_target,
        changes=changes,
        changes_since=timezone.localtime(since).strftime("%d.%m.%Y %H:%M"),
        confidential_left_out=confidential,
        status_counts=sorted(status_counts.items()),
        acknowledged_only=acknowledged_only,
        priority_only=priority_only,
    )


def measure_changes(current: list, since: datetime.datetime) -> list[Change]:
    """New, completed and changed measures (status, traffic light, progress, planned end)
    from history, most important first: one query."""
    before = {m.pk: m for m in Measure.history.as_of(since).filter(id__in=[m.pk for m in current])}
    changes = []
    for measure in sorted(current, key=lambda m: m.code):
        if change := change_of(measure, before.get(measure.pk)):
            changes.append(change)
    return by_importance(changes)


def by_importance(changes: list[Change]) -> list[Change]:
    order = list(CHANGE_GROUPS)
    return sorted(changes, key=lambda change: order.index(change.group))  # stable: by code


def change_of(measure, old) -> Change | None:
    """How `measure` moved since `old` (its state then, None if it did not exist yet); None if
    neither status, traffic light, progress nor planned end changed. Both only need those
    attributes."""
    if old is None:
        return Change(measure.code, measure.title, "new", [])
    details = []
    if old.traffic_light != measure.traffic_light:
        details.append(
            _("Ampel %(old)s → %(new)s")
            % {
                "old": LIGHT_LABELS.get(old.traffic_light or "", "—"),
                "new": LIGHT_LABELS.get(measure.traffic_light or "", "—"),
            }
        )
    if old.status != measure.status:
        details.append(
            _("Status %(old)s → %(new)s")
            % {"old": STATUS_LABELS[old.status], "new": STATUS_LABELS[measure.status]}
        )
    if old.progress != measure.progress:
        details.append(
            _("Fortschritt %(old)s → %(new)s %%") % {"old": old.progress, "new": measure.progress}
        )
    if old.planned_end != measure.planned_end:
        details.append(
            _("geplantes Ende %(old)s → %(new)s")
            % {"old": _short_date(old.planned_end), "new": _short_date(measure.planned_end)}
        )
    if not details:
        return None
    if measure.traffic_light == TrafficLight.RED and old.traffic_light != TrafficLight.RED:
        group = "red"
    elif measure.status == Status.DONE and old.status != Status.DONE:
        group = "done"
    elif measure.status in STOPPED and old.status not in STOPPED:
        group = "stopped"
    elif old.planned_end and measure.planned_end and measure.planned_end > old.planned_end:
        group = "moved"
    else:
        group = "other"
    return Change(measure.code, measure.title, group, details)


def _short_date(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


@dataclass(frozen=True)
class _State:
    code: str
    title: str
    status: str
    traffic_light: str
    progress: int
    planned_end: datetime.date | None


def _changes_in_sql(measures, since: datetime.datetime) -> list[Change]:
    """`measure_changes` for a queryset without loading history rows: only measures with a
    history record after `since` can have moved; their state then is read as subqueries on
    their last record up to `since` (one query)."""
    last_before = Measure.history.filter(id=OuterRef("pk"), history_date__lte=since).order_by(
        "-history_date", "-history_id"
    )
    moved = (
        measures.filter(pk__in=Measure.history.filter(history_date__gt=since).values("id"))
        .annotate(
            old_type=Subquery(last_before.values("history_type")[:1]),
            old_status=Subquery(last_before.values("status")[:1]),
            old_light=Subquery(last_before.values("traffic_light")[:1]),
            old_progress=Subquery(last_before.values("progress")[:1]),
            old_end=Subquery(last_before.values("planned_end")[:1]),
        )
        .order_by("code")
        .values_list(
            "code",
            "title",
            "status",
            "traffic_light",
            "progress",
            "planned_end",
            "old_type",
            "old_status",
            "old_light",
            "old_progress",
            "old_end",
        )
    )
    changes = []
    for code, title, status, light, progress, end, old_type, *old in moved:
        now = _State(code, title, status, light, progress, end)
        # As `as_of` reads it: a measure deleted by then (restored since) counts as new.
        then = None if old_type in (None, "-") else _State(code, title, *old)
        if change := change_of(now, then):
            changes.append(change)
    return by_importance(changes)


# ------------------------------------------------------------------------------ Lagebild

# The Lagebild lists at most this many open items and changes per list; the full list is
# one click away (the measure list, paginated).
DASHBOARD_LIST_LIMIT = 20


@dataclass
class DashboardData:
    """What the Lagebild and the start page show: figures and roll-ups computed in SQL,
    open items and changes capped at DASHBOARD_LIST_LIMIT with their full count."""

    period: Period
    as_of: datetime.datetime
    measure_count: int
    project_count: int
    average_progress: int | None
    light_totals: list[tuple[str, str, int]]
    budget_total: tuple[Decimal, Decimal]
    light_by_field: list[charts.LightBar]
    light_by_unit: list[charts.LightBar]
    budget_rows: list[tuple[str, Decimal, Decimal]]
    overdue_count: int
    stale_count: int
    off_target_count: int
    confidential_left_out: int
    overdue_milestones: list[OpenItem] = field(default_factory=list)
    stale_items: list[OpenItem] = field(default_factory=list)
    indicators_off_target: list[OpenItem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    change_count: int = 0
    changes_since: str = ""
    list_limit: int = DASHBOARD_LIST_LIMIT

    chart_field = ReportData.chart_field
    chart_unit = ReportData.chart_unit
    chart_budget = ReportData.chart_budget


@dataclass(frozen=True)
class _IndicatorState:
    """What `on_track` and the open-items list read of an indicator."""

    pk: int
    code: str
    owner_id: int | None
    name: str
    unit: str
    baseline: Decimal
    target_value: Decimal
    target_date: datetime.date

    @property
    def higher_is_better(self) -> bool:
        return self.target_value >= self.baseline


@dataclass(frozen=True)
class _ValueState:
    measured_on: datetime.date
    value: Decimal


def _adopted_fields_and_goals(strategy: Strategy, as_of: datetime.datetime):
    """Fields of action and goal ids of the revision in force (as `adopted_tree` reads them:
    the Lagebild goes to the council, who read no drafts); before the first revision, the
    working state."""
    revision = revision_in_force(strategy, as_of)
    if revision is None:
        fields = list(FieldOfAction.objects.filter(strategy=strategy).order_by("position"))
        return fields, Goal.objects.filter(field_of_action__strategy=strategy).values("pk")
    adopted_at = revision.published_at
    fields = list(
        FieldOfAction.history.as_of(adopted_at).filter(strategy_id=strategy.pk).order_by("position")
    )
    goals = Goal.history.as_of(adopted_at).filter(field_of_action_id__in=[f.pk for f in fields])
    return fields, [goal.pk for goal in goals]


def gather_dashboard_data(
    *,
    period: Period,
    reporting_period: ReportingPeriod | None = None,
    previous_as_of: datetime.datetime | None = None,
    today: datetime.date | None = None,
    lists: bool = True,
    limit: int | None = None,
) -> DashboardData:
    """The live Lagebild of the whole strategy in a fixed number of queries, each aggregated
    by the database: the same figures as `gather_report_data(live=True)` without loading
    every measure. `lists=False` (the start page) leaves out the open items and changes.

    As in the report, confidential measures and projects are left out and only counted.
    """
    as_of = timezone.now()
    today = today or timezone.localtime(as_of).date()  # the city's day, not UTC's
    limit = limit or DASHBOARD_LIST_LIMIT
    strategy = Strategy.objects.order_by("pk").first()
    if strategy is None:
        raise ReportError(_("Es gibt noch keine Strategie, über die berichtet werden kann."))
    fields, goal_ids = _adopted_fields_and_goals(strategy, as_of)
    units = OrgUnit.objects.in_bulk()
    in_strategy = Measure.objects.filter(goal_id__in=goal_ids)
    measures = in_strategy.filter(Measure.objects.public_history_condition())
    projects = Project.objects.filter(Project.objects.public_history_condition())
    stale_filter = Q(pk__in=[])
    if reporting_period is not None:
        stale_filter = Q(status__in=ACTIVE_STATUSES) & ~Q(last_update_period_id=reporting_period.pk)
    # All, public and stale public rows: one conditional aggregate per model.
    measure_figures = in_strategy.aggregate(
        all=Count("pk"),
        public=Count("pk", filter=Measure.objects.public_history_condition()),
        stale=Count("pk", filter=Measure.objects.public_history_condition() & stale_filter),
    )
    project_figures = Project.objects.aggregate(
        all=Count("pk"),
        public=Count("pk", filter=Project.objects.public_history_condition()),
        stale=Count("pk", filter=Project.objects.public_history_condition() & stale_filter),
    )
    confidential = (measure_figures["all"] - measure_figures["public"]) + (
        project_figures["all"] - project_figures["public"]
    )

    def light(value) -> str:
        return value or ""

    # Traffic lights, progress and budget per field of action: one grouped query.
    per_field: dict[int, dict] = defaultdict(
        lambda: {"lights": defaultdict(int), "planned": Decimal(0), "spent": Decimal(0)}
    )
    totals: dict[str, int] = defaultdict(int)
    measure_count = progress_sum = 0
    for field_id, traffic_light, count, progress, planned, spent in (
        measures.order_by()
        .values_list("goal__field_of_action_id", "traffic_light")
        .annotate(Count("id"), Sum("progress"), Sum("budget_planned"), Sum("budget_spent"))
    ):
        entry = per_field[field_id]
        entry["lights"][light(traffic_light)] += count
        entry["planned"] += planned or Decimal(0)
        entry["spent"] += spent or Decimal(0)
        totals[light(traffic_light)] += count
        measure_count += count
        progress_sum += progress or 0
    labels = {f.pk: f"{number} {f.title}" for number, f in enumerate(fields, start=1)}
    shown_fields = [f for f in fields if f.pk in per_field]
    light_by_field = [
        charts.LightBar(labels[f.pk], dict(per_field[f.pk]["lights"])) for f in shown_fields
    ]
    budget_rows = [
        (labels[f.pk], per_field[f.pk]["planned"], per_field[f.pk]["spent"]) for f in shown_fields
    ]
    by_unit: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for owner_id, traffic_light, count in (
        measures.order_by().values_list("owner_id", "traffic_light").annotate(Count("id"))
    ):
        code = units[owner_id].code if owner_id in units else "—"
        by_unit[code][light(traffic_light)] += count
    light_by_unit = [
        charts.LightBar(code, dict(counts)) for code, counts in sorted(by_unit.items())
    ]

    # Open points: counted in SQL, listed up to `limit`.
    def unit_code(obj) -> str:
        return units[obj.owner_id].code if obj.owner_id in units else "—"

    stale_measures = measures.filter(stale_filter).order_by(
        "goal__field_of_action__position", "goal__position", "code"
    )
    stale_projects = projects.filter(stale_filter).order_by("code")
    stale_count = measure_figures["stale"] + project_figures["stale"]
    overdue = Milestone.objects.filter(
        Q(measure__in=measures.values("pk")) | Q(project__in=projects.values("pk")),
        Q(reached_on__isnull=True) | Q(reached_on__gt=today),
        due_on__lt=today,
    )
    overdue_count = overdue.count()
    # Indicators off target: plain tuples, not model instances (thousands at 10,000 measures).
    indicators = [
        _IndicatorState(*row)
        for row in Indicator.objects.filter(measure__in=measures.values("pk"))
        .order_by("pk")
        .values_list(
            "pk",
            "measure__code",
            "measure__owner_id",
            "name",
            "unit",
            "baseline",
            "target_value",
            "target_date",
        )
    ]
    values = defaultdict(list)
    for indicator_id, measured_on, value in (
        IndicatorValue.objects.filter(
            indicator__measure__in=measures.values("pk"), measured_on__lte=today
        )
        .order_by("measured_on")
        .values_list("indicator_id", "measured_on", "value")
    ):
        values[indicator_id].append(_ValueState(measured_on, value))
    off_target = [i for i in indicators if on_track(i, values[i.pk]) is False]

    data = DashboardData(
        period=period,
        as_of=as_of,
        measure_count=measure_count,
        project_count=project_figures["public"],
        average_progress=round(progress_sum / measure_count) if measure_count else None,
        light_totals=[(v, str(LIGHT_LABELS[v]), totals[v]) for v in charts.LIGHT_ORDER],
        budget_total=(
            sum((p for _l, p, _s in budget_rows), Decimal(0)),
            sum((s for _l, _p, s in budget_rows), Decimal(0)),
        ),
        light_by_field=light_by_field,
        light_by_unit=light_by_unit,
        budget_rows=budget_rows,
        overdue_count=overdue_count,
        stale_count=stale_count,
        off_target_count=len(off_target),
        confidential_left_out=confidential,
        list_limit=limit,
    )
    if not lists:
        return data

    for ms in overdue.select_related("measure", "project").order_by("due_on", "pk")[:limit]:
        subject = ms.measure or ms.project
        data.overdue_milestones.append(
            OpenItem(
                _("Maßnahme") if ms.measure_id else _("Projekt"),
                subject.code,
                ms.title,
                unit_code(subject),
                _("fällig am %(date)s") % {"date": ms.due_on.strftime("%d.%m.%Y")},
            )
        )
    detail = _("keine Statusmeldung für %(period)s") % {
        "period": reporting_period.label if reporting_period else ""
    }
    stale_rows = [(_("Maßnahme"), m) for m in stale_measures[:limit]]
    if len(stale_rows) < limit:
        stale_rows += [(_("Projekt"), p) for p in stale_projects[: limit - len(stale_rows)]]
    data.stale_items = [
        OpenItem(kind, obj.code, obj.title, unit_code(obj), detail) for kind, obj in stale_rows
    ]
    for indicator in off_target[:limit]:
        series = values[indicator.pk]
        data.indicators_off_target.append(
            OpenItem(
                _("Kennzahl"),
                indicator.code,
                indicator.name,
                units[indicator.owner_id].code if indicator.owner_id in units else "—",
                _("%(value)s %(unit)s, Ziel %(target)s %(unit)s bis %(date)s")
                % {
                    "value": _num(series[-1].value),
                    "unit": indicator.unit,
                    "target": _num(indicator.target_value),
                    "date": indicator.target_date.strftime("%d.%m.%Y"),
                },
            )
        )

    # Changes: only measures with a history record after `since` can have moved.
    since = previous_as_of or timezone.make_aware(
        datetime.datetime.combine(period.starts_on, datetime.time.min)
    )
    changes = _changes_in_sql(measures, since)
    data.change_count = len(changes)
    data.changes = changes[:limit]
    data.changes_since = timezone.localtime(since).strftime("%d.%m.%Y %H:%M")
    return data


def _num(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".").removesuffix(",00")


def previous_report(report: Report) -> Report | None:
    """The last released report of the same scope before this one (for the changes)."""
    return (
        Report.objects.released()
        .filter(
            scope_kind=report.scope_kind,
            field_of_action_id=report.field_of_action_id,
            unit_id=report.unit_id,
            data_as_of__isnull=False,
        )
        .exclude(pk=report.pk)
        .filter(period_ends_on__lt=report.period_ends_on)
        .order_by("-period_ends_on", "-finished_at")
        .first()
    )


def data_for_report(report: Report) -> ReportData:
    previous = previous_report(report)
    data = gather_report_data(
        scope_kind=report.scope_kind,
        field_of_action=report.field_of_action,
        unit=report.unit,
        period=Period(report.period_label, report.period_starts_on, report.period_ends_on),
        reporting_period=report.period,
        previous_as_of=previous.data_as_of if previous else None,
        acknowledged_only=report.acknowledged_only,
        priority_only=report.priority_only,
    )
    for row in data.measures:  # FB 15's notes: shown under the measure, which is then shown
        row.note = report.measure_notes.get(str(row.pk), "")
        row.in_detail = row.in_detail or bool(row.note)
    return replace(
        data,
        assessment=report.assessment,
        is_draft=not report.release_requested,
        correction=correction_text(report),
    )


def correction_text(report: Report) -> str:
    """What the title page of a correction says about the report it replaces."""
    if report.replaces is None:
        return ""
    replaced = report.replaces
    return _("Berichtigt den Bericht vom %(date)s: %(note)s") % {
        "date": timezone.localtime(replaced.released_at or replaced.created_at).strftime(
            "%d.%m.%Y"
        ),
        "note": report.correction_note,
    }


# ------------------------------------------------------------------------------ rendering


# Letters only: the manifest storage of collectstatic leaves URLs with such a scheme alone
# (a scheme with digits or "-" would be read as a relative path and break collectstatic).
STATIC_SCHEME = "fbstatic:"
# The city's logo (CitySettings.logo) on the title page.
CITY_LOGO_URL = "fbcity:logo"


def static_file(path: str) -> bytes | None:
    """A static file's content: the collected file when a manifest storage serves them
    (production, so the PDF uses what collectstatic wrote), else the source file."""
    if ".." in Path(path).parts:
        return None
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        try:
            name = staticfiles_storage.stored_name(path)
        except ValueError:  # not in the manifest
            return None
        if not staticfiles_storage.exists(name):
            return None
        with staticfiles_storage.open(name) as collected:
            return collected.read()
    found = finders.find(path)
    return Path(found).read_bytes() if found else None


def static_fetcher():
    """A WeasyPrint URL fetcher that serves only our static files ("fbstatic:css/x.css")
    and the city's logo (CITY_LOGO_URL).

    file://, http(s) and every other URL are refused (logged by WeasyPrint, not fetched).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url == CITY_LOGO_URL:
                logo = city_settings().logo
                if not logo:
                    raise ValueError("The city has no logo")
                with logo.open("rb") as file:
                    content = file.read()
                mime_type = mimetypes.guess_type(logo.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, content, headers={"Content-Type": mime_type})
            if not url.startswith(STATIC_SCHEME):
                raise ValueError(f"Blocked URL in report: {url}")
            path = url[len(STATIC_SCHEME) :].lstrip("/")
            content = static_file(path)
            if content is None:
                raise ValueError(f"Static file not found: {path}")
            mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, content, headers={"Content-Type": mime_type})

    return StaticOnlyFetcher()


def report_html(data: ReportData) -> str:
    with translation.override("de"):
        return render_to_string("reporting/report_pdf.html", {"data": data})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=static_fetcher()).write_pdf(
        pdf_variant="pdf/ua-1"
    )


def render_report_pdf(report: Report) -> tuple[bytes, datetime.datetime]:
    data = data_for_report(report)
    return html_to_pdf(report_html(data)), data.as_of


# ------------------------------------------------------------------------------ update cycle


def _link(name: str, *args) -> str:
    return absolute_url(reverse(name, args=args))


def _strategy_team_emails() -> list[str]:
    return list(
        User.objects.filter(groups__name=Role.STRATEGY_TEAM, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def missing_updates(period: ReportingPeriod) -> dict[int, list]:
    """Active measures and projects without a status update for `period`, by owning unit."""
    result: dict[int, list] = defaultdict(list)
    for model in (Measure, Project):
        for item in model.objects.needing_update(period).order_by("code"):
            result[item.owner_id].append(item)
    return result


def reminder_days() -> int:
    days = ReportSchedule.objects.filter(is_active=True).values_list("reminder_days", flat=True)
    return max(days, default=14)


@transaction.atomic
def send_reminders(today: datetime.date) -> int:
    """Before the Stichtag: each lead gets the list of own items still missing an update."""
    period = ReportingPeriod.objects.current(today)
    if period is None or not (
        period.reporting_date - datetime.timedelta(days=reminder_days())
        <= today
        <= period.reporting_date
    ):
        return 0
    sent = 0
    missing = missing_updates(period)
    units = OrgUnit.objects.filter(pk__in=missing).select_related("lead")
    for unit in units:
        sent += _queue_reminder(
            period, unit, missing[unit.pk], key=f"reminder:{period.label}:{unit.pk}"
        )
    return sent


def send_unit_reminder(*, actor, unit: OrgUnit, today: datetime.date | None = None) -> bool:
    """ "Erinnerung senden" from FB 15's start page: the reminder of the current period to one
    unit's lead now; at most once a day per unit (False if sent already or nothing missing).
    """
    if not actor.has_perm("reporting.change_reportschedule"):
        raise PermissionDenied
    today = today or timezone.localdate()
    period = ReportingPeriod.objects.current(today)
    if period is None or unit.lead is None:
        return False
    items = [
        item
        for model in (Measure, Project)
        for item in model.objects.needing_update(period).filter(owner=unit).order_by("code")
    ]
    if not items:
        return False
    return _queue_reminder(period, unit, items, key=reminder_key(period, unit.pk, today))


def reminder_key(period: ReportingPeriod, unit_id: int, today: datetime.date) -> str:
    """The outbox key of the day's "Erinnerung senden" mail to a unit (one a day)."""
    return f"reminder:{period.label}:{unit_id}:{today.isoformat()}"


def _queue_reminder(period: ReportingPeriod, unit: OrgUnit, items: list, *, key: str) -> bool:
    if unit.lead is None:
        return False
    lines = "\n".join(f"- {item.code} {item.title}" for item in items)
    body = _(
        "Guten Tag,\n\nfür den Berichtszeitraum %(period)s (Stichtag %(date)s) fehlen noch "
        "Statusmeldungen des %(unit)s zu:\n\n%(lines)s\n\nBitte melden Sie den Stand unter "
        "%(link)s.\n\nVielen Dank\n%(office)s"
    ) % {
        "office": city_settings().office_name,
        "period": period.label,
        "date": period.reporting_date.strftime("%d.%m.%Y"),
        "unit": unit.code,
        "lines": lines,
        "link": _link("my_unit"),
    }
    subject = _("Erinnerung: Statusmeldungen %(period)s für %(unit)s") % {
        "period": period.label,
        "unit": unit.code,
    }
    return queue_mail([unit.lead.email], subject, body, key=key)


@transaction.atomic
def send_escalations(today: datetime.date) -> int:
    """After the grace period: what is still missing goes to FB 15, by unit."""
    sent = 0
    for period in ReportingPeriod.objects.filter(reporting_date__lt=today).order_by("-starts_on")[
        :2
    ]:
        if period.closes_on >= today:
            continue
        missing = missing_updates(period)
        if not missing:
            continue
        units = OrgUnit.objects.in_bulk(list(missing))
        blocks = []
        for unit_id, items in sorted(missing.items(), key=lambda kv: units[kv[0]].code):
            lines = "\n".join(f"  - {item.code} {item.title}" for item in items)
            blocks.append(f"{units[unit_id].code} – {units[unit_id].name} ({len(items)}):\n{lines}")
        body = _(
            "Guten Tag,\n\ndie Nachfrist für den Berichtszeitraum %(period)s ist am %(date)s "
            "abgelaufen. Es fehlen noch folgende Statusmeldungen:\n\n%(blocks)s\n\n"
            "Übersicht: %(link)s\n"
        ) % {
            "period": period.label,
            "date": period.closes_on.strftime("%d.%m.%Y"),
            "blocks": "\n\n".join(blocks),
            "link": _link("report_dashboard"),
        }
        subject = _("Eskalation: fehlende Statusmeldungen %(period)s") % {"period": period.label}
        sent += queue_mail(_strategy_team_emails(), subject, body, key=f"escalation:{period.label}")
    return sent


def send_draft_notice(report: Report) -> bool:
    """After a draft is rendered: FB 15 reads it, writes its assessment and releases it."""
    subject = _("Entwurf zur Freigabe: %(period)s – %(scope)s") % {
        "period": report.period_label,
        "scope": report.scope_label,
    }
    body = _(
        "Guten Tag,\n\nder Entwurf des Statusberichts für %(period)s (%(scope)s) ist erzeugt. "
        "Bitte lesen Sie ihn, ergänzen Sie die Einschätzung des FB 15 und geben Sie ihn frei; "
        "erst dann sehen ihn Rat und Verwaltung:\n%(link)s\n\n%(office)s"
    ) % {
        "period": report.period_label,
        "scope": report.scope_label,
        "link": _link("report_detail", report.pk),
        "office": city_settings().office_name,
    }
    with transaction.atomic():
        return queue_mail(
            _strategy_team_emails(),
            subject,
            body,
            key=f"report-draft:{report.pk}",
        )


def send_report_notice(report: Report) -> bool:
    """After a report is released: FB 15, the council (if the schedule says so) and extra
    people."""
    recipients = _strategy_team_emails()
    schedule = report.schedule
    if schedule is None or schedule.notify_council:
        recipients += list(
            User.objects.filter(groups__name=Role.COUNCIL, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    if schedule is not None:
        recipients += schedule.extra_recipient_list
    subject = _("Neuer Statusbericht: %(period)s – %(scope)s") % {
        "period": report.period_label,
        "scope": report.scope_label,
    }
    body = _(
        "Guten Tag,\n\nder Statusbericht zur Digitalstrategie für %(period)s (%(scope)s) liegt "
        "vor. Sie finden ihn im Berichtsarchiv:\n%(link)s\n\n%(correction)s%(office)s"
    ) % {
        "period": report.period_label,
        "scope": report.scope_label,
        "link": _link("report_list"),
        "correction": f"{correction_text(report)}\n\n" if report.replaces_id else "",
        "office": city_settings().office_name,
    }
    with transaction.atomic():
        return queue_mail(recipients, subject, body, key=f"report:{report.pk}")


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
