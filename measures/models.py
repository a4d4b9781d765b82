"""Measures and projects that implement the strategy, and how their owners report on them.

A measure's or project's current state (status, traffic light, progress, budget spent) is
not typed in: it is set by its latest status update (`services.file_status_update`), and
stored on the row so lists and roll-ups need no per-row queries.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from fb15.models import DomainModel, OrgUnit
from fb15.querysets import NamedAction, ParentScope, RestrictedQuerySet, UnitScope


class Priority(models.TextChoices):
    HIGH = "high", _("hoch")
    MEDIUM = "medium", _("mittel")
    LOW = "low", _("niedrig")


class Status(models.TextChoices):
    PLANNED = "planned", _("geplant")
    IN_PROGRESS = "in_progress", _("in Umsetzung")
    DONE = "done", _("abgeschlossen")
    ON_HOLD = "on_hold", _("zurückgestellt")
    DROPPED = "dropped", _("verworfen")


ACTIVE_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.ON_HOLD)


class TrafficLight(models.TextChoices):
    GREEN = "green", _("grün")
    AMBER = "amber", _("gelb")
    RED = "red", _("rot")


class Phase(models.TextChoices):
    INITIATION = "initiation", _("Initiierung")
    PLANNING = "planning", _("Planung")
    EXECUTION = "execution", _("Umsetzung")
    CLOSURE = "closure", _("Abschluss")


class ReportingPeriodQuerySet(RestrictedQuerySet):
    def current(self, today: datetime.date | None = None) -> ReportingPeriod | None:
        """The period whose reporting date is next (the cycle status updates are due for)."""
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today).order_by("-starts_on").first()

    def previous(self, today: datetime.date | None = None) -> ReportingPeriod | None:
        """The period before the current one: missing it makes an item overdue."""
        current = self.current(today)
        if current is None:
            return None
        return self.filter(starts_on__lt=current.starts_on).order_by("-starts_on").first()


class ReportingPeriod(DomainModel):
    """A reporting cycle (Berichtszeitraum), e.g. "2026-Q3", with its reporting date.

    Open for status updates until its reporting date plus the grace days; then locked, and
    only the strategy team may still change what was reported for it.
    """

    label = models.CharField(_("Bezeichnung"), max_length=20, unique=True)
    starts_on = models.DateField(_("Beginn"), unique=True)
    ends_on = models.DateField(_("Ende"))
    reporting_date = models.DateField(_("Stichtag"))
    grace_days = models.PositiveSmallIntegerField(_("Nachfrist (Tage)"), default=7)
    locked_at = models.DateTimeField(_("gesperrt am"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("Berichtszeitraum")
        verbose_name_plural = _("Berichtszeiträume")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="measures_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def closes_on(self) -> datetime.date:
        return self.reporting_date + datetime.timedelta(days=self.grace_days)

    def is_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.locked_at is None and today <= self.closes_on


class Tag(DomainModel):
    name = models.CharField(_("Schlagwort"), max_length=50, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Schlagwort")
        verbose_name_plural = _("Schlagwörter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReportedQuerySet(RestrictedQuerySet):
    """Reads shared by measures and projects: lists, exports and reports use these."""

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def stale(self, today: datetime.date | None = None):
        """Active items that missed the previous reporting cycle (überfällig)."""
        previous = ReportingPeriod.objects.previous(today)
        if previous is None:
            return self.none()
        started = models.Q(planned_start__isnull=True) | models.Q(
            planned_start__lte=previous.ends_on
        )
        missing = models.Q(last_update_period__isnull=True) | models.Q(
            last_update_period__starts_on__lt=previous.starts_on
        )
        return self.active().filter(started & missing)

    def needing_update(self, period: ReportingPeriod | None):
        """Active items without a status update for `period` yet."""
        if period is None:
            return self.none()
        return self.active().exclude(last_update_period=period)


class ReportedItem(DomainModel):
    """What measures and projects share: plan, current state from status updates, rights.

    Owned by a unit (`owner`): its lead and deputies report on it; guardian grants on the
    row (e.g. a project lead from another unit) count too; confidential rows stay hidden
    from other units.
    """

    planned_start = models.DateField(_("geplanter Beginn"), null=True, blank=True)
    planned_end = models.DateField(_("geplantes Ende"), null=True, blank=True)
    budget_planned = models.DecimalField(
        _("Budget geplant (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    traffic_light = models.CharField(
        _("Ampel"), max_length=5, choices=TrafficLight.choices, blank=True
    )
    progress = models.PositiveSmallIntegerField(
        _("Fortschritt (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    budget_spent = models.DecimalField(
        _("Budget verausgabt (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    actual_end = models.DateField(_("tatsächliches Ende"), null=True, blank=True)
    last_update_period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("letzte Statusmeldung für"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    unit_scope = UnitScope(
        path="owner",
        actions=frozenset({"view", "change"}),
        object_grants=True,
        confidential_field="is_confidential",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start"))
                | models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_planned__gte=0) | models.Q(budget_planned__isnull=True),
                name="%(app_label)s_%(class)s_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class MeasureQuerySet(ReportedQuerySet):
    def with_list_data(self):
        return self.select_related(
            "goal__field_of_action", "owner", "responsible", "last_update_period"
        )


class Measure(ReportedItem):
    """A Maßnahme derived from a goal, owned by one Fachbereich."""

    goal = models.ForeignKey(
        "strategy.Goal", verbose_name=_("Ziel"), on_delete=models.PROTECT, related_name="measures"
    )
    code = models.CharField(
        _("Kennung"),
        max_length=20,
        unique=True,
        help_text=_("z. B. „M-2.3-01“"),
        error_messages={"unique": _("Es gibt bereits eine Maßnahme mit dieser Kennung.")},
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    owner = models.ForeignKey(
        OrgUnit,
        verbose_name=_("federführender Fachbereich"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    participants = models.ManyToManyField(
        OrgUnit, verbose_name=_("beteiligte Fachbereiche"), blank=True, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verantwortliche Person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_measures",
    )
    priority = models.CharField(
        _("Priorität"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    funding_source = models.CharField(_("Finanzierungsquelle"), max_length=200, blank=True)
    dependencies = models.ManyToManyField(
        "self",
        verbose_name=_("hängt ab von"),
        symmetrical=False,
        blank=True,
        related_name="dependents",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("Schlagwörter"), blank=True)
    trends = models.ManyToManyField(
        "standards.Trend",
        verbose_name=_("Trends aus dem Technologieradar"),
        blank=True,
        related_name="measures",
    )
    services = models.ManyToManyField(
        "standards.Service",
        verbose_name=_("Verwaltungsleistungen"),
        blank=True,
        related_name="measures",
    )
    is_confidential = models.BooleanField(
        _("vertraulich"),
        default=False,
        help_text=_("Nur für FB 15 und den federführenden Fachbereich sichtbar."),
    )
    # Current state, set by the latest status update (services.file_status_update).

    history = HistoricalRecords(m2m_fields=[participants, dependencies, tags, trends, services])
    objects = MeasureQuerySet.as_manager()
    # Title, goal, owner, priority, budget…: the strategy team's, never the unit lead's.
    named_actions = {"change_structure": NamedAction(("measures.change_measure",), on="change")}

    class Meta(ReportedItem.Meta):
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["code"]

    def get_absolute_url(self) -> str:
        return reverse("measure_detail", args=[self.pk])

    @property
    def is_unowned(self) -> bool:
        """No responsible person: such measures are the first to go stale."""
        return self.responsible_id is None

    @property
    def kind(self) -> str:
        return "measure"


class MeasureUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Measure, on_delete=models.CASCADE)


class MeasureGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Measure, on_delete=models.CASCADE)


class ProjectQuerySet(ReportedQuerySet):
    def with_list_data(self):
        return self.select_related("owner", "lead", "last_update_period")


class Project(ReportedItem):
    """A project implementing one or more measures; its lead may come from another unit."""

    code = models.CharField(
        _("Kennung"),
        max_length=20,
        unique=True,
        help_text=_("z. B. „P-2026-04“"),
        error_messages={"unique": _("Es gibt bereits ein Projekt mit dieser Kennung.")},
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    measures = models.ManyToManyField(
        Measure, verbose_name=_("umgesetzte Maßnahmen"), blank=True, related_name="projects"
    )
    owner = models.ForeignKey(
        OrgUnit,
        verbose_name=_("federführender Fachbereich"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Projektleitung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
    )
    phase = models.CharField(
        _("Phase"), max_length=12, choices=Phase.choices, default=Phase.INITIATION
    )
    services = models.ManyToManyField(
        "standards.Service",
        verbose_name=_("Verwaltungsleistungen"),
        blank=True,
        related_name="projects",
    )
    is_confidential = models.BooleanField(
        _("vertraulich"),
        default=False,
        help_text=_("Nur für FB 15, den federführenden Fachbereich und die Projektleitung."),
    )

    history = HistoricalRecords(m2m_fields=[measures, services])
    objects = ProjectQuerySet.as_manager()
    named_actions = {"change_structure": NamedAction(("measures.change_project",), on="change")}

    class Meta(ReportedItem.Meta):
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        ordering = ["code"]

    def get_absolute_url(self) -> str:
        return reverse("project_detail", args=[self.pk])

    @property
    def is_unowned(self) -> bool:
        return self.lead_id is None

    @property
    def kind(self) -> str:
        return "project"


class ProjectUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class ProjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


def _one_subject(prefix: str) -> models.CheckConstraint:
    """Exactly one of measure / project is set."""
    return models.CheckConstraint(
        condition=models.Q(measure__isnull=False, project__isnull=True)
        | models.Q(measure__isnull=True, project__isnull=False),
        name=f"measures_{prefix}_one_subject",
    )


class SubjectMixin(models.Model):
    """Rows about either a measure or a project (status updates, milestones)."""

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("Maßnahme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("Projekt"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
    )
    unit_scope = ParentScope(("measure", "project"))

    class Meta:
        abstract = True

    @property
    def subject(self) -> Measure | Project:
        return self.measure or self.project


class ReviewState(models.TextChoices):
    """Where a status update stands with FB 15 (filing or correcting it starts over)."""

    SUBMITTED = "submitted", _("eingereicht")
    ACKNOWLEDGED = "acknowledged", _("bestätigt")
    RETURNED = "returned", _("Rückfrage")


class StatusUpdate(SubjectMixin, DomainModel):
    """A Statusmeldung of the owning unit for one reporting period.

    FB 15 acknowledges it or sends it back with a question (`review_state`); the lead answers
    by filing it again. The question and answer fields hold the latest round; the history
    of the row holds every round.
    """

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("Berichtszeitraum"),
        on_delete=models.PROTECT,
        related_name="status_updates",
    )
    traffic_light = models.CharField(_("Ampel"), max_length=5, choices=TrafficLight.choices)
    progress = models.PositiveSmallIntegerField(
        _("Fortschritt (%)"), validators=[MaxValueValidator(100)]
    )
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices)
    summary = models.TextField(_("Sachstand"))
    risks = models.TextField(_("Risiken"), blank=True)
    next_steps = models.TextField(_("nächste Schritte"), blank=True)
    budget_spent = models.DecimalField(
        _("Budget verausgabt (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gemeldet von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("gemeldet am"), default=timezone.now)
    progress_drop_reason = models.TextField(_("Begründung für den Rückgang"), blank=True)
    needs_decision = models.BooleanField(_("Entscheidungsbedarf"), default=False)
    decision_note = models.TextField(_("Welche Entscheidung ist nötig?"), blank=True)
    review_state = models.CharField(
        _("Prüfung durch FB 15"),
        max_length=12,
        choices=ReviewState.choices,
        default=ReviewState.SUBMITTED,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geprüft von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    review_question = models.TextField(_("Rückfrage"), blank=True)
    review_answer = models.TextField(_("Antwort auf die Rückfrage"), blank=True)

    history = HistoricalRecords()
    named_actions = {
        # What was reported for a locked period is changed by the strategy team only.
        "report_locked": NamedAction(("measures.change_statusupdate",), on="change"),
        # Acknowledging or questioning updates is FB 15's review.
        "review": NamedAction(("measures.review_statusupdate",)),
    }

    class Meta:
        verbose_name = _("Statusmeldung")
        verbose_name_plural = _("Statusmeldungen")
        ordering = ["-period__starts_on", "-reported_at"]
        permissions = [("review_statusupdate", _("Statusmeldungen bestätigen oder zurückfragen"))]
        indexes = [
            # The start page asks every lead for their updates sent back with a question, the
            # oldest first: a few rows among every update ever filed.
            models.Index(
                fields=["reviewed_at"],
                condition=models.Q(review_state="returned"),
                name="measures_statusupdate_returned",
            ),
        ]
        constraints = [
            _one_subject("statusupdate"),
            models.UniqueConstraint(
                fields=["measure", "period"], name="measures_statusupdate_one_per_measure_period"
            ),
            models.UniqueConstraint(
                fields=["project", "period"], name="measures_statusupdate_one_per_project_period"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="measures_statusupdate_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject.code} – {self.period}"

    def get_absolute_url(self) -> str:
        return self.subject.get_absolute_url()


class Milestone(SubjectMixin, DomainModel):
    title = models.CharField(_("Meilenstein"), max_length=200)
    due_on = models.DateField(_("fällig am"))
    reached_on = models.DateField(_("erreicht am"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["due_on", "pk"]
        constraints = [_one_subject("milestone")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.subject.get_absolute_url()

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.reached_on is None and self.due_on < (today or timezone.localdate())


class Indicator(DomainModel):
    """A Kennzahl of a measure: unit, baseline, target value and date."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("Kennzahl"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=30, help_text=_("z. B. „%“, „Anzahl“"))
    baseline = models.DecimalField(_("Ausgangswert"), max_digits=14, decimal_places=2)
    target_value = models.DecimalField(_("Zielwert"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("Zieldatum"))

    history = HistoricalRecords()
    unit_scope = ParentScope(("measure",))

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["measure", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.measure.get_absolute_url()

    @property
    def higher_is_better(self) -> bool:
        return self.target_value >= self.baseline


class IndicatorValue(DomainModel):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("Kennzahl"), on_delete=models.CASCADE, related_name="values"
    )
    measured_on = models.DateField(_("gemessen am"))
    value = models.DecimalField(_("Messwert"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()
    unit_scope = ParentScope(("indicator",))

    class Meta:
        verbose_name = _("Messwert")
        verbose_name_plural = _("Messwerte")
        ordering = ["indicator", "measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                name="measures_indicatorvalue_one_per_day",
                violation_error_message=_("Für dieses Datum gibt es schon einen Messwert."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on})"

    def get_absolute_url(self) -> str:
        return self.indicator.get_absolute_url()


class RiskLevel(models.IntegerChoices):
    LOW = 1, _("gering")
    MEDIUM = 2, _("mittel")
    HIGH = 3, _("hoch")


class Risk(DomainModel):
    """An entry of a project's risk register."""

    project = models.ForeignKey(
        Project, verbose_name=_("Projekt"), on_delete=models.CASCADE, related_name="risks"
    )
    description = models.CharField(_("Risiko"), max_length=300)
    probability = models.PositiveSmallIntegerField(
        _("Eintrittswahrscheinlichkeit"), choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    impact = models.PositiveSmallIntegerField(
        _("Auswirkung"), choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    mitigation = models.TextField(_("Gegenmaßnahmen"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verantwortlich"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_closed = models.BooleanField(_("erledigt"), default=False)

    history = HistoricalRecords()
    unit_scope = ParentScope(("project",))

    class Meta:
        verbose_name = _("Risiko")
        verbose_name_plural = _("Risiken")
        ordering = ["is_closed", "-probability", "-impact", "pk"]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    @property
    def score(self) -> int:
        return self.probability * self.impact
