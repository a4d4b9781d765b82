"""Schedule the periodic jobs of the reports in django-celery-beat (the one place for them).

Report schedules (Berichtspläne) get their own entries from `services.sync_schedule`.
"""

from django.db import migrations

JOBS = [
    {
        "name": "Berichte: hängende Erzeugung beenden",
        "task": "reporting.fail_stuck_reports",
        # Every 5 minutes: a report whose worker died shows "fehlgeschlagen" (with a retry
        # button) at most 20 minutes after it started, not an hour later.
        "crontab": {"minute": "*/5", "hour": "*"},
        # A run not started within 4 minutes is dropped: the next one follows anyway.
        "expire_seconds": 4 * 60,
        "description": "Markiert Berichte, die länger als 15 Minuten laufen (oder seit zwei "
        "Stunden warten), als fehlgeschlagen: „Zeitüberschreitung – bitte erneut erzeugen“.",
    },
    {
        "name": "Berichte: Berichtszyklus (Erinnern, Eskalieren, Sperren)",
        "task": "reporting.update_cycle",
        # Daily at 06:45 Berlin time: reminders arrive before the working day starts, and
        # periods whose grace time ended yesterday are locked before anyone reports again.
        # Clear of the daylight-saving switch (02:00–03:00).
        "crontab": {"minute": "45", "hour": "6"},
        # Dropped if not picked up within 6 hours: the next day's run catches up (reminders
        # and escalations are logged by key, so nothing is sent twice).
        "expire_seconds": 6 * 60 * 60,
        "description": "Erinnert Leitungen vor dem Stichtag an fehlende Statusmeldungen, "
        "eskaliert nach der Nachfrist an FB 15 und sperrt abgelaufene Berichtszeiträume.",
    },
]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for job in JOBS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Berlin",
            **job["crontab"],
        )
        PeriodicTask.objects.update_or_create(
            name=job["name"],
            defaults={
                "task": job["task"],
                "crontab": crontab,
                "expire_seconds": job["expire_seconds"],
                "description": job["description"],
            },
        )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[job["name"] for job in JOBS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
