"""Pages of the reports: Lagebild (dashboard), archive with "jetzt erzeugen", download, plans."""

from __future__ import annotations

import dataclasses
import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fb15.empty_state import EmptyAction, empty_state, may_add
from fb15.filters import FilterForm, with_all
from fb15.models import OrgUnit
from fb15.redirects import safe_next
from fb15.views.generic import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PageAction,
)
from measures.models import Measure, Project, ReportingPeriod

from . import lifecycle, notifications, periods, services
from .dashboard import DashboardData, dashboard_version, gather_dashboard_data
from .forms import (
    AssessmentForm,
    CorrectionForm,
    MeasureNoteForm,
    ReportRequestForm,
    ReportScheduleForm,
)
from .models import Report, ReportSchedule, ReportStatus, ScopeKind

logger = logging.getLogger(__name__)

# The Lagebild's figures are cached under the data's version (see dashboard_version); the
# time only bounds what an unused key occupies.
DASHBOARD_CACHE_SECONDS = 60 * 60


def dashboard_data(
    today=None,
    *,
    lists: bool = True,
    changes: bool | None = None,
    version: str | None = None,
    reporting_period: ReportingPeriod | None = None,
) -> DashboardData | None:
    """The live state of the whole strategy, compared with the last released report.

    None while there is no strategy to report on. `lists=False` (the start page): the
    figures and the chart only, without open items and changes (`changes=True`: with the
    changes). `version` and `reporting_period` (today's): if the caller has just read them.
    """
    today = today or timezone.localdate()
    last = (
        Report.objects.released()
        .filter(scope_kind=ScopeKind.STRATEGY)
        .exclude(data_as_of=None)
        .order_by("-data_as_of")
        .first()
    )
    if reporting_period is None:
        reporting_period = ReportingPeriod.objects.current(today)
    previous_as_of = last.data_as_of if last else None
    # The figures change only with the data (any write leaves a history row), the day, the
    # reporting period and the last report: cached under all of them, and in the language
    # of their labels.
    key = ":".join(
        str(part)
        for part in (
            "lagebild",
            version or dashboard_version(),
            today.isoformat(),
            reporting_period.pk if reporting_period else "",
            previous_as_of.isoformat() if previous_as_of else "",
            lists,
            changes,
            get_language(),
        )
    )
    data = cache.get(key)
    if data is None:
        try:
            data = gather_dashboard_data(
                period=periods.quarter_period(today),
                reporting_period=reporting_period,
                previous_as_of=previous_as_of,
                today=today,
                lists=lists,
                changes=changes,
            )
            data.cache_key = key
        except periods.ReportError:
            data = False  # no strategy yet: cached as such until the data changes
        cache.set(key, data, DASHBOARD_CACHE_SECONDS)
    if not data:
        return None
    # Same data as computed now: "Stand" is the time of asking.
    return dataclasses.replace(data, as_of=timezone.now())


@login_required
def dashboard(request):
    if not request.user.has_perm("reporting.view_report"):
        raise PermissionDenied
    data = dashboard_data()
    empty = None
    if data is None:
        empty = empty_state(
            request.user,
            _("Es gibt noch keine Strategie, über die berichtet werden kann."),
            [EmptyAction(_("Zur Strategie"), "strategy_detail", "strategy.view_strategy")],
        )
    elif not (data.measure_count or data.project_count):
        empty = empty_state(
            request.user,
            _("Noch keine Maßnahmen oder Projekte, über die berichtet werden kann."),
            [
                EmptyAction(_("Maßnahme anlegen"), "measure_add", may_add(Measure)),
                EmptyAction(_("Projekt anlegen"), "project_add", may_add(Project)),
            ],
        )
    return render(request, "reporting/dashboard.html", {"data": data, "empty_state": empty})


