"""Writes of the core that touch several objects; views, commands and tests call these."""

from django.db import transaction

from .models import OrgUnit
from .permissions import sync_unit_grants


@transaction.atomic
def save_org_unit(*, actor, form, reason: str = "") -> OrgUnit:
    """Save a unit from a valid `OrgUnitForm` and keep its lead/deputy grants in step."""
    unit = form.save(commit=False)
    unit._history_user = actor
    unit._change_reason = reason or None
    unit.save()
    form.save_m2m()
    sync_unit_grants(unit)
    return unit
