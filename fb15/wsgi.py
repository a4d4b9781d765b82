"""WSGI entry point (gunicorn fb15.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fb15.settings")
application = get_wsgi_application()
