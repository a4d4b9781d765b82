"""What can be imported: one kind per sheet shape, in the order a file is written.

A kind names its columns (field, the header of our templates, German and English
synonyms, the parser, the vocabulary of its words) and applies one parsed row: it finds
the existing object by its key (code, number, e-mail), sets the fields, validates and
saves through the owning app's service. It returns what changed, so the dry run can say
create / update / unchanged, and re-importing the same file changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fb15.history import save_with_history
from fb15.models import Division, OrgUnit, Role
from fb15.services import save_org_unit
from measures.models import Measure, Project, Status
from measures.services import create_measures, save_measure, save_project
from standards.models import Compliance, ComplianceState, Standard
from standards.services import assess_compliance, save_standard
from strategy.models import FieldOfAction, Goal, Strategy
from strategy.services import current_strategy, save_field_of_action, save_goal

from . import values
from .values import normalise
from .vocabularies import DEPUTY, LEAD

User = get_user_model()


class RowError(Exception):
    """The row cannot be written; `messages` are German sentences."""

    def __init__(self, *messages: str):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as in our templates and exports
    synonyms: tuple[str, ...] = ()
    parse: Callable = values.parse_text
    required: bool = False
    vocabulary: str | None = None  # the cell holds words of this vocabulary
    many: bool = False  # several values, separated by "," ";" or line breaks
    example: object = None

    def names(self) -> set[str]:
        return {normalise(name) for name in (self.header, self.field, *self.synonyms)}


@dataclass
class Applied:
    """What applying one row did (or, in the dry run, would do)."""

    action: str  # "create" | "update" | "unchanged"
    label: str
    changes: list[str]
    key: str


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, set | frozenset | list):
        return ", ".join(sorted(str(item) for item in value)) or "–"
    return str(value)


def assign(obj: models.Model, data: dict, m2m: dict | None = None) -> list[str]:
    """Set `data` (field name -> value) on `obj`; return the changes as German lines.
    `m2m` (field name -> objects) is compared with the saved relation."""
    changes = []
    for name, new in data.items():
        field = obj._meta.get_field(name)
        old = getattr(obj, name, None) if not field.is_relation else getattr(obj, field.attname)
        new_value = new.pk if field.is_relation and new is not None else new
        if old != new_value and not (old in (None, "") and new_value in (None, "")):
            old_shown = _display(obj, field) if obj.pk is not None else None
            setattr(obj, name, new if new is not None or field.null else "")
            if old_shown is not None:  # a new object's values are no changes
                changes.append(f"{field.verbose_name}: {old_shown} → {_display(obj, field)}")
    for name, items in (m2m or {}).items():
        field = obj._meta.get_field(name)
        old = set(getattr(obj, name).all()) if obj.pk else set()
        if old != set(items) and obj.pk is not None:
            changes.append(f"{field.verbose_name}: {_shown(old)} → {_shown(set(items))}")
    return changes


def _display(obj, field) -> str:
    if field.choices:
        return _shown(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.name)
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return _shown(value)


def validate(obj: models.Model, headers: dict[str, str], exclude=()) -> None:
    """The model's own field validation, as German messages naming the column."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        messages = []
        for name, errors in error.message_dict.items():
            column = headers.get(name) or str(obj._meta.get_field(name).verbose_name)
            messages += [f"Spalte „{column}“: {message}" for message in errors]
        raise RowError(*messages) from error


class Kind:
    name: str
    label: str
    sheet_names: tuple[str, ...]
    columns: tuple[Column, ...]
    # The field whose cells identify a row (duplicates in the file are errors).
    key_field: str = "code"

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)

    # True: apply() makes its own savepoints and creates in batches, written by flush().
    batches_creates = False

    def prepare(self, context) -> None:
        """Load what rows are matched against (once per sheet)."""

    def flush(self, context) -> None:
        """Write what apply() left pending (called at the end of the sheet)."""

    def apply(self, data: dict, context) -> Applied:
        raise NotImplementedError

    def missing(self, seen: set[str]) -> list[str]:
        """Labels of existing rows the file no longer has (reported, never deleted)."""
        return []

    def headers_of(self, context) -> dict[str, str]:
        return {column.field: column.header for column in self.columns}


