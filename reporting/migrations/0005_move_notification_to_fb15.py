"""The mail outbox moved to fb15 (every app sends through it): copy the rows, drop the table.

Unsent mails keep their attempts and back-off; the retry job is renamed to its fb15 task
(fb15's 0004_mail_retry_job may have run before this app's 0004 wrote the old name).
"""

from django.db import migrations

FIELDS = [
    "key",
    "recipients",
    "subject",
    "body",
    "created_at",
    "sent_at",
    "attempts",
    "next_attempt_at",
    "last_error",
]


def _copy(source, target) -> None:
    existing = set(target.objects.values_list("key", flat=True))
    target.objects.bulk_create(
        target(**{name: getattr(row, name) for name in FIELDS})
        for row in source.objects.order_by("pk").iterator()
        if row.key not in existing
    )


def forward(apps, schema_editor):
    _copy(apps.get_model("reporting", "Notification"), apps.get_model("fb15", "Notification"))


def backward(apps, schema_editor):
    _copy(apps.get_model("fb15", "Notification"), apps.get_model("reporting", "Notification"))


def rename_job(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task="reporting.send_pending_notifications").update(
        task="fb15.send_pending_notifications"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_notification_retry_job"),
        ("fb15", "0004_mail_retry_job"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RunPython(rename_job, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
