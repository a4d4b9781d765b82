"""Pages of the Digital Strategy: read, edit, publish, view as of a moment, compare, history.

Who sees what: everybody with a role reads published revisions. The working draft (the live
tables, their history and comparisons with it) is for holders of
`strategy.view_draft_strategy` (Strategieteam, Mitarbeitende); the council (Rat) reads the
latest published revision by default. Editing needs the model permissions (Strategieteam).
"""

from __future__ import annotations

from itertools import pairwise
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from fb15.empty_state import IMPORT_ACTION, EmptyAction, empty_state, may_add
from fb15.htmx import htmx_partial
from fb15.views.generic import (
    Column,
    ObjectDeleteView,
    ObjectEditView,
    ObjectHistoryView,
    PageAction,
    RestrictedMixin,
)

from . import services
from .forms import (
    AsOfForm,
    FieldOfActionForm,
    GoalForm,
    RestoreForm,
    RevisionAmendForm,
    RevisionPublishForm,
    StrategyForm,
)
from .models import FieldOfAction, Goal, Revision, Strategy, may_read_draft
from .tree import CONTENT, GOAL_ITEMS, PROGRESS, build_tree, changed_items, diff_trees

DRAFT = "entwurf"

# The strategy page while there is no strategy, or one without fields of action.
EMPTY_STRATEGY = gettext_lazy("Noch keine Strategie erfasst.")
NEW_STRATEGY_ACTIONS = (
    EmptyAction(gettext_lazy("Strategie anlegen"), "strategy_edit", may_add(Strategy)),
)
EMPTY_STRATEGY_ACTIONS = (
    EmptyAction(gettext_lazy("Handlungsfeld anlegen"), "fieldofaction_add", may_add(FieldOfAction)),
    IMPORT_ACTION,
)


can_read_draft = may_read_draft


def _readable_strategy(request) -> Strategy | None:
    return services.readable_strategy(request.user)


def _revisions(request, strategy) -> list[Revision]:
    if strategy is None:
        return []
    return list(Revision.objects.restrict(request.user, "view").filter(strategy=strategy))


def _tree_context(request, strategy, tree, **extra) -> dict:
    return {
        "strategy": tree.strategy or strategy,
        "tree": tree,
        "goal_items": GOAL_ITEMS,
        "can_read_draft": can_read_draft(request.user),
        **extra,
    }


@login_required
def strategy_detail(request):
    """The strategy on one page: the draft for the strategy office and staff, the latest
    published revision for the council."""
    strategy = _readable_strategy(request)
    revisions = _revisions(request, strategy)
    latest = revisions[0] if revisions else None
    user = request.user
    if strategy is None:
        return render(
            request,
            "strategy/strategy_detail.html",
            {
                "strategy": None,
                "empty_state": empty_state(user, EMPTY_STRATEGY, NEW_STRATEGY_ACTIONS),
            },
        )
    empty = None
    if can_read_draft(user):
        tree = build_tree(strategy, user=user, inline_limit=INLINE_ITEMS)
        shown_revision = None
        if not tree.fields:
            empty = empty_state(user, EMPTY_STRATEGY, EMPTY_STRATEGY_ACTIONS)
    elif latest:
        # The adopted text of the latest revision, with the measures' current state below it.
        tree = services.revision_tree(latest, user=user, live_items=True, inline_limit=INLINE_ITEMS)
        shown_revision = latest
    else:
        tree = None
        shown_revision = None
    can_edit = Strategy.objects.can(user, "change_draft", strategy)
    return render(
        request,
        "strategy/strategy_detail.html",
        _tree_context(
            request,
            strategy,
            tree,
            latest=latest,
            shown_revision=shown_revision,
            live_items=shown_revision is not None,
            is_draft=shown_revision is None,
            can_edit=can_edit,
            can_edit_goals=can_edit and Goal.objects.may_add(user),
            can_publish=Strategy.objects.holds(user, "publish"),
            empty_state=empty,
        )
        if tree
        else {"strategy": strategy, "tree": None, "latest": None},
    )


# Goals with more items (measures) than this show their roll-up and load the list on
# demand, so the strategy page stays small at any size of the portfolio.
INLINE_ITEMS = 25
GOAL_ITEMS_PAGE_SIZE = 50


