"""Writes of the core that touch several objects; views, commands and tests call these."""

from django.db import transaction

from .history import save_with_history
from .models import OrgUnit
from .permissions import sync_unit_grants


@transaction.atomic
def save_org_unit(unit: OrgUnit, *, actor, reason: str = "", m2m: dict | None = None) -> OrgUnit:
    """Save a unit (members in `m2m`) and keep its lead/deputy grants in step."""
    save_with_history(unit, actor=actor, reason=reason, m2m=m2m)
    sync_unit_grants(unit)
    return unit
