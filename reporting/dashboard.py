"""The Lagebild: figures and roll-ups aggregated by the database."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fb15.models import OrgUnit
from measures.charts import on_track
from measures.models import (
    ACTIVE_STATUSES,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Project,
    ReportingPeriod,
    StatusUpdate,
)
from strategy.models import FieldOfAction, Goal, Revision, Strategy

from . import charts
from .changes import LIGHT_LABELS, Change, changes_in_sql
from .periods import Period, ReportError
from .report_data import OpenItem, ReportData, number_text, revision_in_force
from .trend import QuarterPoint, quarter_trend

# The Lagebild lists at most this many open items and changes per list; the full list is
# one click away (the measure list, paginated).
DASHBOARD_LIST_LIMIT = 20


@dataclass
class DashboardData:
    """What the Lagebild and the start page show: figures and roll-ups computed in SQL,
    open items and changes capped at DASHBOARD_LIST_LIMIT with their full count."""

    period: Period
    as_of: datetime.datetime
    measure_count: int
    project_count: int
    average_progress: int | None
    light_totals: list[tuple[str, str, int]]
    budget_total: tuple[Decimal, Decimal]
    light_by_field: list[charts.LightBar]
    light_by_unit: list[charts.LightBar]
    budget_rows: list[tuple[str, Decimal, Decimal]]
    overdue_count: int
    stale_count: int
    off_target_count: int
    confidential_left_out: int
    overdue_milestones: list[OpenItem] = field(default_factory=list)
    stale_items: list[OpenItem] = field(default_factory=list)
    indicators_off_target: list[OpenItem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    change_count: int = 0
    changes_since: str = ""
    list_limit: int = DASHBOARD_LIST_LIMIT
    trend: list[QuarterPoint] = field(default_factory=list)
    # The cache key of these figures (reporting.views.dashboard_data): names what is
    # rendered from them alone, such as the charts, in the template fragment cache.
    cache_key: str = ""

    chart_field = ReportData.chart_field
    chart_trend = ReportData.chart_trend
    chart_unit = ReportData.chart_unit
    chart_budget = ReportData.chart_budget


@dataclass(frozen=True)
class _IndicatorState:
    """What `on_track` and the open-items list read of an indicator."""

    pk: int
    code: str
    owner_id: int | None
    name: str
    unit: str
    baseline: Decimal
    target_value: Decimal
    target_date: datetime.date

    @property
    def higher_is_better(self) -> bool:
        return self.target_value >= self.baseline


@dataclass(frozen=True)
class _ValueState:
    measured_on: datetime.date
    value: Decimal


def _adopted_fields_and_goals(strategy: Strategy, as_of: datetime.datetime):
    """Fields of action and goal ids of the revision in force (as `adopted_tree` reads them:
    the Lagebild goes to the council, who read no drafts); before the first revision, the
    working state."""
    revision = revision_in_force(strategy, as_of)
    if revision is None:
        fields = list(FieldOfAction.objects.filter(strategy=strategy).order_by("position"))
        return fields, Goal.objects.filter(field_of_action__strategy=strategy).values("pk")
    adopted_at = revision.published_at
    fields = list(
        FieldOfAction.history.as_of(adopted_at).filter(strategy_id=strategy.pk).order_by("position")
    )
    goals = Goal.history.as_of(adopted_at).filter(field_of_action_id__in=[f.pk for f in fields])
    return fields, [goal.pk for goal in goals]


# What the Lagebild reads. Every write to them leaves a history row (bulk writes too, by
# simple-history's helpers), and every insert takes a new id: the largest ids of the rows and
# of their history change with any change to the figures.
VERSIONED_MODELS = (
    Measure,
    Project,
    StatusUpdate,
    Milestone,
    Indicator,
    IndicatorValue,
    ReportingPeriod,
    Strategy,
    Revision,
    FieldOfAction,
    Goal,
    OrgUnit,
)


def dashboard_version() -> str:
    """The data's version for the Lagebild's cache: one query of index lookups.

    On PostgreSQL the database's own id comes first: a database created anew (a test run, a
    restore into a new database) numbers its rows from 1 again."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(connection.vendor))
        return "-".join(str(value or 0) for value in cursor.fetchone())


