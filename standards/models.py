"""Administration-wide standards, each unit's compliance with them, exemptions, and the
technology radar (trends) that FB 15 communicates into the units concerned."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fb15.models import DomainModel, OrgUnit
from fb15.querysets import NamedAction, RestrictedManager, RestrictedQuerySet, UnitScope


class Obligation(models.TextChoices):
    """Obligation levels as in the national IT architecture guideline (RFC 2119 in German)."""

    MUST = "must", _("Muss")
    SHOULD = "should", _("Soll")
    MAY = "may", _("Kann")
    MUST_NOT = "must_not", _("Darf nicht")


class Category(models.TextChoices):
    SOFTWARE = "software", _("Software")
    INTERFACE = "interface", _("Schnittstelle")
    PROCESS = "process", _("Prozess")
    SECURITY = "security", _("IT-Sicherheit")
    ACCESSIBILITY = "accessibility", _("Barrierefreiheit")
    DATA_PROTECTION = "data_protection", _("Datenschutz")
    DATA = "data", _("Daten")


class StandardStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    BINDING = "binding", _("verbindlich")
    EXPIRING = "expiring", _("auslaufend")
    REPEALED = "repealed", _("aufgehoben")


@dataclass(frozen=True)
class Reference:
    label: str
    url: str


def parse_references(text: str) -> list[Reference]:
    """One reference per line: a label followed by its address ("XRechnung 3.0 https://…")."""
    references = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        label, _sep, url = line.rpartition(" ")
        references.append(Reference(label=label.strip() or url, url=url))
    return references


class StandardQuerySet(RestrictedQuerySet):
    def in_force(self) -> StandardQuerySet:
        """Standards units must comply with: binding and those being phased out."""
        return self.filter(status__in=[StandardStatus.BINDING, StandardStatus.EXPIRING])


class Standard(DomainModel):
    """A rule FB 15 sets for all units (software, interface, process, security …)."""

    code = models.CharField(
        _("Kürzel"),
        max_length=20,
        unique=True,
        help_text=_("z. B. „SW-03“"),
        error_messages={"unique": _("Es gibt bereits einen Standard mit diesem Kürzel.")},
    )
    title = models.CharField(_("Titel"), max_length=200)
    obligation = models.CharField(
        _("Verbindlichkeit"), max_length=10, choices=Obligation.choices, default=Obligation.MUST
    )
    category = models.CharField(_("Kategorie"), max_length=20, choices=Category.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )
    # Not `version`: edit forms use that name for their concurrency token (DomainForm).
    version_label = models.CharField(_("Version"), max_length=20, default="1.0")
    valid_from = models.DateField(_("gültig ab"), null=True, blank=True)
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    next_review = models.DateField(_("nächste Überprüfung"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verantwortlich"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_standards",
    )
    references = models.TextField(
        _("Referenzen"),
        blank=True,
        help_text=_(
            "Eine Referenz je Zeile: Bezeichnung, dann die Adresse, z. B. "
            "„XRechnung 3.0 https://xeinkauf.de/xrechnung/“."
        ),
    )
    topic = models.CharField(
        _("Thema"),
        max_length=200,
        blank=True,
        help_text=_("z. B. die Gruppe eines importierten Katalogs („Beschaffungsmanagement“)"),
    )
    # Set by the OSCAL import (imports/oscal.py): where the standard's text comes from.
    source_catalog = models.CharField(_("Quellkatalog"), max_length=200, blank=True)
    source_version = models.CharField(_("Katalogversion"), max_length=100, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("abgelöst durch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
    )

    history = HistoricalRecords()
    objects = RestrictedManager.from_queryset(StandardQuerySet)()

    class Meta:
        verbose_name = _("Standard")
        verbose_name_plural = _("Standards")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("standard_detail", args=[self.pk])

    @property
    def is_in_force(self) -> bool:
        return self.status in (StandardStatus.BINDING, StandardStatus.EXPIRING)

    @property
    def reference_links(self) -> list[Reference]:
        return parse_references(self.references)

    def clean(self):
        errors = {}
        if self.status == StandardStatus.BINDING and not self.valid_from:
            errors["valid_from"] = _("Ein verbindlicher Standard braucht ein Gültig-ab-Datum.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("„Gültig bis“ darf nicht vor „gültig ab“ liegen.")
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            errors["superseded_by"] = _("Ein Standard kann sich nicht selbst ablösen.")
        validate = URLValidator(schemes=["http", "https"])
        for number, reference in enumerate(self.reference_links, start=1):
            try:
                validate(reference.url)
            except ValidationError:
                errors["references"] = _(
                    "Zeile %(number)s: „%(url)s“ ist keine gültige Adresse (http:// oder https://)."
                ) % {"number": number, "url": reference.url}
                break
        if errors:
            raise ValidationError(errors)


class ComplianceState(models.TextChoices):
    FULFILLED = "fulfilled", _("erfüllt")
    PARTIAL = "partial", _("teilweise")
    NOT_FULFILLED = "not_fulfilled", _("nicht erfüllt")
    EXEMPT = "exempt", _("Ausnahme")
    UNCHECKED = "unchecked", _("ungeprüft")


class Compliance(DomainModel):
    """How one unit stands against one standard: one cell of the compliance matrix.

    The unit's lead self-assesses; the strategy team confirms (or corrects) the cell. A
    self-assessment clears an earlier confirmation. A missing cell reads "ungeprüft".
    A filled cell keeps its unit and standard from being deleted (PROTECT); an empty one is
    deleted with them (fb15/trash.py).
    """

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("Fachbereich"), on_delete=models.PROTECT, related_name="compliance"
    )
    standard = models.ForeignKey(
        Standard, verbose_name=_("Standard"), on_delete=models.PROTECT, related_name="compliance"
    )
    state = models.CharField(
        _("Einhaltung"),
        max_length=15,
        choices=ComplianceState.choices,
        default=ComplianceState.UNCHECKED,
    )
    evidence = models.TextField(_("Nachweis"), blank=True)
    checked_on = models.DateField(_("geprüft am"), null=True, blank=True)
    deviation_reason = models.TextField(
        _("Abweichungsbegründung"),
        blank=True,
        help_text=_("Pflicht, wenn ein Muss-Standard nicht erfüllt ist."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestätigt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)

    history = HistoricalRecords()
    unit_scope = UnitScope(path="unit", actions=frozenset({"view", "change"}))
    # Confirming (or correcting) a self-assessment is the strategy team's global right.
    named_actions = {"confirm": NamedAction(("standards.change_compliance",), on="change")}

    class Meta:
        verbose_name = _("Einhaltung")
        verbose_name_plural = _("Einhaltungen")
        ordering = ["unit__code", "standard__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "standard"], name="compliance_unique_cell")
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.standard.code}: {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("compliance_edit", args=[self.unit_id, self.standard_id])

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def clean(self):
        if (
            self.state == ComplianceState.NOT_FULFILLED
            and self.standard.obligation == Obligation.MUST
            and not self.deviation_reason.strip()
        ):
            raise ValidationError(
                {
                    "deviation_reason": _(
                        "Für einen nicht erfüllten Muss-Standard ist eine "
                        "Abweichungsbegründung erforderlich."
                    )
                }
            )


class ExemptionStatus(models.TextChoices):
    REQUESTED = "requested", _("beantragt")
    APPROVED = "approved", _("genehmigt")
    REJECTED = "rejected", _("abgelehnt")
    EXPIRED = "expired", _("abgelaufen")


class Exemption(DomainModel):
    """A unit's time-limited, justified permission not to comply with one standard.

    Leads request them for their own unit; only holders of `standards.decide_exemption`
    (the strategy team) approve or reject. An exemption keeps its unit and standard from
    being deleted (PROTECT).
    """

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("Fachbereich"), on_delete=models.PROTECT, related_name="exemptions"
    )
    standard = models.ForeignKey(
        Standard, verbose_name=_("Standard"), on_delete=models.PROTECT, related_name="exemptions"
    )
    justification = models.TextField(_("Begründung"))
    ends_on = models.DateField(_("befristet bis"))
    status = models.CharField(
        _("Status"),
        max_length=10,
        choices=ExemptionStatus.choices,
        default=ExemptionStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantragt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entschieden von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decision_reason = models.TextField(_("Begründung der Entscheidung"), blank=True)

    history = HistoricalRecords()
    unit_scope = UnitScope(path="unit", actions=frozenset({"view", "add", "change"}))
    named_actions = {"decide": NamedAction(("standards.decide_exemption",))}

    class Meta:
        verbose_name = _("Ausnahme")
        verbose_name_plural = _("Ausnahmen")
        ordering = ["-updated_at"]
        permissions = [("decide_exemption", _("Ausnahmen genehmigen oder ablehnen"))]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.standard.code} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("exemption_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == ExemptionStatus.REQUESTED


class Quadrant(models.TextChoices):
    PLATFORMS = "platforms", _("Plattformen & Fachverfahren")
    INFRASTRUCTURE = "infrastructure", _("Infrastruktur")
    DATA_AI = "data_ai", _("Daten & KI")
    METHODS = "methods", _("Methoden & Zusammenarbeit")


class Ring(models.TextChoices):
    """Rings from the centre outwards."""

    ADOPT = "adopt", _("Übernehmen")
    TRIAL = "trial", _("Erproben")
    ASSESS = "assess", _("Bewerten")
    HOLD = "hold", _("Zurückstellen")


@dataclass(frozen=True)
class RingMove:
    old: str
    new: str
    moved_at: datetime.datetime

    @property
    def old_label(self) -> str:
        return Ring(self.old).label

    @property
    def new_label(self) -> str:
        return Ring(self.new).label


class TrendQuerySet(RestrictedQuerySet):
    def for_radar(self) -> TrendQuerySet:
        return self.prefetch_related("units", "standards")


class Trend(DomainModel):
    """An IT development on the technology radar, with the units it concerns.

    Moves between rings are not stored separately: they are read from the history
    (`ring_moves`). A link to measures follows once the measures app exists.
    """

    title = models.CharField(_("Titel"), max_length=200)
    quadrant = models.CharField(_("Quadrant"), max_length=20, choices=Quadrant.choices)
    ring = models.CharField(_("Ring"), max_length=10, choices=Ring.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    rationale = models.TextField(_("Begründung der Einordnung"), blank=True)
    units = models.ManyToManyField(
        OrgUnit, verbose_name=_("betroffene Fachbereiche"), blank=True, related_name="trends"
    )
    standards = models.ManyToManyField(
        Standard, verbose_name=_("zugehörige Standards"), blank=True, related_name="trends"
    )

    history = HistoricalRecords(m2m_fields=[units, standards])
    objects = RestrictedManager.from_queryset(TrendQuerySet)()

    class Meta:
        verbose_name = _("Trend")
        verbose_name_plural = _("Trends")
        ordering = ["quadrant", "ring", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("trend_detail", args=[self.pk])


class Service(DomainModel):
    """A Verwaltungsleistung (a service the administration provides, e.g. "Wohnsitz
    anmelden"), kept once by FB 15 so that needs, measures and projects about the same
    service find each other (needs/links.py). `key` is its OZG or LeiKa key, if known."""

    name = models.CharField(
        _("Bezeichnung"),
        max_length=200,
        unique=True,
        error_messages={"unique": _("Es gibt bereits eine Verwaltungsleistung mit diesem Namen.")},
    )
    key = models.CharField(
        _("Leistungsschlüssel (OZG/LeiKa)"),
        max_length=40,
        blank=True,
        help_text=_("optional, z. B. der LeiKa-Schlüssel „99115001000000“ oder die OZG-ID"),
    )

    history = HistoricalRecords()
    objects = RestrictedManager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = _("Verwaltungsleistung")
        verbose_name_plural = _("Verwaltungsleistungen")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})" if self.key else self.name

    def get_absolute_url(self) -> str:
        return reverse("service_detail", args=[self.pk])


def ring_moves(trend_ids) -> dict[int, list[RingMove]]:
    """Ring moves of the given trends from their history, oldest first; one query."""
    moves: dict[int, list[RingMove]] = {}
    last: dict[int, str] = {}
    records = (
        Trend.history.filter(id__in=list(trend_ids))
        .order_by("id", "history_date", "history_id")
        .values_list("id", "ring", "history_date")
    )
    for trend_id, ring, when in records:
        previous = last.get(trend_id)
        if previous is not None and previous != ring:
            moves.setdefault(trend_id, []).append(RingMove(previous, ring, when))
        last[trend_id] = ring
    return moves


class NewsSeen(models.Model):
    """When a person last looked at the news for their units (trends and standards)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standards_news_seen"
    )
    seen_at = models.DateTimeField(_("zuletzt angesehen"))

    class Meta:
        verbose_name = _("Neuigkeiten gesehen")
        verbose_name_plural = _("Neuigkeiten gesehen")
        ordering = ["user"]

    def __str__(self) -> str:
        return f"{self.user}: {self.seen_at:%Y-%m-%d %H:%M}"
