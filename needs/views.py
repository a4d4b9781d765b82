"""Pages of needs: the units' Bedarfsmeldungen, FB 15's triage and scoring, priority rounds
and the Synergien page. Every object comes through restrict()."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fb15.empty_state import EmptyAction, may_add
from fb15.htmx import htmx_partial
from fb15.permissions import remembered_grants
from fb15.redirects import safe_next
from fb15.views.generic import (
    Column,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)
from measures.forms import MeasureForm, ProjectForm
from measures.models import Measure
from standards.models import Service

from . import services
from . import synergies as synergy_services
from .filecheck import CONTENT_TYPES, extension_of
from .forms import (
    AdoptForm,
    MergeForm,
    NeedForm,
    PriorityRoundForm,
    ProposalForm,
    RankForm,
    ResponseForm,
    ScoreForm,
    ScoringCriterionForm,
    TriageForm,
)
from .models import (
    TRANSITIONS,
    Need,
    NeedAttachment,
    NeedState,
    PriorityProposal,
    PriorityRound,
    ScoringCriterion,
    Statement,
    SynergyKind,
    SynergyMark,
    units_of,
)
from .panels import similar_items_context

# --- Bedarfsmeldungen ----------------------------------------------------------------------


class NeedListView(ObjectListView):
    """The needs the user may read: their own unit's; FB 15 all of them."""

    model = Need
    template_name = "needs/need_list.html"
    preline = gettext_lazy("Bedarfe der Fachbereiche")
    add_label = gettext_lazy("Bedarf melden")
    columns = (
        Column(gettext_lazy("Titel"), "title", link=True),
        Column(gettext_lazy("Fachbereich"), "owner.code"),
        Column(gettext_lazy("Stand"), template="needs/inc/cell_state.html"),
        Column(gettext_lazy("Dringlichkeit"), "urgency"),
        Column(gettext_lazy("eingereicht am"), "created_at"),
    )
    empty_message = gettext_lazy("Noch keine Bedarfsmeldungen.")
    empty_actions = (EmptyAction(gettext_lazy("Bedarf melden"), "need_add", may_add(Need)),)

    def base_queryset(self):
        return Need.objects.select_related("owner")

    def get_queryset(self):
        if not Need.objects.may_browse(self.request.user):
            raise PermissionDenied
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        readable = Need.objects.restrict(self.request.user, "view").values("pk")
        # Other units' public needs: titles only, to find allies.
        context["other_titles"] = (
            Need.objects.titles_for(self.request.user)
            .exclude(pk__in=readable)
            .select_related("owner")
            .order_by("owner__code", "title")[:100]
        )
        return context


class NeedDetailView(ObjectDetailView):
    model = Need

    def base_queryset(self):
        return Need.objects.select_related(
            "owner", "contact", "submitted_by", "measure", "project", "merged_into__owner"
        ).prefetch_related(
            "trends",
            "attachments",
            Prefetch("services", Service.objects.restrict(self.request.user, "view")),
        )

    def preline(self):
        return f"{Need._meta.verbose_name} · {self.object.owner.code}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        need, user = self.object, self.request.user
        scores = list(need.scores.select_related("criterion").filter(criterion__is_active=True))
        context["scores"] = scores
        context["score_total"] = sum(s.score * s.criterion.weight for s in scores)
        if Need.objects.can(user, "triage", need):
            if need.next_states:
                context["triage_form"] = kwargs.get("triage_form") or TriageForm(
                    need=need, user=user
                )
            context["score_form"] = kwargs.get("score_form") or ScoreForm(
                criteria=ScoringCriterion.objects.filter(is_active=True),
                scores={s.criterion_id: s.score for s in scores},
            )
            context["rank_form"] = kwargs.get("rank_form") or RankForm(
                initial={"rank": need.rank_override, "reason": need.rank_override_reason}
            )
            context["may_adopt_new"] = NeedState.ADOPTED in TRANSITIONS[need.state]
            context["may_merge"] = need.state != NeedState.MERGED
        context.update(self.merge_context(need, user))
        return context

    def merge_context(self, need, user) -> dict:
        """The need this one went into, and the needs that went into this one: linked where
        the reader may read them, else by title where other units see titles."""
        context = {}
        linked = [need.merged_into_id] if need.merged_into_id else []
        merged = list(need.merged_needs.select_related("owner").order_by("title"))
        ids = linked + [other.pk for other in merged]
        if not ids:
            return context
        readable = set(
            Need.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True)
        )
        titled = set(Need.objects.titles_for(user).filter(pk__in=ids).values_list("pk", flat=True))
        for other in merged:
            other.is_readable, other.is_titled = other.pk in readable, other.pk in titled
        if need.merged_into_id:
            target = need.merged_into
            target.is_readable = target.pk in readable
            target.is_titled = target.pk in titled
            context["merged_into"] = target
        context["merged_needs"] = merged
        return context


