"""Schedule the nightly refresh of the synergy candidates (needs/tasks.py)."""

from django.db import migrations

JOB = {
    "name": "Synergien: ähnliche Vorhaben neu berechnen",
    "task": "needs.refresh_synergies",
    # Every night at 03:30: an item's own changes are recomputed right after saving; the
    # nightly run catches what those miss (a new item that is now among another need's
    # best matches, changed marks, needs opened or closed) for all open needs.
    "crontab": {"minute": "30", "hour": "3"},
    # A run not started within two hours is dropped: the next night's run does the same.
    "expire_seconds": 2 * 60 * 60,
    "description": "Berechnet für alle offenen Bedarfsmeldungen die ähnlichen Bedarfe, "
    "Maßnahmen und Projekte anderer Fachbereiche, die die Seite „Synergien“ zeigt.",
}


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


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=JOB["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("needs", "0007_synergy_candidates"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
