"""Load the demo data of every app (idempotent: a second run writes nothing)."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Lädt Demodaten einer Stadtverwaltung (nur mit DEBUG=1; Passwort der Demo-Logins: demo)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demodaten mit bekannten Passwörtern werden nur bei DEBUG=1 angelegt."
            )
        with transaction.atomic():
            # Each app may bring a `demo` module with `seed(log)`; they run in app order.
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if config.path.startswith(str(settings.BASE_DIR)) and find_spec(module_name):
                    import_module(module_name).seed(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demodaten sind vollständig."))
