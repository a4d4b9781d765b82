"""Schedule the daily expiry of exemptions in django-celery-beat (the one place for it)."""

from django.db import migrations

TASK_NAME = "Ausnahmen: abgelaufene beenden"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Daily at 01:15 Berlin time: an exemption "bis 31.12." holds through that whole day and
    # the cell reads "nicht erfüllt" before anyone starts work on the next morning. 01:15
    # stays clear of the daylight-saving switch (02:00–03:00).
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="1",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Berlin",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "standards.expire_exemptions",
            "crontab": crontab,
            # A run not picked up within 6 hours is dropped: the next day's run catches up
            # (the service ends every exemption whose end lies in the past, not just today's).
            "expire_seconds": 6 * 60 * 60,
            "description": "Beendet genehmigte Ausnahmen nach ihrem letzten Tag und "
            "benachrichtigt die Leitung des Fachbereichs.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