class ReportFilterForm(FilterForm):
    period = forms.CharField(
        label=gettext_lazy("Zeitraum"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "2026-Q3"}),
    )
    scope_kind = forms.ChoiceField(
        label=gettext_lazy("Umfang"), choices=with_all(ScopeKind.choices), required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=with_all(ReportStatus.choices), required=False
    )

    def __init__(self, data, *, user):
        super().__init__(data, user=user)
        if not user.has_perm("reporting.change_report"):
            del self.fields["status"]  # others see finished reports only

    def filter_period(self, queryset, value):
        return queryset.filter(period_label__icontains=value.strip())


class ReportListView(ObjectListView):
    """The archive: what the user may see, filterable; polls while something is in progress."""

    model = Report
    paginate_by = 20
    filter_form_class = ReportFilterForm
    heading = gettext_lazy("Statusberichte")
    preline = gettext_lazy("Berichtsarchiv")
    add_label = gettext_lazy("Bericht jetzt erzeugen")
    columns = (
        Column(gettext_lazy("Bericht"), template="reporting/inc/cell_report.html"),
        Column(gettext_lazy("Zeitraum"), "period_label"),
        Column(gettext_lazy("Status"), template="reporting/inc/cell_status.html"),
        Column(gettext_lazy("erstellt"), template="reporting/inc/cell_created.html"),
        Column(gettext_lazy("Dauer"), template="reporting/inc/cell_duration.html"),
        Column(gettext_lazy("Größe"), template="reporting/inc/cell_size.html"),
        Column(gettext_lazy("Aktion"), template="reporting/inc/cell_report_action.html"),
    )
    empty_message = gettext_lazy("Noch keine Statusberichte.")
    empty_actions = (
        EmptyAction(gettext_lazy("Bericht jetzt erzeugen"), "report_add", may_add(Report)),
        EmptyAction(
            gettext_lazy("Berichtsplan anlegen"), "reportschedule_add", may_add(ReportSchedule)
        ),
    )

    def restricted(self, action=None):
        return Report.objects.visible_to(self.request.user).select_related(
            "field_of_action", "unit", "requested_by"
        )

    def page_actions(self):
        actions = super().page_actions()
        if self.request.user.has_perm("reporting.view_reportschedule"):
            actions.append(PageAction(_("Berichtspläne"), reverse("reportschedule_list")))
        return actions

    def polling(self, rows):
        return any(report.is_in_progress for report in rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm("reporting.change_report")
        return context


@login_required
def report_add(request):
    """ "Bericht jetzt erzeugen": queue a report for any scope and period."""
    if not Report.objects.may_add(request.user):
        raise PermissionDenied
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.request_report(
                actor=request.user,
                scope_kind=data["scope_kind"],
                field_of_action=data["field_of_action"],
                unit=data["unit"],
                period=data["period"],
                acknowledged_only=data["acknowledged_only"],
                priority_only=data["priority_only"],
            )
        except services.ReportInProgress as running:  # a double click, or someone else
            messages.info(request, str(running))
            return HttpResponseRedirect(reverse("report_list"))
        if report.status == ReportStatus.FAILED:  # the broker was down: failed visibly
            messages.error(request, report.error)
        else:
            messages.success(
                request,
                _(
                    "„%(report)s“ wird als Entwurf erzeugt. Danach schreiben Sie die "
                    "Einschätzung und geben ihn frei."
                )
                % {"report": report},
            )
        return HttpResponseRedirect(reverse("report_list"))
    status = 422 if request.method == "POST" else 200
    return render(request, "reporting/report_add.html", {"form": form}, status=status)


@require_POST
@login_required
def report_retry(request, pk: int):
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
    if not Report.objects.can(request.user, "change", report):
        raise PermissionDenied
    if services.retry_report(actor=request.user, report=report):
        report.refresh_from_db()
        if report.status == ReportStatus.FAILED:  # the broker is still down
            messages.error(request, report.error)
        else:
            messages.success(request, _("Der Bericht wird erneut erzeugt."))
    else:
        messages.info(request, _("Der Bericht ist nicht fehlgeschlagen und wird nicht wiederholt."))
    return HttpResponseRedirect(reverse("report_list"))


class ReportDetailView(ObjectDetailView):
    """One report: its state, the PDF and, for FB 15, the way from draft to release."""

    model = Report

    def restricted(self, action=None):
        return Report.objects.visible_to(self.request.user).select_related(
            "field_of_action", "unit", "requested_by", "released_by", "replaces"
        )

    def preline(self):
        return _("Statusbericht")

    def page_actions(self):
        report = self.object
        if report.status != ReportStatus.DONE:
            return []
        label = _("Entwurf lesen (PDF)") if report.is_draft else _("PDF herunterladen")
        url = reverse("report_download", args=[report.pk])
        return [PageAction(label, url, "primary", "download")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        may_edit = self.request.user.has_perm("reporting.change_report")
        context["may_edit"] = may_edit
        context["assessment_form"] = kwargs.get("assessment_form") or AssessmentForm(
            initial={"assessment": report.assessment}
        )
        context["correction_form"] = kwargs.get("correction_form") or CorrectionForm()
        if may_edit and report.is_draft:
            context["note_form"] = kwargs.get("note_form") or MeasureNoteForm(
                user=self.request.user, report=report
            )
            notes = report.measure_notes
            context["notes"] = [
                (measure, notes[str(measure.pk)])
                for measure in Measure.objects.restrict(self.request.user, "view")
                .filter(pk__in=[int(pk) for pk in notes])
                .order_by("code")
            ]
        context["corrections"] = Report.objects.visible_to(self.request.user).filter(
            replaces=report
        )
        return context


def _report_for_editing(request, pk: int) -> Report:
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("reporting.change_report"):
        raise PermissionDenied
    return report


def _detail_with_errors(request, report: Report, **forms_with_errors):
    view = ReportDetailView()
    view.setup(request, pk=report.pk)
    view.object = report
    context = view.get_context_data(object=report, **forms_with_errors)
    return render(request, "reporting/report_detail.html", context, status=422)


@login_required
@require_POST
def report_assessment(request, pk: int):
    report = _report_for_editing(request, pk)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return _detail_with_errors(request, report, assessment_form=form)
    try:
        lifecycle.save_assessment(
            actor=request.user, report=report, text=form.cleaned_data["assessment"]
        )
    except periods.ReportError as error:  # released (or being rendered) meanwhile
        messages.error(request, str(error))
        return HttpResponseRedirect(report.get_absolute_url())
    if request.POST.get("action") == "release":
        return report_release(request, pk)
    messages.success(request, _("Die Einschätzung ist gespeichert."))
    return HttpResponseRedirect(report.get_absolute_url())


@login_required
@require_POST
def report_note(request, pk: int):
    report = _report_for_editing(request, pk)
    form = MeasureNoteForm(request.POST, user=request.user, report=report)
    if not form.is_valid():
        return _detail_with_errors(request, report, note_form=form)
    try:
        lifecycle.save_measure_note(
            actor=request.user,
            report=report,
            measure=form.cleaned_data["measure"],
            text=form.cleaned_data["text"],
        )
    except periods.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Anmerkung zu %(code)s gespeichert.") % {"code": form.cleaned_data["measure"].code}
            if form.cleaned_data["text"]
            else _("Anmerkung zu %(code)s entfernt.") % {"code": form.cleaned_data["measure"].code},
        )
    return HttpResponseRedirect(report.get_absolute_url() + "#notes-heading")


@login_required
@require_POST
def report_release(request, pk: int):
    report = _report_for_editing(request, pk)
    try:
        lifecycle.release_report(actor=request.user, report=report)
    except periods.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Der Bericht wird jetzt endgültig erzeugt und danach freigegeben; Rat und "
                "Verwaltung werden benachrichtigt."
            ),
        )
    return HttpResponseRedirect(report.get_absolute_url())