def _by_key(queryset, attribute: str = "code") -> dict:
    return {normalise(getattr(obj, attribute)): obj for obj in queryset}


# --------------------------------------------------------------------------- organisation


class UnitKind(Kind):
    name = "units"
    label = gettext_lazy("Fachbereiche")
    sheet_names = ("Fachbereiche", "Organisation", "Organisationseinheiten", "Units")
    columns = (
        Column(
            "code",
            "Kürzel",
            ("Kurzbezeichnung", "Code", "Kennung", "OE-Kürzel", "Abkürzung", "unit code"),
            required=True,
            example="FB 32",
        ),
        Column(
            "name",
            "Bezeichnung",
            ("Name", "Fachbereich", "Organisationseinheit", "unit", "unit name"),
            required=True,
            example="Ordnung und Sicherheit",
        ),
        Column(
            "division",
            "Dezernat",
            ("Dezernat-Nr.", "Geschäftsbereich", "division"),
            required=True,
            example="III – Ordnung und Soziales",
        ),
        Column(
            "lead",
            "Leitung (E-Mail)",
            ("Leitung", "Fachbereichsleitung", "Leitung E-Mail", "lead", "lead e-mail"),
            example="karin.ordnungsmann@stadt.example",
        ),
        Column(
            "email",
            "Funktionspostfach",
            ("E-Mail", "Postfach", "Mail", "email"),
            example="fb32@stadt.example",
        ),
    )

    def prepare(self, context):
        self.units = _by_key(OrgUnit.objects.select_related("division"))

    def _division(self, text: str, context) -> Division:
        match = re.match(r"^(?:Dezernat\s+)?([^\s–:-]+)\s*(?:[–:-]\s*(.*))?$", text, re.I)
        number, name = (match.group(1), match.group(2) or "") if match else (text, "")
        division = Division.objects.filter(number__iexact=number).first()
        if division is None:
            position = (Division.objects.aggregate(top=Max("position"))["top"] or 0) + 1
            division = Division(number=number, name=name or f"Dezernat {number}", position=position)
            save_with_history(division, actor=context.actor, reason=context.reason)
        return division

    def apply(self, data, context):
        unit = self.units.get(normalise(data["code"])) or OrgUnit()
        is_new = unit.pk is None
        fields = {"code": data["code"], "name": data["name"]}
        fields["division"] = self._division(data["division"], context)
        if "email" in data:
            fields["email"] = data["email"] or ""
        changes = assign(unit, fields)
        validate(unit, self.headers_of(context), exclude=["lead"])
        if is_new or changes:
            save_org_unit(unit, actor=context.actor, reason=context.reason)
            self.units[normalise(unit.code)] = unit
            context.words.refresh("unit")
        if data.get("lead"):
            # The lead may be a person of this file's people sheet, read after the units.
            context.defer(self._set_lead, unit, data["lead"])
        action = "create" if is_new else "update" if changes else "unchanged"
        return Applied(action, str(unit), changes, normalise(unit.code))

    def _set_lead(self, unit: OrgUnit, email: str, context) -> list[str]:
        lead = User.objects.filter(email__iexact=email).first()
        if lead is None:
            raise RowError(
                _("Spalte „Leitung (E-Mail)“: keine Person mit der E-Mail „%(email)s“.")
                % {"email": email}
            )
        if unit.lead_id == lead.pk:
            return []
        change = f"{_('Leitung')}: {_shown(unit.lead)} → {lead}"
        unit.lead = lead
        save_org_unit(unit, actor=context.actor, reason=context.reason)
        return [change]

    def missing(self, seen):
        return [str(unit) for key, unit in self.units.items() if key not in seen]


def split_name(full: str) -> tuple[str, str]:
    """ "Nachname, Vorname" or "Vorname Nachname" -> (first, last)."""
    if "," in full:
        last, first = (part.strip() for part in full.split(",", 1))
        return first, last
    first, _space, last = full.rpartition(" ")
    return first, last


