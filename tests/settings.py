"""Settings for the test run: the real settings plus the test-only app."""

from fb15.settings import *  # noqa: F403
from fb15.settings import INSTALLED_APPS, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, "tests.restrict_app"]
# Tests never depend on collectstatic having run.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Live-server threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Writes schedule no Lagebild warming, which a later test's worker would pick up; the test of
# it (tests/reporting/test_warming.py) switches it on.
WARM_FIGURES = False