@login_required
@require_GET
def goal_items(request, pk: int, key: str):
    """The items (measures) below one goal, a page at a time: on demand from the strategy
    page (htmx swaps the list in) or as a page of its own (the plain link).

    The moment is the page's: no parameters for the strategy page (the draft, or for the
    council the latest revision with the items' current state), `revision`/`datum` as on
    the as-of page. The goal must exist then; the items are those the user may read.
    """
    spec = GOAL_ITEMS.get(key)
    strategy = _readable_strategy(request)
    if spec is None or strategy is None:
        raise Http404
    revisions = _revisions(request, strategy)
    items_query = ""
    if "revision" in request.GET or "datum" in request.GET:
        form = AsOfForm(request.GET, revisions=revisions)
        if not form.is_valid():
            raise Http404
        when, _in_force = services.moment_as_of(
            request.user,
            revisions,
            number=form.cleaned_data.get("revision"),
            day=form.cleaned_data.get("datum"),
        )
        if when is None:
            raise Http404
        items_when = when
        items_query = urlencode(
            {name: request.GET[name] for name in ("revision", "datum") if name in request.GET}
        )
    elif can_read_draft(request.user):
        when = items_when = None
    elif revisions:
        when, items_when = revisions[0].published_at, None
    else:
        raise Http404
    if when is None:
        goals = Goal.objects.restrict(request.user, "view").filter(
            field_of_action__strategy=strategy
        )
    else:
        fields = FieldOfAction.history.as_of(when).filter(strategy_id=strategy.pk)
        goals = Goal.history.as_of(when).filter(field_of_action_id__in=fields.values("id"))
    goal = goals.filter(pk=pk).first()
    if goal is None:
        raise Http404
    rows = spec.queryset([goal.pk], items_when, request.user).order_by(*spec.order_by)
    page = Paginator(rows, GOAL_ITEMS_PAGE_SIZE).get_page(request.GET.get("seite"))
    context = {
        "goal": goal,
        "key": key,
        "label": spec.label,
        "page": page,
        "items_query": items_query,
        "back_url": (
            f"{reverse('strategy_as_of')}?{items_query}"
            if items_query
            else reverse("strategy_detail")
        )
        + f"#ziel-{goal.pk}",
    }
    if htmx_partial(request):
        return render(request, "strategy/inc/goal_items.html", context)
    return render(request, "strategy/goal_items.html", context)


@login_required
def strategy_as_of(request):
    """The strategy as published in a revision, or as it stood at the end of a day.

    The council sees for a day the revision in force then; draft readers see the exact
    state of that day, with the revision in force named in the banner.
    """
    strategy = _readable_strategy(request)
    if strategy is None:
        raise Http404
    revisions = _revisions(request, strategy)
    form = AsOfForm(request.GET or None, revisions=revisions)
    context = {"strategy": strategy, "form": form, "revisions": revisions}
    if not form.is_bound:
        return render(request, "strategy/strategy_as_of.html", context)
    if not form.is_valid():
        return render(request, "strategy/strategy_as_of.html", context, status=400)
    day = form.cleaned_data.get("datum")
    number = form.cleaned_data.get("revision")
    when, revision = services.moment_as_of(request.user, revisions, number=number, day=day)
    tree = (
        build_tree(strategy, when, user=request.user, inline_limit=INLINE_ITEMS) if when else None
    )
    older = [r for r in revisions if revision and r.number < revision.number]
    context.update(
        _tree_context(
            request,
            strategy,
            tree,
            revision=revision,
            previous_revision=older[0] if older else None,
            day=None if number else day,
            items_query=urlencode({"revision": number} if number else {"datum": day.isoformat()}),
        )
        if tree
        else {"tree": None, "revision": revision, "day": day, "can_read_draft": False}
    )
    # The strategy's own title and Leitbild as they stood then, not today's.
    context["strategy"] = tree.strategy if tree and tree.strategy else strategy
    return render(request, "strategy/strategy_as_of.html", context)


# Longer lists of changed goal items (measures) are paged, so a comparison across many
# reporting cycles stays readable; the diff itself is computed in memory either way.
COMPARE_PAGE_SIZE = 100
VIEW_LABELS = {
    CONTENT: gettext_lazy("Strategieinhalt"),
    PROGRESS: gettext_lazy("Umsetzungsstand"),
}


