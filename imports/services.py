"""An import run's way: upload → plan (kinds and columns) → dry run → words mapped →
dry run → confirm → write. The dry run and the write are Celery tasks (a file of thousands
of rows takes a while); each step's page says where the run stands."""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import oscal
from .engine import PlanError, propose_plan, run_import, save_mappings
from .files import ImportFileError
from .kinds import KINDS
from .models import ImportRun, RunStatus, WriteMode

logger = logging.getLogger(__name__)
SUFFIXES = (".xlsx", ".ods", ".csv")
OSCAL_SUFFIX = ".json"


@transaction.atomic
def start_run(upload, *, actor) -> ImportRun:
    """Store an uploaded file and propose its plan; ValidationError (German) if the file
    is no spreadsheet we can read — then nothing is stored."""
    name = Path(upload.name).name
    if Path(name).suffix.lower() == OSCAL_SUFFIX:
        return _start_oscal_run(upload, name, actor=actor)
    if Path(name).suffix.lower() not in SUFFIXES:
        raise ValidationError(
            _(
                "Die Datei „%(name)s“ ist keine Tabelle (erwartet: .xlsx, .ods oder .csv) "
                "und kein OSCAL-Katalog (.json)."
            )
            % {"name": name}
        )
    run = ImportRun(file_name=name[:200], created_by=actor)
    run.file.save(name, upload, save=False)
    try:
        run.plan = propose_plan(run.file.path, name)
    except ImportFileError as error:
        run.file.delete(save=False)
        raise ValidationError(str(error)) from error
    if not any(sheet["headers"] for sheet in run.plan["sheets"]):
        run.file.delete(save=False)
        raise ValidationError(_("Die Datei enthält keine Tabelle mit Kopfzeile."))
    run.save()
    return run


def _start_oscal_run(upload, name: str, *, actor) -> ImportRun:
    """A standards catalog in OSCAL JSON: checked as a whole now, its dry run queued."""
    try:
        catalog = oscal.read_catalog(upload.read(oscal.MAX_BYTES + 1))
    except oscal.OscalError as error:
        raise ValidationError(str(error)) from error
    upload.seek(0)
    run = ImportRun(file_name=name[:200], created_by=actor)
    run.file.save(name, upload, save=False)
    run.plan = {
        "format": "oscal",
        "catalog": catalog.title,
        "version": catalog.version,
        "controls": len(catalog.controls),
    }
    _enqueue(run, RunStatus.CHECKING)
    return run


def _run_oscal(run: ImportRun, *, write: bool) -> dict:
    with run.file.open("rb") as file:
        catalog = oscal.read_catalog(file.read())
    reason = _("Import aus %(file)s") % {"file": run.file_name}
    return oscal.run_catalog(catalog, actor=run.created_by, write=write, reason=reason)


def _enqueue(run: ImportRun, status: str) -> None:
    from .tasks import check_import, write_import

    run.status = status
    run.error = ""
    run.save()
    task = write_import if status == RunStatus.WRITING else check_import
    transaction.on_commit(lambda: task.delay(run.pk))


@transaction.atomic
def set_plan(run: ImportRun, sheets: list[dict], *, actor) -> ImportRun:
    """Take the user's kinds and columns, remember them for the next file of the same
    shape, and check the file."""
    for sheet in sheets:
        if sheet["kind"] and sheet["kind"] not in KINDS:
            raise ValidationError(_("Unbekannte Importart."))
    run.plan = {**run.plan, "sheets": sheets}
    save_mappings(run.plan, actor=actor)
    _enqueue(run, RunStatus.CHECKING)
    return run


@transaction.atomic
def map_words(run: ImportRun, words: dict[str, dict[str, str]], *, actor) -> ImportRun:
    """Add the user's value words ("laufend" → in Umsetzung) and check again."""
    values = run.plan.get("values", {})
    for vocabulary, mapped in words.items():
        values.setdefault(vocabulary, {}).update(mapped)
    run.plan = {**run.plan, "values": values}
    save_mappings(run.plan, actor=actor)
    _enqueue(run, RunStatus.CHECKING)
    return run


@transaction.atomic
def check_again(run: ImportRun) -> ImportRun:
    """Check an OSCAL catalog again (its dry run died with its worker): no words to map."""
    _enqueue(run, RunStatus.CHECKING)
    return run


@transaction.atomic
def confirm_run(run: ImportRun, mode: str, *, actor) -> ImportRun:
    """Write the checked file: all rows (only if none has an error) or the valid ones."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.CHECKED:
        raise ValidationError(_("Dieser Import ist nicht (mehr) geprüft – bitte erneut prüfen."))
    if mode == WriteMode.ALL and run.counts.get("error"):
        raise ValidationError(
            _(
                "Die Datei enthält fehlerhafte Zeilen: bitte korrigieren oder nur die "
                "gültigen übernehmen."
            )
        )
    run.mode = mode
    _enqueue(run, RunStatus.WRITING)
    return run


def execute(run_id: int) -> ImportRun:
    """The task body: check or write the run, whichever it waits for."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status not in (RunStatus.CHECKING, RunStatus.WRITING):
        return run  # a duplicate delivery of a finished task
    write = run.status == RunStatus.WRITING
    run.report_progress(0)
    try:
        if run.is_oscal:
            result = _run_oscal(run, write=write)
        else:
            result = run_import(
                run.file.path,
                run.file_name,
                run.plan,
                actor=run.created_by,
                write=write,
                mode=run.mode,
                progress=run.report_progress,
            )
    except (PlanError, ImportFileError, oscal.OscalError) as error:
        run.status, run.error = RunStatus.FAILED, str(error)
    except (OperationalError, InterfaceError):
        raise  # transient: the task retries
    except Exception:
        logger.exception("import run %s failed", run.pk)
        run.status = RunStatus.FAILED
        run.error = _("Unerwarteter Fehler beim Import – bitte FB 15 (Administration) informieren.")
    else:
        run.result = result
        if write and result["written"]:
            run.status, run.written_at = RunStatus.DONE, timezone.now()
        elif write:
            # Rows that were fine in the dry run fail now (someone changed the data since).
            run.status = RunStatus.CHECKED
            run.error = _("Nichts übernommen: inzwischen sind Zeilen fehlerhaft – siehe unten.")
        else:
            run.status = RunStatus.CHECKED
    run.save()
    run.clear_progress()
    return run