@login_required
@require_POST
def report_publicity(request, pk: int):
    """FB 15 offers a released report on the public portal (or takes it back)."""
    report = _report_for_editing(request, pk)
    is_public = request.POST.get("is_public") == "1"
    try:
        lifecycle.set_public(actor=request.user, report=report, is_public=is_public)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Der Bericht steht jetzt im öffentlichen Portal.")
            if is_public
            else _("Der Bericht steht nicht mehr im öffentlichen Portal."),
        )
    return HttpResponseRedirect(report.get_absolute_url())


@login_required
@require_POST
def report_correct(request, pk: int):
    report = _report_for_editing(request, pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            correction = lifecycle.request_correction(
                actor=request.user, report=report, note=form.cleaned_data["note"]
            )
        except periods.ReportError as error:
            form.add_error("note", str(error))
        else:
            messages.success(
                request, _("Die Berichtigung wird als Entwurf erzeugt; prüfen und freigeben.")
            )
            return HttpResponseRedirect(correction.get_absolute_url())
    return _detail_with_errors(request, report, correction_form=form)


@login_required
def report_download(request, pk: int):
    """The PDF through a permission check, verified against its stored SHA-256."""
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("field_of_action", "unit"),
        pk=pk,
        status=ReportStatus.DONE,
    )
    content = services.verify_file(report)
    if content is None:
        return render(request, "reporting/download_error.html", {"report": report}, status=409)
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(True, report.download_name),
            "X-Content-SHA256": report.sha256,
        },
    )


