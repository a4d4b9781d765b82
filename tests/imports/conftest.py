"""Spreadsheets for the import tests, written with openpyxl as an office program would."""

from pathlib import Path

import openpyxl
import pytest

from imports.engine import propose_plan, run_import


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Tasks run in-process, also when REDIS_URL is set (the crash tests opt out)."""
    from fb15.celery import app

    if "real_worker" in request.keywords:
        yield
        return
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """`{"Maßnahmen": [headers, row, row]}` as an .xlsx file."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def check(path: Path, actor, values: dict | None = None, write: bool = False, mode: str = "all"):
    """Plan the file as proposed (plus mapped words) and check or write it."""
    plan = propose_plan(path, path.name)
    plan["values"].update(values or {})
    return run_import(path, path.name, plan, actor=actor, write=write, mode=mode)


def rows_of(result, action: str | None = None) -> list[dict]:
    return [row for row in result["rows"] if action is None or row["action"] == action]


def errors_of(result) -> list[str]:
    return [error for row in result["rows"] for error in row["errors"]]


@pytest.fixture
def goals_world(personas):
    from tests.factories import FieldOfActionFactory, GoalFactory, StrategyFactory

    field = FieldOfActionFactory(strategy=StrategyFactory(), position=1, title="Digitale Services")
    return {"1.1": GoalFactory(field_of_action=field, position=1, title="Alles online")}


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST and run what the view queued after commit (the eager worker's dry run/write)."""

    def send(client, url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return send
