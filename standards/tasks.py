"""Periodic jobs of the standards app (scheduled by migration 0002_expiry_schedule)."""

from celery import shared_task
from django.utils import timezone

from .services import expire_exemptions


@shared_task(
    name="standards.expire_exemptions",
    autoretry_for=(Exception,),
    max_retries=3,
    retry_backoff=True,
)
def expire_exemptions_task() -> int:
    """End the approved exemptions whose last day has passed; idempotent."""
    return expire_exemptions(timezone.localdate())
