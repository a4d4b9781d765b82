"""Celery tasks of needs: the stored synergy candidates the Synergien page reads.

`refresh_item_synergies` runs after a need, measure or project's text changed (enqueued on
commit by needs/signals.py); `refresh_synergies` runs every night for all open needs
(scheduled in migration 0008_synergy_refresh_job).
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

# Errors worth another try: the database or the broker was briefly away.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="needs.refresh_synergies",
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=True,
)
def refresh_synergies() -> int:
    return services.refresh_synergy_candidates()


@shared_task(
    name="needs.refresh_item_synergies",
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=True,
)
def refresh_item_synergies(key: str) -> int:
    return services.refresh_synergies_of_item(key)