class NeedEditView(ObjectEditView):
    model = Need
    form_class = NeedForm
    service = staticmethod(services.save_need)

    def get_form(self, obj, data=None):
        files = self.request.FILES if data is not None else None
        return self.form_class(data=data, files=files, instance=obj, user=self.request.user)

    def service_arguments(self, form) -> dict:
        arguments = super().service_arguments(form)
        arguments["attachment"] = form.cleaned_data.get("attachment")
        return arguments

    def submit_label(self, obj) -> str:
        return gettext_lazy("Speichern") if obj.pk else gettext_lazy("Bedarf melden")


class NeedHistoryView(ObjectHistoryView):
    model = Need


@login_required
@require_GET
def need_attachment(request, pk: int):
    """An attachment, to readers of its need only, always as a download (never inline)."""
    attachment = get_object_or_404(
        NeedAttachment.objects.restrict(request.user, "view").select_related("need"), pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    # The type follows the checked extension, never the browser's guess (nosniff).
    content_type = CONTENT_TYPES.get(extension_of(attachment.name), "application/octet-stream")
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def need_triage(request, pk: int):
    """FB 15 moves a need on; a unit's lead or member gets 403 and nothing is written."""
    need = get_object_or_404(Need.objects.restrict(request.user, "view"), pk=pk)
    if not Need.objects.can(request.user, "triage", need):
        raise PermissionDenied
    form = TriageForm(request.POST, need=need, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            need = services.change_state(
                actor=request.user,
                need=need,
                state=data["state"],
                reason=data["reason"],
                measure=data["measure"],
                project=data["project"],
            )
        except services.TriageError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Neuer Stand: „%(state)s“. Der Fachbereich wird per E-Mail informiert.")
                % {"state": need.get_state_display()},
            )
            return HttpResponseRedirect(need.get_absolute_url())
    return render_need(request, need, status=422, triage_form=form)


def _need_to_triage(request, pk: int) -> Need:
    need = get_object_or_404(Need.objects.restrict(request.user, "view"), pk=pk)
    if not Need.objects.can(request.user, "triage", need):
        raise PermissionDenied
    return need


@login_required
@require_POST
def need_score(request, pk: int):
    """FB 15 scores a need; a unit's lead or member gets 403 and nothing is written."""
    need = _need_to_triage(request, pk)
    form = ScoreForm(
        request.POST, criteria=ScoringCriterion.objects.filter(is_active=True), scores={}
    )
    if not form.is_valid():
        return render_need(request, need, status=422, score_form=form)
    total = services.score_need(actor=request.user, need=need, scores=form.scores())
    messages.success(request, _("Bewertung gespeichert: %(total)s Punkte.") % {"total": total})
    return HttpResponseRedirect(need.get_absolute_url())


@login_required
@require_POST
def need_rank(request, pk: int):
    """FB 15 fixes (or frees) the need's place in the ranked list, with a reason."""
    need = _need_to_triage(request, pk)
    form = RankForm(request.POST)
    if form.is_valid():
        try:
            services.override_rank(
                actor=request.user,
                need=need,
                rank=form.cleaned_data["rank"],
                reason=form.cleaned_data["reason"],
            )
        except services.TriageError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, _("Der Rang wurde gespeichert."))
            return HttpResponseRedirect(reverse("need_triage_list"))
    return render_need(request, need, status=422, rank_form=form)


