"""The Lagebild's figures computed in the background after data changed.

The Lagebild and the start pages cache their figures under the data's version
(reporting.dashboard.dashboard_version); any change makes a new version, and without this
the first reader after it would wait for the whole computation. Every history record of
what the Lagebild reads (reporting.dashboard.VERSIONED_MODELS) schedules one task
(reporting.tasks.warm_figures) WARM_DELAY seconds after its commit; changes until the task
starts are covered by the same task. Only with a real worker (settings.WARM_FIGURES): on a bare
machine tasks run eagerly, inside the writer's request, and the first reader computes them.
"""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from simple_history.signals import post_create_historical_record

from measures.models import ReportingPeriod

logger = logging.getLogger(__name__)

WARM_DELAY = 2  # seconds: a burst of changes (a form saving several rows) makes one task
PENDING_KEY = "lagebild-warming-pending"
PENDING_SECONDS = 60  # a task lost with its broker does not block the next one for longer


def connect() -> None:
    """Listen to the history of every model the Lagebild reads (ReportingConfig.ready)."""
    from .dashboard import VERSIONED_MODELS

    for model in VERSIONED_MODELS:
        post_create_historical_record.connect(
            _changed, sender=model.history.model, dispatch_uid=f"warm-figures-{model._meta.label}"
        )


def _changed(**kwargs) -> None:
    if settings.WARM_FIGURES:
        transaction.on_commit(_schedule)


def _schedule() -> None:
    """One task for all changes until it starts. A broker or cache that is down costs the
    change nothing: the first reader then computes the figures, as without this."""
    from .tasks import warm_figures

    try:
        if cache.add(PENDING_KEY, 1, PENDING_SECONDS):
            warm_figures.apply_async(countdown=WARM_DELAY)
    except Exception:
        logger.warning("Lagebild: Vorberechnung nicht eingeplant", exc_info=True)
        # the cache may be down too: then its key is gone with it or expires
        with contextlib.suppress(Exception):
            cache.delete(PENDING_KEY)


def warm() -> None:
    """Compute and cache what the Lagebild and the start pages of FB 15 and the council show,
    in every language, for the data as it is now (the task's body). Later changes schedule
    the next task."""
    from .dashboard import dashboard_version
    from .home import open_updates_by_unit
    from .views import dashboard_data

    cache.delete(PENDING_KEY)
    version = dashboard_version()
    period = ReportingPeriod.objects.current(timezone.localdate())
    if period is not None:
        open_updates_by_unit(version, period)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            dashboard_data(version=version, reporting_period=period)  # the Lagebild
            for is_council in (False, True):  # as home.lagebild_section asks for it
                dashboard_data(
                    lists=False, changes=is_council, version=version, reporting_period=period
                )
