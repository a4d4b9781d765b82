from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from fb15.models import OrgUnit
from fb15.querysets import ParentScope, RestrictedManager, UnitScope


class Widget(models.Model):
    """Stands in for any model owned by a unit (a measure, a project, a compliance row)."""

    name = models.CharField(max_length=50)
    owner = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)

    objects = RestrictedManager()
    unit_scope = UnitScope(path="owner", actions=frozenset({"view", "change"}))

    class Meta:
        app_label = "restrict_app"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Gadget(models.Model):
    """A confidential-capable unit-owned model, with guardian grants on single rows."""

    name = models.CharField(max_length=50)
    owner = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)
    is_confidential = models.BooleanField(default=False)

    objects = RestrictedManager()
    unit_scope = UnitScope(
        path="owner",
        actions=frozenset({"view", "change"}),
        object_grants=True,
        confidential_field="is_confidential",
    )

    class Meta:
        app_label = "restrict_app"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GadgetUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Gadget, on_delete=models.CASCADE)


class GadgetGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Gadget, on_delete=models.CASCADE)


class Note(models.Model):
    """A child row whose rights follow its parent gadget."""

    text = models.CharField(max_length=50)
    gadget = models.ForeignKey(Gadget, on_delete=models.CASCADE)

    objects = RestrictedManager()
    unit_scope = ParentScope(("gadget",))

    class Meta:
        app_label = "restrict_app"
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text
