"""Import runs and saved mappings: the only rows the import owns (design.md).

An `ImportRun` is one uploaded file on its way: mapped (which sheet is what, which column
is which field), checked (the dry run: per row create / update / unchanged / error),
written. An `ImportMapping` remembers, per shape of sheet (its kind and headers), the
column match and the value words the user mapped, for the next file of that shape.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fb15.querysets import RestrictedManager


class RunStatus(models.TextChoices):
    MAPPING = "mapping", _("Zuordnung offen")
    CHECKING = "checking", _("wird geprüft")
    CHECKED = "checked", _("geprüft")
    WRITING = "writing", _("wird übernommen")
    DONE = "done", _("übernommen")
    FAILED = "failed", _("fehlgeschlagen")


class WriteMode(models.TextChoices):
    ALL = "all", _("alle Zeilen oder keine")
    VALID_ONLY = "valid_only", _("nur gültige Zeilen")


# A task that has not reported progress for this long died with its worker (kill -9, OOM).
STALE_AFTER = timezone.timedelta(minutes=10)


def headers_signature(headers: list[str]) -> str:
    """The shape of a sheet: its headers, normalised."""
    from .values import normalise

    text = "\x1f".join(normalise(header) for header in headers)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


class ImportMapping(models.Model):
    """The column match and value words of one sheet shape, saved for the next import."""

    kind = models.CharField(_("Art"), max_length=20)
    signature = models.CharField(_("Kopfzeilen-Signatur"), max_length=40, unique=True)
    headers = models.JSONField(_("Kopfzeile"), default=list)
    columns = models.JSONField(_("Spalten"), default=dict)  # header -> field ("" = ignored)
    values = models.JSONField(_("Werte"), default=dict)  # vocabulary -> {word: value}
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geändert von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("gespeicherte Zuordnung")
        verbose_name_plural = _("gespeicherte Zuordnungen")
        ordering = ["kind", "-updated_at"]

    def __str__(self) -> str:
        return f"{self.kind}: {', '.join(self.headers)}"


class ImportRun(models.Model):
    """One uploaded file from mapping to written. `plan` holds the sheets' kinds and column
    match plus the value words; `result` the dry run's (or the write's) rows and counts."""

    file = models.FileField(_("Datei"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("Dateiname"), max_length=200)
    status = models.CharField(
        _("Stand"), max_length=10, choices=RunStatus.choices, default=RunStatus.MAPPING
    )
    mode = models.CharField(
        _("Übernahme"), max_length=10, choices=WriteMode.choices, default=WriteMode.ALL
    )
    plan = models.JSONField(_("Zuordnung"), default=dict)
    result = models.JSONField(_("Ergebnis"), default=dict)
    error = models.TextField(_("Fehler"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hochgeladen von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)
    written_at = models.DateTimeField(_("übernommen am"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("import_run", args=[self.pk])

    # Progress lives in the cache: the task's own transaction hides its row updates.
    @property
    def progress_key(self) -> str:
        # The upload time too: a restored or test database reuses ids.
        return f"imports:progress:{self.pk}:{self.created_at.timestamp():.0f}"

    def progress(self) -> int | None:
        """Rows done while a task reports (the file is streamed: no total), else None."""
        return cache.get(self.progress_key)

    def report_progress(self, done: int) -> None:
        cache.set(self.progress_key, done, timeout=STALE_AFTER.total_seconds())

    def clear_progress(self) -> None:
        cache.delete(self.progress_key)

    @property
    def is_oscal(self) -> bool:
        """A standards catalog in OSCAL JSON (imports/oscal.py), not a spreadsheet."""
        return self.plan.get("format") == "oscal"

    @property
    def is_busy(self) -> bool:
        return self.status in (RunStatus.CHECKING, RunStatus.WRITING)

    @property
    def is_stale(self) -> bool:
        """Busy without a sign of life for a while: the task died with its worker."""
        quiet = timezone.now() - self.updated_at > STALE_AFTER
        return self.is_busy and quiet and self.progress() is None

    @property
    def rows_done(self) -> int:
        return self.progress() or 0

    @property
    def counts(self) -> dict:
        return self.result.get("counts", {})
