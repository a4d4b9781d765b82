"""Pages of the standards app: catalogue, compliance matrix, exemptions, radar, unit news.

Every object comes through `restrict()`; deciding exemptions additionally needs the model
permission `standards.decide_exemption` (strategy team).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from fb15.csv_export import csv_response
from fb15.empty_state import IMPORT_ACTION, EmptyAction, empty_state, may_add
from fb15.filters import FilterForm, with_all
from fb15.history import describe_changes
from fb15.models import Division, OrgUnit
from fb15.redirects import safe_next
from fb15.views.generic import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    PageAction,
)

from . import oscal, radar, services
from .forms import (
    ComplianceForm,
    DecisionForm,
    ExemptionForm,
    ServiceForm,
    StandardForm,
    TrendForm,
)
from .matrix import build_matrix
from .models import (
    Category,
    Compliance,
    ComplianceState,
    Exemption,
    ExemptionStatus,
    Obligation,
    Quadrant,
    Ring,
    Service,
    Standard,
    StandardStatus,
    Trend,
    ring_moves,
)
from .news import unit_news

# --- Standards catalogue -------------------------------------------------------------------


class StandardFilterForm(FilterForm):
    category = forms.ChoiceField(
        label=gettext_lazy("Kategorie"), choices=with_all(Category.choices), required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=with_all(StandardStatus.choices), required=False
    )
    obligation = forms.ChoiceField(
        label=gettext_lazy("Verbindlichkeit"), choices=with_all(Obligation.choices), required=False
    )
    # From "Ihre Aufgaben": only the standards due for review (kept while filtering).
    pruefung = forms.ChoiceField(
        choices=[("", ""), ("faellig", "")], required=False, widget=forms.HiddenInput
    )

    search_fields = ("code", "title", "description")

    def filter_pruefung(self, queryset, value):
        return queryset.filter(next_review__lte=timezone.localdate())


class StandardListView(ObjectListView):
    model = Standard
    paginate_by = 50
    template_name = "standards/standard_list.html"
    filter_form_class = StandardFilterForm
    heading = gettext_lazy("Verwaltungsweite Standards")
    preline = gettext_lazy("Standardkatalog")
    columns = (
        Column(gettext_lazy("Kürzel"), "code", link=True),
        Column(gettext_lazy("Titel"), template="standards/inc/cell_standard_title.html"),
        Column(gettext_lazy("Verbindlichkeit"), "obligation"),
        Column(gettext_lazy("Kategorie"), "category"),
        Column(gettext_lazy("Status"), template="standards/inc/cell_status.html"),
        Column(gettext_lazy("Version"), "version_label"),
        Column(gettext_lazy("nächste Überprüfung"), "next_review"),
    )
    empty_message = gettext_lazy("Noch keine Standards erfasst.")
    empty_actions = (
        EmptyAction(gettext_lazy("Standard anlegen"), "standard_add", may_add(Standard)),
        IMPORT_ACTION,
    )

    def base_queryset(self):
        return Standard.objects.select_related("superseded_by").order_by("code")

    def page_actions(self):
        matrix = PageAction(_("Einhaltungsmatrix"), reverse("compliance_matrix"))
        return [matrix, *super().page_actions()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review_due_only"] = self.request.GET.get("pruefung") == "faellig"
        return context


class StandardDetailView(ObjectDetailView):
    model = Standard

    def heading(self):
        return f"{self.object.code} – {self.object.title}"

    def preline(self):
        category = self.object.get_category_display()
        return _("%(category)s · Version %(version)s") % {
            "category": category,
            "version": self.object.version_label,
        }

    def page_actions(self):
        actions = super().page_actions()
        if self.object.history.count() > 1:
            url = reverse("standard_compare", args=[self.object.pk])
            actions.insert(1, PageAction(_("Versionen vergleichen"), url, "tertiary"))
        return actions

    def base_queryset(self):
        return Standard.objects.select_related("responsible", "superseded_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, standard = self.request.user, self.object
        counts = dict(
            Compliance.objects.restrict(user, "view")
            .filter(standard=standard)
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        context["compliance_counts"] = [
            (label, counts.get(value, 0)) for value, label in ComplianceState.choices
        ]
        context["supersedes"] = Standard.objects.restrict(user, "view").filter(
            superseded_by=standard
        )
        context["trends"] = Trend.objects.restrict(user, "view").filter(standards=standard)
        return context


class StandardEditView(ObjectEditView):
    model = Standard
    form_class = StandardForm
    service = staticmethod(services.save_standard)


class StandardDeleteView(ObjectDeleteView):
    model = Standard
    success_url_name = "standard_list"


class StandardHistoryView(ObjectHistoryView):
    model = Standard


@login_required
def standard_compare(request, pk):
    """Compare any two saved versions of a standard, field by field."""
    standard = get_object_or_404(Standard.objects.restrict(request.user, "view"), pk=pk)
    versions = list(standard.history.select_related("history_user").order_by("-history_date"))
    by_id = {str(v.history_id): v for v in versions}
    newer = by_id.get(request.GET.get("neu", "")) or (versions[0] if versions else None)
    default_older = versions[1] if len(versions) > 1 else None
    older = by_id.get(request.GET.get("alt", "")) or default_older
    if newer and older and older.history_date > newer.history_date:
        newer, older = older, newer
    changes = []
    if newer and older and newer != older:
        changes = describe_changes(Standard, [(newer, older)], user=request.user)[0]
    return render(
        request,
        "standards/standard_compare.html",
        {
            "object": standard,
            "versions": versions,
            "newer": newer,
            "older": older,
            "changes": changes,
        },
    )


# --- Compliance matrix ---------------------------------------------------------------------


def _matrix_filters(request) -> dict:
    category = request.GET.get("kategorie", "")
    return {
        "category": category if category in Category.values else "",
        "division": request.GET.get("dezernat", ""),
    }


def _check_may_view_matrix(user) -> None:
    """Whoever may view cells at all: globally (roles) or their own unit's row (leads)."""
    if user.has_perm("standards.view_compliance"):
        return
    if not Compliance.objects.restrict(user, "view").exists():
        raise PermissionDenied


