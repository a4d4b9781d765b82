"""Reading the strategy as one tree: live (the draft) or as of a moment, and comparing two.

A snapshot costs one query per model, live or from history (`Model.history.as_of(when)`);
the tree, the numbering ("2.3") and the roll-ups are built in Python. Other apps hang their
rows below goals by registering a `GoalItems` (measures do: `register_goal_items(...)` in
their AppConfig.ready), so this module never imports them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from types import SimpleNamespace

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from fb15.diffs import WordDiff, is_free_text, word_diff

from .models import FieldOfAction, Goal, Strategy

# --------------------------------------------------------------------------- extension point


@dataclass(frozen=True)
class GoalItems:
    """Rows of another app that belong to a goal (e.g. measures), shown and compared with it.

    `model` must carry simple-history and a foreign key to `Goal` named by `goal_field`.
    If the rows have `traffic_light` (with choices) and `progress`, goals and fields of action
    get a roll-up: share of rows per traffic light and average progress.
    Rows (live or historical) are filtered by what the user may read, decided by the model's
    own `history_condition(user)` (restrict()'s confidentiality rule on the live rows);
    `visible_to(user)` overrides it for a model without restrict().
    """

    key: str
    model: type[models.Model]
    label: str
    goal_field: str = "goal"
    compared_fields: tuple[str, ...] = ("title",)
    live_queryset: Callable[[], models.QuerySet] | None = None
    order_by: tuple[str, ...] = ("pk",)  # of a goal's list shown on its own
    url_name: str = ""  # the row's page, reversed with its pk (else get_absolute_url)
    visible_to: Callable[[object], models.Q] | None = None

    def queryset(
        self, goal_ids, when: datetime.datetime | None, user=None, only=None, public=False
    ) -> models.QuerySet:
        """Rows below the goals, live (`when` None) or as of `when`; readable by `user`, or
        by anyone (`public`: the public portal, restrict()'s confidentiality rule alone);
        only those with a pk in `only` (a subquery) if given."""
        rows = (
            (self.live_queryset() if self.live_queryset else self.model._base_manager.all())
            if when is None
            else self.model.history.as_of(when)
        ).filter(**{f"{self.goal_field}_id__in": list(goal_ids)})
        if only is not None:
            rows = rows.filter(**{f"{self.model._meta.pk.attname}__in": only})
        if public:
            if self.visible_to is not None:
                return rows.none()  # rows read by a rule of their own are never public
            manager = self.model.objects
            rows = rows.filter(
                manager.public_condition() if when is None else manager.public_history_condition()
            )
        elif user is not None:
            rows = rows.filter(self.readable_condition(user))
        return rows

    def load(
        self,
        goal_ids: Iterable[int],
        when: datetime.datetime | None,
        user=None,
        only=None,
        public=False,
    ) -> list:
        return list(self.queryset(goal_ids, when, user, only, public))

    def load_compared(
        self, goal_ids: Iterable[int], when: datetime.datetime | None, user=None, only=None
    ) -> list:
        """The rows as a comparison reads them (`diff_trees`): their pk, goal, title and
        compared fields as light records instead of model instances. A comparison of
        hundreds of changed rows then builds no models (from history: two per row).

        Compared fields that are relations would read as ids here: such a kind of item is
        loaded as instances (`load`)."""
        opts = self.model._meta
        if any(opts.get_field(name).is_relation for name in self.compared_fields):
            return self.load(goal_ids, when, user, only)
        pk_name = opts.pk.attname
        names = {pk_name, f"{self.goal_field}_id", "title", *self.compared_fields}
        rows = self.queryset(goal_ids, when, user, only).values(*names)
        return [ComparedRow(pk=row[pk_name], **row) for row in rows]

    def changed_between(self, start: datetime.datetime, end: datetime.datetime | None):
        """Pks of the rows with a history record after `start` (up to `end`): the only rows
        that can differ between the two moments (a subquery)."""
        records = self.model.history.filter(history_date__gt=start)
        if end is not None:
            records = records.filter(history_date__lte=end)
        return records.values(self.model._meta.pk.attname)

    @property
    def has_rollup(self) -> bool:
        names = {f.name for f in self.model._meta.get_fields()}
        return {"traffic_light", "progress"} <= names

    def counts(
        self, goal_ids, when: datetime.datetime | None, user=None, public=False
    ) -> dict[int, Counts]:
        """Per goal: how many rows per traffic light, and their progress (one query)."""
        goal_key = f"{self.goal_field}_id"
        rows = self.queryset(goal_ids, when, user, public=public).order_by()
        if not self.has_rollup:
            grouped = rows.values(goal_key).annotate(count=models.Count("*"))
            return {row[goal_key]: Counts({"": row["count"]}) for row in grouped}
        grouped = rows.values(goal_key, "traffic_light").annotate(
            count=models.Count("*"),
            progress_sum=models.Sum("progress"),
            progress_count=models.Count("progress"),
        )
        result: dict[int, Counts] = defaultdict(Counts)
        for row in grouped:
            result[row[goal_key]] += Counts(
                {row["traffic_light"]: row["count"]},
                row["progress_sum"] or 0,
                row["progress_count"],
            )
        return dict(result)

    def readable_condition(self, user) -> models.Q:
        if self.visible_to is not None:
            return self.visible_to(user)
        return self.model.objects.history_condition(user)

    def goal_id(self, item) -> int:
        return getattr(item, f"{self.goal_field}_id")


class ComparedRow(SimpleNamespace):
    """A goal item's values as `GoalItems.load_compared` reads them (attribute access, as
    on the model)."""


GOAL_ITEMS: dict[str, GoalItems] = {}


def register_goal_items(items: GoalItems) -> None:
    """Called once by an app that hangs rows below goals (idempotent per key)."""
    GOAL_ITEMS[items.key] = items


# --------------------------------------------------------------------------- roll-up


@dataclass
class LightShare:
    value: str
    label: str
    count: int
    percent: int


@dataclass
class Counts:
    """Rows per traffic light and the sum and number of their progress values."""

    lights: dict[str, int] = field(default_factory=dict)
    progress_sum: int = 0
    progress_count: int = 0

    @property
    def total(self) -> int:
        return sum(self.lights.values())

    def __add__(self, other: Counts) -> Counts:
        lights = dict(self.lights)
        for value, count in other.lights.items():
            lights[value] = lights.get(value, 0) + count
        return Counts(
            lights,
            self.progress_sum + other.progress_sum,
            self.progress_count + other.progress_count,
        )


_LIGHT_LABELS: dict[tuple[type, str], list[tuple[str, str]]] = {}


def _light_labels(model) -> list[tuple[str, str]]:
    """(value, label) per traffic light, translated once per model and language (a tree
    rolls up every goal and field of action)."""
    key = (model, get_language() or "")
    if key not in _LIGHT_LABELS:
        choices = model._meta.get_field("traffic_light").flatchoices
        # Items without any traffic light yet (no status update) count as "keine Meldung".
        _LIGHT_LABELS[key] = [
            *((value, str(label)) for value, label in choices),
            ("", _("keine Meldung")),
        ]
    return _LIGHT_LABELS[key]


@dataclass
class Rollup:
    """Share of items per traffic light and their average progress (the roll-up hook)."""

    count: int
    shares: list[LightShare]
    average_progress: int | None

    @classmethod
    def of(cls, items: list) -> Rollup | None:
        if not items or not hasattr(items[0], "traffic_light"):
            return None
        counts = Counts()
        for item in items:
            progress = getattr(item, "progress", None)
            counts += Counts(
                {item.traffic_light: 1},
                progress or 0,
                0 if progress is None else 1,
            )
        return cls.from_counts(type(items[0]), counts)

    @classmethod
    def from_counts(cls, model, counts: Counts) -> Rollup | None:
        """The roll-up from counts already aggregated (in SQL, see GoalItems.counts)."""
        total = counts.total
        if not total:
            return None
        shares = [
            LightShare(value, label, count, round(100 * count / total))
            for value, label in _light_labels(model)
            if (count := counts.lights.get(value, 0))
        ]
        average = (
            round(counts.progress_sum / counts.progress_count) if counts.progress_count else None
        )
        return cls(total, shares, average)


# --------------------------------------------------------------------------- the tree


@dataclass
class GoalNode:
    goal: Goal
    number: str
    items: dict[str, list] = field(default_factory=dict)
    rollup: Rollup | None = None
    # Kinds of items not loaded with the tree (too many to show inline): (key, label, count).
    deferred: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class FieldNode:
    field: FieldOfAction
    number: str
    goals: list[GoalNode] = field(default_factory=list)
    rollup: Rollup | None = None


@dataclass
class StrategyTree:
    """The strategy at one moment (`when` None = the live draft)."""

    strategy: Strategy | None
    when: datetime.datetime | None
    fields: list[FieldNode]

    @property
    def goals(self) -> list[GoalNode]:
        return [goal for node in self.fields for goal in node.goals]

    @property
    def has_items(self) -> bool:
        return any(goal.items.get(key) for goal in self.goals for key in GOAL_ITEMS)


def build_tree(
    strategy: Strategy,
    when: datetime.datetime | None = None,
    *,
    user=None,
    live_items: bool = False,
    inline_limit: int | None = None,
    only_items: dict | None = None,
    public: bool = False,
) -> StrategyTree:
    """The strategy as it is now (`when` None) or was at `when`: one query per model.

    For a moment, the strategy row itself is read from history too (its vision text may
    have changed since); if it did not exist yet the tree is empty with `strategy` None.
    Goal items (measures) are those `user` may read (None: all; `public`: those anyone may
    read), as of `when` too unless `live_items` asks for their current state below the goals
    of that moment.

    With `inline_limit` the roll-ups are counted in SQL and only goals with at most that
    many items get them loaded; the others name their count in `GoalNode.deferred` (the
    page loads them on demand). Without it every item is loaded, or with `only_items`
    (key → subquery of pks) only those: a comparison needs just the rows that changed.
    """
    if when is None:
        fields = list(FieldOfAction.objects.filter(strategy=strategy))
        goals = list(Goal.objects.filter(field_of_action__strategy=strategy))
    else:
        strategy = Strategy.history.as_of(when).filter(pk=strategy.pk).first()
        if strategy is None:
            return StrategyTree(None, when, [])
        fields = list(FieldOfAction.history.as_of(when).filter(strategy_id=strategy.pk))
        field_ids = [f.pk for f in fields]
        goals = list(Goal.history.as_of(when).filter(field_of_action_id__in=field_ids))
    items_when = None if live_items else when
    if inline_limit is not None:
        return assemble_counted(
            strategy, when, fields, goals, user, items_when, inline_limit, public=public
        )
    return assemble(strategy, when, fields, goals, user, items_when, only_items, public=public)


def _ordered(fields: list, goals: list) -> dict[int, list]:
    fields.sort(key=lambda f: f.position)
    goals_by_field: dict[int, list] = defaultdict(list)
    for goal in sorted(goals, key=lambda g: g.position):
        goals_by_field[goal.field_of_action_id].append(goal)
    return goals_by_field


def assemble_counted(
    strategy, when, fields: list, goals: list, user, items_when, limit: int, *, public=False
):
    """Like `assemble`, with roll-ups counted in SQL and large goals' items deferred.

    Two queries per kind of goal item: the counts, and the items of the small goals.
    """
    goals_by_field = _ordered(fields, goals)
    goal_ids = [goal.pk for goal in goals]
    counts = {
        key: spec.counts(goal_ids, items_when, user, public) if goal_ids else {}
        for key, spec in GOAL_ITEMS.items()
    }
    items_by_goal: dict[str, dict[int, list]] = {}
    for key, spec in GOAL_ITEMS.items():
        small = [pk for pk, c in counts[key].items() if c.total <= limit]
        grouped: dict[int, list] = defaultdict(list)
        for item in spec.load(small, items_when, user, public=public) if small else []:
            grouped[spec.goal_id(item)].append(item)
        items_by_goal[key] = grouped
    rolled = [spec for spec in GOAL_ITEMS.values() if spec.has_rollup]
    model = rolled[0].model if rolled else None
    nodes = []
    for field_index, field_of_action in enumerate(fields, start=1):
        node = FieldNode(field_of_action, str(field_index))
        field_counts = Counts()
        for goal_index, goal in enumerate(goals_by_field[field_of_action.pk], start=1):
            goal_counts = Counts()
            deferred = []
            for key, spec in GOAL_ITEMS.items():
                found = counts[key].get(goal.pk, Counts())
                goal_counts += found
                if found.total > limit:
                    deferred.append((key, str(spec.label), found.total))
            field_counts += goal_counts
            node.goals.append(
                GoalNode(
                    goal,
                    f"{field_index}.{goal_index}",
                    {key: grouped.get(goal.pk, []) for key, grouped in items_by_goal.items()},
                    Rollup.from_counts(model, goal_counts) if model else None,
                    deferred,
                )
            )
        node.rollup = Rollup.from_counts(model, field_counts) if model else None
        nodes.append(node)
    return StrategyTree(strategy, when, nodes)


def assemble(
    strategy,
    when,
    fields: list,
    goals: list,
    user=None,
    items_when=None,
    only=None,
    *,
    public: bool = False,
):
    """Order, number and roll up already loaded rows (no queries but the goal items').

    With `only` (a comparison's changed rows) the goals hold part of their items: no
    roll-ups then, as they would count only that part."""
    goals_by_field = _ordered(fields, goals)
    items_by_goal: dict[str, dict[int, list]] = {}
    goal_ids = [goal.pk for goal in goals]
    for key, spec in GOAL_ITEMS.items():
        grouped: dict[int, list] = defaultdict(list)
        if not goal_ids:
            rows = []
        elif only and not public:  # a comparison: what it compares, no model instances
            rows = spec.load_compared(goal_ids, items_when, user, only.get(key))
        else:
            rows = spec.load(goal_ids, items_when, user, only.get(key) if only else None, public)
        for item in rows:
            grouped[spec.goal_id(item)].append(item)
        items_by_goal[key] = grouped
    nodes = []
    for field_index, field_of_action in enumerate(fields, start=1):
        node = FieldNode(field_of_action, str(field_index))
        all_items: list = []
        for goal_index, goal in enumerate(goals_by_field[field_of_action.pk], start=1):
            items = {key: grouped.get(goal.pk, []) for key, grouped in items_by_goal.items()}
            flat = [item for rows in items.values() for item in rows]
            all_items += flat
            rollup = None if only else Rollup.of(flat)
            node.goals.append(GoalNode(goal, f"{field_index}.{goal_index}", items, rollup))
        node.rollup = None if only else Rollup.of(all_items)
        nodes.append(node)
    return StrategyTree(strategy, when, nodes)


# --------------------------------------------------------------------------- comparing


# What the comparison calls Strategieinhalt and what Umsetzungsstand, in one place.
#
# Umsetzungsstand (implementation) is what the owning units report and status updates set:
# the lifecycle status, the traffic light, the progress and the dates of the plan and its
# end. These fields live on measures and projects (measures/models.py `ReportedItem`); a
# change of them is not a decision of the council. Grouped as the summary names them
# ("5 Maßnahmen mit neuem Status").
#
# Strategieinhalt (content) is everything else a tree compares: the strategy's title and
# Leitbild, titles and descriptions of fields of action, goals and measures, a goal's
# target year, a measure's code and priority (set by FB 15, see measures/apps.py) — and
# the structure itself: objects added, removed, moved (to another parent or in the order)
# and renamed.
#
# Which fields are compared at all is each level's choice: `CONTENT_FIELDS` below for the
# strategy's own levels, `GoalItems.compared_fields` for registered items.


@dataclass(frozen=True)
class ProgressAspect:
    key: str
    fields: tuple[str, ...]
    label: str  # the badge of a row in the progress view
    summary: str  # after the count and the items' name: "5 Maßnahmen" + "mit neuem Status"


PROGRESS_ASPECTS: tuple[ProgressAspect, ...] = (
    ProgressAspect("status", ("status",), gettext_lazy("Status"), gettext_lazy("mit neuem Status")),
    ProgressAspect(
        "traffic_light",
        ("traffic_light",),
        gettext_lazy("Ampel"),
        gettext_lazy("mit neuer Ampel"),
    ),
    ProgressAspect(
        "progress",
        ("progress",),
        gettext_lazy("Fortschritt"),
        gettext_lazy("mit neuem Fortschritt"),
    ),
    ProgressAspect(
        "dates",
        ("planned_start", "planned_end", "actual_end"),
        gettext_lazy("Termine"),
        gettext_lazy("mit geänderten Terminen"),
    ),
)
PROGRESS_FIELDS: frozenset[str] = frozenset(
    name for aspect in PROGRESS_ASPECTS for name in aspect.fields
)
CONTENT_FIELDS = {
    Strategy: ("title", "vision"),
    FieldOfAction: ("title", "description"),
    Goal: ("title", "description", "target_year"),
}

# The two views of a comparison, by their query value (`?ansicht=`); content first.
CONTENT, PROGRESS = "inhalt", "umsetzung"

KIND_LABELS = {
    "added": gettext_lazy("neu"),
    "removed": gettext_lazy("entfallen"),
    "moved": gettext_lazy("verschoben"),
    "renamed": gettext_lazy("umbenannt"),
    "changed": gettext_lazy("geändert"),
}


@dataclass
class ValueChange:
    """One field's old and new value as shown; texts also word by word (`text_diff`)."""

    label: str
    old: str
    new: str
    name: str = ""  # the field's name; "" for the number and the parent
    text_diff: WordDiff | None = None

    @property
    def is_progress(self) -> bool:
        return self.name in PROGRESS_FIELDS


@dataclass
class ItemChange:
    """One object that differs between two snapshots, readable for a council member.

    `kinds` and `changes` are its content changes (structure and texts), `progress_changes`
    those of its implementation state; a row may have either or both.
    """

    model_label: str
    title: str
    old_number: str | None
    new_number: str | None
    kinds: list[str]
    changes: list[ValueChange]
    progress_changes: list[ValueChange] = field(default_factory=list)

    @property
    def kind_pairs(self) -> list[tuple[str, str]]:
        return [(kind, str(KIND_LABELS[kind])) for kind in self.kinds]

    @cached_property  # asked once per aspect by the summary
    def aspects(self) -> list[ProgressAspect]:
        names = {change.name for change in self.progress_changes}
        return [aspect for aspect in PROGRESS_ASPECTS if names & set(aspect.fields)]


@dataclass
class SummaryEntry:
    """„3 Ziele geändert“, linking to the section (`anchor`) that lists them."""

    text: str
    anchor: str


@dataclass
class DiffSection:
    key: str  # "fields", "goals" or a goal item's key
    label: str
    rows: list[ItemChange]
    anchor: str
    is_item: bool = False
    page: object = None  # a Django Page when the view paginates the rows

    @property
    def shown_rows(self) -> list[ItemChange]:
        return list(self.page.object_list) if self.page is not None else self.rows


@dataclass
class DiffView:
    """One view of a comparison: Strategieinhalt or Umsetzungsstand."""

    key: str
    strategy_changes: list[ValueChange]
    sections: list[DiffSection]
    summary: list[SummaryEntry]

    @property
    def is_progress(self) -> bool:
        return self.key == PROGRESS

    @property
    def count(self) -> int:
        return (1 if self.strategy_changes else 0) + sum(len(s.rows) for s in self.sections)

    @property
    def is_empty(self) -> bool:
        return self.count == 0


def _counted(count: int, model, text) -> str:
    name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
    return f"{count} {name} {text}"


@dataclass
class TreeDiff:
    strategy_changes: list[ValueChange]
    fields: list[ItemChange]
    goals: list[ItemChange]
    items: dict[str, list[ItemChange]]

    @property
    def item_sections(self) -> list[tuple[str, str, list[ItemChange]]]:
        """(key, label, changes) per registered kind of goal item, for templates."""
        return [(key, GOAL_ITEMS[key].label, rows) for key, rows in self.items.items()]

    @property
    def is_empty(self) -> bool:
        return not (self.strategy_changes or self.fields or self.goals or any(self.items.values()))

    @property
    def count(self) -> int:
        return (
            len(self.strategy_changes)
            + len(self.fields)
            + len(self.goals)
            + sum(len(rows) for rows in self.items.values())
        )

    def _levels(self):
        yield "fields", FieldOfAction, FieldOfAction._meta.verbose_name_plural, self.fields, False
        yield "goals", Goal, Goal._meta.verbose_name_plural, self.goals, False
        for key, rows in self.items.items():
            yield key, GOAL_ITEMS[key].model, GOAL_ITEMS[key].label, rows, True

    def content(self) -> DiffView:
        """Strategieinhalt: structure and texts (see PROGRESS_ASPECTS for the split)."""
        sections, summary = [], []
        if self.strategy_changes:
            summary.append(SummaryEntry(_("Titel und Leitbild geändert"), "inhalt-strategie"))
        for key, model, label, rows, is_item in self._levels():
            rows = [row for row in rows if row.kinds]
            if not rows:
                continue
            anchor = f"inhalt-{key}"
            sections.append(DiffSection(key, str(label), rows, anchor, is_item))
            for kind, kind_label in KIND_LABELS.items():
                count = sum(1 for row in rows if kind in row.kinds)
                if count:
                    summary.append(SummaryEntry(_counted(count, model, kind_label), anchor))
        return DiffView(CONTENT, self.strategy_changes, sections, summary)

    def progress(self) -> DiffView:
        """Umsetzungsstand: status, traffic light, progress and dates of goal items."""
        sections, summary = [], []
        for key, model, label, rows, is_item in self._levels():
            rows = [row for row in rows if row.progress_changes]
            if not rows:
                continue
            anchor = f"umsetzung-{key}"
            sections.append(DiffSection(key, str(label), rows, anchor, is_item))
            for aspect in PROGRESS_ASPECTS:
                count = sum(1 for row in rows if aspect in row.aspects)
                if count:
                    summary.append(SummaryEntry(_counted(count, model, aspect.summary), anchor))
        return DiffView(PROGRESS, [], sections, summary)

    def view(self, key: str) -> DiffView:
        return self.progress() if key == PROGRESS else self.content()


_FIELD_LABELS: dict[tuple[type, str, str], tuple[str, dict | None]] = {}


def _field_labels(model, name: str, language: str) -> tuple[str, dict | None]:
    """A field's label and its choices' labels, translated once per model, field and
    language (a comparison shows them for hundreds of rows)."""
    key = (model, name, language)
    if key not in _FIELD_LABELS:
        model_field = model._meta.get_field(name)
        choices = (
            {value: str(label) for value, label in model_field.flatchoices}
            if model_field.choices
            else None
        )
        _FIELD_LABELS[key] = (str(model_field.verbose_name), choices)
    return _FIELD_LABELS[key]


def _shown(model, name: str, value, language: str) -> str:
    if value in (None, ""):
        return "—"
    _label, choices = _field_labels(model, name, language)
    if choices is not None:
        return str(choices.get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _value_changes(model, old, new, names: Iterable[str]) -> list[ValueChange]:
    changes = []
    language = None
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            model_field = model._meta.get_field(name)
            language = language or get_language() or ""
            changes.append(
                ValueChange(
                    _field_labels(model, name, language)[0],
                    _shown(model, name, before, language),
                    _shown(model, name, after, language),
                    name,
                    word_diff(before or "", after or "") if is_free_text(model_field) else None,
                )
            )
    return changes


def _moved_ids(old_order: list[int], new_order: list[int]) -> set[int]:
    """Ids whose relative order changed: those outside a longest common subsequence.

    Moving one goal from first to last marks only that goal, not all its siblings.
    """
    common = set(old_order) & set(new_order)
    a = [pk for pk in old_order if pk in common]
    b = [pk for pk in new_order if pk in common]
    lengths = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lengths[i][j] = (
                lengths[i + 1][j + 1] + 1
                if a[i] == b[j]
                else max(lengths[i + 1][j], lengths[i][j + 1])
            )
    kept, i, j = set(), 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            kept.add(a[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return common - kept


def _diff_level(model, old_nodes: dict, new_nodes: dict, compared, moved: set, parent_label=""):
    """Changes of one kind of object.

    `*_nodes` map pk → (object, number, parent id, parent label); a changed parent id is a move.
    """
    result = []
    label = str(model._meta.verbose_name)
    for pk, (obj, number, parent, parent_text) in new_nodes.items():
        if pk not in old_nodes:
            result.append(ItemChange(label, obj.title, None, number, ["added"], []))
            continue
        old_obj, old_number, old_parent, old_parent_text = old_nodes[pk]
        kinds, changes = [], []
        if pk in moved or parent != old_parent:
            kinds.append("moved")
            if old_number != number:
                changes.append(ValueChange(_("Nummer"), old_number, number))
            if parent != old_parent:
                changes.append(ValueChange(str(parent_label), old_parent_text, parent_text))
        field_changes = _value_changes(model, old_obj, obj, compared)
        content = [change for change in field_changes if not change.is_progress]
        progress = [change for change in field_changes if change.is_progress]
        if any(change.name == "title" for change in content):
            kinds.append("renamed")
        if any(change.name != "title" for change in content):
            kinds.append("changed")
        if kinds or progress:
            result.append(
                ItemChange(label, obj.title, old_number, number, kinds, changes + content, progress)
            )
    for pk, (obj, number, _parent, _text) in old_nodes.items():
        if pk not in new_nodes:
            result.append(ItemChange(label, obj.title, number, None, ["removed"], []))
    return result


def _sort_key(change: ItemChange):
    number = change.new_number or change.old_number or ""
    return [int(part) for part in number.split(".") if part.isdigit()]


def changed_items(start: datetime.datetime, end: datetime.datetime | None) -> dict:
    """For `build_tree(only_items=…)`: per kind of goal item, the rows that can differ
    between two moments (a row without a history record in between is the same in both)."""
    return {key: spec.changed_between(start, end) for key, spec in GOAL_ITEMS.items()}


def diff_trees(old: StrategyTree, new: StrategyTree) -> TreeDiff:
    """What changed from `old` to `new`: fields, goals and registered goal items.

    The trees may hold only the items that changed in between (`changed_items`)."""
    strategy_changes = []
    if old.strategy and new.strategy:
        strategy_changes = _value_changes(
            Strategy, old.strategy, new.strategy, CONTENT_FIELDS[Strategy]
        )

    def field_nodes(tree):
        return {n.field.pk: (n.field, n.number, None, "") for n in tree.fields}

    def goal_nodes(tree):
        return {
            g.goal.pk: (g.goal, g.number, n.field.pk, f"{n.number} {n.field.title}")
            for n in tree.fields
            for g in n.goals
        }

    moved_fields = _moved_ids([n.field.pk for n in old.fields], [n.field.pk for n in new.fields])
    moved_goals: set[int] = set()
    old_siblings = {n.field.pk: [g.goal.pk for g in n.goals] for n in old.fields}
    for node in new.fields:
        moved_goals |= _moved_ids(
            old_siblings.get(node.field.pk, []), [g.goal.pk for g in node.goals]
        )
    fields = _diff_level(
        FieldOfAction,
        field_nodes(old),
        field_nodes(new),
        CONTENT_FIELDS[FieldOfAction],
        moved_fields,
    )
    goals = _diff_level(
        Goal,
        goal_nodes(old),
        goal_nodes(new),
        CONTENT_FIELDS[Goal],
        moved_goals,
        parent_label=_("Handlungsfeld"),
    )
    items = {}
    for key, spec in GOAL_ITEMS.items():

        def item_nodes(tree, key=key):
            return {
                item.pk: (item, g.number, g.goal.pk, f"{g.number} {g.goal.title}")
                for g in tree.goals
                for item in g.items.get(key, [])
            }

        items[key] = _diff_level(
            spec.model,
            item_nodes(old),
            item_nodes(new),
            spec.compared_fields,
            set(),
            parent_label=_("Ziel"),
        )
    return TreeDiff(
        strategy_changes,
        sorted(fields, key=_sort_key),
        sorted(goals, key=_sort_key),
        {key: sorted(rows, key=_sort_key) for key, rows in items.items()},
    )