@functools.cache
def _version_sql(vendor: str) -> str:
    """The version's statement, built once (reading `Model.history` is not free; the start
    page asks for the version on every request)."""
    quote = connection.ops.quote_name
    columns = []
    if vendor == "postgresql":
        columns.append("(SELECT oid FROM pg_database WHERE datname = current_database())")
    tables = []
    for model in VERSIONED_MODELS:
        history = model.history.model
        tables += [
            (model._meta.db_table, model._meta.pk.column),
            (history._meta.db_table, history._meta.pk.column),
        ]
    columns += [f"(SELECT MAX({quote(column)}) FROM {quote(table)})" for table, column in tables]
    return "SELECT " + ", ".join(columns)


def gather_dashboard_data(
    *,
    period: Period,
    reporting_period: ReportingPeriod | None = None,
    previous_as_of: datetime.datetime | None = None,
    today: datetime.date | None = None,
    lists: bool = True,
    changes: bool | None = None,
    limit: int | None = None,
) -> DashboardData:
    """The live Lagebild of the whole strategy in a fixed number of queries, each aggregated
    by the database: the same figures as `gather_report_data(live=True)` without loading
    every measure. `lists=False` (the start page) leaves out the trend, the open items and
    the changes; `changes=True` asks for the changes alone as well (the council's start page).

    As in the report, confidential measures and projects are left out and only counted.
    """
    as_of = timezone.now()
    today = today or timezone.localtime(as_of).date()  # the city's day, not UTC's
    limit = limit or DASHBOARD_LIST_LIMIT
    strategy = Strategy.objects.order_by("pk").first()
    if strategy is None:
        raise ReportError(_("Es gibt noch keine Strategie, über die berichtet werden kann."))
    fields, goal_ids = _adopted_fields_and_goals(strategy, as_of)
    units = OrgUnit.objects.in_bulk()
    in_strategy = Measure.objects.filter(goal_id__in=goal_ids)
    # Live rows: the history rule (public now, or deleted and public then) is plain
    # `public_condition()` here, without two subqueries over the whole table per statement.
    public_measure, public_project = (
        Measure.objects.public_condition(),
        Project.objects.public_condition(),
    )
    measures = in_strategy.filter(public_measure)
    projects = Project.objects.filter(public_project)
    stale_filter = Q(pk__in=[])
    if reporting_period is not None:
        stale_filter = Q(status__in=ACTIVE_STATUSES) & ~Q(last_update_period_id=reporting_period.pk)
    # All, public and stale public rows: one conditional aggregate per model.
    measure_figures = in_strategy.aggregate(
        all=Count("pk"),
        public=Count("pk", filter=public_measure),
        stale=Count("pk", filter=public_measure & stale_filter),
    )
    project_figures = Project.objects.aggregate(
        all=Count("pk"),
        public=Count("pk", filter=public_project),
        stale=Count("pk", filter=public_project & stale_filter),
    )
    confidential = (measure_figures["all"] - measure_figures["public"]) + (
        project_figures["all"] - project_figures["public"]
    )

    def light(value) -> str:
        return value or ""

    # Traffic lights, progress and budget per field of action: one grouped query.
    per_field: dict[int, dict] = defaultdict(
        lambda: {"lights": defaultdict(int), "planned": Decimal(0), "spent": Decimal(0)}
    )
    totals: dict[str, int] = defaultdict(int)
    measure_count = progress_sum = 0
    for field_id, traffic_light, count, progress, planned, spent in (
        measures.order_by()
        .values_list("goal__field_of_action_id", "traffic_light")
        .annotate(Count("id"), Sum("progress"), Sum("budget_planned"), Sum("budget_spent"))
    ):
        entry = per_field[field_id]
        entry["lights"][light(traffic_light)] += count
        entry["planned"] += planned or Decimal(0)
        entry["spent"] += spent or Decimal(0)
        totals[light(traffic_light)] += count
        measure_count += count
        progress_sum += progress or 0
    labels = {f.pk: f"{number} {f.title}" for number, f in enumerate(fields, start=1)}
    shown_fields = [f for f in fields if f.pk in per_field]
    light_by_field = [
        charts.LightBar(labels[f.pk], dict(per_field[f.pk]["lights"])) for f in shown_fields
    ]
    budget_rows = [
        (labels[f.pk], per_field[f.pk]["planned"], per_field[f.pk]["spent"]) for f in shown_fields
    ]
    by_unit: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for owner_id, traffic_light, count in (
        measures.order_by().values_list("owner_id", "traffic_light").annotate(Count("id"))
    ):
        label = f"{units[owner_id].code} {units[owner_id].name}" if owner_id in units else "—"
        by_unit[label][light(traffic_light)] += count
    light_by_unit = [
        charts.LightBar(code, dict(counts)) for code, counts in sorted(by_unit.items())
    ]

    # Open points: counted in SQL, listed up to `limit`.
    def unit_code(obj) -> str:
        return units[obj.owner_id].code if obj.owner_id in units else "—"

    stale_measures = measures.filter(stale_filter).order_by(
        "goal__field_of_action__position", "goal__position", "code"
    )
    stale_projects = projects.filter(stale_filter).order_by("code")
    stale_count = measure_figures["stale"] + project_figures["stale"]
    overdue = Milestone.objects.filter(
        Q(measure__in=measures.values("pk")) | Q(project__in=projects.values("pk")),
        Q(reached_on__isnull=True) | Q(reached_on__gt=today),
        due_on__lt=today,
    )
    overdue_count = overdue.count()
    # Indicators off target: plain tuples, not model instances (thousands at 10,000 measures).
    indicators = [
        _IndicatorState(*row)
        for row in Indicator.objects.filter(measure__in=measures.values("pk"))
        .order_by("pk")
        .values_list(
            "pk",
            "measure__code",
            "measure__owner_id",
            "name",
            "unit",
            "baseline",
            "target_value",
            "target_date",
        )
    ]
    values = defaultdict(list)
    for indicator_id, measured_on, value in (
        IndicatorValue.objects.filter(
            indicator__measure__in=measures.values("pk"), measured_on__lte=today
        )
        .order_by("measured_on")
        .values_list("indicator_id", "measured_on", "value")
    ):
        values[indicator_id].append(_ValueState(measured_on, value))
    off_target = [i for i in indicators if on_track(i, values[i.pk]) is False]

    data = DashboardData(
        period=period,
        as_of=as_of,
        measure_count=measure_count,
        project_count=project_figures["public"],
        average_progress=round(progress_sum / measure_count) if measure_count else None,
        light_totals=[(v, str(LIGHT_LABELS[v]), totals[v]) for v in charts.LIGHT_ORDER],
        budget_total=(
            sum((p for _l, p, _s in budget_rows), Decimal(0)),
            sum((s for _l, _p, s in budget_rows), Decimal(0)),
        ),
        light_by_field=light_by_field,
        light_by_unit=light_by_unit,
        budget_rows=budget_rows,
        overdue_count=overdue_count,
        stale_count=stale_count,
        off_target_count=len(off_target),
        confidential_left_out=confidential,
        list_limit=limit,
    )
    if lists:
        data.trend = quarter_trend(measures.values("pk"), period)
        for ms in overdue.select_related("measure", "project").order_by("due_on", "pk")[:limit]:
            subject = ms.measure or ms.project
            data.overdue_milestones.append(
                OpenItem(
                    _("Maßnahme") if ms.measure_id else _("Projekt"),
                    subject.code,
                    ms.title,
                    unit_code(subject),
                    _("fällig am %(date)s") % {"date": ms.due_on.strftime("%d.%m.%Y")},
                )
            )
        detail = _("keine Statusmeldung für %(period)s") % {
            "period": reporting_period.label if reporting_period else ""
        }
        stale_rows = [(_("Maßnahme"), m) for m in stale_measures[:limit]]
        if len(stale_rows) < limit:
            stale_rows += [(_("Projekt"), p) for p in stale_projects[: limit - len(stale_rows)]]
        data.stale_items = [
            OpenItem(kind, obj.code, obj.title, unit_code(obj), detail) for kind, obj in stale_rows
        ]
        for indicator in off_target[:limit]:
            series = values[indicator.pk]
            data.indicators_off_target.append(
                OpenItem(
                    _("Kennzahl"),
                    indicator.code,
                    indicator.name,
                    units[indicator.owner_id].code if indicator.owner_id in units else "—",
                    _("%(value)s %(unit)s, Ziel %(target)s %(unit)s bis %(date)s")
                    % {
                        "value": number_text(series[-1].value),
                        "unit": indicator.unit,
                        "target": number_text(indicator.target_value),
                        "date": indicator.target_date.strftime("%d.%m.%Y"),
                    },
                )
            )

    if not (lists if changes is None else changes):
        return data

    # Changes: only measures with a history record after `since` can have moved.
    since = previous_as_of or timezone.make_aware(
        datetime.datetime.combine(period.starts_on, datetime.time.min)
    )
    changes = changes_in_sql(measures, since)
    data.change_count = len(changes)
    data.changes = changes[:limit]
    data.changes_since = timezone.localtime(since).strftime("%d.%m.%Y %H:%M")
    return data