@login_required
def strategy_compare(request):
    """Two revisions, or a revision and today's draft, side by side as a list of changes.

    Two views (`?ansicht=`): „Strategieinhalt“ (default) lists what the council decides —
    structure and texts, word by word; „Umsetzungsstand“ what the units report — status,
    traffic light, progress and dates (strategy.tree.PROGRESS_ASPECTS draws the line).
    Both read the trees through the user's restriction.
    """
    strategy = _readable_strategy(request)
    if strategy is None:
        raise Http404
    revisions = _revisions(request, strategy)
    by_number = {str(r.number): r for r in revisions}
    draft_allowed = can_read_draft(request.user)
    start, end = request.GET.get("von"), request.GET.get("bis")
    view_key = PROGRESS if request.GET.get("ansicht") == PROGRESS else CONTENT
    if start is None and end is None and revisions:
        if draft_allowed:
            start, end = str(revisions[0].number), DRAFT
        elif len(revisions) > 1:
            start, end = str(revisions[1].number), str(revisions[0].number)
    context = {
        "strategy": strategy,
        "revisions": revisions,
        "draft_allowed": draft_allowed,
        "start": start,
        "end": end,
        "DRAFT": DRAFT,
        "view_key": view_key,
        "PROGRESS": PROGRESS,
    }
    if start is None or end is None:
        return render(request, "strategy/strategy_compare.html", context)
    if end == DRAFT and not draft_allowed:
        raise PermissionDenied
    if start not in by_number or (end != DRAFT and end not in by_number):
        context["error"] = _(
            "Bitte zwei veröffentlichte Fortschreibungen (oder den Entwurf) wählen."
        )
        return render(request, "strategy/strategy_compare.html", context, status=400)
    old_revision = by_number[start]
    new_revision = None if end == DRAFT else by_number[end]
    # Only goal items with a history record in between can differ: the others are not loaded.
    if new_revision is None:
        only = changed_items(old_revision.published_at, None)
    else:
        only = changed_items(*sorted([old_revision.published_at, new_revision.published_at]))
    old_tree = services.revision_tree(old_revision, user=request.user, only_items=only)
    new_tree = (
        services.revision_tree(new_revision, user=request.user, only_items=only)
        if new_revision
        else build_tree(strategy, user=request.user, only_items=only)
    )
    diff = diff_trees(old_tree, new_tree)
    views = {key: diff.view(key) for key in VIEW_LABELS}
    shown = views[view_key]
    for section in shown.sections:
        if section.is_item and len(section.rows) > COMPARE_PAGE_SIZE:
            section.page = Paginator(section.rows, COMPARE_PAGE_SIZE).get_page(
                request.GET.get("seite")
            )
    context.update(
        old_revision=old_revision,
        new_revision=new_revision,
        diff=diff,
        view=shown,
        view_tabs=[(key, label, views[key].count) for key, label in VIEW_LABELS.items()],
        view_label=VIEW_LABELS[view_key],
        goal_items=GOAL_ITEMS,
    )
    return render(request, "strategy/strategy_compare.html", context)


# --------------------------------------------------------------------------- revisions


REVISION_COLUMNS = (
    Column(gettext_lazy("Nr."), "number"),
    Column(gettext_lazy("Titel"), template="strategy/inc/cell_revision_title.html"),
    Column(gettext_lazy("Ratsbeschluss"), template="strategy/inc/cell_revision_decision.html"),
    Column(gettext_lazy("Veröffentlicht"), "published_at"),
    Column(gettext_lazy("Aktionen"), template="strategy/inc/cell_revision_actions.html"),
)


