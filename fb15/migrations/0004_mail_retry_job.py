"""Schedule the mail outbox's retry job (it moved here from reporting's 0004 migration)."""

from django.db import migrations

JOB = {
    "name": "Benachrichtigungen: nicht zugestellte erneut senden",
    "task": "fb15.send_pending_notifications",
    # Every minute: a mail that failed (mail server down) is tried again once its back-off
    # has passed (1, 2, 4 … minutes, at most 6 hours apart); the job itself is cheap when
    # nothing is pending (one indexed query).
    "crontab": {"minute": "*", "hour": "*"},
    # A run not started within 50 seconds is dropped: the next one follows a minute later.
    "expire_seconds": 50,
    "description": "Sendet E-Mails aller Bereiche (Erinnerungen, Eskalationen, Berichts- und "
    "Standardhinweise), deren Versand fehlgeschlagen ist, erneut (mit wachsendem Abstand), "
    "bis der Mailserver sie annimmt.",
}
OLD_TASK = "reporting.send_pending_notifications"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Berlin",
        **JOB["crontab"],
    )
    # The same entry under its old task name (reporting) is taken over, not doubled.
    PeriodicTask.objects.filter(task=OLD_TASK).exclude(name=JOB["name"]).delete()
    PeriodicTask.objects.update_or_create(
        name=JOB["name"],
        defaults={
            "task": JOB["task"],
            "crontab": crontab,
            "expire_seconds": JOB["expire_seconds"],
            "description": JOB["description"],
        },
    )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=JOB["name"], task=JOB["task"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fb15", "0003_notification_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
