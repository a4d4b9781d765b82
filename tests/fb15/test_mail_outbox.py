"""The mail outbox of every app against a real SMTP server (aiosmtpd): down, back, refused."""

import datetime
import email
import email.header
import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from fb15 import mail, tasks
from fb15.models import Notification
from tests.standards.test_standards import standard_data

pytestmark = pytest.mark.django_db

REFUSED = "abgelehnt@stadt.example"


class Recorder:
    """An SMTP server's handler: keeps every accepted mail, refuses one recipient."""

    def __init__(self):
        self.mails: list[tuple[list[str], email.message.Message]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content)
        self.mails.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """SMTP settings on a free local port where nothing listens yet; `start()` opens it."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    recorder, controllers = Recorder(), []

    def start() -> Recorder:
        controller = Controller(recorder, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return recorder

    yield start
    for controller in controllers:
        controller.stop()


def decoded(header) -> str:
    return str(email.header.make_header(email.header.decode_header(header)))


def subjects(recorder) -> list[str]:
    return sorted(decoded(message["Subject"]) for _, message in recorder.mails)


def test_standards_mail_survives_a_mail_server_that_is_down_and_is_sent_once_it_is_back(
    personas, client_for, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas["strategist"]).post(reverse("standard_add"), standard_data())
    assert response.status_code == 302  # the strategist's save is not held up by the mail
    notes = list(Notification.objects.order_by("recipients"))
    assert [n.recipients for n in notes] == ["leitung32@stadt.example", "leitung50@stadt.example"]
    assert all(n.sent_at is None and n.attempts == 1 for n in notes)
    assert all("ConnectionRefusedError" in n.last_error for n in notes), notes[0].last_error

    server = smtp()
    # The back-off holds: right away the retry job leaves them alone.
    assert tasks.send_pending_notifications() == 0 and server.mails == []
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert mail.send_pending_notifications(later) == 2
    assert sorted(to[0] for to, _ in server.mails) == [
        "leitung32@stadt.example",
        "leitung50@stadt.example",
    ]
    assert subjects(server) == 2 * [
        "Neuer verbindlicher Standard: IF-01 XRechnung für eingehende Rechnungen"
    ]
    notes = list(Notification.objects.all())
    assert all(n.sent_at and n.attempts == 2 and n.last_error == "" for n in notes)
    # A second run (and a much later one) sends nothing more.
    assert mail.send_pending_notifications(later + datetime.timedelta(hours=7)) == 0
    assert len(server.mails) == 2


def test_one_refused_recipient_does_not_drop_the_other_mails(
    personas, smtp, django_capture_on_commit_callbacks
):
    server = smtp()
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue_mail(["a@stadt.example"], "Erste", "Text")
        mail.queue_mail([REFUSED], "Zweite", "Text")
        mail.queue_mail(["b@stadt.example"], "Dritte", "Text")
        mail.queue_mail([REFUSED, "c@stadt.example"], "Vierte", "Text")
    delivered = {decoded(message["Subject"]): to for to, message in server.mails}
    assert delivered == {
        "Erste": ["a@stadt.example"],
        "Dritte": ["b@stadt.example"],
        "Vierte": ["c@stadt.example"],  # the refused address is left out, the other served
    }
    refused = Notification.objects.get(subject="Zweite")
    assert refused.sent_at is None and "SMTPRecipientsRefused" in refused.last_error
    assert refused.next_attempt_at > timezone.now()
    assert Notification.objects.filter(sent_at__isnull=False).count() == 3


def test_a_key_makes_a_mail_unique_and_the_outbox_answers_for_every_app(personas):
    assert mail.queue_mail(["a@stadt.example"], "Erinnerung", "Text", key="reminder:1")
    assert not mail.queue_mail(["a@stadt.example"], "Erinnerung", "Text", key="reminder:1")
    assert not mail.queue_mail(["", None], "Niemand", "Text")
    assert Notification.objects.count() == 1
    assert [mail.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert mail.retry_delay(30) == datetime.timedelta(hours=6)
