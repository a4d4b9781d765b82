import datetime
import logging
import os
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from measures.models import Indicator, IndicatorValue, Milestone
from measures.services import ensure_quarter, file_status_update
from tests.factories import (
    FieldOfActionFactory,
    GoalFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Report files go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Unit tests run tasks in-process, also when REDIS_URL is set (the worker test opts out)."""
    from fb15.celery import app

    if "real_worker" in request.keywords:
        yield
        return
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


# The marks of a test with a real worker (the `worker` fixture, or worker processes): Redis
# from REDIS_URL and PostgreSQL, committed transactions, no eager tasks.
REAL_WORKER = [
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
        reason="needs REDIS_URL and PostgreSQL (a worker thread cannot share SQLite in memory)",
    ),
]


@pytest.fixture
def worker(transactional_db):
    """A real Celery worker on Redis in a thread of the test process (same settings)."""
    from celery.contrib.testing.worker import start_worker

    from fb15.celery import app

    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
        yield w


@pytest.fixture
def weasyprint_errors(caplog):
    """WeasyPrint only logs missing lang/alt and blocked URLs: a test must fail on them."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield caplog
    errors = [r for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= 40]
    assert not errors, [r.getMessage() for r in errors]


def report_world(personas, measures_per_goal: int = 2):
    """A strategy with two fields of action; measures of FB 32 and FB 50 with status updates."""
    today = timezone.localdate()
    period = ensure_quarter(today)
    previous = ensure_quarter(period.starts_on - datetime.timedelta(days=1))
    strategy = StrategyFactory()
    fields = [
        FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Services"),
        FieldOfActionFactory(strategy=strategy, position=2, title="Digitale Arbeitswelt"),
    ]
    measures = []
    for field_index, field in enumerate(fields):
        goal = GoalFactory(field_of_action=field, position=1, title=f"Ziel im Feld {field_index}")
        for index in range(measures_per_goal):
            unit = personas["unit32"] if index % 2 == 0 else personas["unit50"]
            measures.append(
                MeasureFactory(
                    goal=goal,
                    code=f"M-{field_index + 1}.1-{index + 1:02d}",
                    title=f"Onlinedienst {field_index + 1}-{index + 1}",
                    owner=unit,
                    budget_planned=Decimal("100000"),
                )
            )
    strategist = personas["strategist"]
    for index, measure in enumerate(measures):
        file_status_update(
            actor=strategist,
            subject=measure,
            period=period,
            traffic_light=("green", "amber", "red")[index % 3],
            progress=10 * (index % 10),
            status="in_progress",
            summary=f"Sachstand Text {measure.code}",
            budget_spent=Decimal("25000"),
        )
    secret = MeasureFactory(
        goal=measures[0].goal, code="M-GEHEIM", title="Geheime Maßnahme", is_confidential=True
    )
    project = ProjectFactory(code="P-2026-01", title="Portal", owner=personas["unit32"])
    project.measures.add(measures[0])
    Milestone.objects.create(
        measure=measures[0], title="Pilot live", due_on=today - datetime.timedelta(days=10)
    )
    indicator = Indicator.objects.create(
        measure=measures[0],
        name="Online-Anteil",
        unit="%",
        baseline=10,
        target_value=80,
        target_date=today + datetime.timedelta(days=300),
    )
    IndicatorValue.objects.create(
        indicator=indicator, measured_on=today - datetime.timedelta(days=200), value=10
    )
    IndicatorValue.objects.create(indicator=indicator, measured_on=today, value=11)
    return {
        **personas,
        "period": period,
        "previous": previous,
        "strategy": strategy,
        "fields": fields,
        "measures": measures,
        "secret": secret,
        "project": project,
    }


@pytest.fixture
def world(personas):
    return report_world(personas)


def released_before(world):
    """A report of the previous quarter, released with the data as of now: the changes of a
    report rendered afterwards count from here."""
    from reporting.models import Report, ReportStatus

    return Report.objects.create(
        period_label=world["previous"].label,
        period_starts_on=world["previous"].starts_on,
        period_ends_on=world["previous"].ends_on,
        status=ReportStatus.DONE,
        released_at=timezone.now(),
        data_as_of=timezone.now(),
    )
