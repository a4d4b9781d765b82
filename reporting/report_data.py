"""What a report shows, read with a fixed number of queries as plain dataclasses."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fb15.council import links_of
from fb15.models import CitySettings, OrgUnit, city_settings
from measures.charts import on_track
from measures.models import (
    ACTIVE_STATUSES,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Priority,
    Project,
    ReportingPeriod,
    ReviewState,
    StatusUpdate,
    TrafficLight,
)
from needs.reports import PriorityList, priority_list
from strategy.models import FieldOfAction, Goal, Revision, Strategy
from strategy.tree import StrategyTree, assemble, build_tree

from . import charts
from .changes import CHANGE_GROUPS, LIGHT_LABELS, STATUS_LABELS, Change, measure_changes
from .models import (
    Report,
    ScopeKind,
    scope_label,
)
from .periods import Period, ReportError
from .trend import QuarterPoint, quarter_trend, trend_chart


@dataclass
class MeasureRow:
    pk: int
    code: str
    title: str
    unit: str
    goal: str
    status: str
    traffic_light: str
    progress: int
    summary: str
    budget_planned: Decimal | None
    budget_spent: Decimal | None
    is_stale: bool = False
    summary_period: str = ""  # the period of the Sachstand when it is not the report's
    decision: str = ""  # the decision its latest update says is needed ("Entscheidungsbedarf")
    priority: str = ""
    in_detail: bool = True  # shown with its Sachstand in its field's chapter (else: annex only)
    note: str = ""  # FB 15's note on it in this report

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def light_label(self) -> str:
        return str(LIGHT_LABELS.get(self.traffic_light, ""))


@dataclass(frozen=True)
class LatestUpdate:
    starts_on: datetime.date
    summary: str
    period: str  # its period's label when that is not the report's
    decision: str


@dataclass
class GoalSection:
    number: str
    title: str
    measures: list[MeasureRow]

    @property
    def detailed(self) -> list[MeasureRow]:
        return [m for m in self.measures if m.in_detail]

    @property
    def quiet_count(self) -> int:
        """Measures shown only in the annex (nothing the council must read)."""
        return len(self.measures) - len(self.detailed)


@dataclass
class FieldSection:
    number: str
    title: str
    goals: list[GoalSection]
    overdue: list[OpenItem] = field(default_factory=list)
    off_target: list[OpenItem] = field(default_factory=list)

    @property
    def measures(self) -> list[MeasureRow]:
        return [m for g in self.goals for m in g.measures]

    @property
    def quiet_goals(self) -> list[GoalSection]:
        """Goals without a measure the chapter shows: named in one line, not each under a
        heading of its own."""
        return [g for g in self.goals if not g.detailed]


@dataclass
class OpenItem:
    kind: str
    code: str
    title: str
    unit: str
    detail: str
    field: str = ""


@dataclass
class ReportData:
    """Everything a report or the dashboard shows, as plain values."""

    city: CitySettings  # name, office, logo and contact of the title page and footer
    title: str
    scope_label: str
    period: Period
    as_of: datetime.datetime
    is_locked: bool
    strategy_title: str
    revision_label: str
    fields: list[FieldSection]
    projects: list[MeasureRow]
    light_by_field: list[charts.LightBar]
    light_by_unit: list[charts.LightBar]
    budget_rows: list[tuple[str, Decimal, Decimal]]
    overdue_milestones: list[OpenItem]
    stale_items: list[OpenItem]
    indicators_off_target: list[OpenItem]
    changes: list[Change]
    changes_since: str
    confidential_left_out: int
    status_counts: list[tuple[str, int]] = field(default_factory=list)
    acknowledged_only: bool = False
    priority_only: bool = False
    units: list[tuple[str, str]] = field(default_factory=list)  # code, name of each unit named
    assessment: str = ""  # the "Einschätzung des FB 15"
    is_draft: bool = False  # rendered for FB 15 to read before the release
    correction: str = ""  # what a correction replaces, for its title page
    trend: list[QuarterPoint] = field(default_factory=list)  # the last quarters, oldest first
    council_papers: list[str] = field(default_factory=list)  # Drucksachen linked to the report
    priorities: PriorityList | None = None  # the last priority round agreed with the units

    @property
    def measures(self) -> list[MeasureRow]:
        return [m for f in self.fields for m in f.measures]

    @property
    def change_groups(self) -> list[tuple[str, list[Change]]]:
        """The important changes by group (label, changes); the rest is `other_changes`."""
        groups = defaultdict(list)
        for change in self.changes:
            groups[change.group].append(change)
        return [
            (label, groups[key])
            for key, label in CHANGE_GROUPS.items()
            if key != "other" and key in groups
        ]

    @property
    def other_changes(self) -> list[Change]:
        return [change for change in self.changes if change.group == "other"]

    @property
    def detailed_projects(self) -> list[MeasureRow]:
        """The projects of the overview: red ones and those asking for a decision (all of
        them stand in the annex)."""
        return [row for row in self.projects if row.in_detail]

    @property
    def quiet_project_count(self) -> int:
        return len(self.projects) - len(self.detailed_projects)

    @property
    def decisions(self) -> list[MeasureRow]:
        """Measures and projects whose latest update asks for a decision."""
        return [row for row in [*self.measures, *self.projects] if row.decision]

    @property
    def critical(self) -> list[MeasureRow]:
        """Red measures and projects, with their Sachstand as the reason."""
        return [row for row in [*self.measures, *self.projects] if row.traffic_light == "red"]

    # The counts the templates show (the Lagebild's DashboardData has the same names).
    @property
    def measure_count(self) -> int:
        return len(self.measures)

    @property
    def project_count(self) -> int:
        return len(self.projects)

    @property
    def overdue_count(self) -> int:
        return len(self.overdue_milestones)

    @property
    def stale_count(self) -> int:
        return len(self.stale_items)

    @property
    def off_target_count(self) -> int:
        return len(self.indicators_off_target)

    @property
    def change_count(self) -> int:
        return len(self.changes)

    @property
    def average_progress(self) -> int | None:
        rows = self.measures
        return round(sum(m.progress for m in rows) / len(rows)) if rows else None

    @property
    def budget_total(self) -> tuple[Decimal, Decimal]:
        return (
            sum((p for _l, p, _s in self.budget_rows), Decimal(0)),
            sum((s for _l, _p, s in self.budget_rows), Decimal(0)),
        )

    @property
    def light_totals(self) -> list[tuple[str, str, int]]:
        counts = defaultdict(int)
        for m in self.measures:
            counts[m.traffic_light] += 1
        return [(v, str(LIGHT_LABELS[v]), counts[v]) for v in charts.LIGHT_ORDER]

    def chart_field(self, prefix: str = "c"):
        return charts.traffic_light_bars(
            f"{prefix}-field", _("Ampeln je Handlungsfeld"), self.light_by_field
        )

    def chart_unit(self, prefix: str = "c"):
        return charts.traffic_light_bars(
            f"{prefix}-unit", _("Ampeln je Fachbereich"), self.light_by_unit
        )

    def chart_trend(self, prefix: str = "c"):
        return trend_chart(f"{prefix}-trend", self.trend)

    def chart_budget(self, prefix: str = "c"):
        return charts.budget_bars(
            f"{prefix}-budget",
            _("Budget geplant und verausgabt je Handlungsfeld"),
            self.budget_rows,
        )


def _rows(model, when):
    return model.objects.all() if when is None else model.history.as_of(when)


def _as_of_moment(period: ReportingPeriod | None) -> datetime.datetime | None:
    """A locked period is reported as it was locked; otherwise the live state (None)."""
    return period.locked_at if period is not None and period.locked_at else None


def revision_in_force(strategy: Strategy, as_of: datetime.datetime) -> Revision | None:
    """The latest revision published by `as_of` (None before the first one)."""
    return (
        Revision.objects.filter(strategy=strategy, published_at__lte=as_of)
        .order_by("-number")
        .first()
    )


def adopted_tree(
    strategy: Strategy, revision: Revision | None, when: datetime.datetime | None
) -> StrategyTree:
    """The strategy as adopted in `revision` (title, Leitbild, fields of action, goals) with
    the measures below its goals as of `when` (None: live).

    Reports and the Lagebild go to the council, who read no drafts: a goal added or renamed
    since the revision is not in them. Before the first revision, the working state.
    """
    if revision is None:
        return build_tree(strategy, when)
    adopted_at = revision.published_at
    adopted = Strategy.history.as_of(adopted_at).filter(pk=strategy.pk).first() or strategy
    fields = list(FieldOfAction.history.as_of(adopted_at).filter(strategy_id=strategy.pk))
    goals = list(
        Goal.history.as_of(adopted_at).filter(field_of_action_id__in=[f.pk for f in fields])
    )
    return assemble(adopted, when, fields, goals, None, when)


def gather_report_data(
    *,
    scope_kind: str = ScopeKind.STRATEGY,
    field_of_action=None,
    unit=None,
    period: Period,
    reporting_period: ReportingPeriod | None = None,
    previous_as_of: datetime.datetime | None = None,
    today: datetime.date | None = None,
    live: bool = False,
    acknowledged_only: bool = False,
    priority_only: bool = False,
) -> ReportData:
    """Read what a report shows with a fixed number of queries (independent of its size).

    With `acknowledged_only`, each Sachstand is that of the latest update FB 15 has
    acknowledged (status, traffic light and progress stay the measure's current ones).

    Confidential measures and projects are left out (the report goes to the council); only
    their number is stated. Fields of action and goals are those of the revision in force
    (`adopted_tree`), never the draft. Each section has its builder below.
    """
    when = None if live else _as_of_moment(reporting_period)
    as_of = when or timezone.now()
    today = today or timezone.localtime(as_of).date()  # the city's day, not UTC's
    strategy = Strategy.objects.order_by("pk").first()
    if strategy is None:
        raise ReportError(_("Es gibt noch keine Strategie, über die berichtet werden kann."))
    revision = revision_in_force(strategy, as_of)
    tree = adopted_tree(strategy, revision, when)
    units = OrgUnit.objects.in_bulk()
    narrowed = scope_kind == ScopeKind.UNIT or priority_only

    field_nodes = tree.fields
    if scope_kind == ScopeKind.FIELD:
        field_nodes = [n for n in field_nodes if n.field.pk == field_of_action.pk]
    scope = _scope(field_nodes, when, scope_kind, unit, priority_only)
    latest = _latest_updates(scope, when, period, acknowledged_only)

    def row(obj, key: str, goal: str = "") -> MeasureRow:
        update = latest.get((key, obj.pk))
        active = obj.status in ACTIVE_STATUSES
        return MeasureRow(
            pk=obj.pk,
            code=obj.code,
            title=obj.title,
            unit=units[obj.owner_id].code if obj.owner_id in units else "—",
            goal=goal,
            status=obj.status,
            traffic_light=obj.traffic_light or "",
            progress=obj.progress,
            summary=update.summary if update else "",
            summary_period=update.period if update else "",
            decision=update.decision if update else "",
            priority=getattr(obj, "priority", ""),
            budget_planned=obj.budget_planned,
            budget_spent=obj.budget_spent,
            is_stale=bool(
                active and reporting_period and obj.last_update_period_id != reporting_period.pk
            ),
        )

    fields = _field_sections(field_nodes, scope, row, narrowed)
    project_rows = [row(p, "p") for p in scope.projects]
    all_rows = [m for f in fields for m in f.measures]
    field_of_measure = {m.pk: f for f in fields for m in f.measures}
    overdue = _overdue_milestones(scope, when, today, field_of_measure, all_rows, project_rows)
    off_target = _indicators_off_target(scope, when, today, field_of_measure, all_rows)
    stale = _stale_items(reporting_period, all_rows, project_rows)
    since = previous_as_of or timezone.make_aware(
        datetime.datetime.combine(period.starts_on, datetime.time.min)
    )
    changes = measure_changes(scope.measures, since, when)
    _choose_detailed(all_rows, project_rows, changes)
    status_counts = defaultdict(int)
    for r in all_rows:
        status_counts[r.status_label] += 1
    named = {r.unit for r in [*all_rows, *project_rows]}
    return ReportData(
        units=sorted((u.code, u.name) for u in units.values() if u.code in named),
        city=city_settings(),
        title=_("Statusbericht Digitalstrategie"),
        scope_label=scope_label(scope_kind, field_of_action, unit, priority_only=priority_only),
        period=period,
        as_of=as_of,
        is_locked=when is not None,
        strategy_title=tree.strategy.title if tree.strategy else strategy.title,
        revision_label=str(revision) if revision else _("Arbeitsstand (keine Fortschreibung)"),
        fields=fields,
        projects=project_rows,
        light_by_field=[
            charts.LightBar(f"{f.number} {f.title}", _light_counts(f.measures))
            for f in fields
            if f.measures
        ],
        light_by_unit=_light_by_unit(all_rows, units),
        budget_rows=[
            (
                f"{f.number} {f.title}",
                sum((m.budget_planned or Decimal(0) for m in f.measures), Decimal(0)),
                sum((m.budget_spent or Decimal(0) for m in f.measures), Decimal(0)),
            )
            for f in fields
            if f.measures
        ],
        overdue_milestones=overdue,
        stale_items=stale,
        indicators_off_target=off_target,
        changes=changes,
        changes_since=timezone.localtime(since).strftime("%d.%m.%Y %H:%M"),
        confidential_left_out=scope.confidential,
        status_counts=sorted(status_counts.items()),
        acknowledged_only=acknowledged_only,
        priority_only=priority_only,
        trend=quarter_trend(scope.measure_ids, period, when),
    )


@dataclass
class _Scope:
    """The measures and projects a report covers (as of its moment), confidential ones out."""

    measures: list
    projects: list
    confidential: int

    @property
    def measure_ids(self) -> list[int]:
        return [m.pk for m in self.measures]

    @property
    def project_ids(self) -> list[int]:
        return [p.pk for p in self.projects]


def _scope(field_nodes, when, scope_kind: str, unit, priority_only: bool) -> _Scope:
    """Measures from the tree (a unit's only, high priority only), projects of the whole
    strategy, of the field's measures or of the unit; both without confidential rows."""
    measures = [
        item
        for node in field_nodes
        for goal in node.goals
        for item in goal.items.get("measures", [])
        if scope_kind != ScopeKind.UNIT or item.owner_id == unit.pk
    ]
    # Confidentiality is decided on the rows as they are now (restrict()'s rule), also for a
    # locked period read from history: a measure confidential today is left out.
    public_ids = set(
        _rows(Measure, when)
        .filter(Measure.objects.public_history_condition(), id__in=[m.pk for m in measures])
        .values_list("id", flat=True)
    )
    confidential = sum(1 for m in measures if m.pk not in public_ids)
    measures = [m for m in measures if m.pk in public_ids]
    if priority_only:  # the council's look at the priorities: those measures, their projects
        measures = [m for m in measures if m.priority == Priority.HIGH]
    links = Project.measures.through.objects.filter(
        measure_id__in=[m.pk for m in measures]
    ).values_list("project_id", flat=True)
    projects = _rows(Project, when)
    if scope_kind == ScopeKind.UNIT:
        projects = projects.filter(owner_id=unit.pk)
    elif scope_kind == ScopeKind.FIELD or priority_only:
        projects = projects.filter(id__in=links)
    projects = list(projects.order_by("code"))
    public_ids = set(
        _rows(Project, when)
        .filter(Project.objects.public_history_condition(), id__in=[p.pk for p in projects])
        .values_list("id", flat=True)
    )
    confidential += sum(1 for p in projects if p.pk not in public_ids)
    return _Scope(measures, [p for p in projects if p.pk in public_ids], confidential)


def _latest_updates(
    scope: _Scope, when, period: Period, acknowledged_only: bool
) -> dict[tuple[str, int], LatestUpdate]:
    """The latest status update per measure ("m", id) and project ("p", id) up to the
    report's period."""
    periods = ReportingPeriod.objects.in_bulk()
    latest: dict[tuple[str, int], LatestUpdate] = {}
    updates = _rows(StatusUpdate, when).filter(
        Q(measure_id__in=scope.measure_ids) | Q(project_id__in=scope.project_ids)
    )
    if acknowledged_only:
        updates = updates.filter(review_state=ReviewState.ACKNOWLEDGED)
    if when is None and connection.vendor == "postgresql":
        # Only the latest update per measure/project leaves the database (DISTINCT ON); an
        # update of a period that no longer exists counts as the oldest, as below.
        updates = (
            updates.filter(
                Q(period__starts_on__lte=period.ends_on) | Q(period__starts_on__isnull=True)
            )
            .order_by("measure_id", "project_id", F("period__starts_on").desc(nulls_last=True))
            .distinct("measure_id", "project_id")
        )
    for measure_id, project_id, period_id, summary, needs_decision, decision in updates.values_list(
        "measure_id", "project_id", "period_id", "summary", "needs_decision", "decision_note"
    ):
        of_period = periods.get(period_id)
        starts_on = of_period.starts_on if of_period else datetime.date.min
        if starts_on > period.ends_on:
            continue
        key = ("m", measure_id) if measure_id else ("p", project_id)
        if key not in latest or latest[key].starts_on < starts_on:
            label = of_period.label if of_period else ""
            latest[key] = LatestUpdate(
                starts_on,
                summary,
                label if label != period.label else "",  # a Sachstand of another period
                decision if needs_decision else "",
            )
    return latest


def _field_sections(field_nodes, scope: _Scope, row, narrowed: bool) -> list[FieldSection]:
    """Fields of action with their goals and measure rows; a narrowed report (one unit, or
    high priority only) leaves out goals and fields without any of its measures."""
    visible = set(scope.measure_ids)
    fields = []
    for node in field_nodes:
        goals = []
        for goal in node.goals:
            rows = [
                row(m, "m", goal.number)
                for m in sorted(goal.items.get("measures", []), key=lambda m: m.code)
                if m.pk in visible
            ]
            if rows or not narrowed:
                goals.append(GoalSection(goal.number, goal.goal.title, rows))
        if goals and (not narrowed or any(g.measures for g in goals)):
            fields.append(FieldSection(node.number, node.field.title, goals))
    return fields


def _light_counts(rows: list[MeasureRow]) -> dict[str, int]:
    result: dict[str, int] = defaultdict(int)
    for r in rows:
        result[r.traffic_light] += 1
    return dict(result)


def _light_by_unit(rows: list[MeasureRow], units: dict) -> list[charts.LightBar]:
    """One bar per unit, labelled with its code and name."""
    by_unit: dict[str, list[MeasureRow]] = defaultdict(list)
    for r in rows:
        by_unit[r.unit].append(r)
    names = {u.code: u.name for u in units.values()}
    return [
        charts.LightBar(f"{code} {names[code]}" if code in names else code, _light_counts(rs))
        for code, rs in sorted(by_unit.items())
    ]


def _overdue_milestones(
    scope: _Scope, when, today: datetime.date, field_of_measure, all_rows, project_rows
) -> list[OpenItem]:
    """Milestones past due and not reached, listed in their field's chapter too
    (`field_of_measure`: {measure id: its field's section})."""
    by_key = {("m", r.pk): r for r in all_rows} | {("p", r.pk): r for r in project_rows}
    overdue = []
    milestones = (
        _rows(Milestone, when)
        .filter(Q(measure_id__in=scope.measure_ids) | Q(project_id__in=scope.project_ids))
        .filter(Q(reached_on__isnull=True) | Q(reached_on__gt=today), due_on__lt=today)
        .order_by("due_on")
    )
    for ms in milestones:
        subject = by_key[("m", ms.measure_id) if ms.measure_id else ("p", ms.project_id)]
        item = OpenItem(
            _("Maßnahme") if ms.measure_id else _("Projekt"),
            subject.code,
            ms.title,
            subject.unit,
            _("fällig am %(date)s") % {"date": ms.due_on.strftime("%d.%m.%Y")},
        )
        overdue.append(item)
        if ms.measure_id in field_of_measure:
            field_of_measure[ms.measure_id].overdue.append(item)
    return overdue


def _indicators_off_target(
    scope: _Scope, when, today: datetime.date, field_of_measure, all_rows
) -> list[OpenItem]:
    """Indicators whose course misses their target, listed in their field's chapter too."""
    by_pk = {r.pk: r for r in all_rows}
    indicators = list(
        _rows(Indicator, when).filter(measure_id__in=scope.measure_ids).order_by("pk")
    )
    values = defaultdict(list)
    for value in (
        _rows(IndicatorValue, when)
        .filter(indicator_id__in=[i.pk for i in indicators], measured_on__lte=today)
        .order_by("measured_on")
    ):
        values[value.indicator_id].append(value)
    off_target = []
    for indicator in indicators:
        series = values[indicator.pk]
        if on_track(indicator, series) is False:
            subject = by_pk[indicator.measure_id]
            item = OpenItem(
                _("Kennzahl"),
                subject.code,
                indicator.name,
                subject.unit,
                _("%(value)s %(unit)s, Ziel %(target)s %(unit)s bis %(date)s")
                % {
                    "value": number_text(series[-1].value),
                    "unit": indicator.unit,
                    "target": number_text(indicator.target_value),
                    "date": indicator.target_date.strftime("%d.%m.%Y"),
                },
            )
            off_target.append(item)
            if indicator.measure_id in field_of_measure:
                field_of_measure[indicator.measure_id].off_target.append(item)
    return off_target


def _stale_items(reporting_period, all_rows, project_rows) -> list[OpenItem]:
    """Active measures, then projects, without a status update for the period."""
    return [
        OpenItem(
            kind,
            r.code,
            r.title,
            r.unit,
            _("keine Statusmeldung für %(period)s") % {"period": reporting_period.label},
        )
        for kind, rows in ((_("Maßnahme"), all_rows), (_("Projekt"), project_rows))
        for r in rows
        if r.is_stale
    ]


def _choose_detailed(all_rows, project_rows, changes: list[Change]) -> None:
    """The chapters show what the council must read: priority 1, red, notably changed, or a
    decision needed; every measure stays in the annex's table. So do the projects: the
    overview shows the red ones and those asking for a decision, the annex all."""
    notable = {change.code for change in changes if change.group != "other"}
    for measure_row in all_rows:
        measure_row.in_detail = bool(
            measure_row.priority == Priority.HIGH
            or measure_row.traffic_light == TrafficLight.RED
            or measure_row.code in notable
            or measure_row.decision
        )
    for project_row in project_rows:
        project_row.in_detail = bool(
            project_row.traffic_light == TrafficLight.RED or project_row.decision
        )


def number_text(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".").removesuffix(",00")


def previous_report(report: Report) -> Report | None:
    """The last released report of the same scope before this one (for the changes)."""
    return (
        Report.objects.released()
        .filter(
            scope_kind=report.scope_kind,
            field_of_action_id=report.field_of_action_id,
            unit_id=report.unit_id,
            data_as_of__isnull=False,
        )
        .exclude(pk=report.pk)
        .filter(period_ends_on__lt=report.period_ends_on)
        .order_by("-period_ends_on", "-finished_at")
        .first()
    )


def data_for_report(report: Report) -> ReportData:
    previous = previous_report(report)
    data = gather_report_data(
        scope_kind=report.scope_kind,
        field_of_action=report.field_of_action,
        unit=report.unit,
        period=Period(report.period_label, report.period_starts_on, report.period_ends_on),
        reporting_period=report.period,
        previous_as_of=previous.data_as_of if previous else None,
        acknowledged_only=report.acknowledged_only,
        priority_only=report.priority_only,
    )
    for row in data.measures:  # FB 15's notes: shown under the measure, which is then shown
        row.note = report.measure_notes.get(str(row.pk), "")
        row.in_detail = row.in_detail or bool(row.note)
    return replace(
        data,
        priorities=report_priorities(report),
        council_papers=[str(link.paper) for link in links_of(report)],
        assessment=report.assessment,
        is_draft=not report.release_requested,
        correction=correction_text(report),
    )


def report_priorities(report: Report) -> PriorityList | None:
    """The newest priority round closed by the report's period end, as the council reads
    it: the whole list in a report of the whole strategy, a unit's lines in its report."""
    if report.scope_kind == ScopeKind.FIELD:
        return None
    priorities = priority_list(until=report.period_ends_on)
    if priorities is None or report.scope_kind != ScopeKind.UNIT:
        return priorities
    lines = [line for line in priorities.lines if line.unit_code == report.unit.code]
    return replace(priorities, lines=lines) if lines else None


def correction_text(report: Report) -> str:
    """What the title page of a correction says about the report it replaces."""
    if report.replaces is None:
        return ""
    replaced = report.replaces
    return _("Berichtigt den Bericht vom %(date)s: %(note)s") % {
        "date": timezone.localtime(replaced.released_at or replaced.created_at).strftime(
            "%d.%m.%Y"
        ),
        "note": report.correction_note,
    }