class PersonKind(Kind):
    name = "people"
    label = gettext_lazy("Personen")
    sheet_names = ("Personen", "Mitarbeitende", "Benutzer", "People", "Users")
    key_field = "email"
    columns = (
        Column(
            "email",
            "E-Mail",
            ("Mail", "E-Mail-Adresse", "email", "e-mail address"),
            required=True,
            example="karin.ordnungsmann@stadt.example",
        ),
        Column("name", "Name", ("Vor- und Nachname", "full name")),
        Column("first_name", "Vorname", ("first name", "given name"), example="Karin"),
        Column(
            "last_name",
            "Nachname",
            ("Familienname", "last name", "surname"),
            example="Ordnungsmann",
        ),
        Column(
            "unit",
            "Fachbereich",
            ("FB", "Organisationseinheit", "OE", "Dienststelle", "unit", "department"),
            vocabulary="unit",
            example="FB 32",
        ),
        Column(
            "role",
            "Rolle",
            ("Funktion", "role"),
            vocabulary="role",
            example="Fachbereichsleitung",
        ),
    )

    def prepare(self, context):
        self.users = {
            normalise(user.email): user
            for user in User.objects.exclude(email="").prefetch_related("groups")
        }
        self.groups = {group.name: group for group in Group.objects.all()}

    def apply(self, data, context):
        email = data["email"].lower()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise RowError(
                _("Spalte „E-Mail“: „%(value)s“ ist keine E-Mail-Adresse.") % {"value": email}
            )
        first, last = data.get("first_name"), data.get("last_name")
        if data.get("name") and not (first or last):
            first, last = split_name(data["name"])
        if not (first or last):
            raise RowError(_("Spalte „Name“: leer – bitte Vor- und Nachname angeben."))
        user = self.users.get(normalise(email)) or User(username=email, email=email)
        is_new = user.pk is None
        changes = assign(user, {"first_name": first or "", "last_name": last or ""})
        if is_new:
            user.set_unusable_password()  # logs in through the directory, or gets a password
        role = data.get("role") or Role.STAFF
        group = self.groups[Role.STAFF if role in (LEAD, DEPUTY) else role]
        if is_new or changes:
            save_with_history(user, actor=context.actor, reason=context.reason)
            self.users[normalise(email)] = user
        role_groups = (
            {g for g in user.groups.all() if g.name in Role.values} if not is_new else set()
        )
        if role_groups != {group}:
            user.groups.remove(*role_groups)
            user.groups.add(group)
            if not is_new:
                changes.append(f"{_('Rolle')}: {_shown(role_groups)} → {group.name}")
        if data.get("unit"):
            changes += self._join_unit(user, data["unit"], role, context)
        action = "create" if is_new else "update" if changes else "unchanged"
        return Applied(action, f"{user} <{email}>", changes, normalise(email))

    def _join_unit(self, user, code: str, role: str, context) -> list[str]:
        unit = OrgUnit.objects.get(code=code)
        members = set(unit.members.all())
        deputies = set(unit.deputies.all())
        changes = []
        if role not in (LEAD, DEPUTY) and user not in members:
            members.add(user)
            changes.append(_("Mitglied in %(unit)s") % {"unit": unit.code})
        if role == DEPUTY and user not in deputies:
            deputies.add(user)
            changes.append(_("Stellvertretung in %(unit)s") % {"unit": unit.code})
        if role == LEAD and unit.lead_id != user.pk:
            unit.lead = user
            changes.append(_("Leitung von %(unit)s") % {"unit": unit.code})
        if changes:
            m2m = {"members": members, "deputies": deputies}
            save_org_unit(unit, actor=context.actor, reason=context.reason, m2m=m2m)
        return changes

    def missing(self, seen):
        return []  # people leave through the directory, not through a spreadsheet


# --------------------------------------------------------------------------- strategy


def goal_number(goal: Goal) -> str:
    return f"{goal.field_of_action.position}.{goal.position}"


