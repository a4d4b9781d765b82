"""Lists, filters, CSV export, "Mein Fachbereich" with inline updates, and query counts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from measures import services
from measures.models import (
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    Project,
    StatusUpdate,
)
from tests.factories import GoalFactory, MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_list_filters_by_unit_traffic_light_and_flags(world, client_for):
    services.file_status_update(
        actor=world["lead32"],
        subject=world["own"]["measure"],
        period=world["current"],
        traffic_light="red",
        progress=10,
        status="in_progress",
        summary="Verzug",
    )
    client = client_for(world["council"])
    page = client.get(reverse("measure_list"), {"traffic_light": "red"}).content.decode()
    assert "Maßnahme FB 32" in page and "Maßnahme FB 50" not in page
    page = client.get(reverse("measure_list"), {"owner": world["unit50"].pk}).content.decode()
    assert "Maßnahme FB 50" in page and "Maßnahme FB 32" not in page
    page = client.get(reverse("measure_list"), {"flag": "needs_update"}).content.decode()
    assert "Maßnahme FB 50" in page and "Maßnahme FB 32" not in page
    page = client.get(reverse("measure_list"), {"q": "fb 50"}).content.decode()
    assert "Maßnahme FB 50" in page and "Maßnahme FB 32" not in page


def test_measure_without_responsible_person_is_flagged(world, client_for):
    measure = world["other"]["measure"]
    measure.responsible = None
    measure.save()
    client = client_for(world["staff"])
    page = client.get(reverse("measure_list"), {"flag": "unowned"}).content.decode()
    assert "Maßnahme FB 50" in page and "Maßnahme FB 32" not in page
    assert "ohne Verantwortliche" in page


def test_csv_export_has_the_filtered_rows_in_german(world, client_for):
    response = client_for(world["council"]).get(
        reverse("measure_export"), {"owner": world["unit32"].pk}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="Massnahmen.csv"' in response["Content-Disposition"]
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Kennung", "Titel", "Handlungsfeld"]
    assert [row[1] for row in rows[1:]] == ["Maßnahme FB 32"]
    assert rows[1][7] == "geplant" and rows[1][10] == "100000,00"


def test_list_is_sorted_on_request(world, client_for):
    MeasureFactory(goal=world["goal"], owner=world["unit32"], code="A-000", title="Aaa")
    page = client_for(world["staff"]).get(reverse("measure_list"), {"sort": "-code"})
    codes = [m.code for m in page.context["object_list"]]
    assert codes == sorted(codes, reverse=True)


def test_my_unit_lists_what_needs_an_update_and_overdue_milestones(world, client_for):
    page = client_for(world["lead32"]).get(reverse("my_unit")).content.decode()
    assert "Maßnahme FB 32" in page and "Projekt FB 32" in page
    assert "Maßnahme FB 50" not in page
    assert "0 von 2 Statusmeldungen abgegeben" in page
    assert "Pilot" in page  # the overdue milestone of FB 32's measure


def test_inline_status_update_with_htmx_returns_the_updated_card(world, client_for):
    measure = world["own"]["measure"]
    response = client_for(world["lead32"]).post(
        reverse("measure_status", args=[measure.pk]),
        {
            "period": world["current"].pk,
            "traffic_light": "green",
            "progress": "35",
            "status": "in_progress",
            "summary": "Läuft.",
            "budget_spent": "",
            "next": "/mein-fachbereich/",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert f"Gemeldet für {world['current']}" in page and "35 %" in page
    assert StatusUpdate.objects.get(measure=measure).progress == 35


def test_inline_status_update_without_javascript_redirects_back(world, client_for):
    measure = world["own"]["measure"]
    response = client_for(world["lead32"]).post(
        reverse("measure_status", args=[measure.pk]),
        {
            "period": world["current"].pk,
            "traffic_light": "amber",
            "progress": "20",
            "status": "in_progress",
            "summary": "Läuft.",
            "next": "/mein-fachbereich/",
        },
    )
    assert response.status_code == 302 and response.url == "/mein-fachbereich/"


def test_inline_status_errors_come_back_in_the_card(world, client_for):
    measure = world["own"]["measure"]
    response = client_for(world["lead32"]).post(
        reverse("measure_status", args=[measure.pk]),
        {
            "period": world["current"].pk,
            "traffic_light": "amber",
            "progress": "120",
            "status": "in_progress",
            "summary": "",
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 422 and "<html" not in page
    assert "zwischen 0 und 100 % liegen" in page and "zwingend erforderlich" in page


def grow(world, count):
    """`count` more measures and projects of FB 32 with updates, milestones and KPIs (bulk)."""
    goals = [GoalFactory(field_of_action=world["goal"].field_of_action) for _ in range(3)]
    person, period = UserFactory(), world["current"]
    measures = Measure.objects.bulk_create(
        Measure(
            goal=goals[i % 3],
            owner=world["unit32"],
            code=f"G-{i:04d}",
            title=f"Masse {i}",
            responsible=person,
            planned_start=datetime.date(2026, 1, 1),
            traffic_light="green" if i % 2 else "",
            progress=50 if i % 2 else 0,
            last_update_period=period if i % 2 else None,
        )
        for i in range(count)
    )
    Milestone.objects.bulk_create(
        Milestone(measure=m, title="M", due_on=datetime.date(2026, 1, 1)) for m in measures
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            measure=m,
            name="K",
            unit="%",
            baseline=0,
            target_value=10,
            target_date=datetime.date(2027, 1, 1),
        )
        for m in measures
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=k, measured_on=datetime.date(2026, 1, 1), value=3)
        for k in indicators
    )
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            measure=m,
            period=period,
            traffic_light="green",
            progress=50,
            status="in_progress",
            summary="ok",
        )
        for m in measures[1::2]
    )
    projects = Project.objects.bulk_create(
        Project(owner=world["unit32"], lead=world["lead32"], code=f"GP-{i:04d}", title=f"P {i}")
        for i in range(count)
    )
    links = Project.measures.through
    links.objects.bulk_create(
        links(project=p, measure=m) for p, m in zip(projects, measures, strict=True)
    )
    own = world["own"]["measure"]
    own.dependencies.add(*measures[:count])
    links.objects.bulk_create(links(project=p, measure=own) for p in projects)


# Pages that were at their limit got one more for the city's settings in the header.
PAGES = [
    ("measure_list", None, 17),  # + goal names as the reader may see them
    ("project_list", None, 15),
    ("my_unit", None, 26),
    # + goal names as the reader may see them, + prev/next, + comments (count, following),
    # + the boxes of needs: origin, priorities per round (the similar items of other units
    # come in a request of their own, tests/needs/test_synergies.py), + the council papers
    # linked to it, + its Verwaltungsleistungen
    ("measure_detail", "measure", 31),
    # + comments: their count, whether the reader follows; + the boxes of needs
    # + its Verwaltungsleistungen
    ("project_detail", "project", 19),
    ("strategy_detail", None, 16),
]


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize(("name", "key", "limit"), PAGES)
def test_query_count_does_not_grow_with_the_number_of_measures(
    world, client_for, django_assert_max_num_queries, count, name, key, limit
):

    grow(world, count)
    url = reverse(name, args=[world["own"][key].pk]) if key else reverse(name)
    client = client_for(world["lead32"])
    client.get(url)  # warm caches (content types, permissions of the session)
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    assert Measure.objects.count() >= count


def test_trend_and_measure_link_each_other_and_respect_confidentiality(world, client_for):
    from tests.factories import TrendFactory

    trend = TrendFactory(title="Generative KI")
    own, other = world["own"]["measure"], world["other"]["measure"]
    own.trends.add(trend)
    other.trends.add(trend)
    other.is_confidential = True
    other.save()
    page = client_for(world["lead32"]).get(trend.get_absolute_url()).content.decode()
    assert own.title in page and other.title not in page
    page = client_for(world["strategist"]).get(trend.get_absolute_url()).content.decode()
    assert own.title in page and other.title in page
    page = client_for(world["council"]).get(own.get_absolute_url()).content.decode()
    assert "Generative KI" in page


def test_detail_page_flags_a_measure_that_missed_the_last_cycle(world, client_for):
    page = client_for(world["council"]).get(world["own"]["measure"].get_absolute_url())
    assert "überfällig" in page.content.decode().split("Aktueller Stand", 1)[1]


@pytest.mark.parametrize("target", ["javascript:alert(1)", "https://evil.example/"])
def test_status_update_ignores_a_hostile_next(world, client_for, target):
    measure = world["own"]["measure"]
    url = reverse("measure_status", args=[measure.pk])
    body = client_for(world["lead32"]).get(url, {"next": target}).content.decode()
    assert 'value="javascript:' not in body
    assert 'value="https://evil.example/' not in body
