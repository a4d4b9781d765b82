"""The life of a report: draft → assessment → release → frozen, and corrections.

A rendered report is a draft only FB 15 sees (`Report.is_draft`). FB 15 writes its assessment
("Einschätzung des FB 15") and releases the report: it is rendered once more, now without the
draft mark, and only when that rendering succeeds is it released and announced (services.
_record_success). A released report never changes: its PDF and checksum stay; a correction is
a new report that names the one it replaces.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fb15.history import save_with_history

from .models import Report, ReportStatus
from .periods import ReportError
from .services import ReportInProgress, enqueue_render, in_progress_like

ASSESSMENT_MAX_LENGTH = 6000
NOTE_MAX_LENGTH = 1000


def _may_edit(actor) -> None:
    if not actor.has_perm("reporting.change_report"):
        raise PermissionDenied


def _check_draft(report: Report) -> None:
    if report.is_released or report.release_requested:
        raise ReportError(_("Ein freigegebener Bericht kann nicht mehr geändert werden."))
    if report.status != ReportStatus.DONE:
        raise ReportError(_("Der Bericht wird gerade erzeugt oder ist fehlgeschlagen."))


@transaction.atomic
def save_assessment(*, actor, report: Report, text: str) -> Report:
    """Write the assessment of a draft (it shows in the PDF from the release on)."""
    _may_edit(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _check_draft(report)
    text = (text or "").strip()
    if len(text) > ASSESSMENT_MAX_LENGTH:
        raise ReportError(
            _("Die Einschätzung darf höchstens %(limit)s Zeichen lang sein (jetzt %(length)s).")
            % {"limit": ASSESSMENT_MAX_LENGTH, "length": len(text)}
        )
    report.assessment = text
    return save_with_history(report, actor=actor, reason=_("Einschätzung geschrieben"))


@transaction.atomic
def save_measure_note(*, actor, report: Report, measure, text: str) -> Report:
    """FB 15's note on one measure of a draft, printed under it; an empty text removes it.
    `measure` comes from the measures the actor may read (the view restricts the choice)."""
    _may_edit(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _check_draft(report)
    text = (text or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ReportError(
            _("Eine Anmerkung darf höchstens %(limit)s Zeichen lang sein (jetzt %(length)s).")
            % {"limit": NOTE_MAX_LENGTH, "length": len(text)}
        )
    notes = dict(report.measure_notes)
    if text:
        notes[str(measure.pk)] = text
    else:
        notes.pop(str(measure.pk), None)
    report.measure_notes = notes
    reason = _("Anmerkung zu %(code)s") % {"code": measure.code}
    return save_with_history(report, actor=actor, reason=reason)


@transaction.atomic
def release_report(*, actor, report: Report) -> Report:
    """ "Freigeben": render the draft once more as the final report; it is released (and the
    council and staff notified) when that rendering is done."""
    _may_edit(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _check_draft(report)
    if not report.assessment.strip():
        raise ReportError(_("Bitte schreiben Sie vor der Freigabe die Einschätzung des FB 15."))
    report.release_requested = True
    report.released_by = actor
    report.status = ReportStatus.QUEUED
    report.error = ""
    report.task_id = ""
    report.claimed_at = report.started_at = report.finished_at = None
    try:
        with transaction.atomic():
            report = save_with_history(report, actor=actor, reason=_("Freigabe angefordert"))
    except IntegrityError:  # the same scope and period is being rendered right now
        raise ReportInProgress(in_progress_like(report) or report) from None
    enqueue_render(report)
    return report


@transaction.atomic
def request_correction(*, actor, report: Report, note: str) -> Report:
    """A correction of a released report: a new draft of the same scope and period that says
    what it corrects; the released report itself stays as it is."""
    _may_edit(actor)
    if not report.is_released:
        raise ReportError(_("Berichtigt werden kann nur ein freigegebener Bericht."))
    note = (note or "").strip()
    if not note:
        raise ReportError(_("Bitte beschreiben Sie, was berichtigt wird."))
    correction = Report(
        schedule=report.schedule,
        scope_kind=report.scope_kind,
        field_of_action=report.field_of_action,
        unit=report.unit,
        period_label=report.period_label,
        period_starts_on=report.period_starts_on,
        period_ends_on=report.period_ends_on,
        period=report.period,
        acknowledged_only=report.acknowledged_only,
        priority_only=report.priority_only,
        assessment=report.assessment,
        measure_notes=report.measure_notes,
        replaces=report,
        correction_note=note,
        requested_by=actor,
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            correction = save_with_history(correction, actor=actor, reason=_("Berichtigung"))
    except IntegrityError:
        raise ReportInProgress(in_progress_like(correction) or report) from None
    enqueue_render(correction)
    return correction


@transaction.atomic
def set_public(*, actor, report: Report, is_public: bool) -> Report:
    """Offer a released report on the public portal, or take it back. The report itself
    (PDF, checksum) stays as it is; only whether the public may download it changes."""
    _may_edit(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if is_public and not report.is_released:
        raise ReportError(_("Nur ein freigegebener Bericht kann veröffentlicht werden."))
    if report.is_public == is_public:
        return report
    report.is_public = is_public
    reason = _("im Portal veröffentlicht") if is_public else _("aus dem Portal genommen")
    return save_with_history(report, actor=actor, reason=reason)