@login_required
def revision_list(request):
    strategy = _readable_strategy(request)
    revisions = list(_revisions(request, strategy))
    for revision, previous in pairwise([*revisions, None]):
        revision.previous = previous  # the one before it (the oldest has none)
    may_publish = strategy is not None and Strategy.objects.can(request.user, "publish", strategy)
    return render(
        request,
        "generic/object_list.html",
        {
            "heading": _("Fortschreibungen"),
            "preline": strategy.title if strategy else _("Digitale Strategie"),
            "page_actions": [
                PageAction(
                    _("Fortschreibung veröffentlichen"), reverse("revision_publish"), "primary"
                )
            ]
            if may_publish and revisions
            else [],
            "columns": REVISION_COLUMNS,
            "object_list": revisions,
            "can_change": Revision.objects.restrict(request.user, "change").exists(),
            "can_read_draft": can_read_draft(request.user),
            "empty_state": None
            if revisions
            else empty_state(
                request.user,
                _("Es ist noch keine Fortschreibung veröffentlicht."),
                [
                    EmptyAction(
                        _("Fortschreibung veröffentlichen"),
                        "revision_publish",
                        lambda user: may_publish,
                    )
                ],
            ),
        },
    )


@login_required
def revision_publish(request):
    """Publish the current draft as a new revision (Fortschreibung)."""
    if not Strategy.objects.holds(request.user, "publish"):
        raise PermissionDenied
    strategy = services.current_strategy()
    if strategy is None:
        raise Http404
    if not Strategy.objects.can(request.user, "publish", strategy):
        raise PermissionDenied
    latest = Revision.objects.filter(strategy=strategy).order_by("-number").first()
    form = RevisionPublishForm(
        request.POST or None,
        initial={
            "number": (latest.number + 1) if latest else 1,
            "decided_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.publish_revision(
                actor=request.user, strategy=strategy, **form.cleaned_data
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(
                request,
                _("Fortschreibung Nr. %(number)s ist veröffentlicht und damit eingefroren.")
                % {"number": revision.number},
            )
            return HttpResponseRedirect(reverse("revision_list"))
    pending = None
    if latest:
        only = changed_items(latest.published_at, None)  # the goal items that can differ
        pending = diff_trees(
            services.revision_tree(latest, user=request.user, only_items=only),
            build_tree(strategy, user=request.user, only_items=only),
        )
    return render(
        request,
        "strategy/revision_publish.html",
        {"form": form, "latest": latest, "pending": pending, "DRAFT": DRAFT},
        status=422 if form.is_bound else 200,
    )


class RevisionAmendView(RestrictedMixin, View):
    """A published revision is frozen: only its summary can be amended."""

    model = Revision

    def get_object(self):
        revision = get_object_or_404(self.restricted("view"), pk=self.kwargs["pk"])
        if not Revision.objects.can(self.request.user, "change", revision):
            raise PermissionDenied
        return revision

    def initial(self, revision):
        return {
            "number": revision.number,
            "title": revision.title,
            "decided_on": revision.decided_on,
            "decision_reference": revision.decision_reference,
            "summary": revision.summary,
            "version": revision.updated_at.isoformat(),
        }

    def render_form(self, revision, form, status=200):
        return render(
            self.request,
            "strategy/revision_amend.html",
            {"object": revision, "form": form, "opts": Revision._meta},
            status=status,
        )

    def get(self, request, pk):
        revision = self.get_object()
        return self.render_form(revision, RevisionAmendForm(initial=self.initial(revision)))

    def post(self, request, pk):
        revision = self.get_object()
        form = RevisionAmendForm(request.POST)
        if form.is_valid():
            data = {
                k: v for k, v in form.cleaned_data.items() if k not in ("version", "change_reason")
            }
            try:
                services.amend_revision(
                    actor=request.user,
                    revision=revision,
                    data=data,
                    reason=form.cleaned_data["change_reason"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("„%(obj)s“ wurde gespeichert.") % {"obj": revision})
                return HttpResponseRedirect(reverse("revision_list"))
        return self.render_form(revision, form, status=422)


class RevisionHistoryView(ObjectHistoryView):
    model = Revision


# --------------------------------------------------------------------------- draft editing


class DraftReaderMixin:
    """History and editing concern the unpublished draft: not for the council.

    The object comes through restrict() as everywhere (not readable: 404); the draft right
    on it is the named action `view_draft` (missing: 403).
    """

    def require_draft_right(self, obj):
        user = self.request.user
        may = (
            self.model.objects.can(user, "view_draft", obj)
            if obj.pk
            else self.model.objects.holds(user, "view_draft")
        )
        if not may:
            raise PermissionDenied
        return obj

    def get_object(self):
        return self.require_draft_right(super().get_object())

    def get_history_object(self):
        return self.require_draft_right(super().get_history_object())


class StrategyEditView(DraftReaderMixin, ObjectEditView):
    model = Strategy
    form_class = StrategyForm

    def get_object(self):
        strategy = services.current_strategy()
        if strategy is None:
            self.kwargs.pop("pk", None)
            return super().get_object()
        self.kwargs["pk"] = strategy.pk
        return super().get_object()


class FieldOfActionEditView(DraftReaderMixin, ObjectEditView):
    model = FieldOfAction
    form_class = FieldOfActionForm

    def get_object(self):
        obj = super().get_object()
        if obj.pk is None:
            strategy = services.current_strategy()
            if strategy is None:
                raise Http404
            obj.strategy = strategy
        return obj

    service = staticmethod(services.save_field_of_action)


class GoalEditView(DraftReaderMixin, ObjectEditView):
    model = Goal
    form_class = GoalForm

    def get_object(self):
        obj = super().get_object()
        if obj.pk is None:
            chosen = self.request.GET.get("handlungsfeld", "")
            if chosen.isdigit():
                obj.field_of_action = FieldOfAction.objects.filter(pk=chosen).first()
        return obj

    def get_form(self, obj, data=None):
        return GoalForm(
            data=data, instance=obj, strategy=services.current_strategy(), user=self.request.user
        )

    service = staticmethod(services.save_goal)


class FieldOfActionDeleteView(DraftReaderMixin, ObjectDeleteView):
    model = FieldOfAction
    success_url_name = "strategy_detail"


class GoalDeleteView(DraftReaderMixin, ObjectDeleteView):
    model = Goal
    success_url_name = "strategy_detail"


class StrategyObjectHistoryView(DraftReaderMixin, ObjectHistoryView):
    """History tab of the draft's objects, with "restore" for those who may change them."""


class FieldOfActionHistoryView(StrategyObjectHistoryView):
    model = FieldOfAction
    restore_url_name = "fieldofaction_restore"


class GoalHistoryView(StrategyObjectHistoryView):
    model = Goal
    restore_url_name = "goal_restore"


class StrategyHistoryView(StrategyObjectHistoryView):
    model = Strategy
    restore_url_name = "strategy_restore"

    def get_history_object(self):
        strategy = self.restricted("view").order_by("pk").first()
        if strategy is None:
            raise Http404
        return self.require_draft_right(strategy)


def _changeable(request, model, pk):
    obj = get_object_or_404(model.objects.restrict(request.user, "view"), pk=pk)
    if not model.objects.can(request.user, "change_draft", obj):
        raise PermissionDenied
    return obj


@login_required
@require_POST
def move(request, model_name: str, pk: int):
    model = {"fieldofaction": FieldOfAction, "goal": Goal}[model_name]
    obj = _changeable(request, model, pk)
    direction = "up" if request.POST.get("richtung") == "hoch" else "down"
    if services.move(actor=request.user, obj=obj, direction=direction):
        messages.success(request, _("Die Reihenfolge wurde geändert."))
    return HttpResponseRedirect(obj.get_absolute_url())


@login_required
def restore(request, model_name: str, history_id: int, pk: int | None = None):
    """Confirm and restore an older version's text; adds a history entry."""
    model = {"strategy": Strategy, "fieldofaction": FieldOfAction, "goal": Goal}[model_name]
    if pk is None:  # the strategy itself: the one strategy
        strategy = services.current_strategy()
        pk = strategy.pk if strategy else 0
    obj = _changeable(request, model, pk)
    record = get_object_or_404(obj.history.all(), history_id=history_id)
    form = RestoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.restore_version(
                actor=request.user, history_record=record, reason=form.cleaned_data["reason"]
            )
        messages.success(request, _("Die ältere Fassung wurde wiederhergestellt."))
        args = [] if model is Strategy else [obj.pk]
        return HttpResponseRedirect(reverse(f"{model_name}_history", args=args))
    changes = [
        {
            "label": model._meta.get_field(name).verbose_name,
            "current": getattr(obj, name),
            "restored": getattr(record, name),
        }
        for name in services.RESTORED_FIELDS[model]
        if getattr(obj, name) != getattr(record, name)
    ]
    return render(
        request,
        "strategy/restore_confirm.html",
        {"object": obj, "record": record, "changes": changes, "form": form, "opts": model._meta},
    )
