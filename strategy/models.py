"""The Digital Strategy as structured data: vision, fields of action, goals, revisions.

The strategy is edited continuously ("Stetige Fortschreibung"); what the live tables hold is
the draft. A published `Revision` is a named moment: the strategy as of that revision is read
from the history tables as of `published_at` (see `strategy/tree.py`), no copies are made.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fb15.models import DomainModel
from fb15.querysets import NamedAction, RestrictedQuerySet

# Reading the unpublished working state (the draft) is a right of its own; the council
# reads published revisions only. Editing the draft's rows needs it as well.
VIEW_DRAFT = NamedAction(("strategy.view_draft_strategy",))
CHANGE_DRAFT = NamedAction(("strategy.view_draft_strategy",), on="change")
DRAFT_ACTIONS = {"view_draft": VIEW_DRAFT, "change_draft": CHANGE_DRAFT}


def may_read_draft(user) -> bool:
    """The unpublished working state is a right of its own (`view_draft` on the strategy)."""
    return VIEW_DRAFT.is_held_by(user)


class PublishedQuerySet(RestrictedQuerySet):
    """Fields of action and goals: the live rows are the draft.

    Readers without the draft right see only rows that exist in the latest published
    revision, everywhere the rows are read through `restrict()` (filter options, measure
    headers, exports, history).
    """

    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        rows = super().restrict(user, action)
        if action != "view" or may_read_draft(user):
            return rows
        latest = Revision.objects.order_by("-published_at").values("published_at").first()
        if latest is None:
            return rows.none()
        published = self.model.history.as_of(latest["published_at"]).values("id")
        return rows.filter(pk__in=published)

    def as_read_by(self, user):
        """The rows `user` may read, in the version they may read: the live draft for draft
        readers, otherwise as published in the latest revision (a goal renamed in the draft
        keeps its adopted title). Filter options and history name rows through this."""
        readable = self.restrict(user, "view")
        if may_read_draft(user):
            return readable
        latest = Revision.objects.order_by("-published_at").values("published_at").first()
        if latest is None:
            return readable
        return self.model.history.as_of(latest["published_at"]).filter(id__in=readable.values("pk"))


class Strategy(DomainModel):
    """The city's Digital Strategy. One row is the normal case."""

    title = models.CharField(_("Titel"), max_length=200)
    vision = models.TextField(_("Leitbild"), blank=True)

    history = HistoricalRecords()
    named_actions = {
        **DRAFT_ACTIONS,
        # Publishing freezes the draft as a new revision: the draft right and adding revisions.
        "publish": NamedAction(("strategy.view_draft_strategy", "strategy.add_revision")),
    }

    class Meta:
        verbose_name = _("Digitale Strategie")
        verbose_name_plural = _("Digitale Strategien")
        ordering = ["pk"]
        # Reading the unpublished working state (the draft) is a right of its own: the council
        # reads published revisions only. Granted to roles in fb15/permissions.py.
        permissions = [("view_draft_strategy", _("Entwurf der Strategie lesen"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy_detail")


class Revision(DomainModel):
    """A Fortschreibung: a numbered revision adopted by the council and frozen once published."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("Strategie"), on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("Nummer"))
    title = models.CharField(_("Titel"), max_length=200)
    decided_on = models.DateField(_("Datum des Ratsbeschlusses"))
    decision_reference = models.CharField(
        _("Ratsbeschluss (Drucksache)"), max_length=60, help_text=_("z. B. „DS 0123/2025“")
    )
    summary = models.TextField(_("Zusammenfassung"), blank=True)
    # Set by `publish_revision` when the row is created: a revision exists only published.
    published_at = models.DateTimeField(_("veröffentlicht am"))

    history = HistoricalRecords()

    # Fields that never change once the revision is published.
    FROZEN_FIELDS = ("number", "title", "decided_on", "decision_reference", "published_at")

    class Meta:
        verbose_name = _("Fortschreibung")
        verbose_name_plural = _("Fortschreibungen")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="strategy_revision_number_unique",
                violation_error_message=_("Diese Nummer ist bereits vergeben."),
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="strategy_revision_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return _("Fortschreibung %(number)s: %(title)s") % {
            "number": self.number,
            "title": self.title,
        }

    def get_absolute_url(self) -> str:
        return f"{reverse('strategy_as_of')}?revision={self.number}"


class FieldOfAction(DomainModel):
    """A Handlungsfeld. Its number ("2") is its place in the order, never stored."""

    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("Strategie"),
        on_delete=models.PROTECT,
        related_name="fields_of_action",
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"))
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    history = HistoricalRecords()
    objects = PublishedQuerySet.as_manager()
    named_actions = DRAFT_ACTIONS

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["strategy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "position"], name="strategy_field_of_action_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('strategy_detail')}#handlungsfeld-{self.pk}"


class Goal(DomainModel):
    """A Ziel inside a field of action. Its number ("2.3") is derived from both orders."""

    field_of_action = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        on_delete=models.PROTECT,
        related_name="goals",
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"))
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    target_year = models.PositiveSmallIntegerField(_("Zieljahr"), null=True, blank=True)

    history = HistoricalRecords()
    objects = PublishedQuerySet.as_manager()
    named_actions = DRAFT_ACTIONS

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["field_of_action", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["field_of_action", "position"], name="strategy_goal_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(target_year__isnull=True)
                | models.Q(target_year__gte=2000, target_year__lte=2100),
                name="strategy_goal_target_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('strategy_detail')}#ziel-{self.pk}"
