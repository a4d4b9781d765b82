"""The one permission mechanism: every queryset a user sees goes through `restrict()`.

A model plugs in by declaring a `UnitScope`: the lookup path from the model to its owning
`OrgUnit` and which actions the holder of `manage_unit_work` on that unit may take. Global
rights come from the role groups (Django model permissions); department rights are guardian
object permissions on the `OrgUnit`; a model may additionally accept guardian grants on the
object itself (e.g. a project lead from another unit).
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


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        """Rows of this queryset on which `user` may take `action`."""
        from fb15.permissions import object_grant_ids, units_managed_by

        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        opts = self.model._meta
        if user.is_superuser or user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self
        scope: UnitScope | None = getattr(self.model, "unit_scope", None)
        if scope is None:
            return self.none()
        condition = models.Q(pk__in=[])
        if action in scope.actions:
            unit_lookup = f"{scope.path}__in" if scope.path else "pk__in"
            condition |= models.Q(**{unit_lookup: units_managed_by(user)})
        if scope.object_grants:
            condition |= models.Q(pk__in=object_grant_ids(user, self.model, action))
        return self.filter(condition)

    def may_add(self, user) -> bool:
        """Whether `user` may add rows at all; which rows exactly is checked after saving."""
        from fb15.permissions import units_managed_by

        if not (user and user.is_authenticated and user.is_active):
            return False
        opts = self.model._meta
        if user.is_superuser or user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            return True
        scope: UnitScope | None = getattr(self.model, "unit_scope", None)
        return bool(scope and "add" in scope.actions and units_managed_by(user).exists())

    def can(self, user, action: str, obj: models.Model) -> bool:
        """Whether `user` may take `action` on one object (one query, no per-row loops)."""
        return self.restrict(user, action).filter(pk=obj.pk).exists()


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