@login_required
@require_GET
def need_triage_list(request):
    """FB 15's ranked list of the open needs (score from the scoring model, fixed ranks)."""
    if not Need.objects.holds(request.user, "triage"):
        raise PermissionDenied
    needs = Need.objects.restrict(request.user, "triage").open().ranked()
    criteria = ScoringCriterion.objects.filter(is_active=True)
    return render(request, "needs/triage_list.html", {"needs": needs, "criteria": list(criteria)})


class ScoringCriterionListView(ObjectListView):
    model = ScoringCriterion
    preline = gettext_lazy("Bedarfe bewerten")
    add_label = gettext_lazy("Kriterium anlegen")
    columns = (
        Column(gettext_lazy("Bezeichnung"), template="needs/inc/cell_criterion.html"),
        Column(gettext_lazy("Gewicht"), "weight", numeric=True),
        Column(gettext_lazy("Reihenfolge"), "position", numeric=True),
        Column(gettext_lazy("aktiv"), "is_active"),
        Column(gettext_lazy("Erläuterung"), "description"),
    )

    def get_queryset(self):
        if not self.request.user.has_perm("needs.view_scoringcriterion"):
            raise PermissionDenied
        return super().get_queryset()


class ScoringCriterionEditView(ObjectEditView):
    model = ScoringCriterion
    form_class = ScoringCriterionForm


# --- adopting as a new measure or project, merging -----------------------------------------


def _adopt_initial(need: Need, model) -> dict:
    """The new item filled from the need: title, description from problem and benefit, the
    need's unit as owner, its confidentiality (and for a measure its trends)."""
    description = _("%(problem)s\n\nErwarteter Nutzen:\n%(benefit)s") % {
        "problem": need.problem,
        "benefit": need.benefit,
    }
    initial = {
        "title": need.title,
        "description": description,
        "owner": need.owner_id,
        "is_confidential": need.is_confidential,
    }
    if model is Measure:
        initial["trends"] = [trend.pk for trend in need.trends.all()]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def need_adopt(request, pk: int, model):
    """FB 15 adopts a need as a new measure or project (`model`): the item's usual form,
    filled from the need; saving creates the item and sets the need to "übernommen"."""
    need = _need_to_triage(request, pk)
    if not model.objects.may_add(request.user):
        raise PermissionDenied
    form_class = MeasureForm if model is Measure else ProjectForm
    data = request.POST if request.method == "POST" else None
    form = form_class(
        data=data, initial=_adopt_initial(need, model), instance=model(), user=request.user
    )
    # The item's first history entry names the need it came from (adopt_as_new).
    del form.fields["change_reason"]
    adopt_form = AdoptForm(data=data)
    status = 200
    if data is not None:
        if form.is_valid() and adopt_form.is_valid():
            try:
                services.adopt_as_new(
                    actor=request.user,
                    need=need,
                    item=form.save(commit=False),
                    m2m=form.m2m_data(),
                    reason=adopt_form.cleaned_data["reason"],
                )
            except services.TriageError as error:
                adopt_form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("„%(item)s“ wurde angelegt; der Bedarf ist übernommen.")
                    % {"item": form.instance},
                )
                return HttpResponseRedirect(form.instance.get_absolute_url())
        status = 422
    context = {
        "need": need,
        "form": form,
        "adopt_form": adopt_form,
        "opts": model._meta,
        "may_adopt": NeedState.ADOPTED in TRANSITIONS[need.state],
    }
    return render(request, "needs/need_adopt.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def need_merge(request, pk: int):
    """FB 15 merges another need into this one (the target keeps its data)."""
    target = _need_to_triage(request, pk)
    data = request.POST if request.method == "POST" else None
    form = MergeForm(data=data, target=target, user=request.user)
    status = 200
    if data is not None:
        if form.is_valid():
            try:
                source = services.merge_needs(
                    actor=request.user,
                    target=target,
                    source=form.cleaned_data["source"],
                    reason=form.cleaned_data["reason"],
                )
            except services.TriageError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "„%(source)s“ wurde hierin zusammengeführt. Der meldende Fachbereich "
                        "wird per E-Mail informiert."
                    )
                    % {"source": source.title},
                )
                return HttpResponseRedirect(target.get_absolute_url())
        status = 422
    context = {"need": target, "form": form, "may_merge": target.state != NeedState.MERGED}
    return render(request, "needs/need_merge.html", context, status=status)


