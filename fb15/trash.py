"""Safe deleting and the Papierkorb: what depends on an object, and restoring deleted ones.

Delete protection (what FB 15 expects): an object is not deleted while other data still
refers to it, so nothing disappears as a side effect. Its dependents are
- rows whose foreign key to it is `PROTECT` or `RESTRICT` (measures of a goal, goals of a
  field of action, measures/projects/reports of a unit, compliance cells and exemptions of a
  standard or unit), and
- many-to-many links held by *other* objects (measures linked to a trend, trends and measures
  a unit takes part in): deleting would unlink them silently.
Parts that live and die with the object (`CASCADE`: milestones of a measure) and links the
object holds itself (a trend's units: restored from its own history) do not protect it.
Rows an app marks as disposable (`register_disposable_rows`, e.g. compliance cells still
"ungeprüft" without any entry, created automatically) do not count and are deleted with it.

The Papierkorb lists deleted objects of the models apps register (`register_trash_model`,
from their `AppConfig.ready()`, as with home sections) from history (`history_type "-"`), read
through `history_condition()` of the permission mechanism. It is for holders of the global
delete right of a model (the Strategieteam): a deleted row has no unit any more that could
grant a department right. Restoring writes the object back with the same pk from its last
recorded state, re-links its many-to-many links from the last record before the deletion,
and re-adds links other objects held to it when their history still records them.

Not restored: rows that pointed to it with `SET_NULL` (a report keeps no link to a
deleted schedule); parts deleted with it by `CASCADE` (milestones, indicators and risks are
listed and restored one by one, the parent first; status updates and measured values are
not listed); guardian grants on the row itself, except those an app re-creates in its
`after_restore` (unit lead rights, the project lead's right).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Subquery, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RESTORE_REASON = gettext_lazy("Wiederhergestellt aus dem Papierkorb")
NAMES_SHOWN = 5


# ----------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class TrashModel:
    """A model whose deleted rows appear in the Papierkorb.

    label: how a deleted row is named (from its historical record) where `str()` of the
           row would read related rows; default `str(record.instance)`.
    before_restore: adjusts the row before it is validated and saved (e.g. a place in an
           order that was taken meanwhile moves to the end), called with the instance.
    after_restore: what the app must redo for a restored row (grants, derived rows, …),
           called inside the restore transaction with (obj, actor).
    """

    model: type[models.Model]
    label: Callable[[models.Model], str] | None = None
    before_restore: Callable[[models.Model], None] | None = None
    after_restore: Callable[[models.Model, object], None] | None = None

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def delete_permission(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.delete_{opts.model_name}"

    def describe(self, record) -> str:
        if self.label is not None:
            return self.label(record)
        try:
            return str(record.instance)
        except ObjectDoesNotExist:  # __str__ reads a related row that is gone as well
            pk = getattr(record, self.model._meta.pk.attname)
            return f"{self.model._meta.verbose_name} #{pk}"


_trash_models: dict[str, TrashModel] = {}
_disposable: dict[type[models.Model], Callable[[], models.Q]] = {}


def register_trash_model(
    model, *, label=None, before_restore=None, after_restore=None
) -> TrashModel:
    """Show deleted rows of `model` in the Papierkorb; registering again replaces the entry."""
    entry = TrashModel(
        model=model, label=label, before_restore=before_restore, after_restore=after_restore
    )
    _trash_models[entry.key] = entry
    return entry


def register_disposable_rows(model, condition: Callable[[], models.Q]) -> None:
    """Rows of `model` matching `condition()` never protect what they point to; they are
    deleted along with it (e.g. automatically created, still empty compliance cells)."""
    _disposable[model] = condition


def trash_models(user) -> list[TrashModel]:
    """The registered models whose deleted rows `user` may see and restore."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    return [entry for entry in _trash_models.values() if user.has_perm(entry.delete_permission)]


def may_use_trash(user) -> bool:
    return bool(trash_models(user))


def trash_model(user, key: str) -> TrashModel | None:
    return next((entry for entry in trash_models(user) if entry.key == key), None)


# ----------------------------------------------------------------------------- protection


@dataclass
class Dependent:
    """One kind of row that depends on an object: German plural, count, first readable names."""

    label: str
    count: int
    names: list[str] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.names)


def _dependent_querysets(obj) -> list[tuple[type[models.Model], models.QuerySet]]:
    result = []
    for rel in obj._meta.related_objects:
        related = rel.related_model
        if rel.many_to_many:
            # A link held by another object (rel.field lives on `related`).
            rows = related._base_manager.filter(**{rel.field.name: obj})
        elif rel.on_delete in (models.PROTECT, models.RESTRICT):
            rows = related._base_manager.filter(**{rel.field.name: obj})
            if related in _disposable:
                rows = rows.exclude(_disposable[related]())
        else:
            continue
        result.append((related, rows))
    return result


