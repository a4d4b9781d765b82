"""Writes about measures and projects: views, tasks, commands and tests call these."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from fb15.comments import notify_followers
from fb15.history import REASON_MAX_LENGTH, save_with_history
from fb15.permissions import grant_exactly

from .models import (
    Measure,
    Milestone,
    Project,
    ReportingPeriod,
    Status,
    StatusUpdate,
)


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    starts_on = datetime.date(day.year, first_month, 1)
    next_start = (
        datetime.date(day.year + 1, 1, 1)
        if first_month == 10
        else datetime.date(day.year, first_month + 3, 1)
    )
    return starts_on, next_start - datetime.timedelta(days=1), f"{day.year}-Q{first_month // 3 + 1}"


def ensure_quarter(day: datetime.date) -> ReportingPeriod:
    """The quarterly reporting period containing `day`; created with its Stichtag if missing."""
    starts_on, ends_on, label = quarter_of(day)
    period, _ = ReportingPeriod.objects.get_or_create(
        starts_on=starts_on,
        defaults={"label": label, "ends_on": ends_on, "reporting_date": ends_on},
    )
    return period


def may_report_for_locked_periods(user) -> bool:
    """Only the strategy team changes what was reported for a locked period."""
    return StatusUpdate.objects.holds(user, "report_locked")


def dependency_cycle(measure: Measure, dependencies) -> list[Measure] | None:
    """The chain that would close a cycle if `measure` depended on `dependencies`, else None.

    Loads the whole dependency graph in one query and searches it in memory.
    """
    through = Measure.dependencies.through
    edges: dict[int, set[int]] = {}
    for source, target in through.objects.values_list("from_measure_id", "to_measure_id"):
        edges.setdefault(source, set()).add(target)
    edges[measure.pk] = {dep.pk for dep in dependencies}
    # Depth-first search from measure back to itself.
    stack: list[tuple[int, list[int]]] = [(measure.pk, [measure.pk])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == measure.pk:
                names = Measure.objects.in_bulk(path)
                return [names[pk] for pk in path]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


@transaction.atomic
def save_measure(measure: Measure, *, actor, reason: str = "", m2m: dict | None = None) -> Measure:
    """Save a measure (dependencies, tags… in `m2m`)."""
    return save_with_history(measure, actor=actor, reason=reason, m2m=m2m)


@transaction.atomic
def create_measures(measures: list[Measure], *, actor, reason: str = "") -> list[Measure]:
    """Create many new measures at once (an import), each with its history entry."""
    return bulk_create_with_history(
        measures,
        Measure,
        batch_size=500,
        default_user=actor,
        default_change_reason=reason[:REASON_MAX_LENGTH] or None,
    )


@transaction.atomic
def save_project(project: Project, *, actor, reason: str = "", m2m: dict | None = None) -> Project:
    """Save a project (its measures in `m2m`) and give its lead the right to report on it,
    also from another unit."""
    save_with_history(project, actor=actor, reason=reason, m2m=m2m)
    grant_exactly("change_project", project, [project.lead])
    return project


@transaction.atomic
def file_status_update(
    *,
    actor,
    subject: Measure | Project,
    period: ReportingPeriod,
    traffic_light: str,
    progress: int,
    status: str,
    summary: str,
    risks: str = "",
    next_steps: str = "",
    budget_spent: Decimal | None = None,
    today: datetime.date | None = None,
    at: datetime.datetime | None = None,
    seen_at: datetime.datetime | None = None,
) -> StatusUpdate:
    """File (or correct) the status update of `subject` for `period`.

    The latest reported period sets the subject's current state. Locked periods are open to
    the strategy team only. Raises PermissionDenied or ValidationError and changes nothing.
    `today`/`at` let demo data and imports file updates as of a past day. With `seen_at`
    (when the form was shown), an update someone else filed since then is not overwritten.
    """
    today = today or timezone.localdate()
    model = type(subject)
    subject = (
        model.objects.restrict(actor, "change").select_for_update().filter(pk=subject.pk).first()
    )
    if subject is None:
        raise PermissionDenied
    if not period.is_open(today) and not may_report_for_locked_periods(actor):
        raise ValidationError(
            _(
                "Der Berichtszeitraum %(period)s ist abgeschlossen. Änderungen daran kann nur "
                "FB 15 vornehmen."
            )
            % {"period": period}
        )
    if not 0 <= progress <= 100:
        # Same text as the form's message, which Django fills with %-formatting.
        raise ValidationError(_("Der Fortschritt muss zwischen 0 und 100 %% liegen.") % {})
    if budget_spent is not None and budget_spent < 0:
        raise ValidationError(_("Das verausgabte Budget kann nicht negativ sein."))

    field = "measure" if model is Measure else "project"
    update = StatusUpdate.objects.filter(**{field: subject, "period": period}).first()
    if update and seen_at and update.updated_at > seen_at and update.author_id != actor.pk:
        raise ValidationError(
            _(
                "%(author)s hat für %(period)s inzwischen eine Statusmeldung abgegeben "
                "(%(light)s, %(progress)s %%): „%(summary)s“. Ihre Meldung wurde nicht "
                "gespeichert; bitte prüfen Sie die neue Meldung und ergänzen Sie sie bei Bedarf."
            )
            % {
                "author": update.author or _("Jemand"),
                "period": period,
                "light": update.get_traffic_light_display(),
                "progress": update.progress,
                "summary": update.summary,
            }
        )
    update = update or StatusUpdate(**{field: subject, "period": period})
    update.traffic_light = traffic_light
    update.progress = progress
    update.status = status
    update.summary = summary
    update.risks = risks
    update.next_steps = next_steps
    update.budget_spent = budget_spent
    update.author = actor
    update.reported_at = at or timezone.now()
    update._history_user = actor
    if at:
        update._history_date = at
    update.full_clean(exclude=[field, "period", "author"])
    update.save()

    latest = subject.last_update_period
    if latest is None or period.starts_on >= latest.starts_on:
        subject.status = status
        subject.traffic_light = traffic_light
        subject.progress = progress
        subject.budget_spent = budget_spent
        subject.last_update_period = period
        if status == Status.DONE and subject.actual_end is None:
            subject.actual_end = today
        elif status != Status.DONE:
            subject.actual_end = None
        subject._history_user = actor
        subject._change_reason = _("Statusmeldung %(period)s") % {"period": period}
        if at:
            subject._history_date = at
        subject.save()
    notify_followers(
        subject,
        _("Neue Statusmeldung: %(subject)s") % {"subject": subject},
        _(
            "Guten Tag,\n\n%(actor)s hat die Statusmeldung %(period)s zu „%(subject)s“ "
            "abgegeben: Ampel %(light)s, %(status)s, %(progress)s %%.\n\nSachstand:\n%(summary)s"
        )
        % {
            "actor": actor,
            "period": period,
            "subject": subject,
            "light": update.get_traffic_light_display(),
            "status": update.get_status_display(),
            "progress": update.progress,
            "summary": update.summary,
        },
        exclude=actor,
    )
    return update


@transaction.atomic
def reach_milestone(*, actor, milestone: Milestone, reached_on: datetime.date) -> Milestone:
    milestone = Milestone.objects.restrict(actor, "change").filter(pk=milestone.pk).first()
    if milestone is None:
        raise PermissionDenied
    if reached_on > timezone.localdate():
        raise ValidationError(_("Ein Meilenstein kann nicht in der Zukunft erreicht werden."))
    milestone.reached_on = reached_on
    return save_with_history(milestone, actor=actor)


@transaction.atomic
def lock_period(period: ReportingPeriod, at: datetime.datetime | None = None) -> ReportingPeriod:
    """Lock a reporting period (after Stichtag + Nachfrist); later edits need FB 15."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.locked_at is None:
        period.locked_at = at or timezone.now()
        period._change_reason = _("Berichtszeitraum gesperrt")
        period.save()
    return period
