"""Celery tasks of the core: the mail outbox's retry job (scheduled in 0004_mail_retry_job)
and the refresh of linked council papers (scheduled in the council papers' migration)."""

from celery import shared_task
from django.utils import timezone

from . import council, mail


@shared_task(name="fb15.send_pending_notifications")
def send_pending_notifications() -> int:
    """Every minute: notifications the mail server did not take yet, after their back-off."""
    return mail.send_pending_notifications(timezone.now())


@shared_task(name="fb15.refresh_council_papers")
def refresh_council_papers() -> dict[str, int]:
    """Every night: each linked council paper, conditionally (ETag / Last-Modified)."""
    return council.refresh_linked_papers()