@login_required
def compliance_matrix(request):
    _check_may_view_matrix(request.user)
    filters = _matrix_filters(request)
    matrix = build_matrix(request.user, **filters)
    empty = None
    if not any(filters.values()) and not (matrix.standards and matrix.rows):
        empty = empty_state(
            request.user,
            _("Noch keine verbindlichen Standards oder keine Fachbereiche erfasst."),
            [
                EmptyAction(_("Standard anlegen"), "standard_add", may_add(Standard)),
                EmptyAction(_("Fachbereich anlegen"), "orgunit_add", may_add(OrgUnit)),
            ],
        )
    return render(
        request,
        "standards/compliance_matrix.html",
        {
            "empty_state": empty,
            "matrix": matrix,
            "categories": Category.choices,
            "divisions": Division.objects.restrict(request.user, "view"),
            "filters": filters,
            "query_string": request.GET.urlencode(),
            "states": [(value, label) for value, label in ComplianceState.choices],
        },
    )


@login_required
def compliance_csv(request):
    """The matrix as it is shown (same filters, same restriction) for German Excel."""
    _check_may_view_matrix(request.user)
    matrix = build_matrix(request.user, **_matrix_filters(request))
    stamp = timezone.localdate().isoformat()
    header = [
        _("Fachbereich"),
        _("Dezernat"),
        *(f"{s.code} {s.title}" for s in matrix.standards),
        _("Quote erfüllt (%)"),
    ]

    def rows():
        for row in matrix.rows:
            cells = []
            for cell in row.cells:
                text = str(cell.label)
                if cell.exempt_until:
                    text += " " + _("bis %(date)s") % {
                        "date": date_format(cell.exempt_until, "SHORT_DATE_FORMAT")
                    }
                cells.append(text)
            yield [row.unit.code, row.unit.division.number, *cells, row.tally.rate]
        yield [
            _("Quote erfüllt (%)"),
            "",
            *(t.rate for t in matrix.column_tallies),
            matrix.total.rate,
        ]

    return csv_response(f"einhaltung-{stamp}.csv", header, rows())


@login_required
def compliance_oscal(request):
    """The matrix as it is shown (same filters, same restriction) as OSCAL-style JSON."""
    _check_may_view_matrix(request.user)
    matrix = build_matrix(request.user, **_matrix_filters(request))
    stamp = timezone.localdate().isoformat()
    return JsonResponse(
        oscal.implementation_status(matrix),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        headers={
            "Content-Disposition": content_disposition_header(True, f"einhaltung-{stamp}.json")
        },
    )


