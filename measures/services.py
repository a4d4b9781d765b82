"""Writes about measures and projects: views, tasks, commands and tests call these."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from fb15.comments import notify_followers
from fb15.history import REASON_MAX_LENGTH, record_event, save_with_history
from fb15.mail import absolute_url, queue_mail
from fb15.permissions import grant_exactly

from .models import (
    Measure,
    Milestone,
    Project,
    ReportingPeriod,
    ReviewState,
    Status,
    StatusUpdate,
)

QUESTION_MAX_LENGTH = 2000
MAIL_SIGNATURE = "\n\n-- \nFB 15 – Digitale Verwaltung und IT-Steuerung\n(automatische Nachricht)"


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
    progress_drop_reason: str = "",
    needs_decision: bool = False,
    decision_note: str = "",
    review_answer: str = "",
    today: datetime.date | None = None,
    at: datetime.datetime | None = None,
    seen_at: datetime.datetime | None = None,
) -> StatusUpdate:
    """File (or correct) the status update of `subject` for `period`.

    The latest reported period sets the subject's current state. Locked periods are open to
    the strategy team only. Raises PermissionDenied or ValidationError and changes nothing.
    `today`/`at` let demo data and imports file updates as of a past day. With `seen_at`
    (when the form was shown), an update someone else filed since then is not overwritten.

    Progress lower than the previous period's needs `progress_drop_reason`; a flagged
    decision needs `decision_note`; an update FB 15 sent back needs `review_answer`. Filing
    puts the update (back) in FB 15's review.
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
            % {"period": period},
            code="period_locked",
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
            },
            code="stale",
        )
    _check_review_fields(
        previous_update(subject, period),
        update,
        progress=progress,
        progress_drop_reason=progress_drop_reason,
        needs_decision=needs_decision,
        decision_note=decision_note,
        review_answer=review_answer,
    )
    answered = bool(update and update.review_state == ReviewState.RETURNED)
    update = update or StatusUpdate(**{field: subject, "period": period})
    if update.review_state == ReviewState.ACKNOWLEDGED:
        # A correction after the acknowledgement starts a new round.
        update.review_question = update.review_answer = ""
    if answered:
        update.review_answer = review_answer.strip()
    update.review_state = ReviewState.SUBMITTED
    update.reviewed_by, update.reviewed_at = None, None
    update.progress_drop_reason = progress_drop_reason.strip()
    update.needs_decision = needs_decision
    update.decision_note = decision_note.strip() if needs_decision else ""
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
    update._change_reason = _("Antwort auf die Rückfrage") if answered else None
    if at:
        update._history_date = at
    update.full_clean(exclude=[field, "period", "author"])
    update.save()
    if answered:
        record_event(
            subject,
            actor=actor,
            reason=_("Rückfrage zu %(period)s beantwortet") % {"period": period},
        )
        _mail_answer(update, subject, actor)

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


def previous_update(subject: Measure | Project, period: ReportingPeriod) -> StatusUpdate | None:
    """The subject's latest status update of a period before `period`."""
    return (
        StatusUpdate.objects.filter(
            **{subject.kind: subject}, period__starts_on__lt=period.starts_on
        )
        .select_related("period")
        .order_by("-period__starts_on")
        .first()
    )


def _check_review_fields(
    previous: StatusUpdate | None,
    update: StatusUpdate | None,
    *,
    progress: int,
    progress_drop_reason: str,
    needs_decision: bool,
    decision_note: str,
    review_answer: str,
) -> None:
    errors = {}
    if previous and progress < previous.progress and not progress_drop_reason.strip():
        errors["progress_drop_reason"] = _(
            "Der Fortschritt sinkt gegenüber %(period)s von %(old)s %% auf %(new)s %%. "
            "Bitte begründen Sie den Rückgang."
        ) % {"period": previous.period, "old": previous.progress, "new": progress}
    if needs_decision and not decision_note.strip():
        errors["decision_note"] = _("Bitte beschreiben Sie, welche Entscheidung nötig ist.")
    if update and update.review_state == ReviewState.RETURNED and not review_answer.strip():
        errors["review_answer"] = _("Bitte beantworten Sie die Rückfrage von FB 15.")
    if errors:
        raise ValidationError(errors)


