"""The Celery app. Tasks live in the apps' tasks.py; settings come from CELERY_* in settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fb15.settings")

app = Celery("fb15")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
