from django.db import models

from fb15.models import OrgUnit
from fb15.querysets import RestrictedManager, UnitScope


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
