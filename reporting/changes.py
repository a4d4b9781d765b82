"""What moved since the last report, most important first (from history)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measures.models import (
    Measure,
    Milestone,
    Status,
    TrafficLight,
)

STATUS_LABELS = dict(Status.choices)
LIGHT_LABELS = {**dict(TrafficLight.choices), "": gettext_lazy("keine Meldung")}


@dataclass
class Change:
    code: str
    title: str
    group: str  # a key of CHANGE_GROUPS: how much the council needs to know it
    details: list[str]

    @property
    def kind(self) -> str:
        return str(CHANGE_GROUPS[self.group])


# The changes since the last report, most important first.
CHANGE_GROUPS = {
    "red": gettext_lazy("neu auf Rot"),
    "done": gettext_lazy("abgeschlossen"),
    "new": gettext_lazy("neu aufgenommen"),
    "stopped": gettext_lazy("zurückgestellt oder verworfen"),
    "moved": gettext_lazy("Termin verschoben"),
    "other": gettext_lazy("geändert"),
}
STOPPED = (Status.ON_HOLD, Status.DROPPED)


def measure_changes(
    current: list, since: datetime.datetime, when: datetime.datetime | None = None
) -> list[Change]:
    """New, completed and changed measures (status, traffic light, progress, planned end, a
    milestone moved later) from history as of `when` (None: live), most important first:
    three queries."""
    ids = [m.pk for m in current]
    before = {m.pk: m for m in Measure.history.as_of(since).filter(id__in=ids)}
    moves = milestone_moves(ids, since, when)
    changes = []
    for measure in sorted(current, key=lambda m: m.code):
        if change := change_of(measure, before.get(measure.pk), moves.get(measure.pk, [])):
            changes.append(change)
    return by_importance(changes)


def milestone_moves(
    measure_ids: list[int], since: datetime.datetime, when: datetime.datetime | None = None
) -> dict[int, list[str]]:
    """Per measure, its milestones now due later than at `since` („Meilenstein … old → new“)."""
    then = dict(
        Milestone.history.as_of(since)
        .filter(measure_id__in=measure_ids)
        .values_list("id", "due_on")
    )
    now = Milestone.objects.all() if when is None else Milestone.history.as_of(when)
    moves: dict[int, list[str]] = defaultdict(list)
    for pk, measure_id, title, due_on in (
        now.filter(measure_id__in=measure_ids, id__in=list(then))
        .order_by("due_on", "pk")
        .values_list("id", "measure_id", "title", "due_on")
    ):
        if due_on > then[pk]:
            moves[measure_id].append(milestone_move_text(title, then[pk], due_on))
    return moves


def milestone_move_text(title: str, old: datetime.date, new: datetime.date) -> str:
    return _("Meilenstein „%(title)s“ %(old)s → %(new)s") % {
        "title": title,
        "old": _short_date(old),
        "new": _short_date(new),
    }


def by_importance(changes: list[Change]) -> list[Change]:
    order = list(CHANGE_GROUPS)
    return sorted(changes, key=lambda change: order.index(change.group))  # stable: by code


def change_of(measure, old, milestones_moved: list[str] = ()) -> Change | None:
    """How `measure` moved since `old` (its state then, None if it did not exist yet); None if
    neither status, traffic light, progress, planned end nor a milestone (`milestones_moved`,
    its texts) changed. Both only need those attributes."""
    if old is None:
        return Change(measure.code, measure.title, "new", [])
    details = []
    if old.traffic_light != measure.traffic_light:
        details.append(
            _("Ampel %(old)s → %(new)s")
            % {
                "old": LIGHT_LABELS.get(old.traffic_light or "", "—"),
                "new": LIGHT_LABELS.get(measure.traffic_light or "", "—"),
            }
        )
    if old.status != measure.status:
        details.append(
            _("Status %(old)s → %(new)s")
            % {"old": STATUS_LABELS[old.status], "new": STATUS_LABELS[measure.status]}
        )
    if old.progress != measure.progress:
        details.append(
            _("Fortschritt %(old)s → %(new)s %%") % {"old": old.progress, "new": measure.progress}
        )
    if old.planned_end != measure.planned_end:
        details.append(
            _("geplantes Ende %(old)s → %(new)s")
            % {"old": _short_date(old.planned_end), "new": _short_date(measure.planned_end)}
        )
    details += milestones_moved
    if not details:
        return None
    if measure.traffic_light == TrafficLight.RED and old.traffic_light != TrafficLight.RED:
        group = "red"
    elif measure.status == Status.DONE and old.status != Status.DONE:
        group = "done"
    elif measure.status in STOPPED and old.status not in STOPPED:
        group = "stopped"
    elif milestones_moved or (
        old.planned_end and measure.planned_end and measure.planned_end > old.planned_end
    ):
        group = "moved"
    else:
        group = "other"
    return Change(measure.code, measure.title, group, details)


def _short_date(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


@dataclass(frozen=True)
class _State:
    code: str
    title: str
    status: str
    traffic_light: str
    progress: int
    planned_end: datetime.date | None


def changes_in_sql(measures, since: datetime.datetime) -> list[Change]:
    """`measure_changes` for a queryset without loading history rows: only measures or
    milestones with a history record after `since` can have moved; their state then is read
    as subqueries on their last record up to `since` (two queries)."""
    moves = _milestone_moves_in_sql(measures, since)
    last_before = Measure.history.filter(id=OuterRef("pk"), history_date__lte=since).order_by(
        "-history_date", "-history_id"
    )
    moved = (
        measures.filter(
            Q(pk__in=Measure.history.filter(history_date__gt=since).values("id"))
            | Q(pk__in=list(moves))
        )
        .annotate(
            old_type=Subquery(last_before.values("history_type")[:1]),
            old_status=Subquery(last_before.values("status")[:1]),
            old_light=Subquery(last_before.values("traffic_light")[:1]),
            old_progress=Subquery(last_before.values("progress")[:1]),
            old_end=Subquery(last_before.values("planned_end")[:1]),
        )
        .order_by("code")
        .values_list(
            "pk",
            "code",
            "title",
            "status",
            "traffic_light",
            "progress",
            "planned_end",
            "old_type",
            "old_status",
            "old_light",
            "old_progress",
            "old_end",
        )
    )
    changes = []
    for pk, code, title, status, light, progress, end, old_type, *old in moved:
        now = _State(code, title, status, light, progress, end)
        # As `as_of` reads it: a measure deleted by then (restored since) counts as new.
        then = None if old_type in (None, "-") else _State(code, title, *old)
        if change := change_of(now, then, moves.get(pk, [])):
            changes.append(change)
    return by_importance(changes)


def _milestone_moves_in_sql(measures, since: datetime.datetime) -> dict[int, list[str]]:
    """`milestone_moves` for the measures of a queryset: only milestones with a history record
    after `since` can have moved; their due date then is a subquery (one query)."""
    last_before = Milestone.history.filter(id=OuterRef("pk"), history_date__lte=since).order_by(
        "-history_date", "-history_id"
    )
    moves: dict[int, list[str]] = defaultdict(list)
    for measure_id, title, due_on, old_type, old_due in (
        Milestone.objects.filter(
            measure__in=measures.values("pk"),
            pk__in=Milestone.history.filter(history_date__gt=since).values("id"),
        )
        .annotate(
            old_type=Subquery(last_before.values("history_type")[:1]),
            old_due=Subquery(last_before.values("due_on")[:1]),
        )
        .order_by("due_on", "pk")
        .values_list("measure_id", "title", "due_on", "old_type", "old_due")
    ):
        if old_type not in (None, "-") and due_on > old_due:
            moves[measure_id].append(milestone_move_text(title, old_due, due_on))
    return moves
