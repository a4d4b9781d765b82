"""fb15: steering a city's digital strategy. Importing the Celery app makes shared_task use it."""

from .celery import app as celery_app

__all__ = ["celery_app"]
