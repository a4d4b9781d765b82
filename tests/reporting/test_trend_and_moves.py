"""Milestones moved later count as moved dates; the trend over the last quarters; charts with
absolute counts, wrapped labels and unit names — in the report and the Lagebild."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fb15.history import save_with_history
from measures.models import Milestone
from measures.services import file_status_update
from reporting import charts, periods, report_data, services

from .conftest import released_before, report_world
from .test_services import pdf_text, render

pytestmark = pytest.mark.django_db


def test_a_milestone_moved_later_is_a_moved_date_in_the_report_and_the_lagebild(world, client_for):
    measure, strategist = world["measures"][3], world["strategist"]  # unchanged since
    milestone = Milestone.objects.create(
        measure=measure, title="Ausschreibung", due_on=datetime.date(2027, 3, 31)
    )
    earlier = Milestone.objects.create(
        measure=measure, title="Konzept", due_on=datetime.date(2027, 2, 1)
    )
    released_before(world)
    milestone.due_on = datetime.date(2027, 9, 30)
    save_with_history(milestone, actor=strategist)
    earlier.due_on = datetime.date(2027, 1, 15)  # earlier is no bad news: not listed
    save_with_history(earlier, actor=strategist)

    moved = "M-2.1-02 Onlinedienst 2-2: Meilenstein „Ausschreibung“ 31.03.2027 → 30.09.2027"
    text = " ".join(pdf_text(render(services.request_report(actor=None, enqueue=False))).split())
    chapter = text[text.index("die wichtigen zuerst") :]
    assert "Termin verschoben (1)" in chapter and moved in chapter
    assert "Konzept" not in chapter

    page = client_for(world["council"]).get(reverse("report_dashboard")).content.decode()
    assert "Meilenstein „Ausschreibung“ 31.03.2027 → 30.09.2027" in page
    assert "Konzept" not in page


def test_the_trend_counts_the_updates_of_the_last_quarters(world, client_for):
    measures, strategist = world["measures"], world["strategist"]
    for measure in measures[:3]:  # three updates in the previous quarter, one of them red
        file_status_update(
            actor=strategist,
            subject=measure,
            period=world["previous"],
            traffic_light="red" if measure == measures[0] else "green",
            progress=30,
            status="in_progress",
            summary="Früher.",
        )
    data = report_data.gather_report_data(
        period=periods.quarter_period(timezone.localdate()), reporting_period=world["period"]
    )
    previous, current = data.trend[-2:]
    assert (previous.label, previous.counts, previous.average_progress) == (
        world["previous"].label,
        {"red": 1, "green": 2},
        30,
    )
    assert current.label == world["period"].label
    assert current.counts == {"green": 2, "amber": 1, "red": 1}  # the fixture's four updates
    assert current.average_progress == 15  # (0 + 10 + 20 + 30) / 4
    assert len(data.trend) <= 4

    text = " ".join(pdf_text(render(services.request_report(actor=None, enqueue=False))).split())
    assert "Entwicklung je Quartal" in text
    # The key figures come in three groups, each figure with its one-line definition.
    figures = text[text.index("Umsetzung Maßnahmen") : text.index("Kennzahlen unter Zielpfad")]
    assert "Budget Budget geplant" in figures
    assert "Handlungsbedarf Meilensteine überfällig" in figures
    assert "Termin verstrichen, nicht erreicht" in text
    assert "2 grün · 1 gelb · 1 rot · 0 keine Meldung" in text
    assert f"{world['previous'].label} 0 2 1 3 30 %" not in text  # columns: grün gelb rot
    assert f"{world['previous'].label} 2 0 1 3 30 %" in text

    page = client_for(world["council"]).get(reverse("report_dashboard")).content.decode()
    assert "Entwicklung je Quartal (Tabelle)" in page
    assert f"{world['previous'].label} · Ø 30 %" in page  # the chart's bar label


def test_the_trend_is_read_with_a_fixed_number_of_queries(personas, django_assert_num_queries):
    world = report_world(personas, measures_per_goal=12)
    period = periods.quarter_period(timezone.localdate())
    from reporting.trend import quarter_trend

    with django_assert_num_queries(2):
        points = quarter_trend([m.pk for m in world["measures"]], period)
    assert sum(point.total for point in points) == 24


def test_unit_bars_name_the_unit_and_bars_show_absolute_counts(world):
    data = report_data.gather_report_data(
        period=periods.quarter_period(timezone.localdate()), reporting_period=world["period"]
    )
    assert [bar.label for bar in data.light_by_unit] == [
        "FB 32 Sicherheit und Ordnung",
        "FB 50 Soziales und Integration",
    ]
    svg = charts.traffic_light_bars(
        "t",
        "Test",
        [
            charts.LightBar("Digitale Services für Bürgerinnen und Bürger", {"green": 10}),
            charts.LightBar("Kurz", {"green": 2, "red": 3}),
        ],
    )
    # The label wraps between words onto two lines instead of being cut off.
    assert ">Digitale Services für</tspan>" in svg and ">Bürgerinnen und Bürger</tspan>" in svg
    # Absolute: the bar of 5 is half as long as the bar of 10, each total written after it.
    bar = r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="26" fill="#'
    green_ten, green_two, red_three = (float(width) for width in re.findall(bar, svg))
    assert green_ten == pytest.approx(2 * (green_two + red_three), rel=0.01)
    assert ">10</text>" in svg and ">5</text>" in svg
