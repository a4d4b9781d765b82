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
    with django_assert_num_queries(14):  # 13 + the city's settings in the header
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
