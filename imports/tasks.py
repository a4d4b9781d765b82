"""Celery tasks of the import: the dry run and the write of one run (see services.execute)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="imports.check_import",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
    reject_on_worker_lost=True,
)
def check_import(run_id: int) -> str:
    return services.execute(run_id).status


@shared_task(
    name="imports.write_import",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
    # The write is one transaction: a killed worker wrote nothing, the redelivery writes it.
    reject_on_worker_lost=True,
)
def write_import(run_id: int) -> str:
    return services.execute(run_id).status