class StrategyKind(Kind):
    name = "strategy"
    label = gettext_lazy("Strategie (Handlungsfelder und Ziele)")
    sheet_names = ("Strategie", "Ziele", "Handlungsfelder", "Strategy", "Goals")
    key_field = "goal_number"
    columns = (
        Column(
            "field_number",
            "Handlungsfeld-Nr.",
            ("HF-Nr.", "Nr. Handlungsfeld", "Handlungsfeld Nr.", "field of action no"),
            parse=values.parse_int,
            example=1,
        ),
        Column(
            "field_title",
            "Handlungsfeld",
            ("HF", "Handlungsfeld-Titel", "Titel Handlungsfeld", "field of action"),
            example="Digitale Services für Bürger*innen",
        ),
        Column(
            "goal_number",
            "Ziel-Nr.",
            ("Nr.", "Zielnummer", "Ziel Nr.", "Nummer", "goal no", "goal number"),
            parse=values.parse_goal_number,
            example="1.1",
        ),
        Column(
            "goal_title",
            "Ziel",
            ("Zieltitel", "Strategisches Ziel", "Titel Ziel", "goal"),
            example="Alle Verwaltungsleistungen sind online verfügbar",
        ),
        Column("target_year", "Zieljahr", ("Jahr", "target year"), parse=values.parse_int),
        Column("description", "Beschreibung", ("Erläuterung", "description")),
    )

    def prepare(self, context):
        self.strategy = current_strategy()
        if self.strategy is None:
            self.strategy = save_with_history(
                Strategy(title=_("Digitale Strategie")), actor=context.actor, reason=context.reason
            )
        self.fields = {
            field.position: field for field in FieldOfAction.objects.filter(strategy=self.strategy)
        }
        self.goals = {
            goal_number(goal): goal
            for goal in Goal.objects.filter(field_of_action__strategy=self.strategy).select_related(
                "field_of_action"
            )
        }
        self.field_titles: dict[int, str] = {}

    def apply(self, data, context):
        number = data.get("goal_number")
        field_number = data.get("field_number")
        if number:
            field_part, _dot, goal_part = number.partition(".")
            if field_number is not None and field_number != int(field_part):
                raise RowError(
                    _("Spalte „Ziel-Nr.“: Ziel %(goal)s passt nicht zu Handlungsfeld %(field)s.")
                    % {"goal": number, "field": field_number}
                )
            field_number = int(field_part)
        if field_number is None:
            raise RowError(_("Spalte „Ziel-Nr.“ oder „Handlungsfeld-Nr.“ fehlt."))
        field_applied = self._field(field_number, data.get("field_title"), context)
        if not number:
            return field_applied
        if not data.get("goal_title"):
            raise RowError(_("Spalte „Ziel“: leer – bitte den Titel des Ziels angeben."))
        goal = self.goals.get(number) or Goal(position=int(goal_part))
        is_new = goal.pk is None
        fields = {"field_of_action": self.fields[field_number], "title": data["goal_title"]}
        for name in ("target_year", "description"):
            if name in data:
                fields[name] = data[name] if name == "target_year" else data[name] or ""
        changes = assign(goal, fields)
        validate(goal, self.headers_of(context), exclude=["field_of_action"])
        if is_new or changes:
            save_goal(goal, actor=context.actor, reason=context.reason)
            self.goals[number] = goal
        action = "create" if is_new else "update" if changes else "unchanged"
        if action == "unchanged" and field_applied.action != "unchanged":
            action, changes = field_applied.action, field_applied.changes
        return Applied(action, f"{_('Ziel')} {number} {goal.title}", changes, number)

    def _field(self, number: int, title: str | None, context) -> Applied:
        field = self.fields.get(number)
        label = f"{_('Handlungsfeld')} {number}"
        if (
            title
            and number in self.field_titles
            and normalise(self.field_titles[number]) != normalise(title)
        ):
            raise RowError(
                _("Spalte „Handlungsfeld“: Handlungsfeld %(number)s heißt weiter oben „%(title)s“.")
                % {"number": number, "title": self.field_titles[number]}
            )
        if title:
            self.field_titles[number] = title
        if field is None and not title:
            raise RowError(
                _(
                    "Spalte „Handlungsfeld“: Handlungsfeld %(number)s gibt es noch nicht – "
                    "bitte den Titel angeben."
                )
                % {"number": number}
            )
        if title is None:
            return Applied("unchanged", f"{label} {field.title}", [], str(number))
        field = field or FieldOfAction(strategy=self.strategy, position=number)
        is_new = field.pk is None
        changes = assign(field, {"title": title})
        validate(field, self.headers_of(context), exclude=["strategy"])
        if is_new or changes:
            save_field_of_action(field, actor=context.actor, reason=context.reason)
            self.fields[number] = field
        action = "create" if is_new else "update" if changes else "unchanged"
        return Applied(action, f"{label} {field.title}", changes, str(number))

    def missing(self, seen):
        return [
            f"{_('Ziel')} {number} {goal.title}"
            for number, goal in self.goals.items()
            if number not in seen
        ]