class ComplianceEditView(ObjectEditView):
    """One cell: the unit's lead self-assesses, the strategy team confirms or corrects.

    A missing cell (a unit created after the standard became binding) is shown unsaved and
    created by the first POST, inside the transaction that checks the permission after
    saving: GET never writes.
    """

    model = Compliance
    form_class = ComplianceForm
    template_name = "standards/compliance_edit.html"

    def get_object(self):
        user = self.request.user
        unit = get_object_or_404(OrgUnit.objects.restrict(user, "view"), pk=self.kwargs["unit"])
        standard = get_object_or_404(
            Standard.objects.restrict(user, "view").in_force(), pk=self.kwargs["standard"]
        )
        cell = Compliance.objects.filter(unit=unit, standard=standard).first()
        if cell is None:
            cell = Compliance(unit=unit, standard=standard)
        if not Compliance.objects.can(user, "change", cell):
            raise PermissionDenied
        # "change" is what the saved cell is checked for, also when the POST creates it.
        self.kwargs["pk"] = cell.pk
        self.cell = cell
        return cell

    service = staticmethod(services.assess_compliance)

    def service_arguments(self, form) -> dict:
        return {**super().service_arguments(form), "confirm": self.may_confirm()}

    def may_confirm(self) -> bool:
        return Compliance.objects.can(self.request.user, "confirm", self.cell)

    def edit_context(self, obj, form):
        context = super().edit_context(obj, form)
        context["object"] = obj  # also a cell not saved yet: the page names unit and standard
        context["may_confirm"] = self.may_confirm()
        context["cancel_url"] = safe_next(self.request, _matrix_url())
        context["exemptions"] = Exemption.objects.restrict(self.request.user, "view").filter(
            unit=obj.unit, standard=obj.standard
        )
        context["may_request_exemption"] = Exemption.objects.may_add(self.request.user)
        return context


def _matrix_url() -> str:
    return reverse("compliance_matrix")


@login_required
@require_POST
def compliance_confirm(request, unit, standard):
    """The strategy team confirms a self-assessment as it stands, with one click."""
    cell = get_object_or_404(
        Compliance.objects.restrict(request.user, "view"), unit_id=unit, standard_id=standard
    )
    if not Compliance.objects.can(request.user, "confirm", cell):
        raise PermissionDenied
    services.confirm_compliance(actor=request.user, cell=cell)
    messages.success(request, _("Die Einschätzung wurde bestätigt."))
    return HttpResponseRedirect(safe_next(request, _matrix_url()))


class ComplianceHistoryView(ObjectHistoryView):
    model = Compliance


# --- Exemptions ----------------------------------------------------------------------------


class ExemptionFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=with_all(ExemptionStatus.choices), required=False
    )

    search_fields = ("unit__code", "standard__code", "standard__title", "justification")


class ExemptionListView(ObjectListView):
    model = Exemption
    filter_form_class = ExemptionFilterForm
    heading = gettext_lazy("Ausnahmen von Standards")
    preline = gettext_lazy("Verwaltungsweite Standards")
    add_label = gettext_lazy("Ausnahme beantragen")
    columns = (
        Column(gettext_lazy("Fachbereich"), template="standards/inc/cell_exemption.html"),
        Column(gettext_lazy("Standard"), "standard.title"),
        Column(gettext_lazy("Status"), template="standards/inc/cell_status.html"),
        Column(gettext_lazy("befristet bis"), "ends_on"),
        Column(gettext_lazy("beantragt von"), "requested_by"),
    )
    empty_message = gettext_lazy("Keine Ausnahmen beantragt.")
    empty_actions = (
        EmptyAction(gettext_lazy("Ausnahme beantragen"), "exemption_add", may_add(Exemption)),
    )

    def base_queryset(self):
        return Exemption.objects.select_related("unit", "standard", "requested_by").order_by(
            "status", "ends_on"
        )


class ExemptionDetailView(ObjectDetailView):
    model = Exemption
    edit_label = gettext_lazy("Antrag bearbeiten")

    def heading(self):
        return _("Ausnahme %(unit)s · %(code)s") % {
            "unit": self.object.unit.code,
            "code": self.object.standard.code,
        }

    def preline(self):
        return str(self.object.unit)

    def may_edit(self):
        return super().may_edit() and self.object.is_open

    def base_queryset(self):
        return Exemption.objects.select_related("unit", "standard", "requested_by", "decided_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decision_form"] = kwargs.get("decision_form") or DecisionForm()
        return context


class ExemptionEditView(ObjectEditView):
    model = Exemption
    form_class = ExemptionForm

    def submit_label(self, obj) -> str:
        return _("Ausnahme beantragen") if not obj.pk else super().submit_label(obj)

    def get_object(self):
        obj = super().get_object()
        if obj.pk and not obj.is_open:
            raise PermissionDenied(_("Über diesen Antrag ist bereits entschieden."))
        return obj

    def get_form(self, obj, data=None):
        initial = {}
        if not obj.pk:
            initial = {
                key: self.request.GET[key]
                for key in ("unit", "standard")
                if self.request.GET.get(key, "").isdigit()
            }
        return self.form_class(data=data, instance=obj, initial=initial, user=self.request.user)

    service = staticmethod(services.request_exemption)


