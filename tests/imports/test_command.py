"""`manage.py import_data`: the same import for scripts and first set-ups."""

import pytest
from django.core.management import CommandError, call_command

from imports.exports import template_sheets
from imports.workbooks import write_xlsx
from measures.models import Measure
from tests.imports.conftest import xlsx

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_data", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_what_would_change_and_writes_nothing(personas, tmp_path):
    path = tmp_path / "vorlage.xlsx"
    path.write_bytes(write_xlsx(template_sheets()))

    output = run(str(path), "--dry-run", "--user", "strategie")

    assert "Tabelle „Maßnahmen“: Maßnahmen" in output
    assert "Maßnahmen Zeile 2: neu M-1.1-01 Online-Terminvergabe im Bürgerservice" in output
    assert "Probelauf, nichts gespeichert: 5 neu, 2 geändert" in output
    assert not Measure.objects.exists()


def test_writing_a_file_with_errors_fails_and_valid_only_writes_the_rest(personas, tmp_path):
    from tests.factories import FieldOfActionFactory, GoalFactory, StrategyFactory

    GoalFactory(
        field_of_action=FieldOfActionFactory(strategy=StrategyFactory(), position=1), position=1
    )
    path = xlsx(
        tmp_path / "liste.csv.xlsx",
        {
            "Tabelle1": [
                ["Kennung", "Titel", "Ziel", "Fachbereich"],
                ["M-1", "Gut", "1.1", "FB 32"],
                ["M-2", "Schlecht", "4.4", "FB 32"],
            ]
        },
    )

    with pytest.raises(CommandError, match="Nichts übernommen"):
        run(str(path), "--kind", "measures", "--user", "strategie")
    assert not Measure.objects.exists()

    output = run(str(path), "--kind", "measures", "--user", "strategie", "--valid-only")

    assert "Zeile 3: Spalte „Ziel“: ein Ziel „4.4“ gibt es nicht." in output
    assert list(Measure.objects.values_list("code", flat=True)) == ["M-1"]


def test_a_missing_file_or_user_is_a_clear_error(personas, tmp_path):
    with pytest.raises(CommandError, match="gibt es nicht"):
        run(str(tmp_path / "fehlt.xlsx"))
    path = xlsx(tmp_path / "a.xlsx", {"Maßnahmen": [["Kennung"]]})
    with pytest.raises(CommandError, match="Einen Benutzer „niemand“ gibt es nicht"):
        run(str(path), "--user", "niemand")
