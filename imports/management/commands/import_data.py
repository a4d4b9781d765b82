"""`manage.py import_data FILE [--dry-run] [--kind KIND] [--user NAME] [--valid-only]`:
the browser's import for scripts and first set-ups, through the same plan, check and write.
A `.json` file is read as a standards catalog in OSCAL (imports/oscal.py)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.engine import PlanError, match_columns, propose_plan, run_import
from imports.files import ImportFileError
from imports.kinds import KINDS
from imports.models import WriteMode
from imports.oscal import OscalError, read_catalog, run_catalog

ACTIONS = {"create": "neu", "update": "geändert", "unchanged": "unverändert", "error": "Fehler"}


class Command(BaseCommand):
    help = (
        "Importiert eine Tabelle (.xlsx, .ods, .csv): Fachbereiche, Personen, Strategie … "
        "oder Standards aus einem OSCAL-Katalog (.json)"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
        parser.add_argument(
            "--kind",
            choices=sorted(KINDS),
            help="Importart für eine Datei mit einer Tabelle (sonst erkannt)",
        )
        parser.add_argument("--user", help="Benutzername, unter dem importiert wird (Historie)")
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="gültige Zeilen übernehmen, fehlerhafte melden",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Die Datei „{path}“ gibt es nicht.")
        actor = self._actor(options["user"])
        if path.suffix.lower() == ".json":
            try:
                catalog = read_catalog(path.read_bytes())
            except OscalError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"OSCAL-Katalog „{catalog.title}“, Version {catalog.version}")
            reason = f"Import aus {path.name}"
            write = not options["dry_run"]
            result = run_catalog(catalog, actor=actor, write=write, reason=reason)
            self._report(result, options)
            return
        try:
            plan = propose_plan(path, path.name)
            if options["kind"]:
                for sheet in plan["sheets"]:
                    sheet["kind"] = options["kind"]
                    sheet["columns"] = match_columns(options["kind"], sheet["headers"])
            mode = WriteMode.VALID_ONLY if options["valid_only"] else WriteMode.ALL
            result = run_import(
                path, path.name, plan, actor=actor, write=not options["dry_run"], mode=mode
            )
        except (ImportFileError, PlanError) as error:
            raise CommandError(str(error)) from error
        for sheet in plan["sheets"]:
            kind = KINDS[sheet["kind"]].label if sheet["kind"] else "nicht importiert"
            self.stdout.write(f"Tabelle „{sheet['name']}“: {kind}")
        self._report(result, options)

    def _report(self, result, options):
        for row in result["rows"]:
            if row["action"] == "unchanged":
                continue
            details = row["errors"] or row["changes"]
            line = f"  {row['sheet']} Zeile {row['row']}: {ACTIONS[row['action']]} {row['label']}"
            self.stdout.write(line + "".join(f"\n    {d}" for d in details))
        for note in result["notes"]:
            self.stdout.write(note)
        for item in result["missing"]:
            self.stdout.write(
                f"Nicht in der Datei (bleibt bestehen): {item['sheet']}: {item['label']}"
            )
        counts = result["counts"]
        summary = ", ".join(f"{counts[a]} {word}" for a, word in ACTIONS.items())
        if result["written"]:
            self.stdout.write(self.style.SUCCESS(f"Übernommen: {summary}."))
        elif options["dry_run"]:
            self.stdout.write(f"Probelauf, nichts gespeichert: {summary}.")
        else:
            raise CommandError(f"Nichts übernommen – die Datei enthält Fehler: {summary}.")

    def _actor(self, username):
        users = get_user_model().objects
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"Einen Benutzer „{username}“ gibt es nicht.")
            return actor
        actor = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("Kein Administrator vorhanden – bitte --user angeben.")
        return actor
