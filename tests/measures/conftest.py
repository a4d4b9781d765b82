import datetime

import pytest
from django.utils import timezone

from measures.models import Indicator, Milestone, Risk
from measures.services import ensure_quarter
from tests.factories import GoalFactory, MeasureFactory, ProjectFactory


@pytest.fixture
def periods(db):
    return make_periods()


@pytest.fixture
def world(personas, periods):
    return make_world(personas, periods)


def make_periods() -> dict:
    """The current quarter and the two before it."""
    today = timezone.localdate()
    current = ensure_quarter(today)
    previous = ensure_quarter(current.starts_on - datetime.timedelta(days=1))
    older = ensure_quarter(previous.starts_on - datetime.timedelta(days=1))
    return {"current": current, "previous": previous, "older": older}


def make_world(personas, periods) -> dict:
    """A measure and a project of FB 32 (own for leitung32) and of FB 50 (other)."""
    goal = GoalFactory(title="Alles online")
    objects = {}
    for side, unit in (("own", personas["unit32"]), ("other", personas["unit50"])):
        measure = MeasureFactory(
            goal=goal, owner=unit, title=f"Maßnahme {unit.code}", responsible=unit.lead
        )
        project = ProjectFactory(owner=unit, title=f"Projekt {unit.code}", lead=unit.lead)
        project.measures.add(measure)
        objects[side] = {
            "measure": measure,
            "project": project,
            "milestone": Milestone.objects.create(
                measure=measure, title="Pilot", due_on=datetime.date(2026, 3, 1)
            ),
            "project_milestone": Milestone.objects.create(
                project=project, title="Abnahme", due_on=datetime.date(2026, 6, 1)
            ),
            "indicator": Indicator.objects.create(
                measure=measure,
                name="Online-Anteil",
                unit="%",
                baseline=5,
                target_value=60,
                target_date=datetime.date(2027, 12, 31),
            ),
            "risk": Risk.objects.create(project=project, description="Lieferverzug"),
        }
    return {**personas, **periods, "goal": goal, **objects}
