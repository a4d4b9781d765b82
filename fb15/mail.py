"""The outbox every app sends mail through: record first, send after the commit, retry.

`queue_mail` writes a `Notification` in the caller's transaction and sends it once the
transaction has committed (nothing is announced that was rolled back). A mail counts as sent
only once the mail server accepted it; until then `send_pending_notifications` (a beat job
every minute) tries again with back-off. Every mail is sent on its own, so one failure never
keeps the others back, and a locked row is never sent twice by two workers.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)

RETRY_BACKOFF_MAX = datetime.timedelta(hours=6)


def queue_mail(recipients: list[str], subject: str, body: str, *, key: str | None = None) -> bool:
    """Record a plain-text German email and send it after the commit.

    `key` makes the mail unique (e.g. "reminder:2026-Q3:12"): a rerun with the same key
    writes and sends nothing and returns False. Without a key every call is a new mail.
    Recipients without an address are left out; no recipients, no mail.
    """
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return False
    note, created = Notification.objects.get_or_create(
        key=key or f"mail:{uuid.uuid4().hex}",
        defaults={"recipients": "\n".join(recipients), "subject": subject[:200], "body": body},
    )
    if created:
        # robust: a failing callback must not keep the other mails of this transaction back.
        transaction.on_commit(lambda: deliver_notification(note.pk), robust=True)
    return created


def absolute_url(path: str) -> str:
    """The link a mail carries: `path` below the instance's address (settings.SITE_URL)."""
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd … failed attempt, at most 6 hours."""
    return min(datetime.timedelta(minutes=2 ** min(attempts - 1, 16)), RETRY_BACKOFF_MAX)


def deliver_notification(pk: int, now: datetime.datetime | None = None) -> bool:
    """Send one unsent notification, then record it as sent; on failure schedule the next try.

    The row is locked while sending (other senders skip it), so two workers or two runs of
    the retry job never send the same mail twice.
    """
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if note is None:
            return False
        note.attempts += 1
        try:
            send_mail(note.subject, note.body, settings.DEFAULT_FROM_EMAIL, note.recipient_list)
        except Exception as error:  # server down, refused, timed out: try again later
            logger.warning("Benachrichtigung %s nicht gesendet: %s", note.key, error)
            note.next_attempt_at = (now or timezone.now()) + retry_delay(note.attempts)
            note.last_error = f"{type(error).__name__}: {error}"[:2000]
            note.save(update_fields=["attempts", "next_attempt_at", "last_error"])
            return False
        note.sent_at = timezone.now()
        note.last_error = ""
        note.save(update_fields=["attempts", "sent_at", "last_error"])
    return True


def send_pending_notifications(now: datetime.datetime | None = None, limit: int = 200) -> int:
    """The retry job: every unsent notification whose back-off has passed, one by one."""
    now = now or timezone.now()
    due = Notification.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    return sum(deliver_notification(pk, now) for pk in due.values_list("pk", flat=True)[:limit])