def dependents(obj, user) -> list[Dependent]:
    """What still refers to `obj`: counts of all rows, names of those `user` may read."""
    found = []
    for related, rows in _dependent_querysets(obj):
        count = rows.count()
        if not count:
            continue
        readable = rows.select_related()
        if hasattr(related.objects, "restrict"):
            readable = readable.filter(pk__in=related.objects.restrict(user, "view").values("pk"))
        names = [str(row) for row in readable[:NAMES_SHOWN]]
        found.append(Dependent(str(related._meta.verbose_name_plural), count, names))
    return found


def dependents_from_error(error: Exception, user) -> list[Dependent]:
    """The rows named by Django's ProtectedError / RestrictedError, as `dependents()` would."""
    rows = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    by_model: dict[type[models.Model], list] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    found = []
    for related, items in by_model.items():
        readable = {row.pk for row in items}
        if hasattr(related.objects, "restrict"):
            readable = set(
                related.objects.restrict(user, "view")
                .filter(pk__in=readable)
                .values_list("pk", flat=True)
            )
        names = [str(row) for row in items if row.pk in readable][:NAMES_SHOWN]
        found.append(Dependent(str(related._meta.verbose_name_plural), len(items), names))
    return found


def is_restorable(model) -> bool:
    return model._meta.label_lower in _trash_models


class DeleteProtected(Exception):
    def __init__(self, dependents: list[Dependent]):
        super().__init__("protected")
        self.dependents = dependents


@transaction.atomic
def delete_object(*, actor, obj) -> None:
    """Delete `obj` unless something depends on it (then `DeleteProtected`, nothing changes).

    Disposable rows pointing to it go first, with their own history entries. A row added
    concurrently under PROTECT still makes Django raise ProtectedError, which rolls back.
    """
    found = dependents(obj, actor)
    if found:
        raise DeleteProtected(found)
    for rel in obj._meta.related_objects:
        if rel.related_model in _disposable and not rel.many_to_many:
            rel.related_model._base_manager.filter(**{rel.field.name: obj}).filter(
                _disposable[rel.related_model]()
            ).delete()
    obj._history_user = actor
    obj.delete()


# ----------------------------------------------------------------------------- the Papierkorb


def _pk_name(model) -> str:
    return model._meta.pk.attname


def deleted_records_query(entry: TrashModel, user) -> models.QuerySet:
    """Last deletion records of `entry.model` whose row is still gone, readable by `user`."""
    model = entry.model
    history = model.history.model
    pk = _pk_name(model)
    newer = history.objects.filter(**{pk: OuterRef(pk)}, history_date__gt=OuterRef("history_date"))
    return (
        history.objects.filter(history_type="-")
        .filter(model.objects.history_condition(user))
        .exclude(**{f"{pk}__in": model._base_manager.values("pk")})
        .exclude(Exists(newer))
    )


@dataclass
class TrashItem:
    entry: TrashModel
    record: models.Model
    title: str

    @property
    def model_label(self) -> str:
        return str(self.entry.model._meta.verbose_name)


def deleted_records(user) -> models.QuerySet | None:
    """One union query over all models `user` may restore: (history_id, history_date, key),
    newest first; None when there is nothing to list."""
    # Each part unordered (history tables order by date): SQLite allows no ORDER BY inside
    # a UNION; the union is ordered as a whole.
    parts = [
        deleted_records_query(entry, user)
        .order_by()
        .annotate(model_key=Value(entry.key, output_field=models.CharField()))
        .values_list("history_id", "history_date", "model_key")
        for entry in trash_models(user)
    ]
    if not parts:
        return None
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


def trash_items(rows) -> list[TrashItem]:
    """The page's rows as items: one query per model on the page, deleting users included."""
    ids_by_key: dict[str, list[int]] = {}
    for history_id, _when, key in rows:
        ids_by_key.setdefault(key, []).append(history_id)
    records = {}
    for key, ids in ids_by_key.items():
        entry = _trash_models[key]
        for record in entry.model.history.model.objects.filter(history_id__in=ids).select_related(
            "history_user"
        ):
            records[(key, record.history_id)] = TrashItem(entry, record, entry.describe(record))
    return [records[(key, history_id)] for history_id, _when, key in rows]


class RestoreError(Exception):
    """Restoring is impossible; the message is German and for the user."""


@dataclass
class Restored:
    obj: models.Model
    notes: list[str]


def _record_name(model, pk) -> str:
    """How a (possibly deleted) row was last called, from its history."""
    record = model.history.filter(**{_pk_name(model): pk}).order_by("-history_date").first()
    if record is None:
        return f"#{pk}"
    try:
        return str(record.instance)
    except ObjectDoesNotExist:
        return f"#{pk}"