@login_required
@require_POST
def exemption_decide(request, pk):
    exemption = get_object_or_404(Exemption.objects.restrict(request.user, "view"), pk=pk)
    if not Exemption.objects.can(request.user, "decide", exemption):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not exemption.is_open:
        messages.error(request, _("Über diesen Antrag ist bereits entschieden."))
        return HttpResponseRedirect(exemption.get_absolute_url())
    if not form.is_valid():
        view = ExemptionDetailView()
        view.setup(request, pk=pk)
        view.object = exemption
        context = view.get_context_data(object=exemption, decision_form=form)
        return render(request, "standards/exemption_detail.html", context, status=422)
    approve = form.cleaned_data["decision"] == "approve"
    services.decide_exemption(
        actor=request.user, exemption=exemption, approve=approve, reason=form.cleaned_data["reason"]
    )
    messages.success(
        request,
        _("Die Ausnahme wurde genehmigt.") if approve else _("Die Ausnahme wurde abgelehnt."),
    )
    return HttpResponseRedirect(exemption.get_absolute_url())


class ExemptionHistoryView(ObjectHistoryView):
    model = Exemption


# --- Technology radar ----------------------------------------------------------------------


def _with_moves(trends: list[Trend]) -> list[Trend]:
    moves = ring_moves(t.pk for t in trends)
    for trend in trends:
        trend.moves = moves.get(trend.pk, [])
        trend.last_move = trend.moves[-1] if trend.moves else None
    return trends


@login_required
def trend_radar(request):
    """The radar as a server-rendered SVG, with the numbered list as its text alternative."""
    if not request.user.has_perm("standards.view_trend"):
        raise PermissionDenied
    trends = Trend.objects.restrict(request.user, "view").for_radar()
    quadrant = request.GET.get("quadrant", "")
    if quadrant in Quadrant.values:
        trends = trends.filter(quadrant=quadrant)
    drawing = radar.layout(_with_moves(list(trends)))
    empty = None
    if not quadrant and not drawing["blips"]:
        empty = empty_state(
            request.user,
            _("Noch keine Trends bewertet."),
            [EmptyAction(_("Trend anlegen"), "trend_add", may_add(Trend))],
        )
    return render(
        request,
        "standards/trend_radar.html",
        {
            "empty_state": empty,
            "radar": drawing,
            "quadrants": Quadrant.choices,
            "rings": Ring.choices,
            "quadrant": quadrant,
            "can_add": Trend.objects.may_add(request.user),
        },
    )


class TrendDetailView(ObjectDetailView):
    model = Trend

    def heading(self):
        return self.object.title

    def preline(self):
        return _("Technologieradar · %(quadrant)s") % {
            "quadrant": self.object.get_quadrant_display()
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        _with_moves([self.object])
        context["units"] = OrgUnit.objects.restrict(user, "view").filter(trends=self.object)
        context["standards"] = Standard.objects.restrict(user, "view").filter(trends=self.object)
        # Measures link themselves to trends (measures → standards); read them restricted.
        context["measures"] = self.object.measures.restrict(user, "view").select_related("owner")
        return context


class TrendEditView(ObjectEditView):
    model = Trend
    form_class = TrendForm
    service = staticmethod(services.save_trend)


class TrendDeleteView(ObjectDeleteView):
    model = Trend
    success_url_name = "trend_radar"


class TrendHistoryView(ObjectHistoryView):
    model = Trend


# --- Verwaltungsleistungen (FB 15's catalogue) ----------------------------------------------


class ServiceListView(ObjectListView):
    model = Service
    preline = gettext_lazy("Katalog des FB 15")
    add_label = gettext_lazy("Verwaltungsleistung anlegen")
    columns = (
        Column(gettext_lazy("Bezeichnung"), template="standards/inc/cell_service.html"),
        Column(gettext_lazy("Leistungsschlüssel (OZG/LeiKa)"), "key"),
    )
    empty_message = gettext_lazy("Noch keine Verwaltungsleistungen.")
    empty_actions = (
        EmptyAction(gettext_lazy("Verwaltungsleistung anlegen"), "service_add", may_add(Service)),
    )

    def get_queryset(self):
        if not self.request.user.has_perm("standards.add_service"):
            raise PermissionDenied  # the catalogue is FB 15's; readers see it on the pages
        return super().get_queryset()


class ServiceDetailView(ObjectDetailView):
    """A Verwaltungsleistung; the needs, measures and projects about it are boxes of their
    apps (fb15/panels.py), each restricted to what the reader may see."""

    model = Service

    def heading(self):
        return self.object.name


class ServiceEditView(ObjectEditView):
    model = Service
    form_class = ServiceForm


class ServiceHistoryView(ObjectHistoryView):
    model = Service


# --- News for unit leads -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def standards_news(request):
    """Everything that concerns the user's units; "Als gelesen markieren" (POST) marks it as
    seen, so that only later changes count as new (a GET never writes)."""
    news = unit_news(request.user)
    if request.method == "POST":
        if news is not None:
            services.mark_news_seen(request.user)
            messages.success(request, _("Die Neuigkeiten sind als gelesen markiert."))
        return redirect("home")
    return render(request, "standards/news.html", {"news": news})
