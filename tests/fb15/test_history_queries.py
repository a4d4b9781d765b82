"""The History tab reads a page of records in a fixed number of queries, links included."""

import pytest
from django.urls import reverse

from fb15.history import history_entries
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def busy_measure(personas, saves: int):
    """A measure changed `saves` times: title and traffic light, every third time a link."""
    measure = MeasureFactory(owner=personas["unit32"], code="M-1", title="Online-Antrag")
    others = [
        MeasureFactory(owner=personas["unit32"], code=f"M-9{n}", title=f"Basis {n}")
        for n in range(3)
    ]
    measure._history_user = personas["strategist"]
    for n in range(saves):
        if n % 3 == 0:
            measure.dependencies.add(others[(n // 3) % len(others)])
        measure.title = f"Online-Antrag, Stand {n}"
        measure.traffic_light = ("green", "amber", "red")[n % 3]
        measure._change_reason = f"Änderung {n}"
        measure.save()
    return measure


@pytest.mark.parametrize("saves", [30, 90])
def test_history_page_queries_do_not_grow_with_its_rows(
    personas, client_for, saves, django_assert_num_queries
):
    measure = busy_measure(personas, saves)
    client = client_for(personas["strategist"])
    url = reverse("measure_history", args=[measure.pk])
    client.get(url)  # session and permission caches settle
    # 13 + the city's settings in the header + the history of its Verwaltungsleistungen
    with django_assert_num_queries(15):
        page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert f"Online-Antrag, Stand {saves - 1}" in content
    assert f"Änderung {saves - 1}" in content


def test_history_entries_name_each_link_where_it_was_added(personas):
    measure = busy_measure(personas, 7)
    shown = list(measure.history.order_by("-history_date", "-pk"))
    entries = history_entries(shown, None, user=personas["strategist"])
    added = [
        change.new
        for entry in entries
        for change in entry.changes
        if change.field == "dependencies"
    ]
    # Links were added before saves 0, 3 and 6: each entry lists the links as they then were.
    assert added[0] == "M-90 Basis 0, M-91 Basis 1, M-92 Basis 2"
    assert added[-1] == "M-90 Basis 0"


def _goals(count: int):
    from tests.factories import FieldOfActionFactory, GoalFactory, StrategyFactory

    field = FieldOfActionFactory(strategy=StrategyFactory())
    return [GoalFactory(field_of_action=field, title=f"Ziel {n}") for n in range(count)]


def _changed_often(obj, saves: int, actor, **cycles):
    """Save `obj` `saves` times, each time with the next value of every field in `cycles`."""
    obj._history_user = actor
    for n in range(saves):
        for name, values in cycles.items():
            setattr(obj, name, values[n % len(values)])
        obj._change_reason = f"Änderung {n}"
        obj.save()
    return obj


def history_case(kind: str, personas, saves: int) -> str:
    """The History URL of an object of `kind` saved `saves` times, links to other rows
    (goals, units, fields of action) changing with every save."""
    from tests.factories import ProjectFactory

    actor = personas["strategist"]
    units = [personas["unit32"], personas["unit50"]]
    if kind == "measure":
        goals = _goals(6)
        measure = busy_measure(personas, saves)
        _changed_often(measure, saves, actor, goal=goals, owner=units)
        return reverse("measure_history", args=[measure.pk])
    if kind == "project":
        project = ProjectFactory(owner=units[0])
        _changed_often(project, saves, actor, owner=units, title=[f"P {n}" for n in range(saves)])
        return reverse("project_history", args=[project.pk])
    goals = _goals(2)
    fields = [
        goals[0].field_of_action,
        goals[0].field_of_action.__class__.objects.create(
            strategy=goals[0].field_of_action.strategy, position=9, title="Zweites Feld"
        ),
    ]
    _changed_often(
        goals[0], saves, actor, field_of_action=fields, title=[f"Z {n}" for n in range(saves)]
    )
    return reverse("goal_history", args=[goals[0].pk])


@pytest.mark.parametrize("kind", ["measure", "project", "goal"])
def test_history_pages_read_in_the_same_queries_at_two_sizes(personas, client_for, kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for saves in (30, 90):  # both longer than a page
        url = history_case(kind, personas, saves)
        client = client_for(personas["strategist"])
        client.get(url)  # session and permission caches settle
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        assert f"Änderung {saves - 1}" in page.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 20  # 14, one or three more per linked model
