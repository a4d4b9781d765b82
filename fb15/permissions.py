"""The one module that owns guardian: department grants and the id subqueries restrict() uses.

Unit rights are the object permission `fb15.manage_unit_work` on an `OrgUnit`, held by its
lead and deputies. They are kept in step with those fields by `sync_unit_grants`, which the
organisation services call after every change of lead or deputies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from .models import OrgUnit, OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission, Role

MANAGE_UNIT_WORK = "manage_unit_work"


# While a page that only reads asks restrict() many times (the start page's providers),
# the user's grants are read once and used as lists of ids: `remembered_grants()`.
_remembered: ContextVar[dict | None] = ContextVar("fb15_remembered_grants", default=None)


@contextmanager
def remembered_grants() -> Iterator[None]:
    """Inside this block each user's unit and object grants are read once and then used as
    lists of ids (an empty list: restrict() adds no subquery and a count asks nothing).

    Only for reading: a grant given or taken inside the block would not be seen in it.
    """
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _remember(key: tuple, ids: Callable[[], models.QuerySet]) -> list | models.QuerySet:
    """The query `ids()` (values() of one column), or inside `remembered_grants()` its
    result as a list, read once per key."""
    remembered = _remembered.get()
    if remembered is None:
        return ids()
    if key not in remembered:
        remembered[key] = sorted({value for row in ids() for value in row.values()})
    return remembered[key]


def units_managed_by(user) -> models.QuerySet:
    """Ids of the units on which `user` holds `manage_unit_work`, directly or via a group."""
    if _remembered.get() is not None:
        return OrgUnit.objects.filter(pk__in=managed_unit_ids(user)).values("pk")
    return _units_managed_query(user)


def managed_unit_ids(user) -> list | models.QuerySet:
    """What `units_managed_by` selects, for `unit__in=`: that subquery, or inside
    `remembered_grants()` the list of ids."""
    return _remember((user.pk, "units"), lambda: _units_managed_query(user))


def _units_managed_query(user) -> models.QuerySet:
    direct = OrgUnitUserObjectPermission.objects.filter(
        user=user, permission__codename=MANAGE_UNIT_WORK
    ).values("content_object_id")
    via_group = OrgUnitGroupObjectPermission.objects.filter(
        group__user=user, permission__codename=MANAGE_UNIT_WORK
    ).values("content_object_id")
    return OrgUnit.objects.filter(models.Q(pk__in=direct) | models.Q(pk__in=via_group)).values("pk")


def object_grant_ids(user, model: type[models.Model], *actions: str) -> list | models.QuerySet:
    """Ids of `model` rows on which `user` holds a guardian permission `<action>_<model>`
    for any of `actions` (a subquery, or inside `remembered_grants()` a list).

    Models that accept such grants define guardian's direct foreign-key tables named
    `<Model>UserObjectPermission` and `<Model>GroupObjectPermission` next to them.
    """
    codenames = tuple(f"{action}_{model._meta.model_name}" for action in actions)
    return _remember(
        (user.pk, model._meta.label, codenames),
        lambda: _object_grants_query(user, model, codenames),
    )


def _object_grants_query(user, model: type[models.Model], codenames) -> models.QuerySet:
    from django.apps import apps

    label = model._meta.app_label
    user_table = apps.get_model(label, f"{model.__name__}UserObjectPermission")
    group_table = apps.get_model(label, f"{model.__name__}GroupObjectPermission")
    direct = user_table.objects.filter(user=user, permission__codename__in=codenames)
    via_group = group_table.objects.filter(group__user=user, permission__codename__in=codenames)
    return direct.values("content_object_id").union(via_group.values("content_object_id"))


def grant_exactly(codename: str, obj: models.Model, users) -> None:
    """Make exactly `users` hold the object permission `codename` on `obj` (direct grants)."""
    wanted = {user for user in users if user is not None}
    holders = set(get_users_with_perms(obj, only_with_perms_in=[codename], with_group_users=False))
    for user in wanted - holders:
        assign_perm(codename, user, obj)
    for user in holders - wanted:
        remove_perm(codename, user, obj)


def sync_unit_grants(unit: OrgUnit) -> None:
    """Make exactly the unit's lead and deputies hold `manage_unit_work` on it."""
    grant_exactly(MANAGE_UNIT_WORK, unit, [unit.lead, *unit.deputies.all()])


ALL_ACTIONS = ("view", "add", "change", "delete")

# Model permissions each role holds globally: {role: {"app.model": actions}}. fb15 names only
# its own models; every app registers its grants in its AppConfig.ready() with
# `register_role_permissions` (as home sections are registered), so fb15 names no other app.
# An action is a permission codename without the model, e.g. "view_draft" for
# "view_draft_strategy". `sync_role_permissions` (after every migrate) applies the table.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.STRATEGY_TEAM: {},
    Role.COUNCIL: {},
    Role.STAFF: {},
}


def register_role_permissions(role: str, grants: dict[str, tuple[str, ...]]) -> None:
    """Add an app's global grants for `role`; registering the same grants again is a no-op.

    Called from AppConfig.ready(): `register_role_permissions(Role.COUNCIL,
    {"<app>.<model>": ("view",)})`.
    """
    table = ROLE_PERMISSIONS.setdefault(role, {})
    for model_label, actions in grants.items():
        known = table.get(model_label, ())
        table[model_label] = known + tuple(a for a in actions if a not in known)


def role_permissions() -> dict[str, dict[str, tuple[str, ...]]]:
    """The assembled table (a copy), for tests and the admin."""
    return {role: dict(grants) for role, grants in ROLE_PERMISSIONS.items()}


# The core's own models.
register_role_permissions(
    Role.STRATEGY_TEAM,
    {
        "fb15.division": ("view", "add", "change", "delete"),
        "fb15.orgunit": ("view", "add", "change", "delete"),
        "fb15.user": ("view",),
        "fb15.citysettings": ("view", "change"),
        # Comments: everybody writes; FB 15 may delete any (moderation), edits are the
        # author's alone (fb15.models.CommentQuerySet).
        "fb15.comment": ("add", "delete"),
        # Only FB 15 links council papers; readers see them on the pages they may read.
        "fb15.councilpaperlink": ("view", "add", "delete"),
    },
)
for _reader in (Role.COUNCIL, Role.STAFF):
    register_role_permissions(_reader, {"fb15.division": ("view",), "fb15.orgunit": ("view",)})
# Staff and unit leads discuss the work; the council reads comments but does not write them.
register_role_permissions(Role.STAFF, {"fb15.comment": ("add",)})


def sync_role_permissions() -> None:
    """Give each role group exactly the permissions of ROLE_PERMISSIONS.

    The groups themselves come from a data migration; this runs after every `migrate`
    (post_migrate, see apps.py), when every app has registered its grants, so a new app's
    entries take effect with its migration.
    """
    from django.apps import apps

    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for model_label, actions in grants.items():
            model = apps.get_model(model_label)
            content_type = ContentType.objects.get_for_model(model)
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model._meta.model_name}",
                    defaults={"name": f"Can {action} {model._meta.verbose_name_raw}"},
                )
                wanted.append(permission)
        group.permissions.set(wanted)
