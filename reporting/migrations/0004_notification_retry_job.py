"""Schedule the retry of unsent notifications (next to the jobs of 0002_periodic_jobs)."""

from django.db import migrations

JOB = {
    "name": "Benachrichtigungen: nicht zugestellte erneut senden",
    "task": "reporting.send_pending_notifications",
    # Every minute: a mail that failed (mail server down) is tried again once its back-off
    # has passed (1, 2, 4 … minutes, at most 6 hours apart); the job itself is cheap when
    # nothing is pending (one indexed query).
    "crontab": {"minute": "*", "hour": "*"},
    # A run not started within 50 seconds is dropped: the next one follows a minute later.
    "expire_seconds": 50,
    "description": "Sendet Erinnerungen, Eskalationen und Berichtshinweise, deren Versand "
    "fehlgeschlagen ist, erneut (mit wachsendem Abstand), bis der Mailserver sie annimmt.",
}

SWEEP_DESCRIPTION = (
    "Markiert Berichte als fehlgeschlagen, deren Worker ausgefallen ist und die auch nach der "
    "Sichtbarkeitsfrist des Brokers nicht erneut zugestellt wurden (oder seit zwei Stunden "
    "warten): „Zeitüberschreitung – bitte erneut erzeugen“."
)


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
    PeriodicTask.objects.update_or_create(
        name=JOB["name"],
        defaults={
            "task": JOB["task"],
            "crontab": crontab,
            "expire_seconds": JOB["expire_seconds"],
            "description": JOB["description"],
        },
    )


    # The sweep of reports now follows the lease (see services.fail_stuck_reports).
    PeriodicTask.objects.filter(task="reporting.fail_stuck_reports").update(
        description=SWEEP_DESCRIPTION
    )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=JOB["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_report_lease_notification_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
