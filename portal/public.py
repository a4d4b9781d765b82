"""What anyone may read on the public portal: one place for its pages and its open data.

- the strategy as adopted in its latest published revision (fields of action, goals and the
  Leitbild from history: no draft text);
- below its goals the measures every reader may see (`Measure.objects.public_condition()`,
  restrict()'s one confidentiality rule) with their current status, traffic light and
  progress;
- the released reports FB 15 marked public (`Report.objects.public()`);
- names of staff only when FB 15 switched them on.

A fixed number of queries, whatever the number of measures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from fb15.models import OrgUnit
from measures.models import Measure, ReportingPeriod
from reporting import charts
from reporting.models import Report, ScopeKind
from strategy.models import Revision
from strategy.services import revision_tree
from strategy.tree import FieldNode, GoalNode, Rollup, StrategyTree

from .models import PortalSettings


@dataclass
class PublicMeasure:
    """One measure as the public sees it, with the numbers of its field of action and goal."""

    field: FieldNode
    goal: GoalNode
    measure: Measure
    unit: OrgUnit | None
    period: ReportingPeriod | None
    responsible: str = ""


@dataclass
class PublicStrategy:
    revision: Revision
    tree: StrategyTree
    measures: list[PublicMeasure] = field(default_factory=list)
    _grouped: dict | None = field(default=None, repr=False)

    @property
    def strategy(self):
        return self.tree.strategy

    @property
    def rollup(self) -> Rollup | None:
        return Rollup.of([row.measure for row in self.measures])

    @property
    def modified(self) -> datetime.datetime:
        """When the published data last changed: the revision or a measure."""
        return max([self.revision.published_at, *(row.measure.updated_at for row in self.measures)])

    def measures_of(self, goal: GoalNode) -> list[PublicMeasure]:
        return self._by_goal().get(goal.number, [])

    def sections(self) -> list[tuple[FieldNode, list[tuple[GoalNode, list[PublicMeasure]]]]]:
        """Fields of action with their goals and each goal's public measures (templates)."""
        return [
            (node, [(goal, self.measures_of(goal)) for goal in node.goals])
            for node in self.tree.fields
        ]

    def _by_goal(self) -> dict[str, list[PublicMeasure]]:
        if self._grouped is None:
            self._grouped = {}
            for row in self.measures:
                self._grouped.setdefault(row.goal.number, []).append(row)
        return self._grouped

    def light_bars(self) -> list[charts.LightBar]:
        """Measures per traffic light and field of action, for the Lagebild chart."""
        return [
            charts.LightBar(
                f"{node.number} {node.field.title}",
                {share.value: share.count for share in node.rollup.shares},
            )
            for node in self.tree.fields
            if node.rollup
        ]


def latest_revision() -> Revision | None:
    return Revision.objects.select_related("strategy").order_by("-published_at").first()


def public_strategy(settings: PortalSettings) -> PublicStrategy | None:
    """The latest published strategy with its public measures; None before the first
    revision (the working state is a draft and never public)."""
    revision = latest_revision()
    if revision is None:
        return None
    tree = revision_tree(revision, live_items=True, public=True)
    if tree.strategy is None:
        return None
    rows = [
        (node, goal, measure)
        for node in tree.fields
        for goal in node.goals
        for measure in goal.items.get("measures", [])
    ]
    measures = [measure for _node, _goal, measure in rows]
    units = OrgUnit.objects.in_bulk({m.owner_id for m in measures})
    periods = ReportingPeriod.objects.in_bulk(
        {m.last_update_period_id for m in measures if m.last_update_period_id}
    )
    names = staff_names(measures) if settings.shows_staff_names else {}
    result = PublicStrategy(revision, tree)
    result.measures = [
        PublicMeasure(
            node,
            goal,
            measure,
            units.get(measure.owner_id),
            periods.get(measure.last_update_period_id),
            names.get(measure.responsible_id, ""),
        )
        for node, goal, measure in rows
    ]
    return result


def staff_names(measures: list[Measure]) -> dict[int, str]:
    """Full names of the responsible people (no user names, no e-mail addresses)."""
    ids = {m.responsible_id for m in measures if m.responsible_id}
    users = get_user_model()._base_manager.filter(pk__in=ids).only("first_name", "last_name")
    return {user.pk: user.get_full_name() for user in users if user.get_full_name()}


def public_reports():
    """Released reports marked public, newest period first."""
    return Report.objects.public().select_related("field_of_action", "unit")


def report_scope(report: Report) -> str:
    """What a public report covers. A field of action is named by its number only: its live
    title may be a draft, while the PDF carries the title as released."""
    if report.scope_kind == ScopeKind.FIELD and report.field_of_action_id:
        label = _("Handlungsfeld %(number)s") % {"number": report.field_of_action.position}
        if report.priority_only:
            return _("%(scope)s, nur Priorität hoch") % {"scope": label}
        return label
    return report.scope_label
