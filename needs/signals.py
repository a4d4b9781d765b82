"""Recompute an item's stored synergy candidates after its text changed (needs/tasks.py).

What an item is compared by (title and texts, its unit, a need's state) is remembered when
it is loaded; after a save that changed any of it, or a delete, one task is enqueued on
commit. Other saves (a measure's progress, a status update) enqueue nothing. Values a query
deferred are not loaded for this: such an item counts as changed.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save

from measures.models import Measure, Project

from .models import Need

WATCHED = {
    Need: ("title", "problem", "processes", "benefit", "owner_id", "state"),
    Measure: ("title", "description", "owner_id"),
    Project: ("title", "description", "owner_id"),
}
_MISSING = object()
logger = logging.getLogger(__name__)


def _snapshot(instance) -> tuple:
    return tuple(instance.__dict__.get(name, _MISSING) for name in WATCHED[type(instance)])


def _remember(sender, instance, **kwargs) -> None:
    instance._synergy_snapshot = _snapshot(instance)


def _publish(key: str) -> None:
    """Hand the refresh to the broker. A broker that is down must not fail the save that
    is already committed, nor make it wait: no publishing retries, a warning, and the
    nightly run compares the item."""
    from .tasks import refresh_item_synergies

    try:
        refresh_item_synergies.apply_async(args=[key], retry=False)
    except Exception:  # any publishing error: the item waits for the nightly run
        logger.warning("Synergien für %s: Broker nicht erreichbar", key, exc_info=True)


def _enqueue(instance) -> None:
    from .synergies import item_key

    key = item_key(instance)
    transaction.on_commit(lambda: _publish(key))


def _saved(sender, instance, created, **kwargs) -> None:
    before = getattr(instance, "_synergy_snapshot", None)
    after = _snapshot(instance)
    instance._synergy_snapshot = after
    if created or before != after or _MISSING in after:
        _enqueue(instance)


def _deleted(sender, instance, **kwargs) -> None:
    _enqueue(instance)


def connect() -> None:
    for model in WATCHED:
        post_init.connect(_remember, sender=model, dispatch_uid=f"synergy_init_{model.__name__}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"synergy_save_{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"synergy_delete_{model.__name__}")
