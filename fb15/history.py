"""History: writing it (who and why, set before saving) and reading it for people —
field-by-field changes with German labels and readable values.

Reading is used by every History tab, and by later comparisons (revisions, reports).
Rendering takes the reader: a related row the reader may not read now (a confidential
measure, a draft goal) is shown as "(vertraulich)", without code or title.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fb15.diffs import WordDiff, is_free_text, word_diff

ACTION_LABELS = {
    "+": gettext_lazy("angelegt"),
    "~": gettext_lazy("geändert"),
    "-": gettext_lazy("gelöscht"),
}
HIDDEN_FIELDS = {"updated_at", "id"}
HIDDEN_ROW = gettext_lazy("(vertraulich)")
REASON_MAX_LENGTH = 100  # simple-history's history_change_reason


def stamp_history(obj: models.Model, *, actor, reason: str = "", at=None) -> None:
    """Set who saves `obj` and why before `save()` (simple-history keeps both on the
    instance, so they are always set anew); `at` back-dates the history row."""
    obj._history_user = actor
    obj._change_reason = (reason or "")[:REASON_MAX_LENGTH] or None
    if at is not None:
        obj._history_date = at
    elif hasattr(obj, "_history_date"):
        del obj._history_date


def save_with_history(obj: models.Model, *, actor, reason: str = "", m2m: dict | None = None):
    """Save one object with its history entry, then its many-to-many values
    (`{"field_name": iterable}`). The write of every model without its own service; forms,
    imports and commands all end here or in a service that calls it."""
    stamp_history(obj, actor=actor, reason=reason)
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj


def record_event(obj: models.Model, *, actor, reason: str, at=None) -> None:
    """A history entry for `obj` without changing it: something happened to it (e.g. FB 15
    questioned one of its status updates) that its History tab must show. The row repeats
    the current values, so no field shows as changed; `obj` itself is not saved (its
    version for concurrent edits stays the same)."""
    from django.utils import timezone

    history_model = type(obj).history.model
    values = {field.attname: getattr(obj, field.attname) for field in history_model.tracked_fields}
    history_model.objects.create(
        **values,
        history_date=at or timezone.now(),
        history_type="~",
        history_user=actor,
        history_change_reason=reason[:REASON_MAX_LENGTH],
    )


@dataclass
class ConcurrentChange:
    """Someone saved an object after the editor loaded it: who, and what changed."""

    message: str
    changes: list


def lock_if_current(obj: models.Model, loaded_at, user):
    """Lock `obj`'s row; (current row, None) if nobody saved it since `loaded_at` (its
    `updated_at` when the editor loaded it), else (current row, ConcurrentChange).

    Edit forms and the API refuse such a save instead of overwriting what was saved meanwhile.
    """
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if loaded_at is not None and current.updated_at == loaded_at:
        return current, None
    # History rows carry the object's updated_at, so "since it was loaded" is exact.
    newer = current.history.filter(updated_at__gt=loaded_at) if loaded_at else None
    latest = newer.first() if newer is not None else None
    base = current.history.filter(updated_at__lte=loaded_at).first() if loaded_at else None
    changes = []
    if latest and base:
        changes = describe_changes(type(obj), [(latest, base)], user=user)[0]
    who = latest.history_user if latest else None
    message = _(
        "Dieser Datensatz wurde inzwischen von %(who)s geändert. Ihre Änderungen "
        "wurden nicht gespeichert. Bitte prüfen Sie den aktuellen Stand und "
        "speichern Sie erneut."
    ) % {"who": who or _("einer anderen Person")}
    return current, ConcurrentChange(message, changes)


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str
    # A free text changed (not created): the same change word by word (fb15.diffs).
    text_diff: WordDiff | None = None


@dataclass
class HistoryEntry:
    record: models.Model
    action: str
    changes: list[FieldChange]


def _lookup_related(model: type[models.Model], ids_by_field: dict[str, set], user) -> dict:
    """Two queries per related model: {field name: {pk: str(object) or "(vertraulich)"}}.

    Rows are read through `restrict(user, "view")`; people are named as on every page. A
    model whose rows have a draft offers `as_read_by(user)` (one more query): its rows are
    named as that reader may read them.
    """
    from django.contrib.auth import get_user_model

    names: dict[str, dict] = {}
    for field_name, ids in ids_by_field.items():
        field = model._meta.get_field(field_name)
        related = field.related_model
        ids = ids - {None}
        readable = None
        if related is not get_user_model() and hasattr(related.objects, "restrict"):
            readable = set(
                related.objects.restrict(user, "view")
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
        names[field_name] = {
            obj.pk: str(obj) if readable is None or obj.pk in readable else str(HIDDEN_ROW)
            for obj in related._base_manager.filter(pk__in=ids)
        }
        if readable and hasattr(related.objects, "as_read_by"):
            # Rows with a draft (goals): named in the version the reader may read.
            for obj in related.objects.filter(pk__in=readable).as_read_by(user):
                names[field_name][obj.pk] = str(obj)
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


def _m2m_targets(field: models.ManyToManyField, through_rows) -> set:
    """simple-history reports m2m values as through-row dicts; keep the target ids.

    The target column is named by the field (`to_measure` for a measure's dependencies on
    other measures), so a self-referential link never lists the object itself.
    """
    target = field.m2m_reverse_field_name()
    return {row[target] for row in through_rows or [] if target in row}


def _m2m_history_rows(pairs) -> dict[str, dict[int, list[dict]]]:
    """The recorded links of every record in `pairs`: one query per many-to-many field.

    {field name: {history id: [through-row dicts, as simple-history's diff compares them]}},
    ordered by the linked object as `diff_against` orders them.
    """
    records = {rec.pk: rec for pair in pairs for rec in pair if rec is not None}
    if not records:
        return {}
    sample = next(iter(records.values()))
    result: dict[str, dict[int, list[dict]]] = {}
    for m2m in sample._history_m2m_fields:
        through = getattr(sample, m2m.name).model
        names = [
            f.name
            for f in through._meta.fields
            if f.editable and f.name not in ["id", "m2m_history_id", "history"]
        ]
        by_record: dict[int, list[dict]] = defaultdict(list)
        rows = (
            through.objects.filter(history_id__in=list(records))
            .order_by(m2m.m2m_reverse_field_name())
            .values("history_id", *names)
        )
        for row in rows:
            by_record[row.pop("history_id")].append(row)
        result[m2m.name] = by_record
    return result


def describe_changes(model: type[models.Model], pairs, *, user) -> list[list[FieldChange]]:
    """For (newer, older) history record pairs, the changed fields of each, readable by `user`.

    `older` may be None (creation): then every filled field is listed. Related objects are
    looked up once per related model for all pairs together. A change that reads the same
    before and after (e.g. a link set again) is left out.
    """
    raw: list[list[tuple[models.Field, object, object]]] = []
    ids_by_field: dict[str, set] = defaultdict(set)
    pairs = list(pairs)
    m2m_rows = _m2m_history_rows(pairs)
    m2m_names = set(m2m_rows)
    for newer, older in pairs:
        rows = []
        if older is None:
            for field in model._meta.concrete_fields:
                value = getattr(newer, field.attname)
                if field.name not in HIDDEN_FIELDS and value not in (None, ""):
                    rows.append((field, None, value))
        else:
            # Plain fields compared in memory; the links from the rows loaded once above.
            delta = newer.diff_against(
                older, excluded_fields=m2m_names, foreign_keys_are_objs=False
            )
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                rows.append((model._meta.get_field(change.field), change.old, change.new))
            for name, by_record in m2m_rows.items():
                if name in HIDDEN_FIELDS:
                    continue
                m2m = model._meta.get_field(name)
                old_rows, new_rows = by_record[older.pk], by_record[newer.pk]
                if old_rows == new_rows:
                    continue
                old, new = _m2m_targets(m2m, old_rows), _m2m_targets(m2m, new_rows)
                if old != new:
                    rows.append((m2m, old, new))
        for field, old, new in rows:
            if field.many_to_many:
                ids_by_field[field.name] |= set(old or ()) | set(new or ())
            elif field.is_relation:
                ids_by_field[field.name] |= {old, new}
        raw.append(rows)
    related_names = _lookup_related(model, ids_by_field, user)
    described = []
    for rows in raw:
        changes = []
        for field, old, new in rows:
            change = FieldChange(
                field.name,
                str(field.verbose_name),
                _display(field, old, related_names),
                _display(field, new, related_names),
            )
            if old is None or change.old != change.new:
                if old is not None and is_free_text(field):
                    change.text_diff = word_diff(old or "", new or "")
                changes.append(change)
        described.append(changes)
    return described


def history_entries(shown: list, before=None, *, user) -> list[HistoryEntry]:
    """Readable entries for a page of an object's history records, newest first.

    `before` is the record preceding the oldest shown one (None if that one is the first),
    so every entry is compared with its predecessor without a query per row. Changes that
    leave nothing visible (a save without a changed field) are not listed.
    """
    if not shown:
        return []
    model = shown[0].instance_type
    predecessors = [*shown[1:], before]
    changes = describe_changes(model, list(zip(shown, predecessors, strict=True)), user=user)
    return [
        HistoryEntry(record=rec, action=ACTION_LABELS[rec.history_type], changes=change)
        for rec, change in zip(shown, changes, strict=True)
        if change or rec.history_type != "~"
    ]
