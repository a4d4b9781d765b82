"""The one permission mechanism: every queryset a user sees goes through `restrict()`.

A model plugs in by declaring `unit_scope`:
- a `UnitScope`: the lookup path from the model to its owning `OrgUnit` and which actions the
  holder of `manage_unit_work` on that unit may take; or
- a `ParentScope`: the row belongs to a parent (a status update to its measure) and the user's
  rights on the parent decide (view → view, any write → change on the parent).
Global rights come from the role groups (Django model permissions); department rights are
guardian object permissions on the `OrgUnit`; a model may additionally accept guardian grants
on the object itself (e.g. a project lead from another unit).

Beyond the four CRUD actions a model may name its own (`named_actions`): deciding an
exemption, confirming a self-assessment, reading the strategy's draft, editing a measure's
structure. `restrict(user, "decide")` then gives the rows the user may read *and* decide, so
every page answers the same way: not readable → 404, readable but not allowed → 403.

Confidentiality is decided in one place, `RestrictedQuerySet.public_condition` together with
`_hides_confidential_rows`: restrict(), history_condition() (as-of views, history, diffs) and
public_history_condition() (reports for the council) are all built from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

ACTIONS = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class UnitScope:
    """How rows of a model belong to an `OrgUnit`.

    path: lookup from the model to the owning unit ("owner", "unit", "measure__owner");
          the empty string means the model *is* the unit.
    actions: actions a unit's lead and deputies may take on their own unit's rows.
    object_grants: whether guardian grants on the row itself count as well.
    """

    path: str
    actions: frozenset[str] = field(default_factory=frozenset)
    object_grants: bool = False
    # Boolean field marking rows that only the unit itself and global editors may read;
    # holders of the global view permission see the other rows.
    confidential_field: str = ""


@dataclass(frozen=True)
class NamedAction:
    """A model's own action, e.g. `"decide": NamedAction(("standards.decide_exemption",))`.

    permissions: model permissions (held through a role) the user needs, all of them.
    on: the CRUD action whose rows it applies to ("view": any row the user may read).
    """

    permissions: tuple[str, ...]
    on: str = "view"

    def is_held_by(self, user) -> bool:
        if not (user and user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or all(user.has_perm(name) for name in self.permissions)


@dataclass(frozen=True)
class ParentScope:
    """Rows whose rights follow their parent's, e.g. `ParentScope(("measure", "project"))`."""

    fields: tuple[str, ...]


