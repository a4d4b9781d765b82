"""The public portal's one settings row: whether it is on and what it may show.

FB 15 switches the portal on in the browser (off by default); everything else of the portal
is read-only and derived from the other apps' public rows (see `portal/public.py`).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fb15.models import DomainModel

# The footer of every app page asks whether the portal is on; the answer is cached so the
# pages' query counts stay as they are. Saving the settings refreshes it.
ENABLED_CACHE_KEY = "portal:is_enabled"
ENABLED_CACHE_SECONDS = 300


class PortalSettings(DomainModel):
    """One row (pk 1), read through `portal_settings()`."""

    is_enabled = models.BooleanField(
        _("Portal eingeschaltet"),
        default=False,
        help_text=_(
            "Ohne Anmeldung lesbar: die zuletzt beschlossene Strategie, ihre nicht "
            "vertraulichen Maßnahmen mit Stand, das Lagebild, die als öffentlich markierten "
            "Berichte und die offenen Daten."
        ),
    )
    shows_staff_names = models.BooleanField(
        _("Namen der Verantwortlichen zeigen"),
        default=False,
        help_text=_(
            "Ohne Haken nennt das Portal keine Personen, nur die federführenden Fachbereiche."
        ),
    )
    contributor_id = models.URLField(
        _("Kennung für GovData (dcatde:contributorID)"),
        blank=True,
        help_text=_(
            "Die Kennung Ihrer Stadt im Verzeichnis der Datenbereitsteller von DCAT-AP.de, "
            "z. B. „http://dcat-ap.de/def/contributors/…“; das Open-Data-Portal nennt sie."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Einstellungen des Portals")
        verbose_name_plural = _("Einstellungen des Portals")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="portal_settings_single_row")
        ]

    def __str__(self) -> str:
        return str(_("Öffentliches Portal"))

    def get_absolute_url(self) -> str:
        return reverse("portal_settings_edit")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.set(ENABLED_CACHE_KEY, self.is_enabled, ENABLED_CACHE_SECONDS)


def portal_settings() -> PortalSettings:
    """The settings row (created by migration 0001), or unsaved defaults (portal off) on a
    database without it: reading never writes."""
    return PortalSettings.objects.filter(pk=1).first() or PortalSettings(pk=1)


def portal_is_enabled() -> bool:
    """Whether the portal is on, from the cache when possible (the app's footer asks)."""
    enabled = cache.get(ENABLED_CACHE_KEY)
    if enabled is None:
        enabled = portal_settings().is_enabled
        cache.set(ENABLED_CACHE_KEY, enabled, ENABLED_CACHE_SECONDS)
    return enabled