# --- priority rounds ---------------------------------------------------------------------


class PriorityRoundListView(ObjectListView):
    model = PriorityRound
    preline = gettext_lazy("Prioritäten im Benehmen mit den Fachbereichen")
    add_label = gettext_lazy("Runde anlegen")
    columns = (
        Column(gettext_lazy("Runde"), "label", link=True),
        Column(gettext_lazy("Beginn"), "starts_on"),
        Column(gettext_lazy("Ende"), "ends_on"),
        Column(gettext_lazy("abgeschlossen am"), "closed_at"),
    )
    empty_message = gettext_lazy("Noch keine Prioritätenrunden.")
    empty_actions = (
        EmptyAction(gettext_lazy("Runde anlegen"), "priorityround_add", may_add(PriorityRound)),
    )


class PriorityRoundEditView(ObjectEditView):
    model = PriorityRound
    form_class = PriorityRoundForm

    def get_form(self, obj, data=None):
        form = super().get_form(obj, data)
        if not obj.pk and data is None:
            form.initial.update(services.default_round_values())
        return form


class PriorityRoundDetailView(ObjectDetailView):
    model = PriorityRound

    def preline(self):
        return _("Prioritätenrunde")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, round = self.request.user, self.object
        proposals = list(
            PriorityProposal.objects.restrict(user, "view")
            .filter(round=round)
            .select_related("need", "measure", "unit", "stated_by")
        )
        own_units = set(units_of(user).values_list("pk", flat=True))
        readable_needs = set(
            Need.objects.restrict(user, "view")
            .filter(pk__in=[p.need_id for p in proposals if p.need_id])
            .values_list("pk", flat=True)
        )
        for proposal in proposals:
            proposal.may_respond = round.is_open and proposal.unit_id in own_units
            proposal.item_is_readable = proposal.measure_id or proposal.need_id in readable_needs
        context["proposals"] = proposals
        context["response_errors"] = kwargs.get("response_errors", [])
        if round.is_open and PriorityProposal.objects.may_add(user):
            context["proposal_form"] = kwargs.get("proposal_form") or ProposalForm(user=user)
        context["may_close"] = round.is_open and PriorityRound.objects.can(user, "close", round)
        return context


def _render_round(request, round, status, **extra):
    view = PriorityRoundDetailView()
    view.setup(request, pk=round.pk)
    view.object = round
    context = view.get_context_data(object=round, **extra)
    return render(request, "needs/priorityround_detail.html", context, status=status)


@login_required
@require_POST
def priority_propose(request, pk: int):
    """FB 15 proposes a priority for a need or measure in an open round."""
    round = get_object_or_404(PriorityRound.objects.restrict(request.user, "view"), pk=pk)
    if not PriorityProposal.objects.may_add(request.user):
        raise PermissionDenied
    form = ProposalForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.propose_priority(
                actor=request.user,
                round=round,
                priority=data["priority"],
                note=data["note"],
                need=data["need"],
                measure=data["measure"],
            )
        except services.TriageError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Der Vorschlag wurde gespeichert."))
            return HttpResponseRedirect(round.get_absolute_url())
    return _render_round(request, round, 422, proposal_form=form)