# --------------------------------------------------------------------------- measures, projects


def _owner_columns() -> tuple[Column, ...]:
    return (
        Column(
            "owner",
            "federführender Fachbereich",
            (
                "Fachbereich",
                "FB",
                "federführend",
                "Federführung",
                "Zuständigkeit",
                "zuständiger Fachbereich",
                "owner",
                "lead unit",
            ),
            required=True,
            vocabulary="unit",
            example="FB 32",
        ),
    )


def _plan_columns() -> tuple[Column, ...]:
    return (
        Column(
            "status",
            "Status",
            ("Stand", "Umsetzungsstatus", "Umsetzungsstand", "state"),
            vocabulary="status",
            example="in Umsetzung",
        ),
        Column(
            "progress",
            "Fortschritt (%)",
            ("Fortschritt", "Umsetzungsgrad", "progress"),
            parse=values.parse_percent,
            example=40,
        ),
        Column(
            "planned_start",
            "geplanter Beginn",
            ("Beginn", "Start", "Startdatum", "Projektbeginn", "start"),
            parse=values.parse_date,
        ),
        Column(
            "planned_end",
            "geplantes Ende",
            ("Ende", "Enddatum", "Fertigstellung", "Abschluss", "end"),
            parse=values.parse_date,
        ),
        Column(
            "budget_planned",
            "Budget geplant (EUR)",
            ("Budget", "Kosten", "Mittel", "Haushaltsmittel", "Budget (EUR)", "budget"),
            parse=values.parse_amount,
        ),
        Column("description", "Beschreibung", ("Erläuterung", "Kurzbeschreibung", "description")),
    )


class ReportedKind(Kind):
    """Measures and projects: owned by a unit, planned, with a current status."""

    model: type[models.Model]
    plain_fields = (
        "title",
        "status",
        "progress",
        "planned_start",
        "planned_end",
        "budget_planned",
        "description",
    )

    def items_queryset(self):
        return self.model.objects.all()

    def prepare(self, context):
        self.items = _by_key(self.items_queryset())
        self.units = {unit.code: unit for unit in OrgUnit.objects.all()}
        self.people: dict[str, object] | None = None

    def person(self, email: str | None, field: str):
        """The user with that e-mail (one query for all rows of the sheet)."""
        if not email:
            return None
        if self.people is None:
            self.people = {normalise(u.email): u for u in User.objects.exclude(email="")}
        user = self.people.get(normalise(email))
        if user is None:
            raise RowError(
                _("Spalte „%(column)s“: keine Person mit der E-Mail „%(email)s“.")
                % {"column": self.column(field).header, "email": email}
            )
        return user

    def fields(self, data) -> dict:
        fields = {name: data[name] for name in self.plain_fields if name in data}
        fields["owner"] = self.units[data["owner"]]
        if "description" in fields and fields["description"] is None:
            fields["description"] = ""
        for name in ("status", "progress"):
            if name in fields and fields[name] is None:
                del fields[name]  # an empty cell keeps the current state
        if fields.get("status") == Status.DONE and "progress" not in fields:
            fields["progress"] = 100  # "abgeschlossen" without a figure means done
        return fields

    def missing(self, seen):
        return [f"{item.code} {item.title}" for key, item in self.items.items() if key not in seen]


