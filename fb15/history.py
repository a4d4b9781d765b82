"""Reading history for people: field-by-field changes with German labels and readable values.

Used by every History tab, and by later comparisons (revisions, reports).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "+": gettext_lazy("angelegt"),
    "~": gettext_lazy("geändert"),
    "-": gettext_lazy("gelöscht"),
}
HIDDEN_FIELDS = {"updated_at", "id"}


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    record: models.Model
    action: str
    changes: list[FieldChange]


def _lookup_related(model: type[models.Model], ids_by_field: dict[str, set]) -> dict:
    """One query per related model: {field name: {pk: str(object)}}."""
    names: dict[str, dict] = {}
    for field_name, ids in ids_by_field.items():
        field = model._meta.get_field(field_name)
        related = field.related_model
        names[field_name] = {
            obj.pk: str(obj) for obj in related._base_manager.filter(pk__in=ids - {None})
        }
    return names


def _display(field: models.Field, value, related_names: dict) -> str:
    if value in (None, ""):
        return "—"
    if field.many_to_many:
        names = sorted(related_names.get(field.name, {}).get(pk, str(pk)) for pk in value)
        return ", ".join(names) or "—"
    if field.is_relation:
        return related_names.get(field.name, {}).get(value, str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return date_format(value, "DATE_FORMAT")
    if isinstance(field, models.BooleanField):
        return _("ja") if value else _("nein")
    return str(localize(value))


def _m2m_targets(model: type[models.Model], through_rows) -> set:
    """simple-history reports m2m values as through-row dicts; keep the target ids."""
    skip = {"id", model._meta.model_name, "m2m_history_id"}
    return {value for row in through_rows or [] for key, value in row.items() if key not in skip}


def describe_changes(model: type[models.Model], pairs) -> list[list[FieldChange]]:
    """For (newer, older) history record pairs, the changed fields of each, readable.

    `older` may be None (creation): then every filled field is listed. Related objects are
    looked up once per related model for all pairs together.
    """
    raw: list[list[tuple[models.Field, object, object]]] = []
    ids_by_field: dict[str, set] = defaultdict(set)
    m2m_names = {f.name for f in model._meta.many_to_many}
    for newer, older in pairs:
        rows = []
        if older is None:
            for field in model._meta.concrete_fields:
                value = getattr(newer, field.attname)
                if field.name not in HIDDEN_FIELDS and value not in (None, ""):
                    rows.append((field, None, value))
        else:
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                field = model._meta.get_field(change.field)
                old, new = change.old, change.new
                if change.field in m2m_names:
                    old, new = _m2m_targets(model, old), _m2m_targets(model, new)
                rows.append((field, old, new))
        for field, old, new in rows:
            if field.many_to_many:
                ids_by_field[field.name] |= set(old or ()) | set(new or ())
            elif field.is_relation:
                ids_by_field[field.name] |= {old, new}
        raw.append(rows)
    related_names = _lookup_related(model, ids_by_field)
    return [
        [
            FieldChange(
                field.name,
                str(field.verbose_name),
                _display(field, old, related_names),
                _display(field, new, related_names),
            )
            for field, old, new in rows
        ]
        for rows in raw
    ]


def history_entries(shown: list, before=None) -> list[HistoryEntry]:
    """Readable entries for a page of an object's history records, newest first.

    `before` is the record preceding the oldest shown one (None if that one is the first),
    so every entry is compared with its predecessor without a query per row.
    """
    if not shown:
        return []
    model = shown[0].instance_type
    predecessors = [*shown[1:], before]
    changes = describe_changes(model, list(zip(shown, predecessors, strict=True)))
    return [
        HistoryEntry(record=rec, action=ACTION_LABELS[rec.history_type], changes=change)
        for rec, change in zip(shown, changes, strict=True)
    ]
