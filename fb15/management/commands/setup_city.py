"""Set up an empty instance for a city: its settings, the strategy and the first admin.

Run after `migrate`; running it again updates the settings and the admin (idempotent).
"""

import getpass
import os
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fb15.models import CitySettings, User, city_settings
from fb15.services import set_up_city

PASSWORD_VARIABLE = "FB15_ADMIN_PASSWORD"
OPTION_NAMES = ("city", "office", "email", "logo", "admin_username", "admin_email")


class Command(BaseCommand):
    help = (
        "Richtet die Anwendung für eine Stadt ein: Name, Fachbereich, Kontakt, Logo und das "
        "erste Administrationskonto (Superuser im Strategieteam). Vorher: manage.py migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--city", help="Name der Stadt, z. B. „Stadt Aachen“")
        parser.add_argument("--office", help="Name des steuernden Fachbereichs")
        parser.add_argument("--email", help="Kontakt-E-Mail des Fachbereichs")
        parser.add_argument("--logo", help="Pfad zu einer PNG-, JPEG- oder SVG-Datei")
        parser.add_argument("--admin-username", help="Benutzername des Administrationskontos")
        parser.add_argument("--admin-email", help="E-Mail des Administrationskontos")

    def handle(self, *args, **options):
        current = city_settings()
        given = {name: options[name] for name in OPTION_NAMES}
        password = os.environ.get(PASSWORD_VARIABLE) or None
        if options["interactive"]:
            values, password = self.ask(given, current, password)
        else:
            username = given["admin_username"] or "admin"
            existing = User.objects.filter(username=username).first()
            values = {
                "city": given["city"] or current.city_name,
                "office": given["office"] or current.office_name,
                "email": current.email if given["email"] is None else given["email"],
                "logo": given["logo"] or "",
                "admin_username": username,
                # What is not given stays as it is.
                "admin_email": given["admin_email"]
                if given["admin_email"] is not None
                else (existing.email if existing else ""),
            }
            if existing is None and password is None:
                raise CommandError(
                    f"Kein Passwort für das neue Administrationskonto „"
                    f"{values['admin_username']}“: Bitte die Umgebungsvariable "
                    f"{PASSWORD_VARIABLE} setzen."
                )
        logo_path = Path(values["logo"]).expanduser() if values["logo"] else None
        if logo_path is not None and not logo_path.is_file():
            raise CommandError(f"Die Logo-Datei „{logo_path}“ gibt es nicht.")
        try:
            admin, created = set_up_city(
                city_name=values["city"],
                office_name=values["office"],
                email=values["email"],
                logo_path=logo_path,
                admin_username=values["admin_username"],
                admin_email=values["admin_email"],
                admin_password=password,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        account = "neu angelegt" if created else "bestehendes Konto aktualisiert"
        self.stdout.write(
            self.style.SUCCESS(
                f"„{values['city']}“ ist eingerichtet. Anmeldung als „{admin.username}“ "
                f"({account})."
            )
        )

    def ask(self, values: dict, current: CitySettings, password: str | None):
        """Ask for every value, the options' values as defaults; Enter keeps the default."""
        answers = {
            "city": self.prompt("Name der Stadt", values["city"] or current.city_name),
            "office": self.prompt("Name des Fachbereichs", values["office"] or current.office_name),
            "email": self.prompt("Kontakt-E-Mail", values["email"] or current.email),
            "logo": self.prompt("Logo (Pfad, leer: keins)", values["logo"] or ""),
            "admin_username": self.prompt(
                "Benutzername des Administrationskontos", values["admin_username"] or "admin"
            ),
        }
        existing = User.objects.filter(username=answers["admin_username"]).first()
        answers["admin_email"] = self.prompt(
            "E-Mail des Administrationskontos",
            values["admin_email"] or (existing.email if existing else answers["email"]),
        )
        if password is None:
            password = self.ask_password(answers, keep_allowed=existing is not None)
        return answers, password

    def prompt(self, label: str, default: str) -> str:
        shown = f" [{default}]" if default else ""
        answer = input(f"{label}{shown}: ").strip()
        return answer or default

    def ask_password(self, answers: dict, *, keep_allowed: bool) -> str | None:
        """A new password, typed twice and checked like any other; Enter keeps the old one."""
        hint = " (leer: unverändert)" if keep_allowed else ""
        while True:
            password = getpass.getpass(f"Passwort{hint}: ")
            if not password and keep_allowed:
                return None
            if password != getpass.getpass("Passwort (Wiederholung): "):
                self.stderr.write("Die Passwörter stimmen nicht überein.")
                continue
            user = User(username=answers["admin_username"], email=answers["admin_email"])
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