def _check_foreign_keys(instance, label: str, notes: list[str]) -> None:
    """A row pointing to a parent that is gone cannot come back (restore the parent first);
    a link the model may lose anyway (`SET_NULL`) is cleared and mentioned."""
    for fk in instance._meta.concrete_fields:
        if not fk.is_relation:
            continue
        value = getattr(instance, fk.attname)
        if value is None:
            continue
        target = fk.related_model
        if target._base_manager.filter(**{fk.target_field.attname: value}).exists():
            continue
        if fk.remote_field.on_delete is models.SET_NULL:
            setattr(instance, fk.attname, None)
            if not fk.editable:  # bookkeeping (a beat entry): the app re-creates it
                continue
            notes.append(
                _("„%(field)s“ (%(name)s) gibt es nicht mehr und bleibt leer.")
                % {"field": fk.verbose_name, "name": _record_name(target, value)}
            )
            continue
        name = _record_name(target, value)
        raise RestoreError(
            _(
                "„%(obj)s“ kann nicht wiederhergestellt werden: %(model)s „%(name)s“ gibt es "
                "nicht mehr. Bitte stellen Sie zuerst diesen Datensatz wieder her."
            )
            % {"obj": label, "model": target._meta.verbose_name, "name": name}
        )


def _m2m_targets(history_model, field, record) -> list:
    rows = getattr(history_model, field.name).model.objects.filter(history=record)
    return list(rows.values_list(field.m2m_reverse_field_name(), flat=True))


def _restore_own_links(obj, history_model, before, actor, notes) -> None:
    """Links the object held itself, as recorded last before it was deleted."""
    if before is None:
        return
    for m2m in history_model._history_m2m_fields:
        field = obj._meta.get_field(m2m.name)
        wanted = _m2m_targets(history_model, field, before)
        if not wanted:
            continue
        existing = list(
            field.related_model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True)
        )
        if len(existing) < len(set(wanted)):
            notes.append(
                _("%(count)s Verknüpfung(en) unter „%(field)s“ gibt es nicht mehr.")
                % {"count": len(set(wanted)) - len(existing), "field": field.verbose_name}
            )
        if existing:
            getattr(obj, field.name).set(existing)


def _restore_links_of_others(obj, actor) -> int:
    """Links other objects held to it and lost silently by the deletion: re-added where the
    other object's latest history record still lists it (its history has the link)."""
    restored = 0
    for rel in obj._meta.related_objects:
        if not rel.many_to_many:
            continue
        other, field = rel.related_model, rel.field
        history = getattr(other, "history", None)
        if history is None or field.name not in {f.name for f in history.model._history_m2m_fields}:
            continue
        other_pk = _pk_name(other)
        latest = (
            history.model.objects.filter(**{other_pk: OuterRef(other_pk)})
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        latest_records = history.model.objects.filter(
            history_id=Subquery(latest), **{f"{other_pk}__in": other._base_manager.values("pk")}
        )
        m2m_history = getattr(history.model, field.name).model
        source = field.m2m_field_name()
        holders = set(
            m2m_history.objects.filter(
                history__in=latest_records, **{field.m2m_reverse_field_name(): obj.pk}
            ).values_list(source, flat=True)
        )
        for holder in other._base_manager.filter(pk__in=holders):
            holder._history_user = actor
            holder._change_reason = str(RESTORE_REASON)
            getattr(holder, field.name).add(obj)
            restored += 1
    return restored


def restore(*, actor, entry: TrashModel, history_id: int) -> Restored:
    """Bring a deleted row back from its deletion record (same pk), with its links.

    Everything happens in one transaction: a parent that is gone, a code taken meanwhile or
    any other failure raises `RestoreError` and changes nothing.
    """
    record = deleted_records_query(entry, actor).filter(history_id=history_id).first()
    if record is None:
        raise RestoreError(
            _("Dieser Eintrag ist nicht mehr im Papierkorb (schon wiederhergestellt?).")
        )
    model, history_model = entry.model, entry.model.history.model
    notes: list[str] = []
    with transaction.atomic():
        instance = record.instance
        label = entry.describe(record)
        _check_foreign_keys(instance, label, notes)
        if entry.before_restore is not None:
            entry.before_restore(instance)
        try:
            instance.validate_unique()
            instance.validate_constraints()
        except ValidationError as error:
            raise RestoreError(
                _("„%(obj)s“ kann nicht wiederhergestellt werden: %(reason)s")
                % {"obj": label, "reason": " ".join(error.messages)}
            ) from error
        before = (
            history_model.objects.filter(**{_pk_name(model): instance.pk})
            .exclude(history_type="-")
            .filter(history_date__lte=record.history_date)
            .order_by("-history_date", "-history_id")
            .first()
        )
        instance._history_user = actor
        instance._change_reason = str(RESTORE_REASON)
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
        except IntegrityError as error:  # restored or its code taken at the same moment
            raise RestoreError(
                _(
                    "„%(obj)s“ wurde gerade gleichzeitig geändert und nicht wiederhergestellt. "
                    "Bitte laden Sie den Papierkorb neu."
                )
                % {"obj": label}
            ) from error
        _restore_own_links(instance, history_model, before, actor, notes)
        relinked = _restore_links_of_others(instance, actor)
        if relinked:
            notes.append(
                _("%(count)s Verknüpfung(en) anderer Datensätze wiederhergestellt.")
                % {"count": relinked}
            )
        if entry.after_restore is not None:
            entry.after_restore(instance, actor)
    return Restored(instance, notes)