class MeasureKind(ReportedKind):
    name = "measures"
    label = gettext_lazy("Maßnahmen")
    sheet_names = ("Maßnahmen", "Massnahmen", "Maßnahmenliste", "Measures")
    model = Measure
    plain_fields = (*ReportedKind.plain_fields, "funding_source", "priority")
    columns = (
        Column(
            "code",
            "Kennung",
            ("Nr.", "Maßnahmen-Nr.", "Maßnahmennummer", "Code", "ID", "measure id"),
            example="M-1.1-01",
        ),
        Column(
            "title",
            "Titel",
            ("Maßnahme", "Bezeichnung", "Maßnahmentitel", "title"),
            required=True,
            example="Online-Terminvergabe im Bürgerservice",
        ),
        Column(
            "goal",
            "Ziel",
            ("Ziel-Nr.", "Strategisches Ziel", "Zielnummer", "goal"),
            required=True,
            example="1.1",
        ),
        *_owner_columns(),
        Column(
            "participants",
            "beteiligte Fachbereiche",
            ("Beteiligte", "beteiligt", "participants"),
            vocabulary="unit",
            many=True,
        ),
        Column(
            "responsible",
            "verantwortliche Person (E-Mail)",
            ("Verantwortlich", "Ansprechperson", "Ansprechpartner*in", "responsible"),
        ),
        Column(
            "priority",
            "Priorität",
            ("Prio", "priority"),
            vocabulary="priority",
            example="hoch",
        ),
        *_plan_columns(),
        Column("funding_source", "Finanzierungsquelle", ("Finanzierung", "Förderung", "funding")),
    )

    # New measures are created in batches (see flush): a city's list has thousands.
    batches_creates = True
    BATCH = 500

    def items_queryset(self):
        return Measure.objects.prefetch_related("participants")

    def prepare(self, context):
        super().prepare(context)
        self.by_title = {(m.goal_id, normalise(m.title)): m for m in self.items.values()}
        self.pending: list[tuple[Measure, object]] = []
        goals = Goal.objects.select_related("field_of_action")
        self.goals = {goal_number(goal): goal for goal in goals}
        self.goals_by_title: dict[str, list[Goal]] = {}
        for goal in self.goals.values():
            self.goals_by_title.setdefault(normalise(goal.title), []).append(goal)

    def _goal(self, text: str) -> Goal:
        try:
            number = values.parse_goal_number(text)
        except ValueError:
            number = None
        if number and number in self.goals:
            return self.goals[number]
        by_title = self.goals_by_title.get(normalise(text), [])
        if len(by_title) == 1:
            return by_title[0]
        if by_title:
            raise RowError(
                _("Spalte „Ziel“: „%(value)s“ gibt es mehrfach – bitte die Nummer angeben.")
                % {"value": text}
            )
        raise RowError(_("Spalte „Ziel“: ein Ziel „%(value)s“ gibt es nicht.") % {"value": text})

    def next_code(self, goal: Goal) -> str:
        prefix = f"M-{goal_number(goal)}-"
        taken = {key for key in self.items if key.startswith(normalise(prefix))}
        number = 1
        while normalise(f"{prefix}{number:02d}") in taken:
            number += 1
        return f"{prefix}{number:02d}"

    def apply(self, data, context):
        goal = self._goal(data["goal"])
        measure = None
        if data.get("code"):
            measure = self.items.get(normalise(data["code"]))
        else:
            # Without a code a row is the measure of the same title under the same goal.
            measure = self.by_title.get((goal.pk, normalise(data["title"])))
        measure = measure or Measure(code=data.get("code") or self.next_code(goal))
        is_new = measure.pk is None
        fields = self.fields(data)
        fields["goal"] = goal
        if "responsible" in data:
            fields["responsible"] = self.person(data["responsible"], "responsible")
        if fields.get("priority") is None:
            fields.pop("priority", None)
        if "funding_source" in fields and fields["funding_source"] is None:
            fields["funding_source"] = ""
        m2m = {}
        if "participants" in data:
            m2m["participants"] = [self.units[code] for code in data["participants"] or []]
        changes = assign(measure, fields, m2m)
        validate(measure, self.headers_of(context), exclude=["goal", "owner", "responsible"])
        if is_new and not m2m.get("participants"):
            self.pending.append((measure, context.current))
            if len(self.pending) >= self.BATCH:
                self.flush(context)
        elif is_new or changes:
            with transaction.atomic():
                save_measure(measure, actor=context.actor, reason=context.reason, m2m=m2m)
        self.items[normalise(measure.code)] = measure
        self.by_title[(goal.pk, normalise(measure.title))] = measure
        action = "create" if is_new else "update" if changes else "unchanged"
        return Applied(action, f"{measure.code} {measure.title}", changes, normalise(measure.code))

    def flush(self, context) -> None:
        """Create the pending new measures at once; if the batch fails (a code taken since
        the check), row by row, so the failing row is named."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            with transaction.atomic():
                create_measures(
                    [m for m, _result in pending], actor=context.actor, reason=context.reason
                )
        except DatabaseError:
            for measure, result in pending:
                measure.pk = None
                try:
                    with transaction.atomic():
                        save_measure(measure, actor=context.actor, reason=context.reason)
                except DatabaseError as error:
                    result.fail([str(error)])


class ProjectKind(ReportedKind):
    name = "projects"
    label = gettext_lazy("Projekte")
    sheet_names = ("Projekte", "Projektliste", "Projects")
    model = Project
    plain_fields = (*ReportedKind.plain_fields, "phase")
    columns = (
        Column(
            "code",
            "Kennung",
            ("Projekt-Nr.", "Projektnummer", "Nr.", "Code", "ID", "project id"),
            required=True,
            example="P-2026-01",
        ),
        Column(
            "title",
            "Titel",
            ("Projekt", "Projekttitel", "Bezeichnung", "title"),
            required=True,
            example="Einführung Terminvergabe",
        ),
        Column(
            "measures",
            "umgesetzte Maßnahmen",
            ("Maßnahmen", "Maßnahmen-Nr.", "Maßnahme", "measures"),
            many=True,
            example="M-1.1-01",
        ),
        *_owner_columns(),
        Column(
            "lead",
            "Projektleitung (E-Mail)",
            ("Projektleitung", "Projektleiter*in", "PL", "project lead"),
        ),
        Column("phase", "Phase", ("Projektphase", "phase"), vocabulary="phase", example="Planung"),
        *_plan_columns(),
    )

    def apply(self, data, context):
        project = self.items.get(normalise(data["code"])) or Project(code=data["code"])
        is_new = project.pk is None
        fields = self.fields(data)
        if fields.get("phase") is None:
            fields.pop("phase", None)
        if "lead" in data:
            fields["lead"] = self.person(data["lead"], "lead")
        m2m = {}
        if "measures" in data:
            codes = data["measures"] or []
            found = {normalise(m.code): m for m in Measure.objects.filter(code__in=codes)}
            unknown = [code for code in codes if normalise(code) not in found]
            if unknown:
                raise RowError(
                    _("Spalte „umgesetzte Maßnahmen“: keine Maßnahme mit der Kennung „%(codes)s“.")
                    % {"codes": "“, „".join(unknown)}
                )
            m2m["measures"] = list(found.values())
        changes = assign(project, fields, m2m)
        validate(project, self.headers_of(context), exclude=["owner", "lead"])
        if is_new or changes:
            save_project(project, actor=context.actor, reason=context.reason, m2m=m2m)
            self.items[normalise(project.code)] = project
        action = "create" if is_new else "update" if changes else "unchanged"
        return Applied(action, f"{project.code} {project.title}", changes, normalise(project.code))


# --------------------------------------------------------------------------- standards


class StandardKind(Kind):
    name = "standards"
    label = gettext_lazy("Standards")
    sheet_names = ("Standards", "Verwaltungsstandards", "Standardliste")
    columns = (
        Column(
            "code",
            "Kennung",
            ("Nr.", "Code", "Standard-Nr.", "ID"),
            required=True,
            example="STD-SW-01",
        ),
        Column(
            "title",
            "Titel",
            ("Standard", "Bezeichnung", "title"),
            required=True,
            example="Elektronische Akte",
        ),
        Column(
            "obligation",
            "Verbindlichkeit",
            ("Muss/Soll/Kann", "Verpflichtung", "Stufe", "obligation"),
            required=True,
            vocabulary="obligation",
            example="Muss",
        ),
        Column(
            "category",
            "Kategorie",
            ("Bereich", "Art", "category"),
            required=True,
            vocabulary="category",
            example="Software",
        ),
        Column(
            "status",
            "Status",
            ("Stand", "state"),
            vocabulary="standard_status",
            example="Entwurf",
        ),
        Column("version_label", "Version", ("Fassung", "version")),
        Column("valid_from", "gültig ab", ("Gültigkeit ab", "valid from"), parse=values.parse_date),
        Column(
            "valid_until", "gültig bis", ("Gültigkeit bis", "valid until"), parse=values.parse_date
        ),
        Column(
            "next_review",
            "nächste Überprüfung",
            ("Überprüfung", "Wiedervorlage", "next review"),
            parse=values.parse_date,
        ),
        Column("description", "Beschreibung", ("Erläuterung", "description")),
    )

    def prepare(self, context):
        self.standards = _by_key(Standard.objects.all())

    def apply(self, data, context):
        standard = self.standards.get(normalise(data["code"])) or Standard(code=data["code"])
        is_new = standard.pk is None
        fields = {name: value for name, value in data.items() if name != "code"}
        for name in ("description", "version_label"):
            if name in fields and fields[name] is None:
                fields[name] = "" if name == "description" else "1.0"
        if fields.get("status") is None:
            fields.pop("status", None)
        changes = assign(standard, fields)
        validate(standard, self.headers_of(context), exclude=["responsible", "superseded_by"])
        if is_new or changes:
            save_standard(standard, actor=context.actor, reason=context.reason)
            self.standards[normalise(standard.code)] = standard
        action = "create" if is_new else "update" if changes else "unchanged"
        return Applied(
            action, f"{standard.code} {standard.title}", changes, normalise(standard.code)
        )

    def missing(self, seen):
        return [f"{s.code} {s.title}" for key, s in self.standards.items() if key not in seen]


class ComplianceKind(Kind):
    """The matrix in its usual wide form: units as rows, one column per standard code."""

    name = "compliance"
    label = gettext_lazy("Einhaltung der Standards (Matrix)")
    sheet_names = ("Einhaltung", "Konformität", "Compliance", "Matrix", "Standardmatrix")
    key_field = "unit"
    columns = (
        Column(
            "unit",
            "Fachbereich",
            ("FB", "Kürzel", "Organisationseinheit", "unit"),
            required=True,
            vocabulary="unit",
        ),
    )
    # Every other column: the header is a standard's code, the cells its state.
    standard_field = "standard"

    def prepare(self, context):
        self.standards = _by_key(Standard.objects.all())

    def apply(self, data, context):
        unit = OrgUnit.objects.get(code=data["unit"])
        cells = {(cell.standard_id): cell for cell in Compliance.objects.filter(unit=unit)}
        changes = []
        for code, state in data["cells"].items():
            standard = self.standards.get(normalise(code))
            if standard is None:
                context.note(
                    _("Spalte „%(code)s“: keinen Standard mit dieser Kennung – übergangen.")
                    % {"code": code}
                )
                continue
            cell = cells.get(standard.pk) or Compliance(unit=unit, standard=standard)
            if state is None or cell.state == state:
                continue
            old = cell.get_state_display() if cell.pk else ComplianceState.UNCHECKED.label
            cell.state = state
            assess_compliance(cell, actor=context.actor, confirm=True, reason=context.reason)
            changes.append(f"{standard.code}: {old} → {cell.get_state_display()}")
        action = "update" if changes else "unchanged"
        return Applied(action, str(unit), changes, normalise(unit.code))


# In the order a file is written: what a later kind refers to is written before it.
KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (
        UnitKind,
        PersonKind,
        StrategyKind,
        MeasureKind,
        ProjectKind,
        StandardKind,
        ComplianceKind,
    )
}