@login_required
@require_POST
def priority_respond(request, pk: int):
    """The owning unit agrees or objects; FB 15 and other units may not answer for it."""
    proposal = get_object_or_404(
        PriorityProposal.objects.restrict(request.user, "view").select_related("round"), pk=pk
    )
    if not units_of(request.user).filter(pk=proposal.unit_id).exists():
        raise PermissionDenied
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.respond_to_proposal(
                actor=request.user,
                proposal=proposal,
                agree=form.cleaned_data["statement"] == Statement.AGREED,
                comment=form.cleaned_data["comment"],
            )
        except services.TriageError as error:
            form.add_error("comment", str(error))
        else:
            messages.success(request, _("Ihre Stellungnahme wurde gespeichert."))
            return HttpResponseRedirect(proposal.round.get_absolute_url())
    errors = [error for errors in form.errors.values() for error in errors]
    return _render_round(request, proposal.round, 422, response_errors=errors)


@login_required
@require_POST
def priorityround_close(request, pk: int):
    round = get_object_or_404(PriorityRound.objects.restrict(request.user, "view"), pk=pk)
    if not PriorityRound.objects.can(request.user, "close", round):
        raise PermissionDenied
    try:
        services.close_round(actor=request.user, round=round)
    except services.TriageError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Die Runde wurde abgeschlossen."))
    return HttpResponseRedirect(round.get_absolute_url())


class PriorityRoundHistoryView(ObjectHistoryView):
    model = PriorityRound


# --- synergies -----------------------------------------------------------------------------

SYNERGY_PAGE_SIZE = 20  # needs with their similar items per page


@login_required
@require_GET
def synergies(request):
    """FB 15's Synergien page: open needs with their stored similar items of other units
    (computed in the background, needs/tasks.py), and the marked pairs."""
    if not request.user.has_perm("needs.view_synergymark"):
        raise PermissionDenied
    needs = synergy_services.synergy_needs(request.user)
    page_obj = Paginator(needs, SYNERGY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "clusters": synergy_services.clusters(request.user, page_obj.object_list),
        "computed_at": synergy_services.last_computed(),
        "marked": synergy_services.marked_pairs(request.user),
        "may_mark": SynergyMark.objects.may_add(request.user),
        "mark_kinds": SynergyKind.choices,
    }
    return render(request, "needs/synergies.html", context)


@login_required
@require_GET
def similar_items(request, model: str, pk: int):
    """The box "Ähnliche Vorhaben in anderen Fachbereichen" of a need, measure or project the
    user may read: swapped into the item's page by htmx, or a page of its own (the plain
    link, without JavaScript)."""
    obj = synergy_services.readable_item(request.user, f"{model}:{pk}")
    if obj is None:
        raise Http404
    partial = htmx_partial(request)
    # Three kinds of item restricted for one reader: the grants read once (as lists of ids).
    with remembered_grants():
        context = similar_items_context(
            request, obj, obj.get_absolute_url() if partial else request.get_full_path()
        )
    if partial:
        return render(request, "needs/inc/panel_similar.html", context)
    context["kind"] = obj._meta.verbose_name
    return render(request, "needs/similar_items.html", context)


@login_required
@require_POST
def synergy_mark(request):
    """FB 15 marks a pair: zusammenführen / abstimmen / kein Zusammenhang."""
    if not SynergyMark.objects.may_add(request.user):
        raise PermissionDenied
    first = synergy_services.readable_item(request.user, request.POST.get("key_a", ""))
    second = synergy_services.readable_item(request.user, request.POST.get("key_b", ""))
    if first is None or second is None:
        raise Http404
    kind = request.POST.get("kind", "")
    target = safe_next(request, reverse("synergies"))
    if kind not in SynergyKind.values or first == second:
        messages.error(request, _("Bitte wählen Sie eine der drei Einschätzungen."))
        return HttpResponseRedirect(target)
    mark = synergy_services.mark_pair(
        actor=request.user,
        key_a=synergy_services.item_key(first),
        key_b=synergy_services.item_key(second),
        kind=kind,
    )
    messages.success(
        request,
        _("„%(a)s“ und „%(b)s“: %(kind)s.")
        % {"a": first.title, "b": second.title, "kind": mark.get_kind_display()},
    )
    return HttpResponseRedirect(target)


def render_need(request, need, status=200, **extra):
    view = NeedDetailView()
    view.setup(request, pk=need.pk)
    view.object = need
    context = view.get_context_data(object=need, **extra)
    return render(request, "needs/need_detail.html", context, status=status)
