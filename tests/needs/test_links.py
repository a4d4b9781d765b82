"""Verwaltungsleistungen: FB 15's catalogue, linked from needs, measures and projects, and the
shared links (same service, trend, standard) that tie items of different units together."""

from __future__ import annotations

import pytest
from django.urls import reverse

from needs.links import link_names, shared_links
from standards.models import Service
from tests.factories import (
    MeasureFactory,
    NeedFactory,
    ProjectFactory,
    StandardFactory,
    TrendFactory,
)

pytestmark = pytest.mark.django_db


def test_strategy_team_keeps_the_catalogue_with_history_and_german_errors(personas, client_for):
    client = client_for(personas["strategist"])
    response = client.post(
        reverse("service_add"), {"name": "  Wohnsitz   anmelden ", "key": "99115001000000"}
    )
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.name == "Wohnsitz anmelden" and str(service) == (
        "Wohnsitz anmelden (99115001000000)"
    )
    assert service.history.get().history_user == personas["strategist"]
    again = client.post(reverse("service_add"), {"name": "Wohnsitz anmelden"})
    assert again.status_code == 422
    assert "Es gibt bereits eine Verwaltungsleistung mit diesem Namen." in again.content.decode()
    empty = client.post(reverse("service_add"), {"name": "  "})
    assert "Bitte geben Sie die Bezeichnung an." in empty.content.decode()
    assert Service.objects.count() == 1
    assert "Wohnsitz anmelden" in client.get(reverse("service_list")).content.decode()
    lead = client_for(personas["lead32"])
    assert lead.get(reverse("service_list")).status_code == 403
    assert lead.post(reverse("service_add"), {"name": "Gewerbe anmelden"}).status_code == 403


def test_need_measure_and_project_name_their_services_on_form_and_page(personas, client_for):
    service = Service.objects.create(name="Gewerbe anmelden")
    lead = client_for(personas["lead32"])
    response = lead.post(
        reverse("need_add"),
        {
            "owner": personas["unit32"].pk,
            "title": "Gewerbeanmeldung online",
            "problem": "Papierformulare.",
            "benefit": "Schneller.",
            "urgency": "medium",
            "effort": "small",
            "services": [service.pk],
        },
    )
    assert response.status_code == 302
    need = personas["unit32"].needs.get()
    assert list(need.services.all()) == [service]
    assert "Gewerbe anmelden" in lead.get(need.get_absolute_url()).content.decode()
    measure = MeasureFactory(owner=personas["unit32"])
    measure.services.add(service)
    project = ProjectFactory(owner=personas["unit32"])
    project.services.add(service)
    for item in (measure, project):
        page = lead.get(item.get_absolute_url()).content.decode()
        assert "Verwaltungsleistungen" in page and "Gewerbe anmelden" in page
    strategist = client_for(personas["strategist"])
    form = strategist.get(reverse("measure_edit", args=[measure.pk])).context["form"]
    assert list(form.fields["services"].queryset) == [service]


def test_unknown_service_is_a_german_choice_error(personas, client_for):
    response = client_for(personas["lead32"]).post(
        reverse("need_add"),
        {
            "owner": personas["unit32"].pk,
            "title": "Gewerbeanmeldung online",
            "problem": "Papierformulare.",
            "benefit": "Schneller.",
            "urgency": "medium",
            "effort": "small",
            "services": [999999],
        },
    )
    assert response.status_code == 422
    assert "ist keine gültige Auswahl" in response.content.decode()


def test_shared_links_name_service_trend_and_standard_in_german(
    personas, django_assert_max_num_queries
):
    residence = Service.objects.create(name="Wohnsitz anmelden")
    other_service = Service.objects.create(name="Hund anmelden")
    standard = StandardFactory(code="SW-07", title="E-Akte-Basisdienst")
    trend = TrendFactory(title="E-Akte")
    trend.standards.add(standard)
    need = NeedFactory(owner=personas["unit32"])
    need.services.add(residence, other_service)
    need.trends.add(trend)
    measure = MeasureFactory(owner=personas["unit50"])
    measure.services.add(residence)
    measure.trends.add(trend)
    project = ProjectFactory(owner=personas["unit50"])
    project.services.add(residence)
    unrelated = NeedFactory(owner=personas["unit50"])
    assert shared_links(need, measure) == [
        "gleiche Verwaltungsleistung: Wohnsitz anmelden",
        "gleicher Trend: E-Akte",
        "gleicher Standard: SW-07 E-Akte-Basisdienst",
    ]
    assert shared_links(need, project) == ["gleiche Verwaltungsleistung: Wohnsitz anmelden"]
    assert shared_links(need, unrelated) == []
    items = [need, measure, project, unrelated]
    with django_assert_max_num_queries(6):
        names = link_names(items)
    with django_assert_max_num_queries(0):
        assert shared_links(measure, project, names) == [
            "gleiche Verwaltungsleistung: Wohnsitz anmelden"
        ]


def test_service_page_lists_what_each_reader_may_see_about_it(personas, client_for):
    service = Service.objects.create(name="Gewerbe anmelden", key="99050012104000")
    own = NeedFactory(owner=personas["unit32"], title="Gewerbeanmeldung online")
    other = NeedFactory(owner=personas["unit50"], title="Gaststättenerlaubnis digital")
    hidden = NeedFactory(owner=personas["unit50"], title="Geheime Meldung", is_confidential=True)
    measure = MeasureFactory(owner=personas["unit50"], title="Gewerbeportal")
    secret = MeasureFactory(owner=personas["unit50"], title="Vertraulich", is_confidential=True)
    project = ProjectFactory(owner=personas["unit32"], title="Unternehmenskonto")
    for item in (own, other, hidden, measure, secret, project):
        item.services.add(service)
    page = client_for(personas["lead32"]).get(service.get_absolute_url()).content.decode()
    assert "Gewerbe anmelden" in page and "99050012104000" in page
    assert own.get_absolute_url() in page  # its own need: linked
    assert "Gaststättenerlaubnis digital" in page and other.get_absolute_url() not in page
    assert "Geheime Meldung" not in page and "Vertraulich" not in page
    assert measure.get_absolute_url() in page and project.get_absolute_url() in page
    assert "Bedarfsmeldungen zu dieser Leistung (2)" in page
    page = client_for(personas["strategist"]).get(service.get_absolute_url()).content.decode()
    assert "Geheime Meldung" in page and "Vertraulich" in page
    # The item pages link their services here.
    page = client_for(personas["lead32"]).get(project.get_absolute_url()).content.decode()
    assert f'href="{service.get_absolute_url()}"' in page


@pytest.mark.parametrize("count", [2, 20])
def test_service_page_query_count_does_not_grow(
    personas, client_for, django_assert_max_num_queries, count
):
    service = Service.objects.create(name="Wohnsitz anmelden")
    for index in range(count):
        NeedFactory(owner=personas["unit50"], title=f"Meldung {index}").services.add(service)
        MeasureFactory(owner=personas["unit50"], title=f"Maßnahme {index}").services.add(service)
        ProjectFactory(owner=personas["unit50"], title=f"Projekt {index}").services.add(service)
    client = client_for(personas["lead32"])
    client.get(service.get_absolute_url())
    # the page's 9, + per kind (measures, projects): count and rows, + needs: rows, count
    # and which of them the reader may open
    with django_assert_max_num_queries(16):
        response = client.get(service.get_absolute_url())
    assert response.content.decode().count("Meldung ") >= count