def _reporters(subject: Measure | Project) -> list[str]:
    """Who reports for the subject: the owning unit's lead and deputies."""
    unit = subject.owner
    people = [unit.lead, *unit.deputies.all()] if unit else []
    return [person.email for person in people if person and person.email]


def _mail_answer(update: StatusUpdate, subject, actor) -> None:
    asked_by = (
        update.history.filter(review_state=ReviewState.RETURNED)
        .exclude(history_user=None)
        .order_by("-history_date")
        .values_list("history_user__email", flat=True)
        .first()
    )
    if not asked_by:
        return
    queue_mail(
        [asked_by],
        _("Rückfrage beantwortet: %(subject)s") % {"subject": subject},
        _(
            "%(who)s hat Ihre Rückfrage zur Statusmeldung %(period)s von „%(subject)s“ "
            "beantwortet:\n\n%(answer)s\n\nZur Maßnahme: %(link)s"
        )
        % {
            "who": actor,
            "period": update.period,
            "subject": subject,
            "answer": update.review_answer,
            "link": absolute_url(subject.get_absolute_url()),
        }
        + MAIL_SIGNATURE,
    )


def _reviewable(actor, update: StatusUpdate, seen_at: datetime.datetime | None) -> StatusUpdate:
    """The update locked for review by `actor`; 404-like PermissionDenied if not theirs to
    review, ValidationError if it changed since `seen_at`."""
    locked = (
        StatusUpdate.objects.restrict(actor, "review")
        .select_for_update(of=("self",))
        .select_related("period", "measure__owner", "project__owner")
        .filter(pk=update.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if seen_at and locked.updated_at > seen_at:
        raise ValidationError(
            _(
                "Die Statusmeldung %(update)s wurde inzwischen geändert. Bitte lesen Sie die "
                "neue Fassung, bevor Sie sie prüfen."
            )
            % {"update": locked}
        )
    return locked


@transaction.atomic
def acknowledge_status_update(
    *, actor, update: StatusUpdate, seen_at: datetime.datetime | None = None
) -> StatusUpdate:
    """FB 15 confirms it has read the update and accepts it for the reports."""
    update = _reviewable(actor, update, seen_at)
    if update.review_state == ReviewState.ACKNOWLEDGED:
        return update
    update.review_state = ReviewState.ACKNOWLEDGED
    update.reviewed_by, update.reviewed_at = actor, timezone.now()
    save_with_history(update, actor=actor, reason=_("Statusmeldung bestätigt"))
    record_event(
        update.subject,
        actor=actor,
        reason=_("Statusmeldung %(period)s bestätigt") % {"period": update.period},
    )
    return update


@transaction.atomic
def return_status_update(
    *, actor, update: StatusUpdate, question: str, seen_at: datetime.datetime | None = None
) -> StatusUpdate:
    """FB 15 sends the update back with a question; the reporting unit is told by mail."""
    update = _reviewable(actor, update, seen_at)
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Bitte formulieren Sie Ihre Rückfrage.")})
    if len(question) > QUESTION_MAX_LENGTH:
        raise ValidationError(
            {
                "question": _("Die Rückfrage darf höchstens %(max)s Zeichen lang sein.")
                % {"max": QUESTION_MAX_LENGTH}
            }
        )
    update.review_state = ReviewState.RETURNED
    update.review_question, update.review_answer = question, ""
    update.reviewed_by, update.reviewed_at = actor, timezone.now()
    save_with_history(update, actor=actor, reason=_("Rückfrage von FB 15"))
    subject = update.subject
    record_event(
        subject,
        actor=actor,
        reason=_("Rückfrage zur Statusmeldung %(period)s") % {"period": update.period},
    )
    link = reverse(f"{subject.kind}_status", args=[subject.pk]) + f"?period={update.period_id}"
    queue_mail(
        _reporters(subject) + ([update.author.email] if update.author else []),
        _("Rückfrage zu Ihrer Statusmeldung: %(subject)s") % {"subject": subject},
        _(
            "%(who)s (FB 15) hat eine Rückfrage zur Statusmeldung %(period)s von "
            "„%(subject)s“:\n\n%(question)s\n\nBitte beantworten Sie sie hier: %(link)s"
        )
        % {
            "who": actor,
            "period": update.period,
            "subject": subject,
            "question": question,
            "link": absolute_url(link),
        }
        + MAIL_SIGNATURE,
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
