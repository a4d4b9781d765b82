"""Celery tasks of the core: the mail outbox's retry job (scheduled in 0004_mail_retry_job)."""

from celery import shared_task
from django.utils import timezone

from . import mail


@shared_task(name="fb15.send_pending_notifications")
def send_pending_notifications() -> int:
    """Every minute: notifications the mail server did not take yet, after their back-off."""
    return mail.send_pending_notifications(timezone.now())
