"""Status reports: schedules that produce them, the reports themselves, and sent notices.

A `Report` is one PDF for one scope (whole strategy, one field of action, one unit) and one
period. One Celery task renders it (`reporting.tasks.render_report`); the row records its
status, timings, the file with its SHA-256 and the error if rendering failed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fb15.models import DomainModel, OrgUnit
from fb15.querysets import RestrictedQuerySet

from .storage import report_storage


def _report_storage():  # named in migration 0001
    return report_storage()


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monatlich")
    QUARTERLY = "quarterly", _("vierteljährlich")


class ScopeKind(models.TextChoices):
    STRATEGY = "strategy", _("gesamte Strategie")
    FIELD = "field", _("ein Handlungsfeld")
    UNIT = "unit", _("ein Fachbereich")


class ScopedModel(models.Model):
    """Scope of a schedule or report: the whole strategy, one field of action or one unit."""

    scope_kind = models.CharField(
        _("Umfang"), max_length=10, choices=ScopeKind.choices, default=ScopeKind.STRATEGY
    )
    field_of_action = models.ForeignKey(
        "strategy.FieldOfAction",
        verbose_name=_("Handlungsfeld"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("Fachbereich"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_only = models.BooleanField(
        _("nur von FB 15 bestätigte Sachstände"),
        default=False,
        help_text=_(
            "Der Bericht zeigt je Maßnahme den Sachstand der letzten von FB 15 bestätigten "
            "Statusmeldung; noch nicht bestätigte Meldungen bleiben außen vor."
        ),
    )
    priority_only = models.BooleanField(
        _("nur Maßnahmen mit Priorität hoch"),
        default=False,
        help_text=_(
            "Der Bericht zeigt nur die Maßnahmen mit hoher Priorität (und ihre Projekte), "
            "etwa für den quartalsweisen Blick des Rats auf die Prioritäten."
        ),
    )

    class Meta:
        abstract = True

    @property
    def scope_label(self) -> str:
        return scope_label(
            self.scope_kind,
            self.field_of_action if self.field_of_action_id else None,
            self.unit if self.unit_id else None,
            priority_only=self.priority_only,
        )


def scope_label(scope_kind: str, field_of_action=None, unit=None, *, priority_only=False) -> str:
    """What a report or schedule covers, e.g. "FB 32 – Sicherheit und Ordnung"."""
    if scope_kind == ScopeKind.FIELD and field_of_action is not None:
        label = _("Handlungsfeld %(number)s: %(title)s") % {
            "number": field_of_action.position,
            "title": field_of_action.title,
        }
    elif scope_kind == ScopeKind.UNIT and unit is not None:
        label = f"{unit.code} – {unit.name}"
    else:
        label = str(_("Gesamte Digitalstrategie"))
    return _("%(scope)s, nur Priorität hoch") % {"scope": label} if priority_only else label


def _scope_constraint(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(scope_kind="strategy", field_of_action__isnull=True, unit__isnull=True)
        | models.Q(scope_kind="field", field_of_action__isnull=False, unit__isnull=True)
        | models.Q(scope_kind="unit", field_of_action__isnull=True, unit__isnull=False),
        name=f"reporting_{prefix}_scope_consistent",
    )


class ReportSchedule(ScopedModel, DomainModel):
    """A Berichtsplan: which report is made when, and who is told.

    Kept in step with a django-celery-beat `PeriodicTask` by `services.sync_schedule`, so a
    running beat picks up changes without a restart.
    """

    name = models.CharField(_("Bezeichnung"), max_length=200, unique=True)
    frequency = models.CharField(
        _("Turnus"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    reporting_day = models.PositiveSmallIntegerField(
        _("Erstellung am Tag nach Periodenende"),
        default=10,
        help_text=_(
            "Der Bericht für die abgelaufene Periode wird an diesem Tag des Folgemonats erzeugt, "
            "nach Stichtag und Nachfrist."
        ),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("Erinnerung (Tage vor dem Stichtag)"), default=14
    )
    grace_days = models.PositiveSmallIntegerField(_("Nachfrist (Tage)"), default=7)
    notify_council = models.BooleanField(_("Rat benachrichtigen"), default=True)
    extra_recipients = models.TextField(
        _("weitere Empfänger*innen"),
        blank=True,
        help_text=_("E-Mail-Adressen, eine je Zeile."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        verbose_name=_("Zeitplan-Eintrag"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Berichtsplan")
        verbose_name_plural = _("Berichtspläne")
        ordering = ["name"]
        constraints = [_scope_constraint("schedule")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reportschedule_list")

    @property
    def extra_recipient_list(self) -> list[str]:
        return [line.strip() for line in self.extra_recipients.splitlines() if line.strip()]


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("in Warteschlange")
    RUNNING = "running", _("wird erzeugt")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


class ReportQuerySet(RestrictedQuerySet):
    def in_progress(self):
        return self.filter(status__in=(ReportStatus.QUEUED, ReportStatus.RUNNING))

    def released(self):
        return self.filter(status=ReportStatus.DONE, released_at__isnull=False)

    def public(self):
        """Released reports FB 15 marked public: what the public portal lists and serves."""
        return self.released().filter(is_public=True)

    def visible_to(self, user):
        """What a user sees in the archive: FB 15 everything, readers the released reports."""
        reports = self.restrict(user, "view")
        if not user.has_perm("reporting.change_report"):
            reports = reports.released()
        return reports


class Report(ScopedModel, DomainModel):
    """A Statusbericht: one PDF for one scope and period, rendered by one Celery task."""

    schedule = models.ForeignKey(
        ReportSchedule,
        verbose_name=_("Berichtsplan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    period_label = models.CharField(_("Zeitraum"), max_length=20)
    period_starts_on = models.DateField(_("Beginn des Zeitraums"))
    period_ends_on = models.DateField(_("Ende des Zeitraums"))
    period = models.ForeignKey(
        "measures.ReportingPeriod",
        verbose_name=_("Berichtszeitraum"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    file = models.FileField(_("Datei"), storage=_report_storage, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("Größe (Bytes)"), null=True, blank=True)
    data_as_of = models.DateTimeField(_("Datenstand"), null=True, blank=True)
    created_at = models.DateTimeField(_("angefordert am"), default=timezone.now)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    # The lease: which Celery task renders the report, since when. Another delivery takes
    # over only when the task id is its own (a redelivery after a crash) or the lease is stale.
    task_id = models.CharField(_("Task-ID"), max_length=255, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("übernommen am"), null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefordert von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The life of a report: rendered as a draft that only FB 15 reads; FB 15 writes its
    # assessment and releases it (rendered once more, now final); a released report is frozen.
    assessment = models.TextField(
        _("Einschätzung des FB 15"),
        blank=True,
        help_text=_("Einige Absätze: was gut lief, was kritisch ist, was nötig ist."),
    )
    # FB 15's notes on single measures of a draft: {"<measure id>": "text"}; shown under them.
    measure_notes = models.JSONField(_("Anmerkungen zu Maßnahmen"), default=dict, blank=True)
    release_requested = models.BooleanField(_("Freigabe angefordert"), default=False)
    released_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("freigegeben von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("berichtigt den Bericht"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    correction_note = models.TextField(_("Was wurde berichtigt?"), blank=True)
    # Set by FB 15 on a released report: the public portal lists it and serves its PDF.
    is_public = models.BooleanField(
        _("öffentlich"),
        default=False,
        help_text=_("Im öffentlichen Portal zum Herunterladen angeboten."),
    )

    history = HistoricalRecords()
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Statusbericht")
        verbose_name_plural = _("Statusberichte")
        ordering = ["-created_at", "-pk"]
        constraints = [
            _scope_constraint("report"),
            # One report per scope and period in progress at a time: a double click, two
            # browsers or a schedule racing a person get the running one (PostgreSQL, SQLite).
            models.UniqueConstraint(
                "scope_kind",
                Coalesce("field_of_action", 0),
                Coalesce("unit", 0),
                "period_label",
                condition=models.Q(status__in=["queued", "running"]),
                name="reporting_report_one_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return _("Statusbericht %(period)s – %(scope)s") % {
            "period": self.period_label,
            "scope": self.scope_label,
        }

    def get_absolute_url(self) -> str:
        return reverse("report_detail", args=[self.pk])

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def is_in_progress(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def is_draft(self) -> bool:
        """Rendered, not yet released: only FB 15 sees it."""
        return self.status == ReportStatus.DONE and self.released_at is None

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def download_name(self) -> str:
        """e.g. "Statusbericht_Digitalstrategie_2026-Q3.pdf", "Statusbericht_FB-32_2026-Q3.pdf"."""
        if self.scope_kind == ScopeKind.FIELD and self.field_of_action_id:
            scope = f"Handlungsfeld-{self.field_of_action.position}"
        elif self.scope_kind == ScopeKind.UNIT and self.unit_id:
            scope = self.unit.code.replace(" ", "-")
        else:
            scope = "Digitalstrategie"
        return f"Statusbericht_{scope}_{self.period_label}.pdf"
