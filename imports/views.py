"""Pages of the import (FB 15): upload, the run's steps, templates, export, rejected rows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from fb15.htmx import htmx_partial

from . import services
from .exports import export_sheets, rejected_sheets, template_sheets
from .forms import ConfirmForm, PlanForm, UploadForm, WordsForm
from .models import ImportRun, RunStatus, WriteMode
from .workbooks import write_ods, write_xlsx

ROW_PAGE_SIZE = 50
FORMATS = {
    "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ods": (write_ods, "application/vnd.oasis.opendocument.spreadsheet"),
}


def _require_importer(user) -> None:
    if not user.has_perm("imports.add_importrun"):
        raise PermissionDenied


def _run_for(request, pk: int) -> ImportRun:
    _require_importer(request.user)
    return get_object_or_404(ImportRun.objects.restrict(request.user, "view"), pk=pk)


def _spreadsheet_run_for(request, pk: int) -> ImportRun:
    """A run of a spreadsheet: an OSCAL catalog has no sheets, columns or words to map."""
    run = _run_for(request, pk)
    if run.is_oscal:
        raise Http404
    return run


def _words(run: ImportRun) -> dict:
    return {"unknown": run.result.get("unknown", {}), "options": run.result.get("options", {})}


def _spreadsheet(specs, file_format: str, name: str) -> HttpResponse:
    if file_format not in FORMATS:
        raise Http404
    write, content_type = FORMATS[file_format]
    return HttpResponse(
        write(specs),
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, f"{name}.{file_format}")},
    )


@login_required
def upload(request):
    """The start: upload a file; templates and the export; the latest runs."""
    _require_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return HttpResponseRedirect(run.get_absolute_url())
    runs = Paginator(
        ImportRun.objects.restrict(request.user, "view").select_related("created_by"), 10
    ).get_page(request.GET.get("page"))
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "page_obj": runs, "object_list": runs.object_list}
    return render(request, "imports/import_upload.html", context, status=status)


@login_required
@require_safe
def run_detail(request, pk: int):
    """Where the run stands: its plan to correct, the dry run's rows, the result."""
    run = _run_for(request, pk)
    if htmx_partial(request):
        if run.is_busy and not run.is_stale:
            return render(request, "imports/inc/run_progress.html", {"run": run})
        return HttpResponse(headers={"HX-Refresh": "true"})  # done: show the whole result
    return _run_page(request, run)


def _run_page(
    request, run: ImportRun, *, plan_form=None, words_form=None, confirm_form=None, status=200
):
    rows = run.result.get("rows", [])
    shown = request.GET.get("zeilen", "problems")
    if shown == "problems":
        rows = [row for row in rows if row["action"] in ("error", "create", "update")]
    page = Paginator(rows, ROW_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "plan_form": None if run.is_oscal else plan_form or PlanForm(plan=run.plan),
        "words_form": None if run.is_oscal else words_form or WordsForm(**_words(run)),
        "confirm_form": confirm_form
        or ConfirmForm(
            initial={"mode": WriteMode.VALID_ONLY if run.counts.get("error") else WriteMode.ALL}
        ),
        "page_obj": page,
        "rows": page.object_list,
        "shown": shown,
    }
    return render(request, "imports/import_run.html", context, status=status)


@require_POST
@login_required
def run_plan(request, pk: int):
    run = _spreadsheet_run_for(request, pk)
    if run.is_busy and not run.is_stale:
        messages.info(request, _("Der Import wird gerade bearbeitet."))
        return HttpResponseRedirect(run.get_absolute_url())
    form = PlanForm(request.POST, plan=run.plan)
    if not form.is_valid():
        return _run_page(request, run, plan_form=form, status=422)
    sheets, kind_changed = form.new_sheets()
    if kind_changed:
        run.plan = {**run.plan, "sheets": sheets}
        run.status = RunStatus.MAPPING
        run.save()
        messages.info(request, _("Importart geändert: bitte die Spalten prüfen."))
        return HttpResponseRedirect(run.get_absolute_url() + "#zuordnung")
    services.set_plan(run, sheets, actor=request.user)
    return HttpResponseRedirect(run.get_absolute_url())


@require_POST
@login_required
def run_words(request, pk: int):
    """Map the unknown words (or none: just check again)."""
    run = _run_for(request, pk)  # an OSCAL run too: a stale dry run is checked again
    form = WordsForm(request.POST, **_words(run))
    if run.is_busy and not run.is_stale:
        messages.info(request, _("Der Import wird gerade bearbeitet."))
        return HttpResponseRedirect(run.get_absolute_url())
    if run.is_oscal:
        services.check_again(run)
        return HttpResponseRedirect(run.get_absolute_url())
    if not form.is_valid():
        return _run_page(request, run, words_form=form, status=422)
    services.map_words(run, form.mapped(), actor=request.user)
    return HttpResponseRedirect(run.get_absolute_url())


@require_POST
@login_required
def run_confirm(request, pk: int):
    run = _run_for(request, pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.confirm_run(run, form.cleaned_data["mode"], actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _run_page(request, run, confirm_form=form, status=422)
    return HttpResponseRedirect(run.get_absolute_url())


@login_required
@require_safe
def run_rejected(request, pk: int):
    """The rejected rows of a run, to correct and import again."""
    run = _spreadsheet_run_for(request, pk)
    specs = rejected_sheets(run)
    if not specs:
        raise Http404
    return _spreadsheet(
        specs, "xlsx", _("abgelehnte Zeilen %(file)s") % {"file": run.file_name.rsplit(".", 1)[0]}
    )


@login_required
@require_safe
def template(request, file_format: str):
    _require_importer(request.user)
    return _spreadsheet(template_sheets(), file_format, _("fb15-Importvorlage"))


@login_required
@require_safe
def export(request, file_format: str):
    """Everything the user may read, in the template's shape."""
    _require_importer(request.user)
    name = _("fb15-Export %(date)s") % {"date": timezone.localdate().isoformat()}
    return _spreadsheet(export_sheets(request.user), file_format, name)