def named_action(model, action: str) -> NamedAction | None:
    return getattr(model, "named_actions", {}).get(action)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        """Rows of this queryset on which `user` may take `action`."""
        named = named_action(self.model, action)
        if named is not None:
            if not named.is_held_by(user):
                return self.none()
            return self.restrict(user, named.on)
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r} for {self.model.__name__}")
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        opts = self.model._meta
        scope = getattr(self.model, "unit_scope", None)
        if user.is_superuser:
            return self
        if isinstance(scope, ParentScope) and action == "view":
            # Reading a child follows its parent, confidentiality included.
            return self.filter(self._parent_condition(user, scope, action))
        if user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            if action == "view" and _hides_confidential_rows(user, scope, opts):
                return self.filter(self.public_condition() | self._unit_condition(user, action))
            return self
        if scope is None:
            return self.none()
        if isinstance(scope, ParentScope):
            return self.filter(self._parent_condition(user, scope, action))
        return self.filter(self._unit_condition(user, action))

    def _unit_condition(self, user, action: str) -> models.Q:
        """Rows of the user's own units, and rows granted to the user directly."""
        from fb15.permissions import managed_unit_ids, object_grant_ids

        scope: UnitScope = self.model.unit_scope
        condition = models.Q(pk__in=[])
        if action in scope.actions:
            unit_lookup = f"{scope.path}__in" if scope.path else "pk__in"
            condition |= models.Q(**{unit_lookup: managed_unit_ids(user)})
        if scope.object_grants:
            # Who may change a row may read it: a project lead from another unit holds
            # `change_project` on a confidential project and must see it.
            actions = (action, "change") if action == "view" else (action,)
            condition |= models.Q(pk__in=object_grant_ids(user, self.model, *actions))
        return condition

    def history_condition(self, user) -> models.Q:
        """Condition on *historical* rows of this model (as-of views, history, reports).

        Confidentiality is decided on the live row as it is now: a row made confidential
        after a revision stays hidden in that revision too. Rows deleted since are judged
        by their last recorded state, and shown only to holders of the global view right.
        """
        pk = self.model._meta.pk.attname
        readable = self.model.objects.restrict(user, "view")
        readable_now = models.Q(**{f"{pk}__in": readable.values("pk")})
        opts = self.model._meta
        if not (user and user.is_authenticated and user.is_active):
            return readable_now
        if not (user.is_superuser or user.has_perm(f"{opts.app_label}.view_{opts.model_name}")):
            return readable_now
        scope = getattr(self.model, "unit_scope", None)
        hides_confidential = _hides_confidential_rows(user, scope, opts)
        if not readable.query.where and not hides_confidential:
            # Every live row and every deleted one: no condition (rather than "in the table
            # or not in it", two subqueries over the whole table).
            return models.Q()
        gone = ~models.Q(**{f"{pk}__in": self.model._base_manager.values("pk")})
        if hides_confidential:
            gone &= self.public_condition()
        return readable_now | gone

    def public_history_condition(self) -> models.Q:
        """Condition on historical rows every reader may see (reports for the council).

        The same rule as `history_condition` for a holder of the global view right who
        belongs to no unit: public now, or deleted since and public when last recorded.
        """
        public = self.public_condition()
        if not public:
            return public
        pk = self.model._meta.pk.attname
        live_public = self.model._base_manager.filter(public).values("pk")
        gone = ~models.Q(**{f"{pk}__in": self.model._base_manager.values("pk")})
        return models.Q(**{f"{pk}__in": live_public}) | (gone & public)

    def public_condition(self) -> models.Q:
        """The one confidentiality rule: rows not marked confidential (empty Q: all rows).

        Holds on live and historical rows alike (both carry the field).
        """
        scope = getattr(self.model, "unit_scope", None)
        if not (isinstance(scope, UnitScope) and scope.confidential_field):
            return models.Q()
        return models.Q(**{scope.confidential_field: False})

    def _parent_condition(self, user, scope: ParentScope, action: str) -> models.Q:
        parent_action = "view" if action == "view" else "change"
        condition = models.Q(pk__in=[])
        for name in scope.fields:
            parent = self.model._meta.get_field(name).related_model
            allowed = parent.objects.restrict(user, parent_action)
            if not allowed.query.where:
                # Every parent row: any row that has this parent (the foreign key holds),
                # without a subquery over the whole parent table.
                condition |= models.Q(**{f"{name}__isnull": False})
            else:
                condition |= models.Q(**{f"{name}__in": allowed.values("pk")})
        return condition

    def may_add(self, user) -> bool:
        """Whether `user` may add rows at all; which rows exactly is checked after saving."""
        from fb15.permissions import units_managed_by

        if not (user and user.is_authenticated and user.is_active):
            return False
        opts = self.model._meta
        if user.is_superuser or user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            return True
        scope = getattr(self.model, "unit_scope", None)
        if isinstance(scope, ParentScope):
            return any(
                self.model._meta.get_field(name)
                .related_model.objects.restrict(user, "change")
                .exists()
                for name in scope.fields
            )
        return bool(scope and "add" in scope.actions and units_managed_by(user).exists())

    def can(self, user, action: str, obj: models.Model) -> bool:
        """Whether `user` may take `action` on one object (one query, no per-row loops).

        An unsaved object (a compliance cell shown before its row exists) is judged by the
        unit it would belong to: the global right, or the unit's right on that unit.
        """
        if obj.pk is None:
            return self._can_unsaved(user, action, obj)
        return self.restrict(user, action).filter(pk=obj.pk).exists()

    def _can_unsaved(self, user, action: str, obj: models.Model) -> bool:
        from fb15.permissions import units_managed_by

        named = named_action(self.model, action)
        if named is not None:
            return named.is_held_by(user) and self._can_unsaved(user, named.on, obj)
        if not (user and user.is_authenticated and user.is_active):
            return False
        opts = self.model._meta
        if user.is_superuser or user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return True
        scope = getattr(self.model, "unit_scope", None)
        if not (isinstance(scope, UnitScope) and action in scope.actions):
            return False
        unit = obj
        for name in scope.path.split("__") if scope.path else ():
            unit = getattr(unit, name, None)
        return unit is not None and units_managed_by(user).filter(pk=unit.pk).exists()

    def holds(self, user, action: str) -> bool:
        """Whether `user` holds the right to a named action at all (no query on the rows).

        For pages that are about the right rather than a row (the draft of the strategy).
        """
        named = named_action(self.model, action)
        if named is None:
            raise ValueError(f"{action!r} is not a named action of {self.model.__name__}")
        return named.is_held_by(user)

    def units_for(self, user, action: str) -> models.QuerySet:
        """Units in which `user` may take `action` on rows of this model (form choices).

        The global right: every unit the user may read; a unit right: the user's own units.
        """
        from fb15.models import OrgUnit
        from fb15.permissions import units_managed_by

        units = OrgUnit.objects.restrict(user, "view")
        if not (user and user.is_authenticated and user.is_active):
            return units.none()
        opts = self.model._meta
        if user.is_superuser or user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return units
        scope = getattr(self.model, "unit_scope", None)
        if isinstance(scope, UnitScope) and action in scope.actions:
            return OrgUnit.objects.filter(pk__in=units_managed_by(user))
        return units.none()

    def allowed_pks(self, user, action: str, objects) -> set:
        """Of `objects`, the pks on which `user` may take `action`: one query for a whole list
        (templates' buttons per row, see the `can` template filter)."""
        pks = [obj.pk for obj in objects]
        if not pks:
            return set()
        return set(self.restrict(user, action).filter(pk__in=pks).values_list("pk", flat=True))


def _hides_confidential_rows(user, scope, opts) -> bool:
    """Readers without the global change right do not see other units' confidential rows."""
    return bool(
        isinstance(scope, UnitScope)
        and scope.confidential_field
        and not user.is_superuser
        and not user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    )


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


def mark_allowed(user, objects, *actions: str) -> list:
    """Mark on each object which of `actions` `user` may take (read by the `can` tag).

    One query per action for the whole list; objects of one model.
    """
    objects = list(objects)
    if not objects:
        return objects
    manager = type(objects[0]).objects
    for action in actions:
        allowed = manager.allowed_pks(user, action, objects)
        for obj in objects:
            marks = obj.__dict__.setdefault("_allowed_actions", {})
            marks[action] = obj.pk in allowed
    return objects
