"""Pages of measures and projects, status reporting, and the lead's "Mein Fachbereich"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from fb15.csv_export import csv_response
from fb15.empty_state import IMPORT_ACTION, EmptyAction, may_add
from fb15.htmx import htmx_partial
from fb15.models import OrgUnit
from fb15.permissions import units_managed_by
from fb15.redirects import safe_next
from fb15.templatetags.lights import light_badge
from fb15.views.generic import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    PageAction,
)
from standards.models import Service, Trend
from strategy.services import GoalLabel, goal_labels

from . import services
from .charts import indicator_chart, on_track
from .filters import MeasureFilterForm, ProjectFilterForm
from .forms import (
    IndicatorForm,
    IndicatorValueForm,
    MeasureForm,
    MilestoneForm,
    ProjectForm,
    RiskForm,
    StatusUpdateForm,
)
from .home import indicators_without_value
from .models import (
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Project,
    ReportingPeriod,
    ReviewState,
    Risk,
    StatusUpdate,
)
from .review import attach_exchange

# ---------------------------------------------------------------- lists and exports


def mark_stale(model, items, today) -> None:
    """Set `is_stale` on each item with one query for all of them."""
    stale = set(
        model.objects.filter(pk__in=[item.pk for item in items])
        .stale(today)
        .values_list("pk", flat=True)
    )
    for item in items:
        item.is_stale = item.pk in stale


DRAFT_GOAL = GoalLabel(gettext_lazy("(Entwurf)"), "", "")


def label_goals(items, labels: dict) -> None:
    """Set `goal_label` on measures as the reader may see the goal (see `goal_labels`)."""
    for item in items:
        if hasattr(item, "goal_id"):
            item.goal_label = labels.get(item.goal_id, DRAFT_GOAL)


# The cells of the measure and project lists, as templates/measures/inc/ renders them
# (traffic_light.html, progress.html, flags.html), without a template per row.
def _light_cell(item) -> str:
    return light_badge(item.traffic_light, item.get_traffic_light_display())


def _progress_cell(item) -> str:
    return format_html(
        '<div class="kern-progress fb15-progress"><label class="kern-label kern-label--small" '
        'for="progress-{id}">{value} %<span class="kern-sr-only"> {done}</span></label>'
        '<progress id="progress-{id}" value="{value}" max="100">{value} %</progress></div>',
        id=item.pk,
        value=item.progress,
        done=_("umgesetzt"),
    )


def _flags_cell(item) -> str:
    flags = []
    if item.is_stale:
        flags.append(("danger", "warning", _("überfällig")))
    if item.is_unowned:
        flags.append(("warning", "info", _("ohne Verantwortliche")))
    return format_html_join(
        " ",
        '<span class="kern-badge kern-badge--{} kern-badge--small"><span class="kern-icon '
        'kern-icon--{}" aria-hidden="true"></span><span class="kern-label">{}</span></span>',
        flags,
    )


class ReportedListView(ObjectListView):
    """List of measures or projects with the shared filters, sorting, flags and CSV export."""

    def get_queryset(self):
        return super().get_queryset().with_list_data()

    @property
    def columns(self):
        return (
            Column(gettext_lazy("Kennung"), "code", link=True, sort="code"),
            Column(gettext_lazy("Titel"), html=self.title_cell, sort="title"),
            Column(gettext_lazy("Fachbereich"), "owner.code", sort="owner"),
            Column(gettext_lazy("Ampel"), html=_light_cell, sort="traffic_light"),
            Column(gettext_lazy("Fortschritt"), html=_progress_cell, sort="progress"),
            Column(gettext_lazy("Status"), "status"),
            Column(gettext_lazy("geplantes Ende"), "planned_end", sort="end"),
            Column(gettext_lazy("Hinweise"), html=_flags_cell),
        )

    @staticmethod
    def title_cell(item) -> str:
        """The title and the line under it (the measure's goal, the project's phase)."""
        raise NotImplementedError

    def page_actions(self):
        query = self.request.GET.copy()
        query.pop("page", None)
        url = f"{reverse(f'{self.model._meta.model_name}_export')}?{query.urlencode()}"
        export = PageAction(_("CSV-Export"), url, icon="download")
        return [export, *super().page_actions()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mark_stale(self.model, context["object_list"], timezone.localdate())
        label_goals(context["object_list"], goal_labels(self.request.user))
        return context


class MeasureListView(ReportedListView):
    model = Measure

    @staticmethod
    def title_cell(measure) -> str:
        return format_html(
            '{}<br><span class="fb15-muted">{}</span>', measure.title, measure.goal_label
        )

    filter_form_class = MeasureFilterForm
    empty_message = gettext_lazy("Noch keine Maßnahmen.")
    empty_actions = (
        EmptyAction(gettext_lazy("Maßnahme anlegen"), "measure_add", may_add(Measure)),
        IMPORT_ACTION,
    )


class ProjectListView(ReportedListView):
    model = Project
    filter_form_class = ProjectFilterForm
    empty_message = gettext_lazy("Noch keine Projekte.")
    empty_actions = (
        EmptyAction(gettext_lazy("Projekt anlegen"), "project_add", may_add(Project)),
        IMPORT_ACTION,
    )

    @staticmethod
    def title_cell(project) -> str:
        line = project.get_phase_display()
        if project.lead:
            line = format_html("{} · {}: {}", line, _("Projektleitung"), project.lead)
        return format_html('{}<br><span class="fb15-muted">{}</span>', project.title, line)


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _date(value) -> str:
    return value.isoformat() if value else ""


class Choice:
    """A column showing a field's choice label, looked up once per export, not per row
    (`get_FOO_display` translates the labels anew for every row)."""

    def __init__(self, name: str):
        self.name = name

    def bind(self, model):
        name = self.name
        labels = {value: str(label) for value, label in model._meta.get_field(name).flatchoices}
        return lambda item: labels.get(getattr(item, name), getattr(item, name))


# (column header, value of a row) of the CSV exports; the page's filters apply.
SHARED_COLUMNS = [
    (gettext_lazy("Status"), Choice("status")),
    (gettext_lazy("Ampel"), Choice("traffic_light")),
    (gettext_lazy("Fortschritt (%)"), lambda item: item.progress),
    (gettext_lazy("Budget geplant (EUR)"), lambda item: _money(item.budget_planned)),
    (gettext_lazy("Budget verausgabt (EUR)"), lambda item: _money(item.budget_spent)),
    (gettext_lazy("geplantes Ende"), lambda item: _date(item.planned_end)),
    (gettext_lazy("letzte Statusmeldung"), lambda item: str(item.last_update_period or "")),
]
MEASURE_COLUMNS = [
    (gettext_lazy("Kennung"), lambda m: m.code),
    (gettext_lazy("Titel"), lambda m: m.title),
    (gettext_lazy("Handlungsfeld"), lambda m: m.goal_label.field_title),
    (gettext_lazy("Ziel"), lambda m: m.goal_label.title),
    (gettext_lazy("Fachbereich"), lambda m: m.owner.code),
    (gettext_lazy("verantwortliche Person"), lambda m: str(m.responsible or "")),
    (gettext_lazy("Priorität"), Choice("priority")),
    *SHARED_COLUMNS,
]
PROJECT_COLUMNS = [
    (gettext_lazy("Kennung"), lambda p: p.code),
    (gettext_lazy("Titel"), lambda p: p.title),
    (gettext_lazy("Fachbereich"), lambda p: p.owner.code),
    (gettext_lazy("Projektleitung"), lambda p: str(p.lead or "")),
    (gettext_lazy("Phase"), Choice("phase")),
    *SHARED_COLUMNS,
]


# The fields the columns above read: an export loads only these (parsing the timestamps of
# every joined table took half of the time of an export of 10,000 measures). A field missing
# here would be read row by row (tests/measures/test_csv_export.py counts the queries).
SHARED_FIELDS = (
    "status",
    "traffic_light",
    "progress",
    "budget_planned",
    "budget_spent",
    "planned_end",
    "last_update_period__label",
)


def _person_fields(relation: str) -> tuple[str, ...]:
    """What str(user) reads (User.__str__)."""
    return tuple(f"{relation}__{name}" for name in ("username", "first_name", "last_name"))


MEASURE_FIELDS = (
    *("code", "title", "goal_id", "owner__code", "priority"),
    *_person_fields("responsible"),
    *SHARED_FIELDS,
)
PROJECT_FIELDS = ("code", "title", "owner__code", "phase", *_person_fields("lead"), *SHARED_FIELDS)


def export_view(model, filter_form_class, columns, fields, filename: str):
    """A CSV export of a list: the same restriction and filters as the page."""
    related = sorted({name.split("__")[0] for name in fields if "__" in name})

    @login_required
    def export(request):
        form = filter_form_class(request.GET, user=request.user)
        items = form.apply(
            model.objects.restrict(request.user, "view").select_related(*related).only(*fields)
        )
        labels = goal_labels(request.user)
        values = [
            value.bind(model) if isinstance(value, Choice) else value for _label, value in columns
        ]

        def rows():
            for item in items.iterator(500):
                label_goals([item], labels)
                yield [value(item) for value in values]

        return csv_response(filename, [str(label) for label, _value in columns], rows())

    return export


measure_export = export_view(
    Measure, MeasureFilterForm, MEASURE_COLUMNS, MEASURE_FIELDS, "Massnahmen.csv"
)
project_export = export_view(
    Project, ProjectFilterForm, PROJECT_COLUMNS, PROJECT_FIELDS, "Projekte.csv"
)


# ---------------------------------------------------------------- detail pages


def _timeline_and_milestones(obj, user):
    today = timezone.localdate()
    mark_stale(type(obj), [obj], today)  # the "überfällig" flag of the state card
    return {
        "status_updates": attach_exchange(list(obj.statusupdates.all())),
        "milestones": obj.milestones.all(),
        "today": today,
        "can_report": type(obj).objects.can(user, "change", obj),
        "can_edit_structure": type(obj).objects.can(user, "change_structure", obj),
    }


class ReportedDetailView(ObjectDetailView):
    """A measure or project: its structure is edited by the strategy team only."""

    def heading(self):
        return f"{self.object.code} {self.object.title}"

    def may_edit(self):
        return self.model.objects.can(self.request.user, "change_structure", self.object)


class MeasureDetailView(ReportedDetailView):
    model = Measure

    def preline(self):
        return _("Maßnahme · %(goal)s") % {"goal": self.object.goal_label}

    def base_queryset(self):
        user = self.request.user
        return Measure.objects.with_list_data().prefetch_related(
            "participants",
            "tags",
            Prefetch("trends", Trend.objects.restrict(user, "view")),
            Prefetch("services", Service.objects.restrict(user, "view")),
            Prefetch("dependencies", Measure.objects.restrict(user, "view")),
            Prefetch("dependents", Measure.objects.restrict(user, "view")),
            Prefetch("projects", Project.objects.restrict(user, "view")),
            Prefetch("statusupdates", StatusUpdate.objects.select_related("period", "author")),
            "milestones",
            Prefetch("indicators", Indicator.objects.prefetch_related("values")),
        )

    def get_context_data(self, **kwargs):
        labels = goal_labels(self.request.user)
        label_goals([self.object], labels)  # before the page head names the goal
        context = super().get_context_data(**kwargs)
        context.update(_timeline_and_milestones(self.object, self.request.user))
        context.update(_goal_trail_and_pager(self.object, self.request.user, labels))
        context["indicators"] = [
            {
                "indicator": indicator,
                "values": list(indicator.values.all()),
                "chart": indicator_chart(indicator, list(indicator.values.all())),
                "on_track": on_track(indicator, list(indicator.values.all())),
            }
            for indicator in self.object.indicators.all()
        ]
        return context


def _goal_trail_and_pager(measure, user, labels: dict) -> dict:
    """Breadcrumbs through the measure's goal (if the reader may see it) and the previous and
    next of the goal's measures the reader may see (one query, in the list's order)."""
    context = {}
    label = labels.get(measure.goal_id)
    if label is not None:
        strategy_url = reverse("strategy_detail")
        context["trail"] = [
            {"label": gettext_lazy("Start"), "url": reverse("home")},
            {"label": gettext_lazy("Digitale Strategie"), "url": strategy_url},
            {"label": str(label), "url": f"{strategy_url}#ziel-{measure.goal_id}"},
        ]
    siblings = list(
        Measure.objects.restrict(user, "view")
        .filter(goal_id=measure.goal_id)
        .order_by("code", "pk")
        .values_list("pk", "code", "title")
    )
    index = next(i for i, (pk, _code, _title) in enumerate(siblings) if pk == measure.pk)

    def link(row):
        pk, code, title = row
        return {"url": reverse("measure_detail", args=[pk]), "code": code, "title": title}

    context["previous_measure"] = link(siblings[index - 1]) if index > 0 else None
    context["next_measure"] = link(siblings[index + 1]) if index + 1 < len(siblings) else None
    context["goal_measure_count"] = len(siblings)
    context["goal_measure_position"] = index + 1
    return context


class ProjectDetailView(ReportedDetailView):
    model = Project

    def preline(self):
        return _("Projekt · %(phase)s") % {"phase": self.object.get_phase_display()}

    def base_queryset(self):
        user = self.request.user
        return Project.objects.with_list_data().prefetch_related(
            Prefetch("measures", Measure.objects.restrict(user, "view")),
            Prefetch("services", Service.objects.restrict(user, "view")),
            Prefetch("statusupdates", StatusUpdate.objects.select_related("period", "author")),
            "milestones",
            Prefetch("risks", Risk.objects.select_related("owner")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_timeline_and_milestones(self.object, self.request.user))
        return context


# ---------------------------------------------------------------- structural edits


class StructuralEditView(ObjectEditView):
    """Title, goal, owner, priority, planned budget…: strategy team only, never unit leads."""

    def get_object(self):
        obj = super().get_object()
        if obj.pk and not self.model.objects.can(self.request.user, "change_structure", obj):
            raise PermissionDenied
        return obj

    def get_form(self, obj, data=None):
        return self.form_class(data=data, instance=obj, user=self.request.user)


class MeasureEditView(StructuralEditView):
    model = Measure
    form_class = MeasureForm
    service = staticmethod(services.save_measure)


class ProjectEditView(StructuralEditView):
    model = Project
    form_class = ProjectForm
    service = staticmethod(services.save_project)


class MeasureHistoryView(ObjectHistoryView):
    model = Measure


class ProjectHistoryView(ObjectHistoryView):
    model = Project


# ---------------------------------------------------------------- status updates

# What a status update reports ("unverändert melden" repeats these) …
REPORTED_FIELDS = (
    "traffic_light",
    "progress",
    "status",
    "summary",
    "risks",
    "next_steps",
    "budget_spent",
    "needs_decision",
    "decision_note",
)
# … and everything its form posts, by the names `services.file_status_update` takes.
STATUS_FORM_FIELDS = (
    "period",
    *REPORTED_FIELDS,
    "progress_drop_reason",
    "review_answer",
    "seen_at",
)


class StatusUpdateView(View):
    """File a status update for a measure or project; also the inline (htmx) form's target."""

    subject_model = None
    own_section = ""  # the table of the lead's own items on "Mein Fachbereich"
    template_name = "measures/statusupdate_form.html"

    def subject(self, request, pk):
        subjects = self.subject_model.objects
        subject = get_object_or_404(subjects.restrict(request.user, "view"), pk=pk)
        if not subjects.can(request.user, "change", subject):
            raise PermissionDenied
        return subject

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def chosen_period(self, request) -> ReportingPeriod | None:
        """The period the form is about: posted, asked for (?period=) or the current one."""
        period_id = request.POST.get("period") or request.GET.get("period")
        period = None
        if period_id and str(period_id).isdigit():
            period = ReportingPeriod.objects.filter(pk=period_id).first()
        return period or ReportingPeriod.objects.current(timezone.localdate())

    def form(self, request, subject, period, data=None):
        """The form with what the lead needs to see: the update already filed for the
        period (prefilled when correcting or answering) and the previous period's one."""
        existing = previous = None
        if period:
            existing = subject.statusupdates.filter(period=period).first()
            previous = services.previous_update(subject, period)
        initial = {"period": period.pk} if period else {}
        if existing:
            initial.update(
                {
                    name: getattr(existing, name)
                    for name in (*REPORTED_FIELDS, "progress_drop_reason")
                }
            )
        returned = existing if existing and existing.review_state == ReviewState.RETURNED else None
        form = StatusUpdateForm(
            data,
            initial=initial,
            user=request.user,
            subject=subject,
            returned=returned,
            inline=htmx_partial(request),
        )
        return form, existing, previous

    def get(self, request, pk):
        subject = self.subject(request, pk)
        period = self.chosen_period(request)
        form, existing, previous = self.form(request, subject, period)
        return self.render(request, subject, form, existing=existing, previous=previous)

    def post(self, request, pk):
        subject = self.subject(request, pk)
        period = self.chosen_period(request)
        action = request.POST.get("action", "")
        if action == "take_previous":
            return self.take_previous(request, subject, period)
        form, existing, previous = self.form(request, subject, period, request.POST)
        if action == "unchanged":
            data = self.unchanged_data(form, previous)
        elif form.is_valid():
            data = form.cleaned_data
        else:
            data = None
        if data is not None:
            try:
                services.file_status_update(
                    actor=request.user,
                    subject=subject,
                    **{name: data.get(name) for name in STATUS_FORM_FIELDS if name in data},
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.saved(request, subject)
        return self.render(request, subject, form, existing=existing, previous=previous, status=422)

    @staticmethod
    def unchanged_data(form, previous) -> dict | None:
        """ "Unverändert melden": the previous period's update again, for the chosen period."""
        form.is_valid()  # only the period and seen_at are taken from what was posted
        if previous is None:
            form.add_error(
                None,
                _("Es gibt keine frühere Statusmeldung, die unverändert gemeldet werden kann."),
            )
            return None
        if "period" not in form.cleaned_data:
            return None
        data = {name: getattr(previous, name) for name in REPORTED_FIELDS}
        data.update(
            period=form.cleaned_data["period"],
            seen_at=form.cleaned_data.get("seen_at"),
            review_answer=form.cleaned_data.get("review_answer", ""),
            progress_drop_reason="",
        )
        return data

    def take_previous(self, request, subject, period):
        """ "übernehmen": the form again with the previous period's texts filled in."""
        data = request.POST.copy()
        previous = services.previous_update(subject, period) if period else None
        if previous:
            for name in ("summary", "risks", "next_steps"):
                data[name] = getattr(previous, name)
        form, existing, previous = self.form(request, subject, period, data)
        return self.render(request, subject, form, existing=existing, previous=previous)

    def saved(self, request, subject):
        subject.refresh_from_db()
        if htmx_partial(request):
            # The card answers the swap; the page's counters and the item's row in the table
            # of own items follow out of band.
            today = timezone.localdate()
            period = ReportingPeriod.objects.current(today)
            item = self.subject_model.objects.with_list_data().get(pk=subject.pk)
            mark_stale(self.subject_model, [item], today)
            return render(
                request,
                "measures/inc/status_row.html",
                {
                    "item": item,
                    "own_section": self.own_section,
                    "just_saved": True,
                    "period": period,
                    "owner_query": owner_query(request.user),
                    **status_counts(request.user, period),
                },
            )
        messages.success(
            request, _("Statusmeldung für „%(subject)s“ gespeichert.") % {"subject": subject}
        )
        return HttpResponseRedirect(safe_next(request, subject.get_absolute_url()))

    def render(self, request, subject, form, *, existing=None, previous=None, status=200):
        template = "measures/inc/status_form.html" if htmx_partial(request) else self.template_name
        return render(
            request,
            template,
            {
                "subject": subject,
                "form": form,
                "existing": existing,
                "previous": previous,
                "next": safe_next(request, ""),
            },
            status=status,
        )


class MeasureStatusUpdateView(StatusUpdateView):
    subject_model = Measure
    own_section = "own-measures"


class ProjectStatusUpdateView(StatusUpdateView):
    subject_model = Project
    own_section = "own-projects"


# ---------------------------------------------------------------- milestones, KPIs, risks


class MilestoneEditView(ObjectEditView):
    model = Milestone
    form_class = MilestoneForm


class MeasureMilestoneCreateView(MilestoneEditView):
    parent_model, parent_field = Measure, "measure"


class ProjectMilestoneCreateView(MilestoneEditView):
    parent_model, parent_field = Project, "project"


class MilestoneDeleteView(ObjectDeleteView):
    model = Milestone

    def success_url(self, obj) -> str:
        return obj.subject.get_absolute_url()


@login_required
@require_POST
def milestone_reached(request, pk):
    milestone = get_object_or_404(Milestone.objects.restrict(request.user, "view"), pk=pk)
    try:
        services.reach_milestone(
            actor=request.user, milestone=milestone, reached_on=timezone.localdate()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Meilenstein „%(title)s“ als erreicht vermerkt.") % {"title": milestone.title},
        )
    return HttpResponseRedirect(safe_next(request, milestone.get_absolute_url()))


class IndicatorEditView(ObjectEditView):
    model = Indicator
    form_class = IndicatorForm


class IndicatorCreateView(IndicatorEditView):
    parent_model, parent_field = Measure, "measure"


class IndicatorValueCreateView(ObjectEditView):
    model = IndicatorValue
    form_class = IndicatorValueForm
    parent_model, parent_field = Indicator, "indicator"


class RiskEditView(ObjectEditView):
    model = Risk
    form_class = RiskForm


class RiskCreateView(RiskEditView):
    parent_model, parent_field = Project, "project"


# ---------------------------------------------------------------- Mein Fachbereich


# Cards and rows shown on "Mein Fachbereich"; the complete lists are the filtered list pages.
MY_UNIT_LIMIT = 24


def owner_query(user, units=None) -> str:
    """The list filter for the lead's unit, when the lead manages exactly one."""
    if units is None:
        units = list(OrgUnit.objects.filter(pk__in=units_managed_by(user))[:2])
    return f"&owner={units[0].pk}" if len(units) == 1 else ""


def status_counts(user, period) -> dict[str, int]:
    """The counters "Mein Fachbereich" shows: own items and how many still need an update."""
    own = {model: model.objects.restrict(user, "change").active() for model in (Measure, Project)}
    counts = {model: queryset.count() for model, queryset in own.items()}
    item_count = sum(counts.values())
    open_count = sum(queryset.needing_update(period).count() for queryset in own.values())
    return {
        "measure_count": counts[Measure],
        "project_count": counts[Project],
        "item_count": item_count,
        "open_count": open_count,
        "reported_count": item_count - open_count,
    }


@login_required
def my_unit(request):
    """A lead's start page: own measures and projects, what needs an update, overdue milestones."""
    user, today = request.user, timezone.localdate()
    period = ReportingPeriod.objects.current(today)
    units = list(OrgUnit.objects.filter(pk__in=units_managed_by(user)).select_related("division"))
    own = {model: model.objects.restrict(user, "change").active() for model in (Measure, Project)}
    shown = {
        model: list(queryset.with_list_data().order_by("code")[:MY_UNIT_LIMIT])
        for model, queryset in own.items()
    }
    due = {model: queryset.needing_update(period) for model, queryset in own.items()}
    open_items = [
        item
        for model, queryset in due.items()
        for item in queryset.with_list_data().order_by("code")[:MY_UNIT_LIMIT]
    ][:MY_UNIT_LIMIT]
    for model in own:
        mark_stale(model, shown[model] + [i for i in open_items if isinstance(i, model)], today)
    periods = list(ReportingPeriod.objects.all())
    for item in open_items:
        item.status_form = StatusUpdateForm(
            user=user, subject=item, periods=periods, current=period, inline=True
        )
    counts = status_counts(user, period)
    overdue = (
        Milestone.objects.restrict(user, "change")
        .filter(reached_on__isnull=True, due_on__lt=today)
        .select_related("measure", "project")
        .order_by("due_on")[:MY_UNIT_LIMIT]
    )
    returned = (
        StatusUpdate.objects.restrict(user, "change")
        .filter(review_state=ReviewState.RETURNED)
        .select_related("measure", "project", "period", "reviewed_by")
        .order_by("reviewed_at")[:MY_UNIT_LIMIT]
    )
    indicators = (
        indicators_without_value(user, period)
        .select_related("measure")
        .order_by("measure__code")[:MY_UNIT_LIMIT]
        if period
        else []
    )
    return render(
        request,
        "measures/my_unit.html",
        {
            "units": units,
            "owner_query": owner_query(user, units),
            "period": period,
            "measures": shown[Measure],
            "projects": shown[Project],
            "open_items": open_items,
            **counts,
            "overdue_milestones": overdue,
            "returned_updates": returned,
            "indicators_without_value": indicators,
            "today": today,
        },
    )
