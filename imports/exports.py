"""Spreadsheets we write: the template (headers, example rows, drop-down lists), the export
of what a user may read in exactly the template's shape (export → import changes nothing),
and the rejected rows of a run."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fb15.models import OrgUnit
from measures.models import Measure, Project
from standards.models import Compliance, ComplianceState, Standard
from strategy.models import FieldOfAction, Goal

from .kinds import KINDS, ComplianceKind, Kind, goal_number
from .vocabularies import LEAD, VOCABULARIES
from .workbooks import SheetSpec

# Columns that only exist to read other files ("Name" for "Vorname"+"Nachname").
NOT_WRITTEN = {("people", "name")}


def _columns(kind: type[Kind]):
    return [c for c in kind.columns if (kind.name, c.field) not in NOT_WRITTEN]


def _spec(kind: type[Kind], rows: list[list]) -> SheetSpec:
    columns = _columns(kind)
    choices = {
        column.header: [label for _value, label in VOCABULARIES[column.vocabulary].options()]
        for column in columns
        if column.vocabulary and not column.many
    }
    return SheetSpec(
        name=str(kind.label).split(" (")[0],
        headers=[c.header for c in columns],
        rows=rows,
        choices=choices,
    )


def template_sheets() -> list[SheetSpec]:
    """One sheet per kind with one example row (the compliance matrix: an example unit)."""
    specs = []
    for kind in KINDS.values():
        if kind is ComplianceKind:
            specs.append(
                SheetSpec(
                    name=_("Einhaltung"),
                    headers=[_("Fachbereich"), "STD-SW-01"],
                    rows=[["FB 32", _("erfüllt")]],
                )
            )
            continue
        specs.append(_spec(kind, [[column.example for column in _columns(kind)]]))
    return specs


def _label(choices_enum, value) -> str | None:
    return str(choices_enum(value).label) if value else None


def export_sheets(user) -> list[SheetSpec]:
    """What `user` may read, one sheet per kind, in the template's shape."""
    from measures.models import Phase, Priority, Status
    from standards.models import Category, Obligation, StandardStatus

    units = list(
        OrgUnit.objects.restrict(user, "view")
        .select_related("division", "lead")
        .prefetch_related("members", "deputies")
    )
    unit_rows = [
        [
            unit.code,
            unit.name,
            f"{unit.division.number} – {unit.division.name}",
            unit.lead.email if unit.lead else None,
            unit.email or None,
        ]
        for unit in units
    ]
    people = {}
    for unit in units:
        for person in [
            *unit.members.all(),
            *unit.deputies.all(),
            *([unit.lead] if unit.lead else []),
        ]:
            if not person.email:
                continue
            role = (
                LEAD
                if unit.lead_id == person.pk
                else "deputy"
                if person in unit.deputies.all()
                else None
            )
            entry = people.setdefault(
                person.email.lower(),
                [person.email.lower(), person.first_name, person.last_name, unit.code, None],
            )
            if role or entry[4] is None:
                entry[4] = dict(VOCABULARIES["role"].options())[role or "Mitarbeitende"]
    person_rows = sorted(people.values())
    fields = FieldOfAction.objects.restrict(user, "view").order_by("position")
    goals = (
        Goal.objects.restrict(user, "view")
        .select_related("field_of_action")
        .order_by("field_of_action__position", "position")
    )
    strategy_rows = []
    with_goals = {goal.field_of_action_id for goal in goals}
    for field in fields:
        if field.pk not in with_goals:
            strategy_rows.append([field.position, field.title, None, None, None, None])
    for goal in goals:
        strategy_rows.append(
            [
                goal.field_of_action.position,
                goal.field_of_action.title,
                goal_number(goal),
                goal.title,
                goal.target_year,
                goal.description or None,
            ]
        )
    strategy_rows.sort(key=lambda row: (row[0], [int(p) for p in (row[2] or "0.0").split(".")]))

    def plan(item):
        return [
            _label(Status, item.status),
            item.progress,
            item.planned_start,
            item.planned_end,
            item.budget_planned,
            item.description or None,
        ]

    measures = (
        Measure.objects.restrict(user, "view")
        .select_related("goal__field_of_action", "owner", "responsible")
        .prefetch_related("participants")
    )
    measure_rows = [
        [
            m.code,
            m.title,
            goal_number(m.goal),
            m.owner.code,
            ", ".join(sorted(u.code for u in m.participants.all())) or None,
            m.responsible.email if m.responsible else None,
            _label(Priority, m.priority),
            *plan(m),
            m.funding_source or None,
        ]
        for m in measures
    ]
    projects = (
        Project.objects.restrict(user, "view")
        .select_related("owner", "lead")
        .prefetch_related("measures")
    )
    project_rows = [
        [
            p.code,
            p.title,
            ", ".join(sorted(m.code for m in p.measures.all())) or None,
            p.owner.code,
            p.lead.email if p.lead else None,
            _label(Phase, p.phase),
            *plan(p),
        ]
        for p in projects
    ]
    standards = list(Standard.objects.restrict(user, "view").order_by("code"))
    standard_rows = [
        [
            s.code,
            s.title,
            _label(Obligation, s.obligation),
            _label(Category, s.category),
            _label(StandardStatus, s.status),
            s.version_label,
            s.valid_from,
            s.valid_until,
            s.next_review,
            s.description or None,
        ]
        for s in standards
    ]
    states = {
        (c.unit_id, c.standard_id): c.get_state_display()
        for c in Compliance.objects.restrict(user, "view")
    }
    matrix_rows = [
        [
            unit.code,
            *(states.get((unit.pk, s.pk), str(ComplianceState.UNCHECKED.label)) for s in standards),
        ]
        for unit in units
    ]
    specs = [
        _spec(KINDS["units"], unit_rows),
        _spec(KINDS["people"], person_rows),
        _spec(KINDS["strategy"], strategy_rows),
        _spec(KINDS["measures"], measure_rows),
        _spec(KINDS["projects"], project_rows),
        _spec(KINDS["standards"], standard_rows),
    ]
    if standards:
        specs.append(
            SheetSpec(
                name=_("Einhaltung"),
                headers=[_("Fachbereich"), *(s.code for s in standards)],
                rows=matrix_rows,
            )
        )
    return specs


def rejected_sheets(run) -> list[SheetSpec]:
    """The rows the write left out, as read, with the reason in a last column."""
    specs = []
    for sheet in run.plan["sheets"]:
        rows = [
            [*row["cells"], " ".join(row["errors"])]
            for row in run.result.get("rows", [])
            if row["sheet"] == sheet["name"] and row["action"] == "error"
        ]
        if rows:
            specs.append(
                SheetSpec(name=sheet["name"], headers=[*sheet["headers"], _("Fehler")], rows=rows)
            )
    return specs