class ScheduleListView(ObjectListView):
    model = ReportSchedule
    preline = gettext_lazy("Statusberichte")
    columns = (
        Column(gettext_lazy("Bezeichnung"), "name"),
        Column(gettext_lazy("Turnus"), template="reporting/inc/cell_frequency.html"),
        Column(gettext_lazy("Umfang"), "scope_label"),
        Column(
            gettext_lazy("Erinnerung / Nachfrist"), template="reporting/inc/cell_reminders.html"
        ),
        Column(gettext_lazy("Benachrichtigt"), template="reporting/inc/cell_recipients.html"),
        Column(gettext_lazy("aktiv"), "is_active"),
        Column(gettext_lazy("Aktion"), template="reporting/inc/cell_schedule_action.html"),
    )
    empty_message = gettext_lazy("Noch keine Berichtspläne.")
    empty_actions = (
        EmptyAction(
            gettext_lazy("Berichtsplan anlegen"), "reportschedule_add", may_add(ReportSchedule)
        ),
    )

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.has_perm("reporting.view_reportschedule"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return ReportSchedule.objects.select_related("field_of_action", "unit")


class ScheduleEditView(ObjectEditView):
    model = ReportSchedule
    form_class = ReportScheduleForm
    service = staticmethod(services.save_schedule)


class ScheduleDeleteView(ObjectDeleteView):
    model = ReportSchedule
    success_url_name = "reportschedule_list"

    def post(self, request, *args, **kwargs):
        schedule = self.get_object()
        label = str(schedule)
        services.delete_schedule(actor=request.user, schedule=schedule)
        messages.success(request, _("„%(obj)s“ wurde gelöscht.") % {"obj": label})
        return HttpResponseRedirect(reverse(self.success_url_name))


@login_required
@require_POST
def reminder_send(request, unit_pk: int):
    """ "Erinnerung senden" on FB 15's start page: one unit's lead is reminded now."""
    unit = get_object_or_404(OrgUnit.objects.select_related("lead"), pk=unit_pk)
    if notifications.send_unit_reminder(actor=request.user, unit=unit):
        messages.success(request, _("Erinnerung an %(unit)s gesendet.") % {"unit": unit.code})
    else:
        messages.info(
            request,
            _("%(unit)s wurde heute schon erinnert oder hat alles gemeldet.") % {"unit": unit.code},
        )
    return HttpResponseRedirect(safe_next(request, reverse("home")))
