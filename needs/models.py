"""Needs (Bedarfsmeldungen) of the units, FB 15's triage and scoring of them, priority rounds
agreed with the units, and FB 15's marks on similar items of different units (synergies).

A unit's lead, deputies and members submit and read their unit's needs; FB 15 (the strategy
team) reads all of them and alone triages, scores and proposes priorities. Other units see
only the titles of non-confidential needs (`NeedQuerySet.titles_for`), to find allies.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fb15.models import DomainModel, OrgUnit
from fb15.querysets import NamedAction, ParentScope, RestrictedQuerySet, UnitScope

from .filecheck import ALLOWED_EXTENSIONS
from .storage import attachment_storage


def units_of(user) -> models.QuerySet:
    """Ids of the units `user` belongs to: as lead, deputy or member (or with the unit right)."""
    from fb15.permissions import units_managed_by

    if not (user and user.is_authenticated and user.is_active):
        return OrgUnit.objects.none().values("pk")
    return (
        OrgUnit.objects.filter(
            models.Q(lead=user)
            | models.Q(deputies=user)
            | models.Q(members=user)
            | models.Q(pk__in=units_managed_by(user))
        )
        .values("pk")
        .distinct()
    )


class NeedState(models.TextChoices):
    SUBMITTED = "submitted", _("eingereicht")
    IN_REVIEW = "in_review", _("in Prüfung")
    PRIORITISED = "prioritised", _("priorisiert")
    ADOPTED = "adopted", _("übernommen")
    DEFERRED = "deferred", _("zurückgestellt")
    REJECTED = "rejected", _("abgelehnt")
    MERGED = "merged", _("zusammengeführt")


# Needs the unit may still edit, and FB 15 still has to decide on.
OPEN_STATES = (NeedState.SUBMITTED, NeedState.IN_REVIEW, NeedState.PRIORITISED)
# Which state may follow which (FB 15's triage).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    NeedState.SUBMITTED: (NeedState.IN_REVIEW, NeedState.DEFERRED, NeedState.REJECTED),
    NeedState.IN_REVIEW: (
        NeedState.PRIORITISED,
        NeedState.ADOPTED,
        NeedState.DEFERRED,
        NeedState.REJECTED,
    ),
    NeedState.PRIORITISED: (NeedState.ADOPTED, NeedState.DEFERRED, NeedState.REJECTED),
    NeedState.DEFERRED: (NeedState.IN_REVIEW, NeedState.REJECTED),
    NeedState.REJECTED: (NeedState.IN_REVIEW,),
    NeedState.ADOPTED: (),
    NeedState.MERGED: (),
}
# Needs FB 15 may merge into another one (`merge_needs`): "zusammengeführt" is reached only
# that way, with the need it went into (`merged_into`), and is final.
MERGEABLE_STATES = (*OPEN_STATES, NeedState.DEFERRED)


class Urgency(models.TextChoices):
    LOW = "low", _("niedrig")
    MEDIUM = "medium", _("mittel")
    HIGH = "high", _("hoch")
    CRITICAL = "critical", _("sehr hoch (Frist droht)")


class Effort(models.TextChoices):
    SMALL = "small", _("klein (bis 20 Personentage)")
    MEDIUM = "medium", _("mittel (bis 100 Personentage)")
    LARGE = "large", _("groß (bis 500 Personentage)")
    VERY_LARGE = "very_large", _("sehr groß (mehr als 500 Personentage)")
    UNKNOWN = "unknown", _("unbekannt")


class NeedQuerySet(RestrictedQuerySet):
    """restrict() with the unit's members: who belongs to a unit reads and files its needs."""

    def _unit_condition(self, user, action: str) -> models.Q:
        if action not in self.model.unit_scope.actions:
            return models.Q(pk__in=[])
        condition = models.Q(owner__in=units_of(user))
        if action == "change":
            # A decided need is FB 15's record; the unit edits only what is still open.
            condition &= models.Q(state__in=OPEN_STATES)
        return condition

    def may_add(self, user) -> bool:
        if not (user and user.is_authenticated and user.is_active):
            return False
        if user.is_superuser or user.has_perm("needs.add_need"):
            return True
        return units_of(user).exists()

    def may_browse(self, user) -> bool:
        """Whether `user` opens the list of needs: staff and FB 15 (by role), and anybody
        who files needs for a unit. The council does not."""
        return bool(user and user.is_authenticated and user.has_perm("needs.browse_need")) or (
            self.may_add(user)
        )

    def units_for(self, user, action: str) -> models.QuerySet:
        if not (user and user.is_authenticated and user.is_active):
            return OrgUnit.objects.none()
        if user.is_superuser or user.has_perm(f"needs.{action}_need"):
            return OrgUnit.objects.restrict(user, "view")
        if action in self.model.unit_scope.actions:
            return OrgUnit.objects.filter(pk__in=units_of(user))
        return OrgUnit.objects.none()

    def titles_for(self, user, *, mark_readable: bool = False) -> NeedQuerySet:
        """Needs whose title `user` may see: readable ones, and other units' public ones.
        With `mark_readable`, each row says whether the user may open it (`is_readable`)."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        readable = self.restrict(user, "view")
        # One WHERE with restrict()'s conditions ORed in, not a subquery over the needs again
        # (which PostgreSQL answers by reading every need).
        titles = self.filter(is_confidential=False) | readable
        if mark_readable:
            opened = readable.filter(pk=models.OuterRef("pk"))
            titles = titles.annotate(is_readable=models.Exists(opened))
        return titles

    def open(self) -> NeedQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def ranked(self) -> list[Need]:
        """The ranked list: by score (highest first, older first on a tie), then every need
        with a rank fixed by FB 15 moved to that place. Each need gets `rank`."""
        needs = list(self.with_score().select_related("owner").order_by("-score", "created_at"))
        fixed = sorted(
            (need for need in needs if need.rank_override), key=lambda need: need.rank_override
        )
        ranked = [need for need in needs if not need.rank_override]
        for need in fixed:
            ranked.insert(min(need.rank_override, len(ranked) + 1) - 1, need)
        for position, need in enumerate(ranked, start=1):
            need.rank = position
        return ranked

    def with_score(self) -> NeedQuerySet:
        """Annotate `score`: the sum of weight × score over the active criteria."""
        weighted = models.Sum(
            models.F("scores__score") * models.F("scores__criterion__weight"),
            filter=models.Q(scores__criterion__is_active=True),
        )
        return self.annotate(score=Coalesce(weighted, 0))


class Need(DomainModel):
    """A Bedarfsmeldung: what a unit needs from digitalisation, and what became of it."""

    owner = models.ForeignKey(
        OrgUnit,
        verbose_name=_("meldender Fachbereich"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    title = models.CharField(_("Titel"), max_length=200)
    problem = models.TextField(
        _("Problem"), help_text=_("Was funktioniert heute nicht, und warum ist das ein Problem?")
    )
    processes = models.TextField(
        _("betroffene Prozesse oder Leistungen"),
        blank=True,
        help_text=_("z. B. eine OZG-Leistung wie „Anwohnerparkausweis beantragen“"),
    )
    affected = models.TextField(
        _("Wer ist betroffen?"),
        blank=True,
        help_text=_(
            "Bürger*innen, Unternehmen, Beschäftigte – mit einer groben Zahl, wenn bekannt"
        ),
    )
    legal_obligation = models.TextField(
        _("rechtliche Verpflichtung"),
        blank=True,
        help_text=_("Gesetz oder Vorschrift, die die Umsetzung verlangt, falls es eine gibt"),
    )
    deadline = models.DateField(_("Frist"), null=True, blank=True)
    urgency = models.CharField(
        _("Dringlichkeit"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    benefit = models.TextField(_("erwarteter Nutzen"))
    effort = models.CharField(
        _("grober Aufwand"), max_length=10, choices=Effort.choices, default=Effort.UNKNOWN
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Ansprechperson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    trends = models.ManyToManyField(
        "standards.Trend",
        verbose_name=_("Trends aus dem Technologieradar"),
        blank=True,
        related_name="needs",
    )
    services = models.ManyToManyField(
        "standards.Service",
        verbose_name=_("Verwaltungsleistungen"),
        blank=True,
        related_name="needs",
    )
    is_confidential = models.BooleanField(
        _("vertraulich"),
        default=False,
        help_text=_(
            "Nur für FB 15 und den eigenen Fachbereich sichtbar; andere Fachbereiche sehen "
            "sonst den Titel."
        ),
    )
    state = models.CharField(
        _("Stand"), max_length=12, choices=NeedState.choices, default=NeedState.SUBMITTED
    )
    state_reason = models.TextField(
        _("Begründung des FB 15"),
        blank=True,
        help_text=_("Für den Fachbereich sichtbar; bei Ablehnung Pflicht."),
    )
    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("übernommen als Maßnahme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    project = models.ForeignKey(
        "measures.Project",
        verbose_name=_("übernommen als Projekt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eingereicht von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("zusammengeführt in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_needs",
    )
    rank_override = models.PositiveSmallIntegerField(
        _("Rang (von FB 15 festgelegt)"), null=True, blank=True
    )
    rank_override_reason = models.CharField(
        _("Begründung des festgelegten Rangs"), max_length=300, blank=True
    )

    created_at = models.DateTimeField(_("eingereicht am"), default=timezone.now)

    history = HistoricalRecords(m2m_fields=[trends, services])
    objects = NeedQuerySet.as_manager()
    unit_scope = UnitScope(
        path="owner",
        actions=frozenset({"view", "add", "change"}),
        confidential_field="is_confidential",
    )
    # State, scores and rank are FB 15's: a unit may edit its open need, never decide on it.
    named_actions = {"triage": NamedAction(("needs.triage_need",))}

    class Meta:
        verbose_name = _("Bedarfsmeldung")
        verbose_name_plural = _("Bedarfsmeldungen")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("triage_need", _("Bedarfsmeldungen prüfen, bewerten und entscheiden")),
            # The list and its menu entry: units' staff and FB 15, not the council.
            ("browse_need", _("Bedarfsmeldungen aufrufen")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("need_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def next_states(self) -> list[tuple[str, str]]:
        return [(state, NeedState(state).label) for state in TRANSITIONS[self.state]]


# What a need may carry; judged by content in filecheck.py.
ATTACHMENT_EXTENSIONS = ALLOWED_EXTENSIONS


def attachment_path(instance, filename: str) -> str:
    """A name of our own: nothing the uploader typed reaches the file system."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class NeedAttachment(DomainModel):
    """A file attached to a need (PDF or Office), stored outside the web root."""

    need = models.ForeignKey(
        Need, verbose_name=_("Bedarfsmeldung"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("Datei"), upload_to=attachment_path, storage=attachment_storage, max_length=200
    )
    name = models.CharField(_("Dateiname"), max_length=200)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hochgeladen von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    unit_scope = ParentScope(("need",))

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("need_attachment", args=[self.pk])


class ScoringCriterion(DomainModel):
    """One criterion of FB 15's scoring model; a need's score is Σ weight × score (0–3)."""

    name = models.CharField(_("Bezeichnung"), max_length=100, unique=True)
    description = models.TextField(_("Erläuterung"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("Gewicht"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1 bis 10"),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=10)
    is_active = models.BooleanField(_("aktiv"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Bewertungskriterium")
        verbose_name_plural = _("Bewertungskriterien")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scoringcriterion_list")


SCORE_CHOICES = [
    (0, _("0 – trifft nicht zu")),
    (1, _("1 – gering")),
    (2, _("2 – mittel")),
    (3, _("3 – hoch")),
]


class NeedScore(DomainModel):
    """FB 15's score (0–3) of one need on one criterion."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ScoringCriterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("Punkte"), choices=SCORE_CHOICES, validators=[MaxValueValidator(3)]
    )

    history = HistoricalRecords()
    unit_scope = ParentScope(("need",))

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        ordering = ["criterion__position", "criterion__name"]
        constraints = [
            models.UniqueConstraint(fields=["need", "criterion"], name="needs_score_unique"),
            models.CheckConstraint(condition=models.Q(score__lte=3), name="needs_score_0_3"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


def quarter_of(day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """("2026-Q3", first day, last day) of the quarter `day` lies in."""
    quarter = (day.month - 1) // 3 + 1
    starts_on = datetime.date(day.year, 3 * quarter - 2, 1)
    next_start = (
        datetime.date(day.year + 1, 1, 1)
        if quarter == 4
        else datetime.date(day.year, 3 * quarter + 1, 1)
    )
    return f"{day.year}-Q{quarter}", starts_on, next_start - datetime.timedelta(days=1)


class PriorityRound(DomainModel):
    """A review round (quarterly by default) in which FB 15 proposes priorities 1–3 and the
    owning units agree or object; FB 15 closes it."""

    label = models.CharField(
        _("Bezeichnung"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("Es gibt bereits eine Runde mit dieser Bezeichnung.")},
    )
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"))
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("abgeschlossen von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    named_actions = {"close": NamedAction(("needs.change_priorityround",), on="change")}

    class Meta:
        verbose_name = _("Prioritätenrunde")
        verbose_name_plural = _("Prioritätenrunden")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return _("Prioritätenrunde %(label)s") % {"label": self.label}

    def get_absolute_url(self) -> str:
        return reverse("priorityround_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Das Ende darf nicht vor dem Beginn liegen.")})


class Statement(models.TextChoices):
    PENDING = "pending", _("noch offen")
    AGREED = "agreed", _("einverstanden")
    OBJECTED = "objected", _("Einwand")


PRIORITY_CHOICES = [(1, _("1 – höchste")), (2, _("2 – mittlere")), (3, _("3 – niedrigere"))]


class PriorityProposal(DomainModel):
    """FB 15's proposed priority for one need or measure in one round, and the owning unit's
    statement on it. `unit` is the item's owning unit when proposed (who answers)."""

    round = models.ForeignKey(
        PriorityRound, verbose_name=_("Runde"), on_delete=models.CASCADE, related_name="proposals"
    )
    need = models.ForeignKey(
        Need,
        verbose_name=_("Bedarfsmeldung"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="priority_proposals",
    )
    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("Maßnahme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="priority_proposals",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("Fachbereich"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(_("Priorität"), choices=PRIORITY_CHOICES)
    note = models.TextField(_("Begründung des FB 15"), blank=True)
    statement = models.CharField(
        _("Stellungnahme"), max_length=10, choices=Statement.choices, default=Statement.PENDING
    )
    statement_comment = models.TextField(_("Kommentar des Fachbereichs"), blank=True)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Stellungnahme von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stated_at = models.DateTimeField(_("Stellungnahme am"), null=True, blank=True)

    history = HistoricalRecords()
    unit_scope = UnitScope(path="unit", actions=frozenset({"view"}))

    class Meta:
        verbose_name = _("Prioritätsvorschlag")
        verbose_name_plural = _("Prioritätsvorschläge")
        ordering = ["priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(need__isnull=True, measure__isnull=False)
                | models.Q(need__isnull=False, measure__isnull=True),
                name="needs_proposal_one_item",
            ),
            models.UniqueConstraint(fields=["round", "need"], name="needs_proposal_unique_need"),
            models.UniqueConstraint(
                fields=["round", "measure"], name="needs_proposal_unique_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.priority}"

    @property
    def item(self):
        return self.need if self.need_id else self.measure

    def get_absolute_url(self) -> str:
        return reverse("priorityround_detail", args=[self.round_id])


class SynergyKind(models.TextChoices):
    MERGE = "merge", _("zusammenführen")
    COORDINATE = "coordinate", _("abstimmen")
    UNRELATED = "unrelated", _("kein Zusammenhang")


class SynergyMark(DomainModel):
    """FB 15's verdict on a pair of similar items of different units.

    Items are named by keys such as "need:12", "measure:4", "project:7"; `key_a` < `key_b`.
    "kein Zusammenhang" removes the pair from every similar-items list.
    """

    key_a = models.CharField(max_length=30)
    key_b = models.CharField(max_length=30)
    kind = models.CharField(_("Einschätzung"), max_length=12, choices=SynergyKind.choices)
    comment = models.CharField(_("Kommentar"), max_length=300, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("markiert von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Synergie-Markierung")
        verbose_name_plural = _("Synergie-Markierungen")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["key_a", "key_b"], name="needs_synergy_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key_a} ↔ {self.key_b}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("synergies")


class SynergyCandidate(models.Model):
    """An open need and a similar item of another unit, as last computed.

    Written only by `services.refresh_synergy_candidates` (a Celery task after an item's
    text changes, and every night for all open needs); the Synergien page reads these rows
    instead of comparing thousands of items per request. Derived data, so no history.
    `item_key` names the other item as SynergyMark does ("measure:4").
    """

    need = models.ForeignKey(
        Need,
        verbose_name=_("Bedarfsmeldung"),
        on_delete=models.CASCADE,
        related_name="synergy_candidates",
    )
    item_key = models.CharField(_("ähnliches Vorhaben"), max_length=30)
    unit = models.ForeignKey(
        "fb15.OrgUnit",
        verbose_name=_("Fachbereich des Vorhabens"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.FloatField(_("Ähnlichkeit"))
    reasons = models.JSONField(_("Gründe"), default=list)
    computed_at = models.DateTimeField(_("berechnet am"))

    class Meta:
        verbose_name = _("Synergie-Kandidat")
        verbose_name_plural = _("Synergie-Kandidaten")
        ordering = ["need", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "item_key"], name="needs_synergy_candidate_unique"
            )
        ]
        indexes = [models.Index(fields=["item_key"], name="needs_synergy_candidate_item")]

    def __str__(self) -> str:
        return f"need:{self.need_id} ↔ {self.item_key} ({self.score:.2f})"
