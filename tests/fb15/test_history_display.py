"""Regressions of the History tab: self-referential links and changes that change nothing."""

import pytest
from django.urls import reverse

from tests.factories import MeasureFactory, TrendFactory

pytestmark = pytest.mark.django_db


def test_a_dependency_on_another_measure_names_that_measure_not_the_measure_itself(
    personas, client_for
):
    measure = MeasureFactory(owner=personas["unit32"], code="M-1", title="Online-Antrag")
    base = MeasureFactory(owner=personas["unit32"], code="M-2", title="Servicekonto")
    measure._history_user = personas["strategist"]
    measure.dependencies.add(base)
    page = client_for(personas["strategist"]).get(reverse("measure_history", args=[measure.pk]))
    content = page.content.decode()
    line = next(li for li in content.split("<li>") if "hängt ab von" in li)
    assert "M-2 Servicekonto" in line
    assert "M-1 Online-Antrag" not in line


def test_linking_a_trend_from_its_side_leaves_no_empty_row_in_the_trend_history(
    personas, client_for
):
    trend = TrendFactory(title="E-Akte")
    measure = MeasureFactory(owner=personas["unit32"])
    trend.measures.add(measure)  # simple-history writes a trend row without any change
    assert trend.history.filter(history_type="~").exists()
    page = client_for(personas["strategist"]).get(reverse("trend_history", args=[trend.pk]))
    content = page.content.decode()
    rows = content.split("<tbody")[1].split("</tbody>")[0]
    assert "angelegt" in rows
    assert "geändert" not in rows, rows
